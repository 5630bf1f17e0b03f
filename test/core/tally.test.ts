// Home's Today figures as the routing state counts them (server/core/tally.ts): what a rep took, what ended in their
// hands, what was handed over — the same for every console of the rep, and after a restart.
import { describe, expect, it } from "vitest";
import { TALLY_BUCKET_MS, TALLY_KEEP_MS, todayOf } from "../../server/core/tally.js";
import { CoreHarness, rep, supervisor } from "../helpers/core.js";

const HOUR = 3_600_000;

function today(h: CoreHarness, repId: string, since = h.now - 12 * HOUR) {
  const { accepted, ended, transferred } = todayOf(h.state.users[repId], since, h.now);
  return { accepted, ended, transferred };
}

/** A live conversation offered to and accepted by `repId` (the only rep Available); returns its id. */
function accepted(h: CoreHarness, repId: string): string {
  const id = h.start("live");
  h.ok(rep(repId), { type: "accept", offerId: h.offerFor(repId, id)! });
  return id;
}

describe("Today's figures (Home, S7)", () => {
  it("S7: an accepted offer counts as accepted; an end by the rep or by the customer as ended, the wrap-up not again", () => {
    const h = new CoreHarness();
    h.available("alice");
    const first = accepted(h, "alice");
    expect(today(h, "alice")).toEqual({ accepted: 1, ended: 0, transferred: 0 });

    h.ok(rep("alice"), { type: "end", conversationId: first });
    h.ok(rep("alice"), { type: "wrapup", conversationId: first, reasonId: "resolved" });
    expect(today(h, "alice")).toEqual({ accepted: 1, ended: 1, transferred: 0 });

    const second = accepted(h, "alice");
    h.ok(h.customerOf(second), { type: "customer.end", conversationId: second });
    expect(today(h, "alice")).toEqual({ accepted: 2, ended: 2, transferred: 0 });
    expect(today(h, "bob")).toEqual({ accepted: 0, ended: 0, transferred: 0 });
  });

  it("S7, L10, SV6: a transfer counts for the rep it was taken from (theirs or a supervisor's), an accepted transfer for its target", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = accepted(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "rep", id: "bob" } });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });
    expect(today(h, "alice")).toEqual({ accepted: 1, ended: 0, transferred: 1 });
    expect(today(h, "bob")).toEqual({ accepted: 1, ended: 0, transferred: 0 });

    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: id, target: { kind: "queue", id: "billing" } });
    expect(today(h, "bob")).toEqual({ accepted: 1, ended: 0, transferred: 1 });
    // The supervisor has no figures of their own.
    expect(h.state.users.sam!.tally).toBeUndefined();
  });

  it("SV7: a supervisor's transfer to a rep counts once that rep accepts; one they reject leaves it where it was, uncounted", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = accepted(h, "alice");
    h.available("bob");
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: id, target: { kind: "rep", id: "bob" } });
    h.ok(rep("bob"), { type: "reject", offerId: h.offerFor("bob", id)! });
    expect(h.conversation(id).ownerId).toBe("alice");
    expect(today(h, "alice")).toEqual({ accepted: 1, ended: 0, transferred: 0 });

    h.available("bob");
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: id, target: { kind: "rep", id: "bob" } });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });
    expect(h.conversation(id).ownerId).toBe("bob");
    expect(today(h, "alice")).toEqual({ accepted: 1, ended: 0, transferred: 1 });
    expect(today(h, "bob")).toEqual({ accepted: 1, ended: 0, transferred: 0 });
  });

  it("S3, S7: an open item picked counts as accepted", () => {
    const h = new CoreHarness();
    const id = h.start("live");
    h.ok(rep("carol"), { type: "pick", conversationId: id });
    expect(today(h, "carol")).toEqual({ accepted: 1, ended: 0, transferred: 0 });
  });

  it("S7: counted per quarter hour from the asker's midnight; two days are kept and no more", () => {
    const h = new CoreHarness();
    h.now = Date.UTC(2026, 11, 7, 8, 50);
    h.available("alice");
    const early = accepted(h, "alice");
    h.ok(rep("alice"), { type: "end", conversationId: early });
    h.ok(rep("alice"), { type: "wrapup", conversationId: early, reasonId: "resolved" });
    h.now = Date.UTC(2026, 11, 7, 9, 5);
    accepted(h, "alice");
    // From 09:00 (a midnight three hours east of here, say): the quarter hour from 08:45 is not counted.
    expect(todayOf(h.state.users.alice, Date.UTC(2026, 11, 7, 9), h.now)).toEqual({
      since: Date.UTC(2026, 11, 7, 9),
      accepted: 1,
      ended: 0,
      transferred: 0,
    });
    expect(h.state.users.alice!.tally!.map((b) => b.at)).toEqual([
      Date.UTC(2026, 11, 7, 8, 45),
      Date.UTC(2026, 11, 7, 9, 0),
    ]);

    // Two days on, the old buckets go when the next is added; asking from further back than kept answers from then.
    h.now += TALLY_KEEP_MS;
    const later = accepted(h, "alice");
    h.ok(rep("alice"), { type: "end", conversationId: later });
    expect(h.state.users.alice!.tally).toEqual([
      { at: h.now - (h.now % TALLY_BUCKET_MS), accepted: 1, ended: 1, transferred: 0 },
    ]);
    expect(todayOf(h.state.users.alice, 0, h.now).since).toBe(h.now - TALLY_KEEP_MS + TALLY_BUCKET_MS);
  });
});
