// The customer's history (issue 14, item 7; SPEC P9, P12, L6): what a rep may read of a signed-in customer's earlier
// conversations, and the notice a rep gets when a parked chat comes back to them.
import { describe, expect, it } from "vitest";
import { messageViewer, offerView } from "../../server/core/conversation-views.js";
import { customerHistory, earlierConversation } from "../../server/core/history.js";
import type { Viewer } from "../../server/core/viewer.js";
import { CoreHarness, rep, supervisor, testOrg, testWorkstream } from "../helpers/core.js";
import { HOUR, accept, eventsOf, repChanges, signedIn } from "./p-helpers.js";

const as = (id: string): Viewer => ({ role: "rep", id });

/** `repId` takes a conversation of `identity` in `workstream`, ends it and wraps it up with `reasonId`; returns its id. */
function handled(
  h: CoreHarness,
  repId: string,
  workstream: string,
  text: string,
  identity: { id?: string; name?: string },
  reasonId: string,
): string {
  h.available(repId);
  const id = h.start(workstream, text, identity);
  accept(h, repId, id);
  h.ok(rep(repId), { type: "message", conversationId: id, text: "Let me look at that for you" });
  h.ok(rep(repId), { type: "end", conversationId: id });
  h.ok(rep(repId), { type: "wrapup", conversationId: id, reasonId });
  h.ok(rep(repId), { type: "presence", presence: "offline" });
  h.advance(HOUR);
  return id;
}

/**
 * Dana Wu (signed in as cust-1) had a live chat with alice, then a persistent one with bob; a visitor who typed the
 * same name and another signed-in Dana Wu (cust-2) had theirs; now cust-1 is in a live chat with carol.
 */
function danaAndNamesakes() {
  const h = new CoreHarness();
  const dana = { id: "cust-1", name: "Dana Wu" };
  const first = handled(h, "alice", "live", "My card 4111 1111 1111 1111 was charged twice", dana, "resolved");
  const visitor = handled(h, "bob", "live", "Hi, I am Dana Wu", { name: "Dana Wu" }, "other");
  const second = handled(h, "bob", "persistent", "The refund has not arrived", dana, "other");
  const namesake = handled(h, "alice", "live", "Where is my parcel?", { id: "cust-2", name: "Dana Wu" }, "resolved");
  h.available("carol");
  const now = h.start("live", "Me again, about the refund", dana);
  accept(h, "carol", now);
  return { h, first, visitor, second, namesake, now };
}

describe("the customer's history", () => {
  it("SPEC P9: lists the earlier conversations of the same signed-in customer only, newest first, with when, queue, rep and wrap-up reason", () => {
    const { h, first, second, now } = danaAndNamesakes();

    const answer = customerHistory(h.state, as("carol"), now);

    // The visitor who typed the same name and the other signed-in Dana Wu are not in it.
    expect(answer).toEqual({
      ok: true,
      value: [
        {
          id: second,
          state: "closed",
          mode: "persistent",
          createdAt: h.conversation(second).createdAt,
          closedAt: h.conversation(second).closedAt,
          queueName: "Billing",
          workstreamName: "persistent",
          repName: "Bob Okafor",
          wrapUpReason: "Other",
          title: "Dana Wu",
        },
        {
          id: first,
          state: "closed",
          mode: "live",
          createdAt: h.conversation(first).createdAt,
          closedAt: h.conversation(first).closedAt,
          queueName: "General",
          workstreamName: "live",
          repName: "Alice Moreau",
          wrapUpReason: "Resolved",
          title: "Dana Wu",
        },
      ],
    });
    expect(h.conversation(first).createdAt).toBeLessThan(h.conversation(second).createdAt);
  });

  it("is empty for a visitor, even one with the same name as a signed-in customer", () => {
    const { h, visitor } = danaAndNamesakes();
    h.advance(HOUR);
    // bob reads the history of the visitor's conversation he handled
    expect(customerHistory(h.state, as("bob"), visitor)).toEqual({ ok: true, value: [] });
  });

  it("lists only what came before the conversation asked through: a closed one opened from Home has its own earlier ones", () => {
    const { h, first, second } = danaAndNamesakes();
    expect(customerHistory(h.state, as("bob"), second)).toMatchObject({ ok: true, value: [{ id: first }] });
    expect(customerHistory(h.state, as("alice"), first)).toEqual({ ok: true, value: [] });
  });

  it("SPEC L6: opens an earlier conversation whole, read-only, masked as staff see everything else", () => {
    const { h, first, now } = danaAndNamesakes();

    const answer = earlierConversation(h.state, as("carol"), now, first);

    if (!answer.ok) throw new Error(answer.error.message);
    expect(answer.value).toMatchObject({ id: first, state: "closed", queueName: "General", ownerName: "Alice Moreau" });
    // Its thread is read from the log (the gateway's answer; test/server/history.test.ts reads it on the wire), masked
    // as staff see it.
    expect(answer.value.messages).toEqual([]);
    const texts = h
      .thread(first)
      .map(messageViewer(h.state, h.conversation(first), false))
      .filter((m) => m.author.role !== "system")
      .map((m) => m.text);
    expect(texts).toEqual(["My card ************1111 was charged twice", "Let me look at that for you"]);
  });

  it("refuses, as if it did not exist, what the viewer cannot reach through a conversation they can see", () => {
    const { h, first, visitor, namesake, now } = danaAndNamesakes();
    const notFound = { ok: false, error: { code: "conversation/not_found" } };

    // bob is not in carol's chat: neither its history nor anything through it
    expect(customerHistory(h.state, as("bob"), now)).toMatchObject(notFound);
    expect(earlierConversation(h.state, as("bob"), now, first)).toMatchObject(notFound);
    // carol's chat does not reach the visitor's conversation, nor the other Dana Wu's
    expect(earlierConversation(h.state, as("carol"), now, visitor)).toMatchObject(notFound);
    expect(earlierConversation(h.state, as("carol"), now, namesake)).toMatchObject(notFound);
    // nor a conversation asked through itself (it is not earlier than itself), nor one that does not exist
    expect(earlierConversation(h.state, as("alice"), first, first)).toMatchObject(notFound);
    expect(earlierConversation(h.state, as("carol"), now, "c999")).toMatchObject(notFound);
    expect(customerHistory(h.state, as("carol"), "__proto__")).toMatchObject(notFound);
    // a supervisor sees every conversation, and so its history
    expect(customerHistory(h.state, { role: "supervisor", id: "sam" }, now)).toMatchObject({ ok: true });
  });

  it("names the wrap-up reason of the rep who handled it last, not of a rep who handed it on", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live", "Help", { id: "cust-1", name: "Dana Wu" });
    accept(h, "alice", id);
    h.available("bob");
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "rep", id: "bob" } });
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "other" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });
    h.ok(rep("bob"), { type: "end", conversationId: id });
    h.ok(rep("bob"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    for (const other of ["alice", "bob"]) h.ok(rep(other), { type: "presence", presence: "offline" });
    h.available("carol");
    const later = h.start("live", "Hello again", { id: "cust-1", name: "Dana Wu" });
    accept(h, "carol", later);

    expect(customerHistory(h.state, as("carol"), later)).toMatchObject({
      ok: true,
      value: [{ id, repName: "Bob Okafor", wrapUpReason: "Resolved" }],
    });
  });
});

describe("SPEC P12: the customer is back", () => {
  const autoOrg = () =>
    testOrg({
      workstreams: [
        testWorkstream({ id: "live", mode: "live", queueId: "general" }),
        testWorkstream({ id: "persistent", mode: "persistent", queueId: "billing", autoAssignReturning: true }),
      ],
    });

  it("SPEC P12: the rep a parked chat is assigned back to is told that the customer is back; nobody else is", () => {
    const h = new CoreHarness(autoOrg());
    h.available("alice", "bob");
    const id = h.start("persistent", "My invoice is wrong", { id: "cust-1", name: "Dana Wu" });
    const taker = h.offerFor("alice", id) ? "alice" : "bob";
    accept(h, taker, id);
    h.ok(rep(taker), { type: "close", conversationId: id });

    const events = eventsOf(h, signedIn("cust-1"), { type: "customer.message", conversationId: id, text: "Back!" });

    const notices = (repId: string) => repChanges(h, repId, events, [id]).filter((c) => c.kind === "notice");
    expect(notices(taker)).toEqual([
      {
        kind: "notice",
        code: "customer_back",
        text: "Dana Wu is back: their conversation is assigned to you again.",
        conversationId: id,
      },
    ]);
    expect(notices(taker === "alice" ? "bob" : "alice")).toEqual([]);
  });

  it("SPEC P6: a rep away when the customer of a chat they parked comes back is told it went to the queue, and why", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("persistent", "My invoice is wrong", { id: "cust-1", name: "Dana Wu" });
    accept(h, "alice", id);
    h.ok(rep("alice"), { type: "close", conversationId: id });
    h.ok(rep("alice"), { type: "presence", presence: "away" });

    const events = eventsOf(h, signedIn("cust-1"), { type: "customer.message", conversationId: id, text: "Back!" });

    expect(h.conversation(id).state).toBe("open");
    expect(repChanges(h, "alice", events, [id]).filter((c) => c.kind === "notice")).toEqual([
      {
        kind: "notice",
        code: "customer_back",
        text: "Dana Wu is back: their conversation went to the Billing queue, while you are Away.",
        conversationId: id,
      },
    ]);
    // Available, she is offered it again: the offer says the customer is back, not a new conversation.
    h.ok(rep("alice"), { type: "presence", presence: "available" });
    const offerId = h.offerFor("alice", id)!;
    expect(offerView(h.state, h.state.offers[offerId]!).returning).toBe(true);
  });

  it("SPEC P6, SPEC SV6: an offer of a chat a supervisor moved to a queue is not said to be its customer's return", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("persistent", "My invoice is wrong", { id: "cust-1", name: "Dana Wu" });
    accept(h, "alice", id);
    h.available("bob");
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: id, target: { kind: "queue", id: "general" } });
    const offerId = h.offerFor("bob", id)!;
    expect(offerView(h.state, h.state.offers[offerId]!).returning).toBeUndefined();
  });

  it("SPEC P6: a rep Available when the customer comes back is offered the chat, with no notice besides the card", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("persistent", "My invoice is wrong", { id: "cust-1", name: "Dana Wu" });
    accept(h, "alice", id);
    h.ok(rep("alice"), { type: "close", conversationId: id });
    const events = eventsOf(h, signedIn("cust-1"), { type: "customer.message", conversationId: id, text: "Back!" });
    expect(h.offerFor("alice", id)).toBeDefined();
    expect(repChanges(h, "alice", events, [id]).filter((c) => c.kind === "notice")).toEqual([]);
  });

  it("a rep who picks or accepts a conversation is not told the customer is back", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("persistent", "My invoice is wrong", { id: "cust-1", name: "Dana Wu" });
    const offerId = h.offerFor("alice", id)!;
    const events = eventsOf(h, rep("alice"), { type: "accept", offerId });
    expect(repChanges(h, "alice", events, [id]).filter((c) => c.kind === "notice")).toEqual([]);
  });
});
