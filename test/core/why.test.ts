// `why` on the routing core: each rep's verdict at each routing decision, recomputed from the log by the selection
// that decided (SPEC L2, L10, P2, P11, SV5).
import { describe, expect, it } from "vitest";
import { evolve, initialState } from "../../server/core/evolve.js";
import type { Org } from "../../server/core/org.js";
import { WhyFold } from "../../server/core/why.js";
import { decisionHeadline } from "../../src/protocol/why.js";
import type { RoutingDecision, WhyAnswer } from "../../src/protocol/why.js";
import { CoreHarness, rep, supervisor, testOrg, testWorkstream } from "../helpers/core.js";
import { OFFICE_HOURS, accept, signedIn } from "./p-helpers.js";

/**
 * The answer for `id`: the harness's log folded from the start through evolve. Every routing decision must name the
 * rep the log says was offered: the explanation is the selection that decided, not a copy of it.
 */
function why(h: CoreHarness, org: Org, id: string): WhyAnswer {
  const state = initialState(org);
  const fold = new WhyFold(id);
  for (const event of h.log) {
    fold.see(state, event);
    if (event.type === "offered" && event.offer.kind === "route" && event.offer.conversationId === id) {
      const decision = fold.answer(state, h.now)!.decisions.find((d) => d.seq === event.seq)!;
      expect(decision.chosen?.repId).toBe(event.offer.repId);
    }
    evolve(state, event);
  }
  return fold.answer(state, h.now)!;
}

/** Each rep's verdict of a decision, in its ranked order. */
function verdicts(decision: RoutingDecision): [string, string | null][] {
  return decision.reps.map((r) => [r.repId, r.passedOver]);
}

function harness(overrides: Partial<Org> = {}): { h: CoreHarness; org: Org } {
  const org = testOrg(overrides);
  return { h: new CoreHarness(org), org };
}

describe("why: each rep's verdict at a routing decision", () => {
  it("SPEC L2: a rep who is not Available is passed over for their presence, and the rest of the queue is named", () => {
    // given alice Available, bob Away and carol Offline
    const { h, org } = harness();
    h.available("alice");
    h.ok(rep("bob"), { type: "presence", presence: "away" });

    // when a live conversation arrives
    const id = h.start("live");

    // then it went to alice, the only eligible rep; bob and carol were passed over for their presence
    const [decision] = why(h, org, id).decisions;
    expect(decision!.chosen).toEqual({ repId: "alice", by: "longest_idle", override: false });
    expect(verdicts(decision!)).toEqual([
      ["alice", null],
      ["bob", "presence"],
      ["carol", "presence"],
    ]);
    expect(decision!.reps.find((r) => r.repId === "bob")!.presence).toBe("away");
    expect(decision!.reps.find((r) => r.repId === "carol")!.presence).toBe("offline");
  });

  it("SPEC L2: a full rep is passed over for capacity, with the units in use", () => {
    // given alice, idle longest, already handling two conversations (her capacity), and bob Available
    const { h, org } = harness({ autoBusyAtCapacity: false });
    h.available("alice");
    h.advance(1000);
    h.available("bob");
    for (let i = 0; i < 2; i++) accept(h, "alice", h.start("live"));
    h.advance(1000);
    // bob went Available later, but took nothing: alice is still the longer idle of the two until she got work
    const id = h.start("live");

    // then the third went to bob: alice had no room
    const decisions = why(h, org, id).decisions;
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.chosen?.repId).toBe("bob");
    const alice = decisions[0]!.reps.find((r) => r.repId === "alice")!;
    expect([alice.passedOver, alice.used, alice.capacity]).toEqual(["capacity", 2, 2]);
  });

  it("SPEC L10: a rep who rejected it is passed over as having declined it at the next decision", () => {
    // given alice (idle longest) and bob Available, and a conversation offered to alice
    const { h, org } = harness();
    h.available("alice");
    h.advance(1000);
    h.available("bob");
    const id = h.start("live");

    // when alice rejects it
    h.ok(rep("alice"), { type: "reject", offerId: h.offerFor("alice", id)! });

    // then the first decision chose alice as the longest idle, bob passed over for it; the second chose bob,
    // alice passed over for having declined it
    const [first, second] = why(h, org, id).decisions;
    expect(first!.chosen?.by).toBe("longest_idle");
    expect(verdicts(first!)).toEqual([
      ["alice", null],
      ["bob", "longer_idle"],
      ["carol", "presence"],
    ]);
    expect(second!.chosen).toEqual({ repId: "bob", by: "longest_idle", override: false });
    expect(verdicts(second!)).toEqual([
      ["bob", null],
      ["alice", "declined"],
      ["carol", "presence"],
    ]);
  });

  it("a rep not in the conversation's queue is passed over as not in the queue; a supervisor with no queues is not listed", () => {
    // given carol (general only) Available and the billing queue's reps away
    const { h, org } = harness();
    h.available("carol");

    // when an authenticated customer writes on the persistent workstream (queue billing)
    const id = h.start("persistent", "hi", { id: "c-1" });

    // then nobody has it now: carol is not in billing, alice and bob are Offline; sam is no rep and not listed
    const answer = why(h, org, id);
    expect(answer.state).toBe("open");
    const [now] = answer.decisions;
    expect(now!.seq).toBeNull();
    expect(now!.chosen).toBeNull();
    expect(verdicts(now!)).toEqual([
      ["alice", "presence"],
      ["bob", "presence"],
      ["carol", "not_in_queue"],
    ]);
  });

  it("SPEC P11: with affinity the previous owner is chosen, and a rep idle longer is passed over for affinity", () => {
    // given alice took a persistent conversation and parked it in Waiting; bob has been Available longer
    const { h, org } = harness();
    h.available("bob");
    h.advance(1000);
    h.available("alice");
    h.advance(1000);
    const id = h.start("persistent", "hi", { id: "c-1" });
    accept(h, "bob", id);
    h.ok(rep("bob"), { type: "close", conversationId: id });
    h.advance(1000);
    h.available("carol");

    // when the customer comes back and writes again
    h.ok(signedIn("c-1"), { type: "customer.message", conversationId: id, text: "me again" });

    // then the return was offered to bob by affinity; alice, eligible, was passed over for it
    const decisions = why(h, org, id).decisions;
    const last = decisions[decisions.length - 1]!;
    expect(last.chosen).toEqual({ repId: "bob", by: "affinity", override: false });
    expect(verdicts(last)).toEqual([
      ["bob", null],
      ["alice", "affinity"],
      ["carol", "not_in_queue"],
    ]);
  });

  it("SPEC P2: outside the workstream's hours nobody is offered it, and the free reps say so", () => {
    // given a persistent workstream open 09:00–17:00 on weekdays, a Tuesday evening, and alice Available
    const org = testOrg({
      workstreams: [
        testWorkstream({ id: "live", mode: "live", queueId: "general" }),
        testWorkstream({ id: "persistent", mode: "persistent", queueId: "billing", operatingHours: OFFICE_HOURS }),
      ],
    });
    const h = new CoreHarness(org);
    h.available("alice");

    // when a customer writes outside its hours
    const id = h.start("persistent", "hi", { id: "c-1" });

    // then nobody has it, and alice, free, was passed over for the hours
    const [now] = why(h, org, id).decisions;
    expect(now!.chosen).toBeNull();
    expect(verdicts(now!)).toEqual([
      ["alice", "outside_hours"],
      ["bob", "presence"],
      ["carol", "not_in_queue"],
    ]);
  });
});

describe("why: why the chosen rep was chosen", () => {
  it("SPEC L2: of the eligible reps the longest idle is chosen, and the others are ranked in the order routing takes them", () => {
    // given carol, then alice, then bob went Available, a second apart
    const { h, org } = harness();
    h.available("carol");
    h.advance(1000);
    h.available("alice");
    h.advance(1000);
    h.available("bob");

    // when a live conversation arrives
    const id = h.start("live");

    // then carol, idle longest, was chosen; alice before bob among those passed over
    const [decision] = why(h, org, id).decisions;
    expect(decision!.chosen).toEqual({ repId: "carol", by: "longest_idle", override: false });
    expect(verdicts(decision!)).toEqual([
      ["carol", null],
      ["alice", "longer_idle"],
      ["bob", "longer_idle"],
    ]);
  });

  it("SPEC SV5: a supervisor's assign past presence and capacity is the decision, with the rep as they were", () => {
    // given nobody Available and a live conversation waiting
    const { h, org } = harness();
    const id = h.start("live");

    // when sam assigns it to bob (Offline) with override
    h.ok(supervisor("sam"), { type: "assign", conversationId: id, target: { kind: "rep", id: "bob" }, override: true });

    // then the one decision is sam's assign, past bob's presence (no offer was made while nobody was Available)
    const answer = why(h, org, id);
    expect(answer.state).toBe("active");
    expect(answer.decisions).toHaveLength(1);
    const [assigned] = answer.decisions;
    expect(assigned!.chosen).toEqual({ repId: "bob", by: "supervisor", override: true });
    expect(assigned!.reps.map((r) => [r.repId, r.passedOver, r.presence])).toEqual([["bob", null, "offline"]]);
  });

  it("SPEC L10: a rep who transferred it back to the queue and is wrapping it up is passed over as holding it", () => {
    // given alice handling a live conversation, and bob Available
    const { h, org } = harness();
    h.available("alice");
    const id = h.start("live");
    accept(h, "alice", id);
    h.available("bob");

    // when alice transfers it to the queue (she wraps it up)
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "queue", id: "general" } });

    // then it went to bob, and alice, who still holds it, was passed over for that
    const decisions = why(h, org, id).decisions;
    const last = decisions[decisions.length - 1]!;
    expect(last.chosen?.repId).toBe("bob");
    expect(last.reps.find((r) => r.repId === "alice")!.passedOver).toBe("holds_it");
  });

  it("SPEC L10: a transfer to a rep is a decision, the rep chosen by the transfer", () => {
    // given alice handling a live conversation, and bob Available
    const { h, org } = harness();
    h.available("alice");
    const id = h.start("live");
    accept(h, "alice", id);
    h.available("bob");

    // when alice transfers it to bob
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "rep", id: "bob" } });

    // then the decisions are routing's offer to alice, then the transfer to bob
    expect(why(h, org, id).decisions.map((d) => d.chosen)).toEqual([
      { repId: "alice", by: "longest_idle", override: false },
      { repId: "bob", by: "transfer", override: false },
    ]);
  });

  it("SPEC SV7, L2: a decision whose offer was rejected or left unanswered says so; a consult request is no decision", () => {
    // given alice handling a live conversation (offered to her first: bob was away), then bob Available
    const { h, org } = harness();
    h.available("alice");
    const id = h.start("live");
    accept(h, "alice", id);
    h.available("bob");

    // when a supervisor transfers it to bob, who rejects it; alice asks carol to consult, who lets it time out
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: id, target: { kind: "rep", id: "bob" } });
    h.ok(rep("bob"), { type: "reject", offerId: h.offerFor("bob", id)! });
    h.available("carol");
    h.ok(rep("alice"), { type: "consult", conversationId: id, repId: "carol" });
    h.advance(31_000);

    // then the transfer to bob is a decision that says he rejected it; it is still alice's; the consult is none
    const answer = why(h, org, id);
    expect(answer.ownerId).toBe("alice");
    expect(answer.decisions.map((d) => [d.chosen?.repId, d.chosen?.by, d.offerEnded])).toEqual([
      ["alice", "longest_idle", undefined],
      ["bob", "transfer", "rejected"],
    ]);
    expect(decisionHeadline(answer.decisions[1]!)).toMatch(/Bob Okafor: transferred to them — rejected it$/);
  });

  it("a rep who picks it from the queue is the decision, chosen by their pick", () => {
    // given nobody Available and a conversation waiting in general
    const { h, org } = harness();
    const id = h.start("live");

    // when bob picks it
    h.ok(rep("bob"), { type: "pick", conversationId: id });

    // then the decision is bob's pick
    expect(why(h, org, id).decisions.map((d) => d.chosen)).toEqual([{ repId: "bob", by: "pick", override: false }]);
  });

  it("SPEC L10: when every free rep declined it the declines are forgotten, and the decision says so", () => {
    // given only alice Available in general, and a conversation offered to her
    const { h, org } = harness();
    h.available("alice");
    const id = h.start("live");

    // when she rejects it (and is free again, the only rep who could take it)
    h.ok(rep("alice"), { type: "reject", offerId: h.offerFor("alice", id)! });

    // then routing started over: it is offered to her again, the declines forgotten
    const [, second] = why(h, org, id).decisions;
    expect(second!.declinesForgotten).toBe(true);
    expect(second!.chosen?.repId).toBe("alice");
  });
});
