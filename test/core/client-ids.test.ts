// Client message ids are idempotency keys per author. They are looked up through an index built from the messages;
// states and events written by earlier versions, whose conversations carried a `clientIds` map, still load.
import { describe, expect, it } from "vitest";
import { evolve, initialState, upgradeState } from "../../server/core/evolve.js";
import type { DomainEvent, State } from "../../server/core/model.js";
import { CLIENT_ID_WINDOW } from "../../server/core/thread.js";
import { CoreHarness, rep, testOrg } from "../helpers/core.js";

function activeChat(h: CoreHarness): string {
  h.available("alice");
  const id = h.start("live");
  h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
  return id;
}

/** The state and log as an earlier version stored them: every conversation with its client ids in `clientIds`. */
function asStoredByEarlierVersion(h: CoreHarness): { state: State; log: DomainEvent[] } {
  const state = JSON.parse(JSON.stringify(h.state)) as State;
  for (const c of Object.values(state.conversations)) {
    const clientIds: Record<string, string> = {};
    for (const m of c.messages) {
      if (m.clientId)
        clientIds[
          m.author.role === "customer" || m.author.role === "system"
            ? `${m.author.role}/${m.clientId}`
            : `staff:${m.author.id}/${m.clientId}`
        ] = m.id;
    }
    (c as { clientIds?: Record<string, string> }).clientIds = clientIds;
  }
  const log = (JSON.parse(JSON.stringify(h.log)) as DomainEvent[]).map((e) =>
    e.type === "conversation_created" ? { ...e, conversation: { ...e.conversation, clientIds: {} } } : e,
  );
  return { state, log };
}

describe("client message ids", () => {
  it("a retry with the same client id is the same message, per author", () => {
    const h = new CoreHarness();
    const id = activeChat(h);
    const first = h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "one", clientId: "k1" });
    const again = h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "one", clientId: "k1" });
    expect(again).toMatchObject({ messageId: first.messageId, duplicate: true });
    // The rep's k1 is another author's: a new message.
    const reps = h.ok(rep("alice"), { type: "message", conversationId: id, text: "two", clientId: "k1" });
    expect(reps.duplicate).toBeUndefined();
    expect(h.ok(rep("alice"), { type: "message", conversationId: id, text: "two", clientId: "k1" })).toMatchObject({
      messageId: reps.messageId,
      duplicate: true,
    });
    expect(h.conversation(id).messages.filter((m) => m.clientId === "k1")).toHaveLength(2);
  });

  it("staff messages share one author object per rep, equal to a fresh one", () => {
    const h = new CoreHarness();
    const id = activeChat(h);
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "a" });
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "b", clientId: "x" });
    const [a, b] = h.conversation(id).messages.filter((m) => m.author.role === "rep");
    expect(a!.author).toBe(b!.author);
    expect(a!.author).toStrictEqual({ role: "rep", id: "alice", name: "Alice Moreau" });
  });

  it("any client id is its own: commas, digits and another author's id in it do not make it match another", () => {
    const h = new CoreHarness();
    const id = activeChat(h);
    const say = (author: "customer" | "alice", clientId: string) =>
      author === "customer"
        ? h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: clientId, clientId })
        : h.ok(rep("alice"), { type: "message", conversationId: id, text: clientId, clientId });
    const odd = ["1,2,3", "12,", ",", "alice", "alicek", "k", "0,0,5,alicek"];
    const first = new Map(odd.map((clientId) => [clientId, say("customer", clientId).messageId]));
    const staff = say("alice", "k");
    expect(new Set(first.values()).size).toBe(odd.length);
    expect(staff.duplicate).toBeUndefined();
    // The latest CLIENT_ID_WINDOW (7 customer ids and the rep's) are known again, each as its own message.
    for (const clientId of odd)
      expect(say("customer", clientId)).toMatchObject({ messageId: first.get(clientId), duplicate: true });
    expect(say("alice", "k")).toMatchObject({ messageId: staff.messageId, duplicate: true });
    // Once CLIENT_ID_WINDOW newer ones came, the oldest is forgotten: a new message.
    for (let i = 0; i < CLIENT_ID_WINDOW; i++) say("customer", `later-${i}`);
    expect(say("customer", "1,2,3").duplicate).toBeUndefined();
  });

  it("a snapshot of the version that kept client ids as a flat array loads, and still knows them", () => {
    const h = new CoreHarness();
    const id = activeChat(h);
    const sent = h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "one", clientId: "k1" });
    const staff = h.ok(rep("alice"), { type: "message", conversationId: id, text: "two", clientId: "k1" });
    const state = JSON.parse(JSON.stringify(h.state)) as State;
    const stored = state.conversations[id] as unknown as { recentClientIds: unknown };
    stored.recentClientIds = [
      null,
      "k1",
      Number(String(sent.messageId).slice(1)),
      "alice",
      "k1",
      Number(String(staff.messageId).slice(1)),
    ];
    h.state = upgradeState(state);
    expect(
      h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "one", clientId: "k1" }),
    ).toMatchObject({ messageId: sent.messageId, duplicate: true });
    expect(h.ok(rep("alice"), { type: "message", conversationId: id, text: "two", clientId: "k1" })).toMatchObject({
      messageId: staff.messageId,
      duplicate: true,
    });
  });

  it("a snapshot of an earlier version loads without its clientIds and still knows its client ids", () => {
    const h = new CoreHarness();
    const id = activeChat(h);
    const sent = h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "one", clientId: "k1" });
    const old = asStoredByEarlierVersion(h);
    h.state = upgradeState(old.state);
    expect(JSON.stringify(h.state)).not.toContain("clientIds");
    expect(
      h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "one", clientId: "k1" }),
    ).toMatchObject({ messageId: sent.messageId, duplicate: true });
  });

  it("events of an earlier version replay to the same state as this version's", () => {
    const h = new CoreHarness();
    const id = activeChat(h);
    const sent = h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "one", clientId: "k1" });
    const replayed = initialState(testOrg());
    for (const event of asStoredByEarlierVersion(h).log) evolve(replayed, event);
    expect(JSON.stringify(replayed)).toBe(JSON.stringify(h.state));
    h.state = replayed;
    expect(
      h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "one", clientId: "k1" }),
    ).toMatchObject({ messageId: sent.messageId, duplicate: true });
  });
});
