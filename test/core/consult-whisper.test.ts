// Consult and whisper (issue 14): a rep asks a colleague or a supervisor to consult; the consultant sees the thread,
// writes to the rep only and holds no capacity; a supervisor who monitors whispers to the rep. Both are staff-only
// lines (notes with a kind): the customer never sees them.
import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../server/core/model.js";
import { changesFor } from "../../server/core/changes.js";
import { userView } from "../../server/core/org-views.js";
import { snapshot } from "../../server/core/snapshot.js";
import { canSee } from "../../server/core/viewer.js";
import type { Viewer } from "../../server/core/viewer.js";
import { CoreHarness, rep, supervisor, testOrg } from "../helpers/core.js";

function handled(h: CoreHarness, repId: string): string {
  h.available(repId);
  const id = h.start("live", "My parcel never arrived");
  h.ok(rep(repId), { type: "accept", offerId: h.offerFor(repId, id)! });
  return id;
}

function last(h: CoreHarness, type: DomainEvent["type"]): DomainEvent {
  return h.events(type).at(-1)!;
}

describe("consult", () => {
  it("a rep asks a busy colleague to consult: an offer that costs nothing; once accepted they see the thread and hold no capacity", () => {
    const h = new CoreHarness();
    const id = handled(h, "alice");
    h.ok(rep("bob"), { type: "presence", presence: "busy" });
    const result = h.ok(rep("alice"), { type: "consult", conversationId: id, repId: "bob" });
    const offerId = h.offerFor("bob", id)!;
    expect(result).toEqual({ conversationId: id, offerId });
    expect(h.state.offers[offerId]).toMatchObject({ kind: "consult", repId: "bob", byId: "alice" });
    expect(h.used("bob")).toBe(0);
    // The offer shows Bob the thread he is asked about.
    const offered = changesFor(h.state, last(h, "offered"), { role: "rep", id: "bob" }, new Set());
    expect(offered.find((c) => c.kind === "offer")).toMatchObject({
      offer: { kind: "consult", byName: "Alice Moreau" },
    });

    h.ok(rep("bob"), { type: "accept", offerId });
    expect(h.conversation(id).consultants).toEqual(["bob"]);
    expect(h.state.users.bob!.items[id]).toBeUndefined();
    expect(userView(h.state.users.bob!)).toMatchObject({ used: 0, conversations: 0, presence: "busy" });
    // The owner keeps the conversation and its capacity.
    expect(h.conversation(id).ownerId).toBe("alice");
    expect(h.used("alice")).toBe(1);
    const bob = snapshot(h.state, { role: "rep", id: "bob" }).conversations.find((c) => c.id === id)!;
    expect(bob.messages?.map((m) => m.text)).toContain("My parcel never arrived");
    expect(bob.consultants).toEqual(["bob"]);
  });

  it("the rep who asked is told when the consultant joins and when they leave of their own accord, not when she ends it", () => {
    const h = new CoreHarness();
    const id = handled(h, "alice");
    h.available("bob", "carol");
    const notices = (event: DomainEvent) =>
      changesFor(h.state, event, { role: "rep", id: "alice" }, new Set([id])).filter((c) => c.kind === "notice");

    h.ok(rep("alice"), { type: "consult", conversationId: id, repId: "bob" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });
    expect(notices(last(h, "consultant_added"))).toEqual([
      {
        kind: "notice",
        code: "consult_joined",
        text: "Bob Okafor joined the consult on Visitor 1: what they write reaches you only.",
        conversationId: id,
      },
    ]);
    h.ok(rep("bob"), { type: "end_consult", conversationId: id });
    expect(notices(last(h, "consultant_left"))).toEqual([
      { kind: "notice", code: "consult_left", text: "Bob Okafor left the consult on Visitor 1.", conversationId: id },
    ]);

    // Ended by Alice herself: she knows; only the consultant is told.
    h.ok(rep("alice"), { type: "consult", conversationId: id, repId: "carol" });
    h.ok(rep("carol"), { type: "accept", offerId: h.offerFor("carol", id)! });
    h.ok(rep("alice"), { type: "end_consult", conversationId: id, repId: "carol" });
    expect(notices(last(h, "consultant_left"))).toEqual([]);
  });

  it("the consultant writes to the rep only: a consult line in the notes, never a message, never to the customer", () => {
    const h = new CoreHarness();
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "consult", conversationId: id, repId: "bob" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });
    // A consultant cannot write to the customer.
    expect(h.refused(rep("bob"), { type: "message", conversationId: id, text: "Hi there" })).toBe(
      "conversation/not_yours",
    );
    h.ok(rep("bob"), { type: "note", conversationId: id, text: "Offer the courier claim form" });
    // The rep answers with a note: the consultant sees it, as an ordinary note.
    h.ok(rep("alice"), { type: "note", conversationId: id, text: "Thanks, doing it" });
    expect(h.conversation(id).notes!.map((n) => [n.author.id, n.kind ?? "note", n.text])).toEqual([
      ["bob", "consult", "Offer the courier claim form"],
      ["alice", "note", "Thanks, doing it"],
    ]);
    const consultLine = h.events("note_added")[0]!;
    expect(changesFor(h.state, consultLine, { role: "rep", id: "alice" }, new Set([id]))).toEqual([
      {
        kind: "note",
        conversationId: id,
        note: { ...h.conversation(id).notes![0]!, author: { ...h.conversation(id).notes![0]!.author } },
      },
    ]);
    const customer: Viewer = { role: "customer", key: h.conversation(id).customer.key };
    for (const event of h.log) {
      const seen = JSON.stringify(changesFor(h.state, event, customer, new Set([id])));
      expect(seen).not.toContain("courier claim");
      expect(seen).not.toContain("consult");
    }
    expect(JSON.stringify(snapshot(h.state, customer))).not.toMatch(/courier claim|consult|Bob/);
  });

  it("the consultant leaves, or the rep ends the consult: they no longer see it and are told", () => {
    const h = new CoreHarness();
    const id = handled(h, "alice");
    h.available("bob", "carol");
    h.ok(rep("alice"), { type: "consult", conversationId: id, repId: "bob" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });
    h.ok(rep("bob"), { type: "end_consult", conversationId: id });
    expect(h.conversation(id).consultants).toEqual([]);
    expect(canSee(h.state, { role: "rep", id: "bob" }, h.conversation(id))).toBe(false);
    expect(changesFor(h.state, last(h, "consultant_left"), { role: "rep", id: "bob" }, new Set([id]))).toEqual([
      { kind: "gone", conversationId: id },
      { kind: "notice", code: "consult_ended", text: "You left the consult on Visitor 1.", conversationId: id },
    ]);
    // Once gone, a consultant's note is refused.
    expect(h.refused(rep("bob"), { type: "note", conversationId: id, text: "one more thing" })).toBe(
      "conversation/not_yours",
    );

    h.ok(rep("alice"), { type: "consult", conversationId: id, repId: "carol" });
    h.ok(rep("carol"), { type: "accept", offerId: h.offerFor("carol", id)! });
    expect(h.refused(rep("bob"), { type: "end_consult", conversationId: id, repId: "carol" })).toBe(
      "conversation/not_yours",
    );
    h.ok(rep("alice"), { type: "end_consult", conversationId: id, repId: "carol" });
    expect(changesFor(h.state, last(h, "consultant_left"), { role: "rep", id: "carol" }, new Set([id]))).toEqual([
      { kind: "gone", conversationId: id },
      {
        kind: "notice",
        code: "consult_ended",
        text: "Alice Moreau ended your consult on Visitor 1.",
        conversationId: id,
      },
    ]);
    expect(h.refused(rep("alice"), { type: "end_consult", conversationId: id, repId: "carol" })).toBe(
      "consult/not_consulting",
    );
  });

  it("a request can be declined, withdrawn, or left to time out, which sets nobody RONA", () => {
    const h = new CoreHarness();
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "consult", conversationId: id, repId: "bob" });
    h.ok(rep("bob"), { type: "reject", offerId: h.offerFor("bob", id)! });
    expect(h.conversation(id).consultants).toEqual([]);
    expect(h.presence("bob")).toBe("available");
    h.ok(rep("alice"), { type: "consult", conversationId: id, repId: "bob" });
    h.ok(rep("alice"), { type: "end_consult", conversationId: id, repId: "bob" });
    expect(h.offerFor("bob", id)).toBeUndefined();
    h.ok(rep("alice"), { type: "consult", conversationId: id, repId: "bob" });
    h.advance(31_000);
    expect(h.offerFor("bob", id)).toBeUndefined();
    expect(h.presence("bob")).toBe("available");
    // The conversation stayed with Alice throughout.
    expect(h.conversation(id)).toMatchObject({ ownerId: "alice", state: "active" });
  });

  it("who may ask whom: the owner, for an Active conversation, someone Available or Busy not already in it", () => {
    const h = new CoreHarness();
    const id = handled(h, "alice");
    h.available("carol");
    expect(h.refused(rep("bob"), { type: "consult", conversationId: id, repId: "carol" })).toBe(
      "conversation/not_yours",
    );
    expect(h.refused(rep("alice"), { type: "consult", conversationId: id, repId: "alice" })).toBe(
      "transfer/invalid_target",
    );
    // Bob is Offline.
    expect(h.refused(rep("alice"), { type: "consult", conversationId: id, repId: "bob" })).toBe("rep/unavailable");
    expect(h.refused(rep("alice"), { type: "consult", conversationId: id, repId: "nobody" })).toBe("rep/not_found");
    h.ok(rep("alice"), { type: "consult", conversationId: id, repId: "carol" });
    // Asked twice: Carol already holds the request.
    expect(h.refused(rep("alice"), { type: "consult", conversationId: id, repId: "carol" })).toBe(
      "transfer/invalid_target",
    );
    // A supervisor can be consulted too (Sam has no capacity at all: a consult needs none).
    h.ok(supervisor(), { type: "presence", presence: "available" });
    h.ok(rep("alice"), { type: "consult", conversationId: id, repId: "sam" });
    h.ok(supervisor(), { type: "accept", offerId: h.offerFor("sam", id)! });
    expect(h.conversation(id).consultants).toEqual(["sam"]);
    h.ok(rep("alice"), { type: "end", conversationId: id });
    // Ending withdrew Carol's request; the conversation is no longer Active.
    expect(h.offerFor("carol", id)).toBeUndefined();
    expect(h.refused(rep("alice"), { type: "consult", conversationId: id, repId: "carol" })).toBe(
      "conversation/not_active",
    );
  });
});

describe("whisper", () => {
  it("SV4: a supervisor monitoring a conversation whispers to its rep: a whisper line, never to the customer", () => {
    const h = new CoreHarness();
    const id = handled(h, "alice");
    expect(h.refused(supervisor(), { type: "whisper", conversationId: id, text: "Offer a refund" })).toBe(
      "supervisor/not_joined",
    );
    h.ok(supervisor(), { type: "monitor", conversationId: id, mode: "monitor" });
    expect(h.ok(supervisor(), { type: "whisper", conversationId: id, text: "Offer a refund" })).toEqual({
      conversationId: id,
      noteId: "n1",
    });
    const note = h.conversation(id).notes![0]!;
    expect(note).toEqual({
      id: "n1",
      at: h.now,
      author: { role: "supervisor", id: "sam", name: "Sam Rivera" },
      text: "Offer a refund",
      kind: "whisper",
    });
    const event = last(h, "note_added");
    expect(changesFor(h.state, event, { role: "rep", id: "alice" }, new Set([id]))).toEqual([
      { kind: "note", conversationId: id, note: { ...note, author: { ...note.author } } },
    ]);
    const customer: Viewer = { role: "customer", key: h.conversation(id).customer.key };
    expect(changesFor(h.state, event, customer, new Set([id]))).toEqual([]);
    expect(JSON.stringify(changesFor(h.state, event, customer, new Set()))).not.toContain("refund");
    expect(JSON.stringify(snapshot(h.state, customer))).not.toContain("refund");
    // Nothing was written to the customer's thread.
    expect(h.conversation(id).messages.some((m) => m.text.includes("refund"))).toBe(false);
  });

  it("SV2: no whisper where the org turns monitoring off; reps cannot whisper; only to an Active conversation's rep", () => {
    const h = new CoreHarness();
    const id = handled(h, "alice");
    h.ok(supervisor(), { type: "monitor", conversationId: id, mode: "join" });
    expect(h.refused(rep("bob"), { type: "whisper", conversationId: id, text: "psst" })).toBe("auth/forbidden");
    h.ok(supervisor(), { type: "whisper", conversationId: id, text: "Joined, still just for you" });
    h.ok(
      { role: "admin" },
      {
        type: "configure",
        org: testOrg({ supervisor: { monitor: false, assign: true, transfer: true, forceClose: true } }),
      },
    );
    expect(h.refused(supervisor(), { type: "whisper", conversationId: id, text: "psst" })).toBe(
      "supervisor/monitor_disabled",
    );
    h.ok({ role: "admin" }, { type: "configure", org: testOrg() });
    h.ok(rep("alice"), { type: "end", conversationId: id });
    expect(h.refused(supervisor(), { type: "whisper", conversationId: id, text: "psst" })).toBe(
      "conversation/not_active",
    );
    expect(h.conversation(id).notes!.map((n) => n.text)).toEqual(["Joined, still just for you"]);
  });
});
