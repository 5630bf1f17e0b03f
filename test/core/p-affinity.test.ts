// SPEC P10–P12 on the routing core: affinity of persistent workstreams, returning conversations,
// and auto-assignment of returning conversations.
import { describe, expect, it } from "vitest";
import { OrgFileError, parseOrgFile, toOrg } from "../../server/org-file.js";
import { CoreHarness, rep, testOrg, testWorkstream } from "../helpers/core.js";
import { DAY, HOUR, accept, eventsOf, signedIn } from "./p-helpers.js";

/**
 * alice took customer c-1's persistent chat and parked it in Waiting. bob is Available too, and
 * idle for longer than alice (she last worked after he became Available).
 */
function parkedWithAlice(h: CoreHarness): string {
  h.available("alice");
  h.advance(1000);
  h.available("bob");
  h.advance(1000);
  const id = h.start("persistent", "hi", { id: "c-1" });
  accept(h, "alice", id);
  h.ok(rep("alice"), { type: "close", conversationId: id });
  return id;
}

/** Org file fields the schema requires; only the workstreams vary. */
function orgFile(workstreams: unknown[]): unknown {
  return {
    name: "P10 Org",
    secret: "s".repeat(32),
    queues: [{ id: "billing", name: "Billing" }],
    workstreams,
    users: [{ id: "alice", name: "Alice", queues: ["billing"], token: "t".repeat(16) }],
    wrapUpReasons: [{ id: "resolved", label: "Resolved" }],
  };
}

describe("SPEC P10: persistent workstreams have affinity on", () => {
  it("SPEC P10: a persistent workstream in the org file gets affinity on by default, and a live one off", () => {
    // given an org file that does not mention affinity
    const file = orgFile([
      { id: "p", name: "Persistent", mode: "persistent", queue: "billing" },
      { id: "l", name: "Live", mode: "live", queue: "billing" },
    ]);

    // when it is loaded into the routing core's org
    const org = toOrg(parseOrgFile(file));

    // then the persistent workstream keeps the same rep and the live one does not
    expect(org.workstreams.map((w) => [w.id, w.mode, w.affinity])).toEqual([
      ["p", "persistent", true],
      ["l", "live", false],
    ]);
  });

  it("SPEC P10: an org file that turns affinity off on a persistent workstream is refused", () => {
    // given an org file with a persistent workstream without affinity
    const file = orgFile([{ id: "p", name: "Persistent", mode: "persistent", queue: "billing", affinity: false }]);

    // when it is loaded
    // then it is refused, naming the rule
    expect(() => parseOrgFile(file)).toThrow(OrgFileError);
    expect(() => parseOrgFile(file)).toThrow(/persistent workstream "p" must keep affinity on/);
  });

  it("SPEC P10: the returning persistent conversation goes to its rep even when another rep has been idle longer", () => {
    // given a persistent conversation alice parked, and bob Available and idle since before alice
    const h = new CoreHarness();
    const id = parkedWithAlice(h);
    expect(h.state.users.bob!.idleSince).toBeLessThan(h.state.users.alice!.idleSince);

    // when the customer comes back
    h.advance(HOUR);
    h.start("persistent", "back", { id: "c-1" });

    // then it is offered to alice, not to the longest-idle bob
    expect(h.offerFor("alice", id)).toBeDefined();
    expect(h.offerFor("bob")).toBeUndefined();
  });
});

describe("SPEC P11: a returning conversation is offered to the same rep, or to another one if that rep cannot accept", () => {
  it("SPEC P11: with affinity on, the returning conversation is offered to the same rep", () => {
    // given a persistent conversation alice handled and parked, and alice and bob Available
    const h = new CoreHarness();
    const id = parkedWithAlice(h);

    // when the customer comes back two days later
    h.advance(2 * DAY);
    h.ok(signedIn("c-1"), { type: "customer.message", conversationId: id, text: "back" });

    // then alice gets the offer and takes the conversation back
    accept(h, "alice", id);
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice" });
  });

  for (const presence of ["away", "offline"] as const) {
    it(`SPEC P11: when the same rep is ${presence === "away" ? "Away" : "Offline"}, the returning conversation goes to another rep`, () => {
      // given a persistent conversation alice parked, and alice has since gone <presence>
      const h = new CoreHarness();
      const id = parkedWithAlice(h);
      h.ok(rep("alice"), { type: "presence", presence });

      // when the customer comes back
      h.advance(HOUR);
      h.start("persistent", "back", { id: "c-1" });

      // then it is offered to bob, who can take it
      expect(h.offerFor("alice")).toBeUndefined();
      accept(h, "bob", id);
      expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "bob" });
    });
  }

  it("SPEC P11: if the same rep lets the returning offer time out, it goes to another rep", () => {
    // given a returning conversation offered to alice by affinity
    const h = new CoreHarness();
    const id = parkedWithAlice(h);
    h.start("persistent", "back", { id: "c-1" });
    expect(h.offerFor("alice", id)).toBeDefined();

    // when the offer times out
    h.advance(30_000);

    // then bob is offered it
    expect(h.offerFor("bob", id)).toBeDefined();
  });

  it("SPEC P11: without affinity (a live-style workstream) the longest-idle rep is offered instead", () => {
    // given a workstream with affinity off (P10 forbids this for persistent in the org file; the core still honours the flag)
    const h = new CoreHarness(
      testOrg({
        workstreams: [testWorkstream({ id: "persistent", mode: "persistent", queueId: "billing", affinity: false })],
      }),
    );
    const id = parkedWithAlice(h);

    // when the customer comes back
    h.start("persistent", "back", { id: "c-1" });

    // then bob, idle for longer, is offered it: affinity is what keeps the same rep
    expect(h.offerFor("bob", id)).toBeDefined();
    expect(h.offerFor("alice")).toBeUndefined();
  });
});

describe("SPEC P12: auto-assign of returning conversations", () => {
  const autoOrg = () =>
    testOrg({
      workstreams: [
        testWorkstream({ id: "live", mode: "live", queueId: "general" }),
        testWorkstream({ id: "persistent", mode: "persistent", queueId: "billing", autoAssignReturning: true }),
      ],
    });

  it("SPEC P12: a returning conversation is assigned straight to the same rep, with no offer to accept", () => {
    // given a workstream that auto-assigns returning conversations, and a conversation alice parked
    const h = new CoreHarness(autoOrg());
    const id = parkedWithAlice(h);

    // when the customer comes back
    const events = eventsOf(h, signedIn("c-1"), { type: "customer.message", conversationId: id, text: "back" });

    // then it is Active with alice at once, costing her capacity, and nobody got an offer
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice" });
    expect(events.filter((e) => e.type === "offered")).toEqual([]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: "assigned", conversationId: id, repId: "alice", by: "auto" }),
    );
    expect(h.used("alice")).toBe(1);
    expect(h.offerFor("alice")).toBeUndefined();
    expect(h.offerFor("bob")).toBeUndefined();
  });

  // Caveat (SPEC P12), documented here on purpose: auto-assignment does not look at presence. If the
  // rep is Offline (or Away) when the customer returns, the conversation is assigned to them anyway
  // and stays with them for as long as they are gone; nothing moves it to another rep. A supervisor
  // can transfer it (SV6), or the rep picks it up when they are back.
  it("SPEC P12: caveat — a returning conversation is auto-assigned even to an Offline rep and stays with them", () => {
    // given auto-assign on, a conversation alice parked, and alice Offline while bob is Available
    const h = new CoreHarness(autoOrg());
    const id = parkedWithAlice(h);
    h.ok(rep("alice"), { type: "presence", presence: "offline" });

    // when the customer comes back
    h.start("persistent", "back", { id: "c-1" });

    // then it is assigned to the offline alice, not to bob
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice" });
    expect(h.presence("alice")).toBe("offline");
    expect(h.offerFor("bob")).toBeUndefined();

    // when a week passes without alice coming back
    h.advance(7 * DAY);

    // then the chat is still assigned to her
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice" });
  });

  it("SPEC P12: when the same rep has no free capacity, the returning conversation is routed with an offer instead", () => {
    // given auto-assign on, a conversation alice parked, and alice then filled her 2 units with live chats
    const h = new CoreHarness(autoOrg());
    const id = parkedWithAlice(h);
    h.ok(rep("bob"), { type: "presence", presence: "busy" });
    accept(h, "alice", h.start("live", "a"));
    accept(h, "alice", h.start("live", "b"));
    h.available("bob");

    // when the customer comes back
    h.start("persistent", "back", { id: "c-1" });

    // then it is not forced onto alice; bob is offered it
    expect(h.conversation(id).state).toBe("open");
    expect(h.offerFor("bob", id)).toBeDefined();
  });

  it("SPEC P12: without auto-assign, the returning conversation needs the rep to accept an offer", () => {
    // given the default workstream (auto-assign off) and a conversation alice parked
    const h = new CoreHarness();
    const id = parkedWithAlice(h);

    // when the customer comes back
    h.start("persistent", "back", { id: "c-1" });

    // then it waits for alice to accept
    expect(h.conversation(id)).toMatchObject({ state: "open", ownerId: null });
    expect(h.offerFor("alice", id)).toBeDefined();
  });
});
