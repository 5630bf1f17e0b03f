// Counters and response targets (issue 14, item 4): the conversation view says since when the customer has waited
// for an answer (the first customer message after the last rep or supervisor message) and whether anyone has
// answered yet; the workstream's targets turn that wait into a level: within, to watch, past target.
import { describe, expect, it } from "vitest";
import { conversationView } from "../../server/core/conversation-views.js";
import { snapshot } from "../../server/core/snapshot.js";
import { customerWait, replyWaitAfter, replyWaitOf } from "../../src/protocol/response-targets.js";
import type { ResponseTargets } from "../../src/protocol/response-targets.js";
import { CoreHarness, rep, supervisor, testOrg, testWorkstream } from "../helpers/core.js";

const TARGETS: ResponseTargets = { warnSeconds: 45, alertSeconds: 120, firstResponseSeconds: 90 };
const SECOND = 1000;

function harness(targets: ResponseTargets | undefined = TARGETS): CoreHarness {
  const live = testWorkstream({ id: "live", mode: "live", queueId: "general" });
  return new CoreHarness(
    testOrg({
      workstreams: [
        targets ? { ...live, responseTargets: targets } : live,
        testWorkstream({ id: "persistent", mode: "persistent", queueId: "billing" }),
      ],
    }),
  );
}

function waitOf(h: CoreHarness, id: string) {
  const view = conversationView(h.state, h.conversation(id), false);
  return { since: view.customerWaitingSince, first: view.firstResponseAt, view };
}

describe("the customer's wait in the conversation view", () => {
  it("counts from the first customer message after the last staff message; system messages and notes answer nobody", () => {
    const h = harness();
    const started = h.now;
    const id = h.start("live", "My parcel never arrived");
    expect(waitOf(h, id)).toMatchObject({ since: started, first: null });

    h.now += 10 * SECOND;
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "Hello? Anyone there?" });
    expect(waitOf(h, id)).toMatchObject({ since: started, first: null });

    // Accepting writes "Alice joined" (a system message): still no answer.
    h.available("alice");
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
    expect(h.conversation(id).messages.some((m) => m.author.role === "system")).toBe(true);
    h.ok(rep("alice"), { type: "note", conversationId: id, text: "Courier ref 88-1" });
    expect(waitOf(h, id)).toMatchObject({ since: started, first: null });

    h.now += 20 * SECOND;
    const answered = h.now;
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "Hi, I am looking into it" });
    expect(waitOf(h, id)).toMatchObject({ since: null, first: answered });

    h.now += 30 * SECOND;
    const asked = h.now;
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "It was order 1234" });
    h.now += 5 * SECOND;
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "Sent on Monday" });
    expect(waitOf(h, id)).toMatchObject({ since: asked, first: answered });
  });

  it("a supervisor who joined and writes answers the customer too", () => {
    const h = harness();
    const id = h.start("live", "Where is my refund?");
    h.available("alice");
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
    h.ok(supervisor(), { type: "monitor", conversationId: id, mode: "join" });
    h.now += 15 * SECOND;
    h.ok(supervisor(), { type: "message", conversationId: id, text: "I am Sam, Alice's supervisor: it is on its way" });
    expect(waitOf(h, id)).toMatchObject({ since: null, first: h.now });
  });

  it("a snapshot carries the same wait as the view, and a client that folds the messages gets it too", () => {
    const h = harness();
    const id = h.start("live", "Hi");
    h.available("alice");
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "Hello!" });
    h.now += 3 * SECOND;
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "My card was charged twice" });
    const view = snapshot(h.state, { role: "rep", id: "alice" }).conversations.find((c) => c.id === id)!;
    expect(view.customerWaitingSince).toBe(h.now);
    const fromView = { customerWaitingSince: view.customerWaitingSince, firstResponseAt: view.firstResponseAt };
    expect(replyWaitOf(view.messages!)).toEqual(fromView);
    // Message by message, as a client takes them from `message` changes.
    const none = { customerWaitingSince: null, firstResponseAt: null };
    expect(view.messages!.reduce(replyWaitAfter, none)).toEqual(fromView);
  });
});

describe("response targets", () => {
  it("before the first answer: watch from warnSeconds, past target from firstResponseSeconds", () => {
    const h = harness();
    const start = h.now;
    const id = h.start("live", "My parcel never arrived");
    const { view } = waitOf(h, id);
    expect(customerWait(view, TARGETS, start + 44 * SECOND)).toEqual({
      ms: 44 * SECOND,
      level: "ok",
      firstResponse: true,
      targetMs: 90 * SECOND,
    });
    expect(customerWait(view, TARGETS, start + 45 * SECOND)?.level).toBe("warn");
    expect(customerWait(view, TARGETS, start + 89 * SECOND)?.level).toBe("warn");
    expect(customerWait(view, TARGETS, start + 90 * SECOND)?.level).toBe("late");
  });

  it("after the first answer the target is alertSeconds; without firstResponseSeconds it applies from the start", () => {
    const h = harness();
    const id = h.start("live", "Hi");
    h.available("alice");
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "Hello, how can I help?" });
    h.now += 60 * SECOND;
    const asked = h.now;
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "My invoice is wrong" });
    const { view } = waitOf(h, id);
    expect(customerWait(view, TARGETS, asked + 100 * SECOND)).toMatchObject({
      level: "warn",
      firstResponse: false,
      targetMs: 120 * SECOND,
    });
    expect(customerWait(view, TARGETS, asked + 120 * SECOND)?.level).toBe("late");

    const fresh = harness({ warnSeconds: 45, alertSeconds: 120 });
    const other = fresh.start("live", "Hi");
    const unanswered = waitOf(fresh, other).view;
    expect(customerWait(unanswered, { warnSeconds: 45, alertSeconds: 120 }, fresh.now + 100 * SECOND)).toMatchObject({
      level: "warn",
      firstResponse: true,
      targetMs: 120 * SECOND,
    });
  });

  it("a workstream without targets shows the wait and never calls it late", () => {
    const h = harness(undefined);
    const id = h.start("live", "Hi");
    const { view } = waitOf(h, id);
    expect(customerWait(view, undefined, h.now + 86_400 * SECOND)).toEqual({
      ms: 86_400 * SECOND,
      level: "ok",
      firstResponse: true,
      targetMs: null,
    });
  });

  it("nobody owes an answer once the customer ended it, or staff had the last word", () => {
    const h = harness();
    const id = h.start("live", "Hi");
    h.available("alice");
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "Never mind, found it" });
    expect(customerWait(waitOf(h, id).view, TARGETS, h.now)).not.toBeNull();
    h.ok(h.customerOf(id), { type: "customer.end", conversationId: id });
    expect(waitOf(h, id).view.state).toBe("wrapup");
    expect(customerWait(waitOf(h, id).view, TARGETS, h.now + 600 * SECOND)).toBeNull();

    const answered = harness();
    const other = answered.start("live", "Hi");
    answered.available("bob");
    answered.ok(rep("bob"), { type: "accept", offerId: answered.offerFor("bob", other)! });
    answered.ok(rep("bob"), { type: "message", conversationId: other, text: "Hello!" });
    expect(customerWait(waitOf(answered, other).view, TARGETS, answered.now + 600 * SECOND)).toBeNull();
  });

  it("staff see the workstream's targets in the org; a customer's snapshot does not carry them", () => {
    const h = harness();
    const id = h.start("live", "Hi");
    const staff = snapshot(h.state, { role: "supervisor", id: "sam" }).org;
    expect(staff.workstreams.find((w) => w.id === "live")?.responseTargets).toEqual(TARGETS);
    expect(staff.workstreams.find((w) => w.id === "persistent")?.responseTargets).toBeUndefined();
    const customer = snapshot(h.state, { role: "customer", key: h.conversation(id).customer.key }).org;
    expect(JSON.stringify(customer)).not.toContain("responseTargets");
  });
});
