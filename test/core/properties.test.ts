// Property test of the routing core (the generator, invariants and runSequence are in ./property.ts): random command
// sequences from every actor, the invariants checked after every step, and the events, replayed, rebuilding the live
// state. test/store/replay-properties.test.ts and test/store/postgres-replay-properties.test.ts run the same sequences
// through the real stores.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evolve, initialState } from "../../server/core/evolve.js";
import type { Command, DomainEvent, State } from "../../server/core/model.js";
import type { Org } from "../../server/core/org.js";
import { admin, CoreHarness, rep, supervisor } from "../helpers/core.js";
import {
  BASE_VARIANT,
  coverage,
  firstDifference,
  INVARIANTS,
  json,
  makeOrg,
  MAX_STEPS,
  NUM_RUNS,
  offerProblems,
  orgVariant,
  pendingOffers,
  reached,
  refusals,
  runs,
  runSequence,
  SEED,
  stepArb,
  userActor,
  violations,
  type Context,
  type OrgVariant,
} from "./property.js";

/** The invariants hold and the harness's log, stored and replayed, rebuilds its state. */
function expectConsistent(h: CoreHarness): void {
  const created = new Set(Object.keys(h.state.conversations));
  expect(violations(h.state, { created, now: h.now, command: "tick" })).toEqual([]);
  const rebuilt = initialState(structuredClone(initialOrg.get(h)!));
  for (const event of json(h.log)) evolve(rebuilt, event);
  expect(firstDifference(json(h.state), json(rebuilt))).toBeNull();
}

const initialOrg = new WeakMap<CoreHarness, Org>();

function harness(variant: Partial<OrgVariant> = {}): CoreHarness {
  const org = makeOrg({ ...BASE_VARIANT, ...variant });
  const h = new CoreHarness(structuredClone(org));
  initialOrg.set(h, org);
  return h;
}

/** Accept the pending offer for `conversationId`, whoever it went to; returns that rep. */
function acceptOffer(h: CoreHarness, conversationId: string): string {
  const o = pendingOffers(h.state).find((x) => x.conversationId === conversationId);
  if (!o) throw new Error(`no pending offer for ${conversationId}`);
  h.ok(userActor(h.state, o.repId), { type: "accept", offerId: o.id });
  return o.repId;
}

describe("routing core properties (fast-check)", () => {
  it("keeps every invariant after every step of random command sequences (SPEC P6, SPEC SV5, SPEC SV7, SPEC SV8, SPEC L2, SPEC L4, SPEC L10, SPEC P7)", () => {
    fc.assert(
      fc.property(orgVariant, fc.array(stepArb, { minLength: 5, maxLength: MAX_STEPS }), (variant, steps) => {
        runSequence(variant, steps);
      }),
      SEED === undefined ? { numRuns: NUM_RUNS } : { numRuns: NUM_RUNS, seed: SEED },
    );
    // Not vacuous: over the runs, every command got through and the deep states were reached.
    const commandTypes: Command["type"][] = [
      "customer.start",
      "customer.message",
      "customer.end",
      "presence",
      "accept",
      "reject",
      "pick",
      "message",
      "transfer",
      "conference",
      "end_conference",
      "consult",
      "end_consult",
      "whisper",
      "close",
      "end",
      "wrapup",
      "monitor",
      "leave",
      "assign",
      "supervisor_transfer",
      "force_close",
      "delete_queue",
      "delete_user",
      "tick",
    ];
    const eventTypes: DomainEvent["type"][] = [
      "waiting",
      "wrapup_started",
      "wrapup_submitted",
      "conference_joined",
      "consultant_added",
      "consultant_left",
      "transfer_requested",
      "transfer_ended",
      "queued",
      "aborted",
      "offer_ended",
      "closed",
      "supervisor_watching",
      "declines_forgotten",
    ];
    const summary = `over ${runs} runs: succeeded ${JSON.stringify(Object.fromEntries(coverage))}; refused ${JSON.stringify(Object.fromEntries(refusals))}`;
    expect(
      commandTypes.filter((type) => !coverage.has(type)),
      `commands that never succeeded ${summary}`,
    ).toEqual([]);
    expect(
      eventTypes.filter((type) => !reached.has(type)),
      `events never emitted ${summary}`,
    ).toEqual([]);
    // A thousand sequences take about 20 s on one free core: more on a shared machine.
  }, 90_000);
});

describe("the invariant checker catches a planted violation", () => {
  // alice owns live c1, parked persistent c2 in Waiting, has a pending offer for c3 (she is full); c4 is Open and unoffered.
  function scene(): { h: CoreHarness; context: Context } {
    const h = harness();
    h.available("alice");
    const c1 = h.start("live");
    acceptOffer(h, c1);
    const c2 = h.start("persistent", "Hello", { id: "ann", name: "Ann Lee" });
    acceptOffer(h, c2);
    h.ok(rep("alice"), { type: "close", conversationId: c2 });
    h.start("live");
    // c3's offer fills her capacity: nobody has room for c4.
    h.start("live");
    expect([1, 2, 3, 4].map((n) => h.conversation(`c${n}`).state)).toEqual(["active", "waiting", "open", "open"]);
    expect(h.offerFor("alice", "c3")).toBeDefined();
    return { h, context: { created: new Set(["c1", "c2", "c3", "c4"]), now: h.now, command: "tick" } };
  }

  const plants: [string, (state: State) => void, Partial<Context>?][] = [
    ["each conversation is in exactly one of the five states", (s) => s.queues["general"]!.open.push("c1")],
    ["SPEC SV5", (s) => (s.users["alice"]!.capacity = 1)],
    ["SPEC P6", (s) => (s.users["bob"]!.items["c2"] = { role: "owner", units: 1 })],
    ["SPEC L4, SPEC L10", (s) => delete s.conversations["c4"]],
    ["SPEC SV7", (s) => (s.users["bob"]!.items["c1"] = { role: "owner", units: 1 })],
    ["SPEC SV7", (s) => delete s.offers[Object.keys(s.offers)[0]!]],
    ["SPEC L2, SPEC P7", () => undefined, { now: Number.MAX_SAFE_INTEGER }],
    // Changed behind evolve's back: bob may now see c1, which the index was never told.
    ["what a snapshot sends", (s) => (s.conversations["c1"]!.lastOwnerId = "bob")],
  ];

  it.each(
    plants.map(
      ([prefix, plant, context], i) =>
        [INVARIANTS.find((x) => x.name.startsWith(prefix))!.name, i + 1, plant, context] as const,
    ),
  )("%s (planted violation %i)", (name, _i, plant, context) => {
    const { h, context: base } = scene();
    const invariant = INVARIANTS.find((x) => x.name === name)!;
    expect(invariant.check(h.state, base)).toEqual([]);
    plant(h.state);
    expect(invariant.check(h.state, { ...base, ...context })).not.toEqual([]);
  });

  it("SPEC L2: only an Available rep with room, who does not hold the conversation yet, is offered it", () => {
    const { h } = scene();
    const o = pendingOffers(h.state).find((x) => x.conversationId === "c3")!;
    const fresh = { ...o, id: "o99", conversationId: "c4" };
    h.state.users["bob"]!.presence = "available";
    expect(offerProblems(h.state, { ...fresh, repId: "bob" })).toEqual([]);
    h.state.users["alice"]!.presence = "busy";
    expect(offerProblems(h.state, fresh).join()).toMatch(/who is busy/);
    expect(offerProblems(h.state, { ...fresh, repId: "bob", conversationId: "c3" }).join()).toBe("");
    h.state.users["bob"]!.items["c4"] = { role: "wrapup", units: 1 };
    expect(offerProblems(h.state, { ...fresh, repId: "bob" }).join()).toMatch(/already holds it as wrapup/);
    h.state.users["bob"]!.capacity = 1;
    expect(offerProblems(h.state, { ...fresh, repId: "bob", conversationId: "c3" }).join()).toMatch(
      /0 of 1 units free/,
    );
  });
});

describe("regressions found by the property test", () => {
  it("SPEC L4: deleting the only rep wrapping up a conversation closes it instead of leaving it in Wrap-up for ever", () => {
    // Shrunk: ann starts a live chat; sam assigns it to himself with override; sam ends it; admin deletes sam.
    const h = harness();
    const id = h.start("live", "Hello", { id: "ann", name: "Ann Lee" });
    h.ok(supervisor("sam"), { type: "assign", conversationId: id, target: { kind: "rep", id: "sam" }, override: true });
    h.ok(supervisor("sam"), { type: "end", conversationId: id });
    expect(h.conversation(id).state).toBe("wrapup");
    h.ok(admin, { type: "delete_user", userId: "sam" });
    expect(h.conversation(id).state).toBe("closed");
    expect(h.conversation(id).wrapUpBy).toEqual([]);
    expectConsistent(h);
  });

  it("SPEC L4, SPEC L11: deleting one of two reps wrapping up leaves the conversation to the other", () => {
    const h = harness();
    h.available("alice", "bob");
    const id = h.start("live");
    const owner = acceptOffer(h, id);
    const other = owner === "alice" ? "bob" : "alice";
    h.ok(rep(owner), { type: "conference", conversationId: id, repId: other });
    acceptOffer(h, id);
    h.ok(rep(owner), { type: "end", conversationId: id });
    expect(h.conversation(id).wrapUpBy).toEqual([owner, other]);
    h.ok(admin, { type: "delete_user", userId: other });
    expect(h.conversation(id)).toMatchObject({ state: "wrapup", wrapUpBy: [owner] });
    h.ok(rep(owner), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    expect(h.conversation(id).state).toBe("closed");
    expectConsistent(h);
  });

  it("SPEC SV7, SPEC L11: a rep already offered a conversation is not offered it a second time", () => {
    // Shrunk: bob and carol Available; ann starts a live chat; bob accepts; sam transfers it to carol;
    // bob invites carol to a conference. Carol got two pending offers behind one work item.
    const h = harness();
    h.available("bob", "carol");
    const id = h.start("live", "Hello", { id: "ann", name: "Ann Lee" });
    expect(acceptOffer(h, id)).toBe("bob");
    h.ok(supervisor("sam"), { type: "supervisor_transfer", conversationId: id, target: { kind: "rep", id: "carol" } });
    expect(h.refused(rep("bob"), { type: "conference", conversationId: id, repId: "carol" })).toBe(
      "transfer/invalid_target",
    );
    expect(
      pendingOffers(h.state)
        .filter((o) => o.repId === "carol")
        .map((o) => o.kind),
    ).toEqual(["supervisor_transfer"]);
    expectConsistent(h);
    acceptOffer(h, id);
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "carol", consultants: ["bob"] });
    expectConsistent(h);
  });

  it("SPEC P12, SPEC SV7: a customer returning to a Waiting conversation with a supervisor's transfer pending waits for that transfer", () => {
    // Shrunk: auto-assign of returning chats on; alice parks ann's chat in Waiting; sam transfers it to alice;
    // ann writes again. The auto-assignment replaced alice's pending offer with ownership, leaving the offer
    // in state.offers with no work item behind it.
    const h = harness({ autoAssignReturning: true });
    h.available("alice");
    const id = h.start("persistent", "Hello", { id: "ann", name: "Ann Lee" });
    expect(acceptOffer(h, id)).toBe("alice");
    h.ok(rep("alice"), { type: "close", conversationId: id });
    h.ok(supervisor("sam"), { type: "supervisor_transfer", conversationId: id, target: { kind: "rep", id: "alice" } });
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "Hello, I need help with my order" });
    expect(h.conversation(id)).toMatchObject({ state: "open", ownerId: null });
    expect(h.state.users["alice"]!.items[id]).toMatchObject({ role: "offer" });
    expectConsistent(h);
    acceptOffer(h, id);
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice", transfer: null });
    expectConsistent(h);
  });

  it("SPEC SV5: a capacity override still covers the units while the rep wraps up", () => {
    // Shrunk: live chats cost 2; sam (capacity 1) is assigned one with override; he ends it.
    const h = harness({ liveCost: 2 });
    const id = h.start("live", "Hello", { id: "ann", name: "Ann Lee" });
    expect(
      h.ok(supervisor("sam"), {
        type: "assign",
        conversationId: id,
        target: { kind: "rep", id: "sam" },
        override: true,
      }),
    ).toMatchObject({ exceededBy: 1 });
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "Hello, I need help with my order" });
    h.ok(supervisor("sam"), { type: "end", conversationId: id });
    expect(h.state.users["sam"]!.items[id]).toEqual({ role: "wrapup", units: 2, override: true });
    expectConsistent(h);
    h.ok(supervisor("sam"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    expect(h.used("sam")).toBe(0);
    expectConsistent(h);
  });

  it("SPEC SV5, SPEC L10: a rep cannot pick back a conversation they still wrap up, so no override outlives its assignment", () => {
    // Shrunk: live chats cost 2; sam (capacity 1) is assigned one with override, transfers it to the queue
    // (he wraps up), and picks it back while it is offered to alice: the pick used to turn his wrap-up into a seat of
    // 2 units of 1, dropping the wrap-up unrecorded. Since the pick waits for the wrap-up reason (wrapup/pending), and
    // the supervisor's override was for that one assignment, taking it back afterwards is an ordinary pick.
    const h = harness({ liveCost: 2 });
    h.available("sam");
    const id = h.start("live", "Hello", { id: "ann", name: "Ann Lee" });
    h.ok(supervisor("sam"), { type: "assign", conversationId: id, target: { kind: "rep", id: "sam" }, override: true });
    h.ok(supervisor("sam"), { type: "transfer", conversationId: id, target: { kind: "queue", id: "general" } });
    h.available("alice");
    expect(pendingOffers(h.state).map((o) => o.repId)).toEqual(["alice"]);
    expect(h.refused(supervisor("sam"), { type: "pick", conversationId: id })).toBe("wrapup/pending");
    expect(h.state.users["sam"]!.items[id]).toEqual({ role: "wrapup", units: 2, override: true });
    expectConsistent(h);
    h.ok(supervisor("sam"), { type: "wrapup", conversationId: id, reasonId: "other" });
    expect(h.refused(supervisor("sam"), { type: "pick", conversationId: id })).toBe("rep/at_capacity");
    expect(pendingOffers(h.state).map((o) => o.repId)).toEqual(["alice"]);
    expectConsistent(h);
  });
});
