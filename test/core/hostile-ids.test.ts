// Ids that are also JavaScript property names ("__proto__", "constructor", "toString", …) are ids like any other: an
// unknown one gets the same "not found" as any unknown id, from every role, and changes nothing.
import { describe, expect, it } from "vitest";
import { CommandFailed } from "../../server/core/decide/index.js";
import { upgradeState } from "../../server/core/evolve.js";
import type { Actor, Command, State } from "../../server/core/model.js";
import { fill } from "../../server/core/org.js";
import { conversationView } from "../../server/core/conversation-views.js";
import { admin, CoreHarness, customer, rep, supervisor, testOrg, testWorkstream } from "../helpers/core.js";

const HOSTILE = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"];

/** alice owns live c1 (a visitor's); bob and carol are Available. */
function scene(): { h: CoreHarness; visitor: Actor } {
  const h = new CoreHarness();
  h.available("alice");
  const id = h.start("live");
  h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
  h.available("bob", "carol");
  return { h, visitor: h.customerOf(id) };
}

function json(state: State): string {
  return JSON.stringify(state);
}

/** Each command with a hostile id in the place `slot` names, its sender, and the answer any unknown id gets. */
function cases(id: string, visitor: Actor): [string, Actor, Command, string][] {
  return [
    [
      "customer send, conversation",
      visitor,
      { type: "customer.message", conversationId: id, text: "Hi" },
      "conversation/not_found",
    ],
    ["customer end, conversation", visitor, { type: "customer.end", conversationId: id }, "conversation/not_found"],
    [
      "customer start, workstream",
      customer("visitor:x"),
      { type: "customer.start", workstreamId: id, identity: {} },
      "workstream/not_found",
    ],
    [
      "rep send, conversation",
      rep("alice"),
      { type: "message", conversationId: id, text: "Hi" },
      "conversation/not_found",
    ],
    ["rep pick, conversation", rep("bob"), { type: "pick", conversationId: id }, "conversation/not_found"],
    ["rep accept, offer", rep("bob"), { type: "accept", offerId: id }, "offer/not_found"],
    ["rep reject, offer", rep("bob"), { type: "reject", offerId: id }, "offer/not_found"],
    [
      "rep transfer, queue",
      rep("alice"),
      { type: "transfer", conversationId: "c1", target: { kind: "queue", id } },
      "queue/not_found",
    ],
    [
      "rep transfer, rep",
      rep("alice"),
      { type: "transfer", conversationId: "c1", target: { kind: "rep", id } },
      "rep/not_found",
    ],
    ["rep conference, rep", rep("alice"), { type: "conference", conversationId: "c1", repId: id }, "rep/not_found"],
    ["rep end, conversation", rep("alice"), { type: "end", conversationId: id }, "conversation/not_found"],
    ["rep close, conversation", rep("alice"), { type: "close", conversationId: id }, "conversation/not_found"],
    [
      "rep wrapup, conversation",
      rep("alice"),
      { type: "wrapup", conversationId: id, reasonId: "resolved" },
      "conversation/not_found",
    ],
    ["rep as sender", rep(id), { type: "presence", presence: "available" }, "rep/not_found"],
    [
      "supervisor monitor, conversation",
      supervisor(),
      { type: "monitor", conversationId: id, mode: "monitor" },
      "conversation/not_found",
    ],
    ["supervisor leave, conversation", supervisor(), { type: "leave", conversationId: id }, "conversation/not_found"],
    [
      "supervisor assign, conversation",
      supervisor(),
      { type: "assign", conversationId: id, target: { kind: "rep", id: "bob" } },
      "conversation/not_found",
    ],
    [
      "supervisor transfer, queue",
      supervisor(),
      { type: "supervisor_transfer", conversationId: "c1", target: { kind: "queue", id } },
      "queue/not_found",
    ],
    [
      "supervisor transfer, rep",
      supervisor(),
      { type: "supervisor_transfer", conversationId: "c1", target: { kind: "rep", id } },
      "rep/not_found",
    ],
    [
      "supervisor force close, conversation",
      supervisor(),
      { type: "force_close", conversationId: id },
      "conversation/not_found",
    ],
    ["admin delete queue", admin, { type: "delete_queue", queueId: id }, "queue/not_found"],
    ["admin delete workstream", admin, { type: "delete_workstream", workstreamId: id }, "workstream/not_found"],
    ["admin delete user", admin, { type: "delete_user", userId: id }, "rep/not_found"],
  ];
}

describe("ids that are JavaScript property names", () => {
  for (const id of HOSTILE) {
    it(`${id}: every request naming it gets not found, from every role, and changes nothing`, () => {
      const { h, visitor } = scene();
      for (const [what, actor, command, code] of cases(id, visitor)) {
        const before = json(h.state);
        const outcome = h.run(actor, command);
        expect(outcome.ok ? "ok" : outcome.error.code, what).toBe(code);
        expect(json(h.state), what).toBe(before);
      }
    });
  }

  it("a rep's transfer to queue __proto__ is refused and leaves the conversation Active with its rep", () => {
    const { h } = scene();
    expect(
      h.refused(rep("alice"), { type: "transfer", conversationId: "c1", target: { kind: "queue", id: "__proto__" } }),
    ).toBe("queue/not_found");
    expect(h.conversation("c1")).toMatchObject({ state: "active", ownerId: "alice", queueId: "general" });
    expect(h.state.users["alice"]!.items["c1"]).toEqual({ role: "owner", units: 1 });
    expect(Object.getPrototypeOf(h.state.queues)).toBeNull();
  });

  it("a supervisor's assign of an Open conversation to queue __proto__ is refused", () => {
    const h = new CoreHarness();
    const id = h.start("live");
    expect(
      h.refused(supervisor(), { type: "assign", conversationId: id, target: { kind: "queue", id: "__proto__" } }),
    ).toBe("queue/not_found");
    expect(h.conversation(id)).toMatchObject({ state: "open", queueId: "general" });
  });

  it("a state read back from a snapshot (JSON) still answers not found, and keeps a page context key __proto__", () => {
    const h = new CoreHarness();
    const context = JSON.parse('{"__proto__":"pricing","constructor":"42"}') as Record<string, string>;
    h.ok(customer("visitor:1"), {
      type: "customer.start",
      workstreamId: "live",
      identity: {},
      proactive: true,
      context,
    });
    const restored = upgradeState(JSON.parse(JSON.stringify(h.state)) as State);
    h.state = restored;
    expect(h.refused(customer("visitor:1"), { type: "customer.end", conversationId: "constructor" })).toBe(
      "conversation/not_found",
    );
    expect(
      h.refused(supervisor(), { type: "assign", conversationId: "c1", target: { kind: "queue", id: "__proto__" } }),
    ).toBe("queue/not_found");
    expect(Object.entries(conversationView(restored, restored.conversations["c1"]!, false).context)).toEqual([
      ["__proto__", "pricing"],
      ["constructor", "42"],
    ]);
  });
});

describe("a command that fails part-way", () => {
  it("throws CommandFailed once an event was applied (the shell rebuilds its state), a plain error before", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    // A defect planted in the state: force close withdraws the offer (an event), then finds no workstream.
    h.state.conversations[id]!.workstreamId = "gone";
    expect(() => h.run(supervisor(), { type: "force_close", conversationId: id })).toThrow(CommandFailed);
    // Nothing applied yet when it fails: the state is as it was, and the error is the defect itself.
    const quiet = new CoreHarness();
    const other = quiet.start("live");
    quiet.state.conversations[other]!.workstreamId = "gone";
    const before = json(quiet.state);
    expect(() => quiet.run(supervisor(), { type: "force_close", conversationId: other })).toThrow(
      /unknown workstream gone/,
    );
    expect(json(quiet.state)).toBe(before);
  });
});

describe("system texts", () => {
  it("a placeholder named like a property ({constructor}, {toString}) is left as written, not filled from Object", () => {
    expect(fill("You are number {position}; {constructor} {toString} {__proto__}", { position: 3 })).toBe(
      "You are number 3; {constructor} {toString} {__proto__}",
    );
  });
});

describe("an org whose own ids are property names", () => {
  it("a queue __proto__ and a rep constructor work like any others, also after a snapshot", () => {
    const org = testOrg({
      queues: [{ id: "__proto__", name: "Proto" }],
      workstreams: [testWorkstream({ id: "toString", mode: "live", queueId: "__proto__" })],
      users: [{ id: "constructor", name: "Con Structor", role: "rep", capacity: 2, queues: ["__proto__"] }],
    });
    const h = new CoreHarness(org);
    expect(Object.keys(h.state.queues)).toEqual(["__proto__"]);
    h.available("constructor");
    const id = h.start("toString");
    h.ok(rep("constructor"), { type: "accept", offerId: h.offerFor("constructor", id)! });
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "constructor", queueId: "__proto__" });
    h.state = upgradeState(JSON.parse(JSON.stringify(h.state)) as State);
    h.ok(rep("constructor"), { type: "transfer", conversationId: id, target: { kind: "queue", id: "__proto__" } });
    expect([...h.state.queues["__proto__"]!.open]).toEqual([id]);
    expect(h.state.users["constructor"]!.items[id]).toEqual({ role: "wrapup", units: 1 });
  });
});
