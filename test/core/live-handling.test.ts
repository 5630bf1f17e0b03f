// Handling a live chat (SPEC §4): aborted conversations (L4), transfer (L10), conference (L11) and
// End with wrap-up (L12). Each test reads given / when / then.
import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../server/core/model.js";
import { audienceOf } from "../../server/core/audience.js";
import { changesFor } from "../../server/core/changes.js";
import { conversationView, customerConversationView, offerView } from "../../server/core/conversation-views.js";
import { snapshot } from "../../server/core/snapshot.js";
import { canSee } from "../../server/core/viewer.js";
import { admin, CoreHarness, rep, supervisor, testOrg } from "../helpers/core.js";

/** Start a chat on `workstreamId` and have `repId` (the only Available rep) accept it. */
function handled(
  h: CoreHarness,
  repId: string,
  workstreamId = "live",
  text = "Hello, I need help",
  identity: { id?: string; name?: string } = {},
): string {
  const id = h.start(workstreamId, text, identity);
  const offerId = h.offerFor(repId, id);
  if (!offerId) throw new Error(`no offer for ${repId} on ${id}`);
  h.ok(rep(repId), { type: "accept", offerId });
  return id;
}

function lastMessage(h: CoreHarness, id: string) {
  return h.thread(id).at(-1)!;
}

function customerView(h: CoreHarness, id: string) {
  return customerConversationView(h.state, h.conversation(id), true);
}

/** The last event of `type` in the log. */
function lastEvent<T extends DomainEvent["type"]>(h: CoreHarness, type: T): Extract<DomainEvent, { type: T }> {
  const all = h.events(type);
  const event = all[all.length - 1];
  if (!event) throw new Error(`no ${type} event`);
  return event as Extract<DomainEvent, { type: T }>;
}

describe("L4: deleting a resource aborts the conversation", () => {
  it("SPEC L4: deleting the queue aborts its Active conversation with a warning to rep and customer", () => {
    // given: Alice handles a live chat in the General queue
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");

    // when: the admin deletes the General queue
    h.ok(admin, { type: "delete_queue", queueId: "general" });

    // then: the conversation is aborted (still held by Alice, who must end it) and everyone is warned
    const c = h.conversation(id);
    expect(c.aborted).toBe("queue General was deleted");
    expect(c.state).toBe("active");
    expect(c.ownerId).toBe("alice");
    const warning = lastMessage(h, id);
    expect(warning.author).toEqual({ role: "system" });
    expect(warning.code).toBe("aborted");
    expect(warning.text).toBe("This conversation was aborted: queue General was deleted. It can only be ended.");
    expect(customerView(h, id).messages?.at(-1)?.text).toBe(warning.text);
    const notices = changesFor(h.state, lastEvent(h, "aborted"), { role: "rep", id: "alice" }, new Set([id]));
    expect(notices).toContainEqual(expect.objectContaining({ kind: "notice", code: "aborted", conversationId: id }));
    expect(conversationView(h.state, c, false).aborted).toBe("queue General was deleted");
  });

  it("SPEC L4: deleting a workstream aborts and closes its conversations, freeing the reps; other workstreams go on", () => {
    // given: Alice handles a live chat, another waits in the queue, and Bob has a persistent chat
    const h = new CoreHarness(testOrg({ autoBusyAtCapacity: false }));
    h.available("alice");
    const active = handled(h, "alice");
    h.ok(rep("alice"), { type: "presence", presence: "away" });
    const queued = h.start("live");
    h.available("bob");
    const persistent = handled(h, "bob", "persistent", "Hello", { id: "ann", name: "Ann Lee" });

    // when: the admin removes the live workstream
    h.ok(admin, { type: "delete_workstream", workstreamId: "live" });

    // then: both live chats are closed with the warning; Alice's capacity is free; Bob's chat is untouched
    for (const id of [active, queued]) {
      expect(h.conversation(id)).toMatchObject({
        state: "closed",
        closedBy: "system",
        aborted: "workstream live was removed",
      });
      expect(lastMessage(h, id)).toMatchObject({
        code: "aborted",
        text: "This conversation was aborted: workstream live was removed. It can only be ended.",
      });
    }
    expect(h.used("alice")).toBe(0);
    expect(h.conversation(persistent)).toMatchObject({ state: "active", ownerId: "bob", aborted: null });
    expect(h.refused(admin, { type: "delete_workstream", workstreamId: "nowhere" })).toBe("workstream/not_found");
  });

  it("SPEC L4: an aborted conversation refuses messages, transfer and conference; the rep can only end it", () => {
    // given: Alice's conversation was aborted by the deletion of its queue
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(admin, { type: "delete_queue", queueId: "general" });

    // when: Alice tries to carry on
    const message = h.refused(rep("alice"), { type: "message", conversationId: id, text: "Are you still there?" });
    const transfer = h.refused(rep("alice"), {
      type: "transfer",
      conversationId: id,
      target: { kind: "queue", id: "billing" },
    });
    const conference = h.refused(rep("alice"), { type: "conference", conversationId: id, repId: "bob" });

    // then: each is refused as aborted, while End and wrap-up still work and release her capacity
    expect([message, transfer, conference]).toEqual([
      "conversation/aborted",
      "conversation/aborted",
      "conversation/aborted",
    ]);
    expect(h.used("alice")).toBe(1);
    h.ok(rep("alice"), { type: "end", conversationId: id });
    expect(h.conversation(id).state).toBe("wrapup");
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "other" });
    expect(h.conversation(id).state).toBe("closed");
    expect(h.used("alice")).toBe(0);
  });

  it("SPEC L4: a customer cannot write into a conversation aborted by its queue's deletion; they are told to start a new one", () => {
    // given: Alice's live chat was aborted because its queue was deleted
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    const customer = h.customerOf(id);
    const key = h.conversation(id).customer.key;
    h.ok(admin, { type: "delete_queue", queueId: "general" });
    const before = h.conversation(id).messages.length;

    // when: the customer writes again
    const outcome = h.run(customer, {
      type: "customer.message",
      conversationId: id,
      text: "Hello? Are you still there?",
    });

    // then: a clear refusal, and nothing is stored in the dead conversation
    expect(outcome).toMatchObject({ ok: false, error: { code: "conversation/aborted" } });
    expect(!outcome.ok && outcome.error.message).toMatch(
      /aborted \(queue General was deleted\).*start a new conversation/,
    );
    expect(h.conversation(id).messages).toHaveLength(before);
    // and the customer's view says it has ended (the widget offers a new chat), as soon as it was aborted
    expect(customerView(h, id)).toMatchObject({ state: "active", ended: true });
    const changes = changesFor(h.state, lastEvent(h, "aborted"), { role: "customer", key }, new Set([id]));
    expect(changes).toContainEqual({
      kind: "customer_conversation",
      conversation: expect.objectContaining({ id, ended: true }),
    });
    // while Alice can still end it
    h.ok(rep("alice"), { type: "end", conversationId: id });
  });

  it("SPEC L4, SPEC P6: a customer returning to a Waiting conversation whose queue was deleted is refused; it never re-enters the deleted queue", () => {
    // given: Alice parked Kenny's persistent chat in Waiting, then the Billing queue was deleted
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice", "persistent", "Hi, about my invoice", { id: "kenny", name: "Kenny Smith" });
    h.ok(rep("alice"), { type: "close", conversationId: id });
    h.ok(admin, { type: "delete_queue", queueId: "billing" });
    expect(h.conversation(id)).toMatchObject({ state: "waiting", aborted: "queue Billing was deleted" });

    // when: Kenny writes again
    const code = h.refused(h.customerOf(id), { type: "customer.message", conversationId: id, text: "Hi, I am back" });

    // then: refused; the conversation stays parked and aborted, out of every queue
    expect(code).toBe("conversation/aborted");
    expect(h.conversation(id)).toMatchObject({ state: "waiting", queuedAt: null });
    expect([...h.state.queues.billing!.open]).toEqual([]);
    const customerLines = h.log.filter(
      (e) => e.type === "message_added" && e.conversationId === id && e.message.author.role === "customer",
    );
    expect(customerLines).toHaveLength(1);
  });

  it("SPEC L4, SPEC P8: a returning persistent customer whose conversation was aborted starts a new one instead of resuming it", () => {
    // given: Kenny's Waiting persistent chat was aborted with the Billing queue; the org then moved persistent chat to General
    const h = new CoreHarness();
    h.available("alice");
    const old = handled(h, "alice", "persistent", "Hi, about my invoice", { id: "kenny", name: "Kenny Smith" });
    h.ok(rep("alice"), { type: "close", conversationId: old });
    h.ok(admin, { type: "delete_queue", queueId: "billing" });
    const org = testOrg();
    h.ok(
      { role: "system" },
      {
        type: "configure",
        org: {
          ...org,
          queues: org.queues.filter((q) => q.id !== "billing"),
          workstreams: org.workstreams.map((w) => (w.id === "persistent" ? { ...w, queueId: "general" } : w)),
          users: org.users.map((u) => ({ ...u, queues: u.queues.filter((q) => q !== "billing") })),
        },
      },
    );

    // when: Kenny comes back and writes
    const result = h.ok(h.customerOf(old), {
      type: "customer.start",
      workstreamId: "persistent",
      identity: { id: "kenny", name: "Kenny Smith" },
      text: "Hi, I am back",
    });

    // then: a new conversation in General, without the old history; the old one is left as it was
    expect(result).toMatchObject({ resumed: false });
    const fresh = result.conversationId as string;
    expect(fresh).not.toBe(old);
    expect(h.conversation(fresh)).toMatchObject({ queueId: "general", aborted: null });
    expect(h.conversation(fresh).messages.map((m) => m.text)).toEqual(["Hi, I am back"]);
    expect(h.conversation(old)).toMatchObject({ state: "waiting", aborted: "queue Billing was deleted" });
    expect(h.offerFor("alice", fresh)).toBeDefined();
  });

  it("SPEC L4: deleting the queue closes its Open conversations with the warning and withdraws their offers", () => {
    // given: two chats offered to Alice and a third one waiting in General
    const h = new CoreHarness();
    h.available("alice");
    const offered = [h.start("live"), h.start("live")];
    const queued = h.start("live");
    expect(offered.map((id) => h.offerFor("alice", id))).not.toContain(undefined);
    expect(h.conversation(queued).offerId).toBeNull();

    // when: the admin deletes General
    h.ok(admin, { type: "delete_queue", queueId: "general" });

    // then: nothing is left hanging: all three are closed with the warning, and Alice holds nothing
    for (const id of [...offered, queued]) {
      const c = h.conversation(id);
      expect(c.state).toBe("closed");
      expect(c.aborted).toBe("queue General was deleted");
      expect(h.thread(id).some((m) => m.code === "aborted")).toBe(true);
      expect(customerView(h, id).ended).toBe(true);
    }
    expect(h.offerFor("alice")).toBeUndefined();
    expect(h.used("alice")).toBe(0);
    expect([...h.state.queues.general!.open]).toEqual([]);
  });

  it("SPEC L4: deleting a rep aborts their Active conversation with a warning; a supervisor can still close it", () => {
    // given: Alice handles a live chat
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");

    // when: the admin removes Alice
    h.ok(admin, { type: "delete_user", userId: "alice" });

    // then: the conversation is aborted with a warning the customer sees, Alice can do nothing more,
    // and a supervisor can close it
    const c = h.conversation(id);
    expect(c.aborted).toBe("rep Alice Moreau was removed");
    expect(lastMessage(h, id)).toMatchObject({
      code: "aborted",
      text: "This conversation was aborted: rep Alice Moreau was removed. It can only be ended.",
    });
    expect(customerView(h, id).messages?.at(-1)?.code).toBe("aborted");
    expect(h.refused(rep("alice"), { type: "message", conversationId: id, text: "hello?" })).toBe("rep/not_found");
    expect(snapshot(h.state, { role: "supervisor", id: "sam" }).users.map((u) => u.id)).not.toContain("alice");
    h.ok(supervisor(), { type: "force_close", conversationId: id });
    expect(h.conversation(id).state).toBe("closed");
  });

  it("SPEC L4: the customer can still end a live chat aborted by its rep's removal", () => {
    // given: Alice's live chat was aborted because Alice was removed
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.ok(admin, { type: "delete_user", userId: "alice" });

    // when: the customer ends it
    h.ok(h.customerOf(id), { type: "customer.end", conversationId: id });

    // then: nobody is left to wrap it up, so it is Closed rather than waiting for the removed rep
    expect(h.conversation(id).state).toBe("closed");
    expect(h.conversation(id).wrapUpBy).toEqual([]);
  });

  it("SPEC L4: a removed rep's persistent chat is closed when nobody else could end it (force close off)", () => {
    // given: force close is off, and Alice handles a persistent chat and a live one
    const h = new CoreHarness(testOrg({ supervisor: { ...testOrg().supervisor, forceClose: false } }));
    h.available("alice");
    const persistent = handled(h, "alice", "persistent", "Is my invoice ready?", { id: "cust-ann", name: "Ann Lee" });
    const live = handled(h, "alice");

    // when: the admin removes Alice
    h.ok(admin, { type: "delete_user", userId: "alice" });

    // then: the persistent chat's customer cannot end it and no supervisor may: it is closed with the warning; the
    // live chat stays aborted for its customer to end
    expect(h.conversation(persistent)).toMatchObject({ state: "closed", aborted: "rep Alice Moreau was removed" });
    expect(lastEvent(h, "closed")).toMatchObject({ conversationId: persistent, by: "system" });
    expect(lastMessage(h, persistent).code).toBe("aborted");
    expect(customerView(h, persistent).ended).toBe(true);
    expect(h.conversation(live)).toMatchObject({ state: "active", aborted: "rep Alice Moreau was removed" });
    h.ok(h.customerOf(live), { type: "customer.end", conversationId: live });
    expect(h.conversation(live).state).toBe("closed");
  });

  it("SPEC L4: deleting a rep with a pending offer hands the conversation to another rep", () => {
    // given: a chat offered to Alice, Bob Available too
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    expect(h.offerFor("alice", id)).toBeDefined();
    h.available("bob");

    // when: Alice is removed
    h.ok(admin, { type: "delete_user", userId: "alice" });

    // then: the offer is withdrawn and the conversation goes to Bob
    expect(h.offerFor("alice", id)).toBeUndefined();
    expect(h.offerFor("bob", id)).toBeDefined();
    expect(h.conversation(id).aborted).toBeNull();
  });

  it("SPEC L4: deleting a rep who is wrapping up does not leave the conversation stuck in Wrap-up", () => {
    // given: Alice ended a chat and is choosing a wrap-up reason
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.ok(rep("alice"), { type: "end", conversationId: id });
    expect(h.conversation(id).state).toBe("wrapup");

    // when: Alice is removed before she submits
    h.ok(admin, { type: "delete_user", userId: "alice" });

    // then: nobody is left to wrap up, so the conversation is Closed
    expect(h.conversation(id).state).toBe("closed");
    expect(h.conversation(id).wrapUpBy).toEqual([]);
  });

  it("SPEC L4: deleting a conference participant takes them out; the owner carries on", () => {
    // given: Alice owns a chat in which Bob joined a conference
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "conference", conversationId: id, repId: "bob" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });

    // when: Bob is removed
    h.ok(admin, { type: "delete_user", userId: "bob" });

    // then: Bob is no longer a participant and Alice can still write
    const c = h.conversation(id);
    expect(c.participants).toEqual([]);
    expect(c.aborted).toBeNull();
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "Bob had to leave, I am still here" });
  });
});

describe("L10: transfer", () => {
  it("SPEC L10: transfer is refused before the rep accepted the offer, and after End", () => {
    // given: a chat offered to Alice but not accepted
    const h = new CoreHarness();
    h.available("alice", "bob");
    const id = h.start("live");
    expect(h.offerFor("alice", id)).toBeDefined();

    // when: Alice tries to transfer it
    const before = h.refused(rep("alice"), {
      type: "transfer",
      conversationId: id,
      target: { kind: "queue", id: "billing" },
    });

    // then: refused, the offer still stands
    expect(before).toBe("conversation/not_yours");
    expect(h.conversation(id).state).toBe("open");
    expect(h.offerFor("alice", id)).toBeDefined();

    // and when she has accepted and ended it, it cannot be transferred either
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
    h.ok(rep("alice"), { type: "end", conversationId: id });
    expect(h.refused(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "rep", id: "bob" } })).toBe(
      "conversation/not_active",
    );
  });

  it("SPEC L10: transfer to a queue puts the rep in wrap-up (capacity held) and routes the chat in that queue", () => {
    // given: Alice handles a chat from General; Bob (in Billing) and Carol (not in Billing) are Available
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob", "carol");

    // when: Alice transfers it to the Billing queue
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "queue", id: "billing" } });

    // then: it is Open in Billing and offered to Bob; Alice is in wrap-up and still holds the unit
    const c = h.conversation(id);
    expect(c.queueId).toBe("billing");
    expect(c.ownerId).toBeNull();
    expect(h.offerFor("bob", id)).toBeDefined();
    expect(h.offerFor("carol", id)).toBeUndefined();
    expect(h.used("alice")).toBe(1);
    expect(h.state.users.alice!.items[id]?.role).toBe("wrapup");
    expect(canSee(h.state, { role: "rep", id: "alice" }, c)).toBe(true);
    // and the view lists her as wrapping up, so a console that reconnects can reopen the dialog
    expect(conversationView(h.state, c, false).wrapUpBy).toEqual(["alice"]);

    // when: Alice submits her wrap-up reason, then Bob accepts
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });

    // then: Alice's capacity is released, Bob owns the Active chat
    expect(h.used("alice")).toBe(0);
    expect(conversationView(h.state, h.conversation(id), false).wrapUpBy).toEqual([]);
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "bob", queueId: "billing" });
  });

  it("SPEC L10: transfer to an available rep offers it to them; on accept they own it", () => {
    // given: Alice handles a chat; Bob is Available
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");

    // (the picker lists the reps with their presence, and the queues, from Alice's snapshot)
    const picker = snapshot(h.state, { role: "rep", id: "alice" });
    expect(picker.users.find((u) => u.id === "bob")).toMatchObject({
      name: "Bob Okafor",
      presence: "available",
      used: 0,
      capacity: 2,
    });
    expect(picker.org.queues).toEqual([
      { id: "general", name: "General" },
      { id: "billing", name: "Billing" },
    ]);

    // when: Alice transfers it to Bob
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "rep", id: "bob" } });

    // then: Bob gets a transfer offer from Alice; views show the pending transfer; Alice is in wrap-up
    const offerId = h.offerFor("bob", id)!;
    expect(offerId).toBeDefined();
    const offer = offerView(h.state, h.state.offers[offerId]!);
    expect(offer).toMatchObject({ kind: "transfer", byName: "Alice Moreau", conversationId: id });
    expect(conversationView(h.state, h.conversation(id), false).transfer).toEqual({
      by: "rep",
      fromRepId: "alice",
      target: { kind: "rep", id: "bob", name: "Bob Okafor" },
    });
    expect(h.state.users.alice!.items[id]?.role).toBe("wrapup");

    // when: Bob accepts
    h.ok(rep("bob"), { type: "accept", offerId });

    // then: Bob owns the Active chat, the transfer is complete, Alice still holds her unit until she submits
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "bob", transfer: null });
    expect(lastEvent(h, "transfer_ended").outcome).toBe("accepted");
    expect(h.used("bob")).toBe(1);
    expect(h.used("alice")).toBe(1);
    h.ok(rep("bob"), { type: "message", conversationId: id, text: "Hi, Bob here" });
    expect(h.refused(rep("alice"), { type: "message", conversationId: id, text: "still me" })).toBe(
      "conversation/not_yours",
    );
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "other" });
    expect(h.used("alice")).toBe(0);
  });

  it("SPEC L10: the target must be an Available rep with room, or an existing queue", () => {
    // given: Alice handles a chat; Bob is Busy, Carol Available but full (no automatic Busy in this org)
    const h = new CoreHarness(testOrg({ autoBusyAtCapacity: false }));
    h.available("alice");
    const id = handled(h, "alice");
    h.ok(rep("alice"), { type: "presence", presence: "busy" });
    h.ok(rep("bob"), { type: "presence", presence: "busy" });
    h.available("carol");
    h.start("live");
    h.start("live");
    for (const o of Object.values(h.state.offers).filter((x) => x.repId === "carol"))
      h.ok(rep("carol"), { type: "accept", offerId: o.id });
    expect(h.used("carol")).toBe(2);

    // when / then: every unusable target is refused and the chat stays with Alice
    const to = (target: { kind: "rep" | "queue"; id: string }) =>
      h.refused(rep("alice"), { type: "transfer", conversationId: id, target });
    expect(to({ kind: "rep", id: "bob" })).toBe("rep/unavailable");
    expect(to({ kind: "rep", id: "dave" })).toBe("rep/not_found");
    expect(to({ kind: "rep", id: "alice" })).toBe("transfer/invalid_target");
    expect(to({ kind: "rep", id: "carol" })).toBe("rep/at_capacity");
    expect(to({ kind: "queue", id: "nowhere" })).toBe("queue/not_found");
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice", transfer: null });
  });

  it("SPEC L10: a target rep who rejects: the request is withdrawn and the chat goes to another rep", () => {
    // given: Alice transferred her chat to Bob; Carol is Available
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob", "carol");
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "rep", id: "bob" } });

    // when: Bob rejects it
    h.ok(rep("bob"), { type: "reject", offerId: h.offerFor("bob", id)! });

    // then: the transfer is withdrawn and the chat is routed again, to Carol (not back to Bob or Alice)
    expect(lastEvent(h, "transfer_ended").outcome).toBe("withdrawn");
    expect(h.conversation(id).transfer).toBeNull();
    expect(h.used("bob")).toBe(0);
    const carolOffer = h.offerFor("carol", id);
    expect(carolOffer).toBeDefined();
    expect(h.state.offers[carolOffer!]!.kind).toBe("route");
    h.ok(rep("carol"), { type: "accept", offerId: carolOffer! });
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "carol" });
  });

  it("SPEC L10: a target rep who lets it time out goes RONA; the chat goes to another rep", () => {
    // given: Alice transferred her chat to Bob (30 s offer timeout); Carol is Available
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob", "carol");
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "rep", id: "bob" } });

    // when: 30 seconds pass without an answer
    h.advance(30_000);

    // then: Bob's offer timed out, he is RONA, the transfer is withdrawn and Carol is offered the chat
    expect(h.offerFor("bob", id)).toBeUndefined();
    expect(h.presence("bob")).toBe("rona");
    expect(h.conversation(id).transfer).toBeNull();
    expect(h.offerFor("carol", id)).toBeDefined();
  });

  it("SPEC L10: with nobody else free, a declined transfer is offered again rather than waiting: it is never stranded", () => {
    // given: Alice transferred her chat to Bob; nobody else is Available
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "rep", id: "bob" } });

    // when: Bob rejects
    h.ok(rep("bob"), { type: "reject", offerId: h.offerFor("bob", id)! });

    // then: the chat is Open in General, visible to supervisors; Alice wraps up, so Bob is the only rep with room:
    // every such rep declined it, so the declines are forgotten and it is offered to him again (a routing offer)
    expect(h.conversation(id)).toMatchObject({ state: "open", ownerId: null, transfer: null, declinedBy: [] });
    expect([...h.state.queues.general!.open]).toContain(id);
    expect(snapshot(h.state, { role: "supervisor", id: "sam" }).conversations.map((c) => c.id)).toContain(id);
    expect(h.state.offers[h.offerFor("bob", id)!]).toMatchObject({ kind: "route" });
    expect(h.events("declines_forgotten")).toHaveLength(1);
  });

  it("SPEC L10: the rep who transferred a chat to a rep who did not accept it is told so, and where it went", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "rep", id: "bob" } });
    const from = h.log.length;
    h.ok(rep("bob"), { type: "reject", offerId: h.offerFor("bob", id)! });
    const ended = h.log.slice(from).find((e) => e.type === "transfer_ended")!;
    expect(ended).toMatchObject({ outcome: "withdrawn", fromRepId: "alice", notAcceptedBy: "bob" });
    expect(audienceOf(h.state, ended).users.includes("alice")).toBe(true);
    const notices = changesFor(h.state, ended, { role: "rep", id: "alice" }, new Set([id])).filter(
      (change) => change.kind === "notice",
    );
    expect(notices).toEqual([
      {
        kind: "notice",
        code: "transfer_not_accepted",
        text: `Bob Okafor did not accept the transfer of ${h.conversation(id).title}; it went back to the General queue.`,
        conversationId: id,
      },
    ]);
    // Bob, who rejected it, is not told about his own answer.
    expect(changesFor(h.state, ended, { role: "rep", id: "bob" }, new Set([id])).some((c) => c.kind === "notice")).toBe(
      false,
    );
  });

  it("SPEC L10: a chat transferred to a queue goes to another free rep, not back to the rep who transferred it", () => {
    // given: Alice handles a chat from General and is the only rep Available
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");

    // when: she transfers it to the General queue; Carol comes; Alice submits her wrap-up reason
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "queue", id: "general" } });
    expect(h.conversation(id)).toMatchObject({ state: "open", queueId: "general", ownerId: null });
    h.available("carol");
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "other" });

    // then: Carol (who never declined it) is offered it, not Alice
    expect(h.offerFor("alice", id)).toBeUndefined();
    expect(h.offerFor("carol", id)).toBeDefined();
  });

  it("SPEC L10: a chat transferred to a queue comes back to its rep once she wrapped up, when nobody else is free", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "queue", id: "general" } });
    expect(h.offerFor("alice", id)).toBeUndefined();
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "other" });
    // She is the only rep of General with room, and only her own decline kept it from her: it does not wait.
    expect(h.offerFor("alice", id)).toBeDefined();
  });

  it("SPEC L10: a transfer the target rep declines goes back to routing, but not to the rep who transferred it", () => {
    // given: Alice transferred her chat to Bob; nobody else is Available
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "rep", id: "bob" } });

    // when: Carol becomes Available (the pending transfer keeps it from routing), Bob rejects, Alice submits her reason
    h.available("carol");
    h.ok(rep("bob"), { type: "reject", offerId: h.offerFor("bob", id)! });
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "other" });

    // then: it went to Carol, who never declined it: neither Bob nor Alice is offered it
    expect(h.conversation(id)).toMatchObject({ state: "open", ownerId: null, transfer: null });
    expect(h.offerFor("alice", id)).toBeUndefined();
    expect(h.offerFor("bob", id)).toBeUndefined();
    expect(h.offerFor("carol", id)).toBeDefined();
  });

  it("SPEC L10: the rep who transferred a chat to a queue can still take it back on purpose: pick it, or come back Available by hand", () => {
    // given: Alice transferred her chat to the General queue and wrapped up; Carol is Available with a full plate
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("carol");
    h.ok(rep("carol"), { type: "presence", presence: "busy" });
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "queue", id: "general" } });
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "other" });
    // Nobody else is free: she is the only one, so her own decline does not keep it waiting.
    expect(h.offerFor("alice", id)).toBeDefined();
    h.ok(rep("alice"), { type: "reject", offerId: h.offerFor("alice", id)! });
    h.ok(rep("alice"), { type: "presence", presence: "away" });
    expect(h.offerFor("alice", id)).toBeUndefined();

    // when: she sets herself Available again by hand
    h.available("alice");

    // then: she is offered it like anyone else
    expect(h.offerFor("alice", id)).toBeDefined();

    // and (another run) she can pick it from the open work items at any time
    const h2 = new CoreHarness();
    h2.available("alice");
    const id2 = handled(h2, "alice");
    h2.ok(rep("alice"), { type: "transfer", conversationId: id2, target: { kind: "queue", id: "general" } });
    h2.ok(rep("alice"), { type: "wrapup", conversationId: id2, reasonId: "other" });
    h2.ok(rep("alice"), { type: "pick", conversationId: id2 });
    expect(h2.conversation(id2)).toMatchObject({ state: "active", ownerId: "alice" });
  });
});

describe("L10, L12: picking back a chat one is still wrapping up", () => {
  it("SPEC L10, SPEC L12: the rep who transferred a chat to a queue must submit the transfer's wrap-up reason before picking it back", () => {
    // given: Alice transferred her chat to the General queue and is in the wrap-up dialog; nobody else is Available
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "queue", id: "general" } });
    expect(h.state.users.alice!.items[id]).toEqual({ role: "wrapup", units: 1 });

    // when: she tries to pick it back before submitting a reason
    const outcome = h.run(rep("alice"), { type: "pick", conversationId: id });

    // then: refused with a clear reason; her wrap-up (and the unit it holds) is untouched, the chat stays Open
    expect(outcome).toMatchObject({ ok: false, error: { code: "wrapup/pending" } });
    expect(!outcome.ok && outcome.error.message).toMatch(/wrap-up reason/);
    expect(h.state.users.alice!.items[id]).toEqual({ role: "wrapup", units: 1 });
    expect(conversationView(h.state, h.conversation(id), false).wrapUpBy).toEqual(["alice"]);
    expect(h.conversation(id)).toMatchObject({ state: "open", ownerId: null });

    // when: she submits the reason (nobody else being free, it is offered to her at once), then picks it
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "other" });
    expect(h.state.users.alice!.items[id]).toEqual({ role: "offer", units: 1 });
    h.ok(rep("alice"), { type: "pick", conversationId: id });

    // then: the transfer's wrap-up was recorded, and she owns the chat again with one unit, as for any pick
    expect(h.events("wrapup_submitted").map((e) => e.type === "wrapup_submitted" && e.reasonId)).toEqual(["other"]);
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice" });
    expect(h.state.users.alice!.items[id]).toEqual({ role: "owner", units: 1 });
  });

  it("SPEC L11, SPEC L12: a rep who left a conference cannot pick the chat back before submitting their wrap-up reason", () => {
    // given: Bob left Alice's conference (he is wrapping up) and Alice then transferred the chat to the General queue
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "conference", conversationId: id, repId: "bob" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });
    h.ok(rep("bob"), { type: "end_conference", conversationId: id });
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "queue", id: "general" } });

    // when: Bob tries to pick it
    const code = h.refused(rep("bob"), { type: "pick", conversationId: id });

    // then: refused; his wrap-up item stays
    expect(code).toBe("wrapup/pending");
    expect(h.state.users.bob!.items[id]?.role).toBe("wrapup");
  });

  it("SPEC SV5, SPEC L12: a supervisor cannot assign a chat to a rep still wrapping up their transfer of it, even with override", () => {
    // given: Alice transferred her chat to the General queue and is wrapping up
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "queue", id: "general" } });

    // when: Sam assigns it to her
    const plain = h.refused(supervisor(), { type: "assign", conversationId: id, target: { kind: "rep", id: "alice" } });
    const overridden = h.refused(supervisor(), {
      type: "assign",
      conversationId: id,
      target: { kind: "rep", id: "alice" },
      override: true,
    });

    // then: both refused; once she submitted her reason, the assignment goes through
    expect([plain, overridden]).toEqual(["wrapup/pending", "wrapup/pending"]);
    expect(h.state.users.alice!.items[id]?.role).toBe("wrapup");
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "other" });
    h.ok(supervisor(), { type: "assign", conversationId: id, target: { kind: "rep", id: "alice" } });
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice" });
  });
});

describe("L11: conference", () => {
  it("SPEC L11: a conference is refused before the rep accepted the offer", () => {
    // given: a chat offered to Alice, not accepted
    const h = new CoreHarness();
    h.available("alice", "bob");
    const id = h.start("live");

    // when: Alice invites Bob
    const code = h.refused(rep("alice"), { type: "conference", conversationId: id, repId: "bob" });

    // then: refused, and no conference is requested
    expect(code).toBe("conversation/not_yours");
    expect(h.conversation(id).conference).toBeNull();
  });

  it("SPEC L11: 'Conference requested' until the rep accepts, then a message says they joined", () => {
    // given: Alice handles a chat; Bob is Available
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");

    // when: Alice invites Bob
    h.ok(rep("alice"), { type: "conference", conversationId: id, repId: "bob" });

    // then: the view reads "Conference requested" for Bob, who has a conference offer
    expect(conversationView(h.state, h.conversation(id), false).conferenceRequested).toEqual({
      repId: "bob",
      repName: "Bob Okafor",
    });
    const offerId = h.offerFor("bob", id)!;
    expect(h.state.offers[offerId]!.kind).toBe("conference");
    expect(h.refused(rep("alice"), { type: "conference", conversationId: id, repId: "carol" })).toBe(
      "conference/pending",
    );

    // when: Bob accepts
    h.ok(rep("bob"), { type: "accept", offerId });

    // then: Bob is a participant, the request is gone, and a system message says he joined (customer sees it)
    const view = conversationView(h.state, h.conversation(id), true);
    expect(view.conferenceRequested).toBeNull();
    expect(view.participants).toEqual(["bob"]);
    expect(view.ownerId).toBe("alice");
    expect(lastMessage(h, id)).toMatchObject({
      author: { role: "system" },
      code: "rep_joined",
      text: "Bob Okafor joined the conversation",
    });
    expect(customerView(h, id).messages?.at(-1)?.text).toBe("Bob Okafor joined the conversation");
    expect(h.used("bob")).toBe(1);
    h.ok(rep("bob"), { type: "message", conversationId: id, text: "Hello, I am Bob from billing" });
  });

  it("SPEC L11: End conference takes that rep to wrap-up; the owner carries on", () => {
    // given: Alice owns a chat in conference with Bob
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "conference", conversationId: id, repId: "bob" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });

    // when: Bob ends the conference
    h.ok(rep("bob"), { type: "end_conference", conversationId: id });

    // then: Bob is in wrap-up holding his unit, a message says he left, Alice still owns the Active chat
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice", participants: [] });
    expect(h.state.users.bob!.items[id]?.role).toBe("wrapup");
    expect(h.used("bob")).toBe(1);
    expect(lastMessage(h, id)).toMatchObject({ code: "rep_left", text: "Bob Okafor left the conversation" });
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "Back to just me" });
    expect(h.refused(rep("bob"), { type: "wrapup", conversationId: id, reasonId: "nope" })).toBe(
      "wrapup/unknown_reason",
    );
    h.ok(rep("bob"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    expect(h.used("bob")).toBe(0);
    expect(h.conversation(id).state).toBe("active");
  });

  it("SPEC L11: the owner ending the conference hands the chat to the other rep", () => {
    // given: Alice owns a chat in conference with Bob
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "conference", conversationId: id, repId: "bob" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });

    // when: Alice ends the conference
    h.ok(rep("alice"), { type: "end_conference", conversationId: id });

    // then: Bob owns it; Alice is in wrap-up
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "bob", participants: [] });
    expect(h.state.users.alice!.items[id]?.role).toBe("wrapup");
    expect(h.state.users.bob!.items[id]?.role).toBe("owner");
    expect(h.refused(rep("bob"), { type: "end_conference", conversationId: id })).toBe("conference/not_in_conference");
  });

  it("SPEC L11: a declined conference request is cancelled and the chat stays with its owner", () => {
    // given: Alice invited Bob
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "conference", conversationId: id, repId: "bob" });

    // when: Bob rejects
    h.ok(rep("bob"), { type: "reject", offerId: h.offerFor("bob", id)! });

    // then: no request, no participant, Bob's capacity untouched, Alice still owns it
    expect(conversationView(h.state, h.conversation(id), false).conferenceRequested).toBeNull();
    expect(h.conversation(id)).toMatchObject({ ownerId: "alice", participants: [], state: "active" });
    expect(h.used("bob")).toBe(0);
  });

  it("SPEC L11: only an Available rep can be invited", () => {
    // given: Alice handles a chat; Bob is Away
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.ok(rep("bob"), { type: "presence", presence: "away" });

    // when: Alice invites Bob
    const code = h.refused(rep("alice"), { type: "conference", conversationId: id, repId: "bob" });

    // then: refused
    expect(code).toBe("rep/unavailable");
    expect(h.conversation(id).conference).toBeNull();
  });
});

describe("L12: End and wrap-up", () => {
  it("SPEC L12: a rep's End opens wrap-up; capacity is released only when a known reason is submitted", () => {
    // given: Alice handles a chat
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");

    // when: Alice ends it
    h.ok(rep("alice"), { type: "end", conversationId: id });

    // then: Wrap-up, Alice still holds the unit, the customer sees it ended
    expect(h.conversation(id)).toMatchObject({ state: "wrapup", wrapUpBy: ["alice"], customerEnded: false });
    expect(h.used("alice")).toBe(1);
    expect(lastMessage(h, id).code).toBe("ended");
    expect(customerView(h, id).ended).toBe(true);
    expect(h.refused(h.customerOf(id), { type: "customer.message", conversationId: id, text: "wait!" })).toBe(
      "conversation/wrong_state",
    );

    // when: she submits a reason that is not on the org list
    const code = h.refused(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "gone-fishing" });

    // then: refused, still in Wrap-up
    expect(code).toBe("wrapup/unknown_reason");
    expect(h.conversation(id).state).toBe("wrapup");
    expect(h.used("alice")).toBe(1);

    // when: she submits a reason from the list
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });

    // then: Closed, capacity released
    expect(h.conversation(id)).toMatchObject({ state: "closed", closedBy: "alice", wrapUpBy: [] });
    expect(h.used("alice")).toBe(0);
    expect(lastEvent(h, "wrapup_submitted")).toMatchObject({ repId: "alice", reasonId: "resolved" });
  });

  it("SPEC L12: wrap-up reasons are the org's list, as the rep's snapshot shows them", () => {
    // given: an org with its own wrap-up reasons
    const reasons = [
      { id: "refund", label: "Refund issued" },
      { id: "escalated", label: "Escalated to tier 2" },
    ];
    const h = new CoreHarness(testOrg({ wrapUpReasons: reasons }));
    h.available("alice");
    const id = handled(h, "alice");
    h.ok(rep("alice"), { type: "end", conversationId: id });

    // when / then: the snapshot lists them, the default ones are unknown, the org's are accepted
    expect(snapshot(h.state, { role: "rep", id: "alice" }).org.wrapUpReasons).toEqual(reasons);
    expect(h.refused(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" })).toBe(
      "wrapup/unknown_reason",
    );
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "escalated" });
    expect(h.conversation(id).state).toBe("closed");
  });

  it("SPEC L12: a rep who is not wrapping up cannot submit a reason", () => {
    // given: Alice handles an Active chat
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");

    // when: she (or Bob, who never had it) submits a reason
    const mine = h.refused(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    const bobs = h.refused(rep("bob"), { type: "wrapup", conversationId: id, reasonId: "resolved" });

    // then: refused, still Active
    expect([mine, bobs]).toEqual(["wrapup/not_in_wrapup", "wrapup/not_in_wrapup"]);
    expect(h.conversation(id).state).toBe("active");
  });

  it("SPEC L12: the customer ends a live chat: the rep sees 'Customer ended the conversation' and wraps up", () => {
    // given: Alice handles a live chat
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");

    // when: the customer ends it
    h.ok(h.customerOf(id), { type: "customer.end", conversationId: id });

    // then: a system message and a notice tell Alice; she is in Wrap-up holding her unit
    expect(lastMessage(h, id)).toMatchObject({
      author: { role: "system" },
      code: "customer_ended",
      text: "Customer ended the conversation",
    });
    expect(h.conversation(id)).toMatchObject({ state: "wrapup", customerEnded: true, wrapUpBy: ["alice"] });
    const changes = changesFor(h.state, lastEvent(h, "wrapup_started"), { role: "rep", id: "alice" }, new Set([id]));
    expect(changes).toContainEqual({
      kind: "notice",
      code: "customer_ended",
      text: "Customer ended the conversation",
      conversationId: id,
    });
    expect(conversationView(h.state, h.conversation(id), false).customerEnded).toBe(true);
    expect(h.used("alice")).toBe(1);
    expect(h.refused(rep("alice"), { type: "message", conversationId: id, text: "Goodbye" })).toBe(
      "conversation/not_active",
    );

    // when: Alice submits a reason
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });

    // then: Closed, capacity released
    expect(h.conversation(id).state).toBe("closed");
    expect(h.used("alice")).toBe(0);
  });

  it("SPEC L12: a customer ending a chat in conference sends both reps to wrap-up; it closes after both submit", () => {
    // given: Alice owns a chat in conference with Bob
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "conference", conversationId: id, repId: "bob" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });

    // when: the customer ends it
    h.ok(h.customerOf(id), { type: "customer.end", conversationId: id });

    // then: both wrap up; the chat closes only when the last one submits
    expect(h.conversation(id).wrapUpBy).toEqual(["alice", "bob"]);
    h.ok(rep("bob"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    expect(h.conversation(id).state).toBe("wrapup");
    expect(h.used("bob")).toBe(0);
    expect(h.used("alice")).toBe(1);
    h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
    expect(h.conversation(id).state).toBe("closed");
    expect(h.used("alice")).toBe(0);
  });

  it("SPEC L12: a customer ending a chat nobody accepted yet closes it and withdraws the offer", () => {
    // given: a chat offered to Alice
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    const offerId = h.offerFor("alice", id)!;

    // when: the customer ends it
    h.ok(h.customerOf(id), { type: "customer.end", conversationId: id });

    // then: Closed with the message; Alice's offer is gone and cannot be accepted
    expect(h.conversation(id)).toMatchObject({ state: "closed", closedBy: "customer" });
    expect(h.thread(id).some((m) => m.code === "customer_ended")).toBe(true);
    expect(h.used("alice")).toBe(0);
    expect(h.refused(rep("alice"), { type: "accept", offerId })).toBe("offer/not_pending");
  });
});

describe("S3, S7: a rep's snapshot", () => {
  it("SPEC S3, SPEC S7: carries the 20 most recently closed conversations, not every one the rep ever handled", () => {
    // given: Alice handled 25 live chats, one after another, each ended and wrapped up a minute apart
    const h = new CoreHarness();
    h.available("alice");
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const id = handled(h, "alice");
      h.ok(rep("alice"), { type: "end", conversationId: id });
      h.ok(rep("alice"), { type: "wrapup", conversationId: id, reasonId: "resolved" });
      h.advance(60_000);
      ids.push(id);
    }
    // and one still active
    const active = handled(h, "alice");

    // when she signs in again
    const snap = snapshot(h.state, { role: "rep", id: "alice" });

    // then: the active one and the 20 closed last, their threads to read from the log (a Closed conversation keeps
    // none of its messages in memory); the 5 oldest are left out
    const closed = snap.conversations.filter((c) => c.state === "closed");
    expect(closed.map((c) => c.id).sort()).toEqual(ids.slice(5).sort());
    expect(closed.every((c) => c.messages?.length === 0 && c.messageCount === h.thread(c.id).length)).toBe(true);
    expect(snap.conversations.map((c) => c.id)).toContain(active);
    // a supervisor's monitor leaves Closed ones out altogether
    expect(snapshot(h.state, { role: "supervisor", id: "sam" }).conversations.map((c) => c.id)).toEqual([active]);
  });
});
