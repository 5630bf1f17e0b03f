// Supervisor controls (SPEC §5): dashboard (SV1), settings (SV2), sentiment and responses (SV3),
// monitor and join (SV4), assign (SV5), transfer (SV6, SV7) and force close (SV8).
// Each test reads given / when / then.
import { describe, expect, it } from "vitest";
import type { Command, DomainEvent } from "../../server/core/model.js";
import type { SupervisorSettings } from "../../server/core/org.js";
import { scoreMessage } from "../../server/core/sentiment.js";
import { changesFor } from "../../server/core/changes.js";
import { conversationView, customerConversationView } from "../../server/core/conversation-views.js";
import { snapshot } from "../../server/core/snapshot.js";
import { canSee } from "../../server/core/viewer.js";
import type { Viewer } from "../../server/core/viewer.js";
import { CoreHarness, rep, supervisor, testOrg } from "../helpers/core.js";
import { eventsOf } from "./p-helpers.js";

const SAM: Viewer = { role: "supervisor", id: "sam" };

/** Start a chat and have `repId` (the only Available rep able to take it) accept it. */
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

/** A persistent conversation Alice handled and parked in Waiting. */
function waiting(h: CoreHarness, customerId = "kenny"): string {
  const id = handled(h, "alice", "persistent", "Hi, about my invoice", { id: customerId, name: "Kenny Smith" });
  h.ok(rep("alice"), { type: "close", conversationId: id });
  return id;
}

function lastEvent<T extends DomainEvent["type"]>(h: CoreHarness, type: T): Extract<DomainEvent, { type: T }> {
  const all = h.events(type);
  const event = all[all.length - 1];
  if (!event) throw new Error(`no ${type} event`);
  return event as Extract<DomainEvent, { type: T }>;
}

/** An org whose supervisor Sam may also take chats from General. */
function orgWithWorkingSupervisor() {
  const base = testOrg();
  return testOrg({ users: base.users.map((u) => (u.id === "sam" ? { ...u, capacity: 2, queues: ["general"] } : u)) });
}

describe("SV1: live dashboard of ongoing conversations", () => {
  it("SPEC SV1, SPEC L10: the view says since when the current rep has the conversation (handle time)", () => {
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    h.advance(5_000);
    const accepted = h.now;
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
    const view = () => conversationView(h.state, h.conversation(id), false);
    expect(view()).toMatchObject({ state: "active", createdAt: accepted - 5_000, assignedAt: accepted });
    // transferred to a queue: nobody has it; Bob takes it a minute later and the handle time starts again
    h.advance(60_000);
    h.ok(rep("alice"), { type: "transfer", conversationId: id, target: { kind: "queue", id: "general" } });
    expect(view()).toMatchObject({ state: "open", assignedAt: null });
    h.available("bob");
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });
    expect(view()).toMatchObject({ ownerId: "bob", assignedAt: accepted + 60_000 });
  });

  it("SPEC SV1, SPEC L2: an Open conversation being offered names the rep it is offered to, and the change reaches supervisors", () => {
    // given: Alice Available; a customer starts a chat and it is offered to her
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    const offer = h.state.offers[h.offerFor("alice", id)!]!;
    const sam: Viewer = { role: "supervisor", id: "sam" };
    expect(conversationView(h.state, h.conversation(id), false).offeredTo).toEqual({
      repId: "alice",
      repName: "Alice Moreau",
      expiresAt: offer.expiresAt,
    });

    // when she lets it time out (RONA), the supervisor is told the offer is gone
    h.advance(30_000);
    h.ok({ role: "system" }, { type: "tick" });
    expect(h.presence("alice")).toBe("rona");
    const ended = h.events("offer_ended").at(-1)!;
    const changes = changesFor(h.state, ended, sam, new Set([id]));
    expect(changes).toContainEqual(
      expect.objectContaining({ kind: "conversation", conversation: expect.objectContaining({ id, offeredTo: null }) }),
    );

    // and once Bob takes it, nobody is offered it any more
    h.available("bob");
    expect(conversationView(h.state, h.conversation(id), false).offeredTo).toMatchObject({ repId: "bob" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });
    expect(conversationView(h.state, h.conversation(id), false)).toMatchObject({
      state: "active",
      ownerId: "bob",
      offeredTo: null,
    });
  });

  it("SPEC SV1: the supervisor's snapshot lists every ongoing conversation, whoever handles it", () => {
    // given: Alice and Bob each handle a chat, one waits in the queue, one is Waiting, one in Wrap-up, one Closed
    const h = new CoreHarness();
    h.available("alice");
    const alices = handled(h, "alice");
    const parked = waiting(h);
    const wrapping = handled(h, "alice");
    h.ok(rep("alice"), { type: "end", conversationId: wrapping });
    h.ok(rep("alice"), { type: "presence", presence: "away" });
    h.available("bob");
    const bobs = handled(h, "bob");
    const closed = handled(h, "bob");
    h.ok(rep("bob"), { type: "end", conversationId: closed });
    h.ok(rep("bob"), { type: "wrapup", conversationId: closed, reasonId: "resolved" });
    h.ok(rep("bob"), { type: "presence", presence: "away" });
    const queued = h.start("live");

    // when: Sam opens the dashboard
    const view = snapshot(h.state, SAM);

    // then: every conversation that is not Closed is there, with its state and rep; reps and their load too
    const byId = new Map(view.conversations.map((c) => [c.id, c]));
    expect([...byId.keys()].sort()).toEqual([alices, parked, wrapping, bobs, queued].sort());
    expect(byId.get(alices)).toMatchObject({ state: "active", ownerName: "Alice Moreau" });
    expect(byId.get(bobs)).toMatchObject({ state: "active", ownerName: "Bob Okafor" });
    expect(byId.get(parked)).toMatchObject({ state: "waiting", lastOwnerId: "alice" });
    expect(byId.get(wrapping)).toMatchObject({ state: "wrapup", wrapUpBy: ["alice"] });
    expect(byId.get(queued)).toMatchObject({ state: "open", ownerId: null });
    expect(view.users.find((u) => u.id === "alice")).toMatchObject({ presence: "away", used: 2 });
    expect(view.users.find((u) => u.id === "bob")).toMatchObject({ presence: "away", used: 1 });
    // whereas a rep sees only their own
    const bobsView = snapshot(h.state, { role: "rep", id: "bob" }).conversations.map((c) => c.id);
    expect(bobsView).toContain(bobs);
    expect(bobsView).not.toContain(alices);
  });

  it("SPEC SV1: the dashboard stays live: the supervisor gets every rep's changes", () => {
    // given: Alice handles a chat, Sam has seen it
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    const seen = new Set([id]);

    // when: Alice replies
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "Let me check that for you" });

    // then: Sam receives the message, although the chat is not his
    const changes = changesFor(h.state, lastEvent(h, "message_added"), SAM, seen);
    expect(changes).toContainEqual(
      expect.objectContaining({
        kind: "message",
        conversationId: id,
        message: expect.objectContaining({ text: "Let me check that for you" }),
      }),
    );
    expect(canSee(h.state, SAM, h.conversation(id))).toBe(true);
  });
});

describe("SV2: each supervisor action has its own admin setting", () => {
  const actions: {
    setting: keyof SupervisorSettings;
    code: string;
    command: (id: string) => Command;
    needs: "active" | "open";
  }[] = [
    {
      setting: "monitor",
      code: "supervisor/monitor_disabled",
      command: (id) => ({ type: "monitor", conversationId: id, mode: "monitor" }),
      needs: "active",
    },
    {
      setting: "assign",
      code: "supervisor/assign_disabled",
      command: (id) => ({ type: "assign", conversationId: id, target: { kind: "rep", id: "bob" } }),
      needs: "open",
    },
    {
      setting: "transfer",
      code: "supervisor/transfer_disabled",
      command: (id) => ({ type: "supervisor_transfer", conversationId: id, target: { kind: "rep", id: "bob" } }),
      needs: "active",
    },
    {
      setting: "forceClose",
      code: "supervisor/force_close_disabled",
      command: (id) => ({ type: "force_close", conversationId: id }),
      needs: "active",
    },
  ];

  for (const action of actions) {
    it(`SPEC SV2: ${action.setting} is refused with ${action.code} when its setting is off, and allowed when on`, () => {
      // given: an org with only this action turned off, and a conversation it could apply to
      const settings = { monitor: true, assign: true, transfer: true, forceClose: true, setPresence: false };
      settings[action.setting] = false;
      const h = new CoreHarness(testOrg({ supervisor: settings }));
      h.available("alice");
      const id = action.needs === "active" ? handled(h, "alice") : h.start("live");
      if (action.needs === "open") h.ok(rep("alice"), { type: "presence", presence: "away" });
      h.available("bob");
      const before = JSON.stringify(h.conversation(id));

      // when: Sam tries it
      const code = h.refused(supervisor(), action.command(id));

      // then: refused with its own code, nothing changed, and the other three actions are still on
      expect(code).toBe(action.code);
      expect(JSON.stringify(h.conversation(id))).toBe(before);
      expect(snapshot(h.state, SAM).org.supervisor).toEqual(settings);

      // and with the setting on, the same command goes through
      const enabled = new CoreHarness(testOrg());
      enabled.available("alice");
      const other = action.needs === "active" ? handled(enabled, "alice") : enabled.start("live");
      if (action.needs === "open") enabled.ok(rep("alice"), { type: "presence", presence: "away" });
      enabled.available("bob");
      enabled.ok(supervisor(), action.command(other));
    });
  }

  it("SPEC SV2: turning one action off leaves the others working", () => {
    // given: monitor off only
    const h = new CoreHarness(
      testOrg({ supervisor: { monitor: false, assign: true, transfer: true, forceClose: true } }),
    );
    h.available("alice");
    const id = handled(h, "alice");

    // when: Sam monitors, then force-closes
    const monitor = h.refused(supervisor(), { type: "monitor", conversationId: id, mode: "join" });
    h.ok(supervisor(), { type: "force_close", conversationId: id });

    // then: monitor refused, force close done
    expect(monitor).toBe("supervisor/monitor_disabled");
    expect(h.conversation(id).state).toBe("closed");
  });
});

describe("SV3: sentiment and the reps' responses", () => {
  it("SPEC SV3: the supervisor's view carries each customer message's sentiment and the rep's replies", () => {
    // given: a customer writes angrily and Alice answers
    const h = new CoreHarness();
    h.available("alice");
    const angry = "This is terrible, I am furious and very disappointed with your awful service";
    const id = handled(h, "alice", "live", "Hello");
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: angry });
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "I am sorry to hear that, let me fix it" });

    // when: Sam looks at the conversation
    const view = snapshot(h.state, SAM).conversations.find((c) => c.id === id)!;

    // then: customer messages carry their sentiment step, the rep's reply is there with her name,
    // and the conversation's sentiment is negative and alerting
    const customerMessages = view.messages!.filter((m) => m.author.role === "customer");
    expect(customerMessages.map((m) => m.sentiment)).toEqual([scoreMessage("Hello"), scoreMessage(angry)]);
    expect(scoreMessage(angry)).toBeLessThan(0);
    const reply = view.messages!.find((m) => m.author.role === "rep")!;
    expect(reply).toMatchObject({
      author: { role: "rep", id: "alice", name: "Alice Moreau" },
      text: "I am sorry to hear that, let me fix it",
    });
    expect(reply.sentiment).toBeUndefined();
    expect(view.sentiment).toBeLessThan(0);
    expect(view.alert).toBe(true);
  });

  it("SPEC SV3: live message changes to the supervisor carry the sentiment; the customer never sees it", () => {
    // given: Alice handles a chat that Sam has seen
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    const text = "Thank you so much, that is wonderful and very helpful!";

    // when: the customer writes
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text });

    // then: Sam's change has the step; the customer's own view has none
    const event = lastEvent(h, "message_added");
    const [change] = changesFor(h.state, event, SAM, new Set([id]));
    expect(change).toMatchObject({ kind: "message", message: { text, sentiment: scoreMessage(text) } });
    expect(scoreMessage(text)).toBeGreaterThan(0);
    const own = customerConversationView(h.state, h.conversation(id), true).messages!.at(-1)!;
    expect(own.text).toBe(text);
    expect(own.sentiment).toBeUndefined();
  });

  it("SPEC S9, SPEC SV3: the alert is told to the rep in SPEC's words, and to a supervisor with whose conversation it is", () => {
    // given: Alice handles a chat; an unassigned one waits in the queue
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice", "live", "Hello", { id: "dana", name: "Dana Kim" });
    const angry = "This is terrible, I am furious and very disappointed with your awful service";

    // when: the customer writes angrily
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: angry });

    // then: Alice reads S9's sentence; Sam is told it is Alice's conversation, not his
    const alert = lastEvent(h, "sentiment_changed");
    const notice = (viewer: Viewer) =>
      changesFor(h.state, alert, viewer, new Set([id])).find((c) => c.kind === "notice");
    expect(notice({ role: "rep", id: "alice" })).toMatchObject({
      code: "sentiment_alert",
      text: "Dana Kim. Urgent attention needed in your conversation.",
    });
    expect(notice(SAM)).toMatchObject({
      code: "sentiment_alert",
      text: "Dana Kim. Urgent attention needed in Alice Moreau's conversation.",
    });

    // and an angry customer nobody has yet is said so to the supervisor
    h.ok(rep("alice"), { type: "presence", presence: "away" });
    const queued = h.start("live", angry, { id: "kenny", name: "Kenny Smith" });
    const queuedAlert = lastEvent(h, "sentiment_changed");
    expect(queuedAlert.conversationId).toBe(queued);
    expect(changesFor(h.state, queuedAlert, SAM, new Set([queued])).find((c) => c.kind === "notice")).toMatchObject({
      text: "Kenny Smith. Urgent attention needed in a conversation no rep has yet.",
    });
  });
});

describe("S9: who is told of an alert", () => {
  it("SPEC S9: a rep only offered an angry customer's chat is not told 'urgent attention needed in your conversation'; once they accept, they are", () => {
    // given: Alice Available; an angry customer starts a chat, which is offered to her
    const h = new CoreHarness();
    h.available("alice");
    const angry = "This is terrible, I am furious and very disappointed with your awful service";
    const id = h.start("live", angry, { id: "dana", name: "Dana Kim" });
    const offered = lastEvent(h, "sentiment_changed");
    expect(offered).toMatchObject({ conversationId: id, alert: true });
    const notices = (event: DomainEvent) =>
      changesFor(h.state, event, { role: "rep", id: "alice" }, new Set([id])).filter((c) => c.kind === "notice");

    // then: the offer card says how Dana feels; no notice calls it her conversation
    expect(notices(offered)).toEqual([]);

    // when she accepts and Dana writes angrily again, she is told
    h.ok(rep("alice"), { type: "accept", offerId: h.offerFor("alice", id)! });
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: "Nobody answers, this is awful" });
    h.ok(h.customerOf(id), { type: "customer.message", conversationId: id, text: angry });
    const alerts = (h.events("sentiment_changed") as (typeof offered)[]).filter((e) => e.alert && e !== offered);
    expect(alerts.length).toBeGreaterThan(0);
    expect(notices(alerts.at(-1)!)).toEqual([
      expect.objectContaining({
        code: "sentiment_alert",
        text: "Dana Kim. Urgent attention needed in your conversation.",
      }),
    ]);
  });
});

describe("SV4: monitor and join", () => {
  it("SPEC SV4: only Active or Wrap-up conversations can be monitored", () => {
    // given: an Open, a Waiting, an Active, a Wrap-up and a Closed conversation
    const h = new CoreHarness();
    h.available("alice");
    const parked = waiting(h);
    const active = handled(h, "alice");
    h.ok(rep("alice"), { type: "presence", presence: "away" });
    h.available("bob");
    const wrapping = handled(h, "bob");
    h.ok(rep("bob"), { type: "end", conversationId: wrapping });
    const closed = handled(h, "bob");
    h.ok(supervisor(), { type: "force_close", conversationId: closed });
    h.ok(rep("bob"), { type: "presence", presence: "away" });
    const open = h.start("live");

    // when: Sam monitors each
    const monitor = (id: string) => h.run(supervisor(), { type: "monitor", conversationId: id, mode: "monitor" });

    // then: refused for Open, Waiting and Closed; done for Active and Wrap-up
    for (const id of [open, parked, closed]) {
      const outcome = monitor(id);
      expect(outcome.ok ? "ok" : outcome.error.code).toBe("conversation/wrong_state");
    }
    for (const id of [active, wrapping]) {
      expect(monitor(id).ok).toBe(true);
      expect(conversationView(h.state, h.conversation(id), false).supervisors).toEqual({ sam: "monitor" });
    }
  });

  it("SPEC SV4: monitoring alone does not let the supervisor write", () => {
    // given: Sam monitors Alice's chat
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.ok(supervisor(), { type: "monitor", conversationId: id, mode: "monitor" });

    // when: Sam writes
    const code = h.refused(supervisor(), { type: "message", conversationId: id, text: "Hi, supervisor here" });

    // then: refused; nothing was added
    expect(code).toBe("supervisor/not_joined");
    expect(h.conversation(id).messages.some((m) => m.author.role === "supervisor")).toBe(false);
  });

  it("SPEC SV4: joining lets the supervisor write to both the rep and the customer", () => {
    // given: Sam joins Alice's chat
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.ok(supervisor(), { type: "monitor", conversationId: id, mode: "join" });
    const customerKey = h.conversation(id).customer.key;

    // when: Sam writes
    h.ok(supervisor(), { type: "message", conversationId: id, text: "Hi, I am Alice's supervisor" });

    // then: the customer and Alice both receive it, authored by Sam
    const event = lastEvent(h, "message_added");
    const author = { role: "supervisor", id: "sam", name: "Sam Rivera" };
    expect(customerConversationView(h.state, h.conversation(id), true).messages!.at(-1)).toMatchObject({
      author,
      text: "Hi, I am Alice's supervisor",
    });
    expect(changesFor(h.state, event, { role: "customer", key: customerKey }, new Set([id]))).toEqual([
      {
        kind: "message",
        conversationId: id,
        message: expect.objectContaining({ author, text: "Hi, I am Alice's supervisor" }),
      },
    ]);
    expect(changesFor(h.state, event, { role: "rep", id: "alice" }, new Set([id]))).toContainEqual(
      expect.objectContaining({ kind: "message", message: expect.objectContaining({ author }) }),
    );
    expect(conversationView(h.state, h.conversation(id), false).supervisors).toEqual({ sam: "join" });

    // and after leaving, Sam can no longer write
    h.ok(supervisor(), { type: "leave", conversationId: id });
    expect(h.refused(supervisor(), { type: "message", conversationId: id, text: "one more thing" })).toBe(
      "supervisor/not_joined",
    );
  });

  it("SPEC SV4: a supervisor cannot monitor or join a conversation assigned to themselves", () => {
    // given: Sam, who also takes chats, accepted one
    const h = new CoreHarness(orgWithWorkingSupervisor());
    h.ok(supervisor(), { type: "presence", presence: "available" });
    const id = handled(h, "sam");
    expect(h.conversation(id).ownerId).toBe("sam");

    // when: Sam monitors or joins it
    const monitor = h.refused(supervisor(), { type: "monitor", conversationId: id, mode: "monitor" });
    const join = h.refused(supervisor(), { type: "monitor", conversationId: id, mode: "join" });

    // then: refused both ways; he handles it as its rep instead
    expect([monitor, join]).toEqual(["supervisor/own_conversation", "supervisor/own_conversation"]);
    expect(h.conversation(id).supervisors).toEqual({});
    h.ok(supervisor(), { type: "message", conversationId: id, text: "Hello, Sam here" });
  });
});

describe("SV5: assign", () => {
  it("SPEC SV5: an Open conversation assigned to nobody is assigned to a rep, withdrawing its pending offer", () => {
    // given: a chat offered to Alice; Bob is Available with room
    const h = new CoreHarness();
    h.available("alice");
    const id = h.start("live");
    const aliceOffer = h.offerFor("alice", id);
    expect(aliceOffer).toBeDefined();
    h.available("bob");

    // when: Sam assigns it to Bob
    const result = h.ok(supervisor(), { type: "assign", conversationId: id, target: { kind: "rep", id: "bob" } });

    // then: Bob owns it Active, Alice's offer is withdrawn, nothing exceeded
    expect(result.exceededBy).toBe(0);
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "bob" });
    expect(h.offerFor("alice", id)).toBeUndefined();
    expect(h.used("alice")).toBe(0);
    expect(h.used("bob")).toBe(1);
    expect(lastEvent(h, "assigned")).toMatchObject({ repId: "bob", by: "supervisor", override: false, exceededBy: 0 });
  });

  it("SPEC SV5: an Open conversation can be assigned to another queue, where it is routed", () => {
    // given: a chat waiting in General with nobody Available; Bob (Billing) comes Available but is Away for General's sake
    const h = new CoreHarness();
    const id = h.start("live");
    expect(h.conversation(id).queueId).toBe("general");

    // when: Sam assigns it to the Billing queue, and Bob becomes Available
    const result = h.ok(supervisor(), { type: "assign", conversationId: id, target: { kind: "queue", id: "billing" } });
    h.available("bob");

    // then: it waits Open in Billing and is offered to Bob
    expect(result.exceededBy).toBe(0);
    expect(h.conversation(id)).toMatchObject({ state: "open", queueId: "billing", ownerId: null });
    expect([...h.state.queues.billing!.open]).toContain(id);
    expect([...h.state.queues.general!.open]).not.toContain(id);
    expect(h.offerFor("bob", id)).toBeDefined();
    expect(
      h.refused(supervisor(), { type: "assign", conversationId: id, target: { kind: "queue", id: "nowhere" } }),
    ).toBe("queue/not_found");
  });

  it("SPEC SV5: only Open conversations assigned to nobody can be assigned", () => {
    // given: an Active, a Waiting, a Wrap-up and a Closed conversation
    const h = new CoreHarness();
    h.available("alice");
    const parked = waiting(h);
    const active = handled(h, "alice");
    h.ok(rep("alice"), { type: "presence", presence: "away" });
    h.available("carol");
    const wrapping = handled(h, "carol");
    h.ok(rep("carol"), { type: "end", conversationId: wrapping });
    const closed = handled(h, "carol");
    h.ok(supervisor(), { type: "force_close", conversationId: closed });
    h.ok(rep("carol"), { type: "presence", presence: "away" });
    h.available("bob");

    // when / then: assigning any of them to Bob is refused and changes nothing
    for (const id of [active, parked, wrapping, closed]) {
      const state = h.conversation(id).state;
      expect(
        h.refused(supervisor(), {
          type: "assign",
          conversationId: id,
          target: { kind: "rep", id: "bob" },
          override: true,
        }),
      ).toBe("conversation/not_open");
      expect(h.conversation(id).state).toBe(state);
    }
    expect(h.used("bob")).toBe(0);
  });

  it("SPEC SV5: the supervisor may override the rep's presence", () => {
    // given: a chat waiting in the queue; Bob is Offline
    const h = new CoreHarness();
    const id = h.start("live");

    // when: Sam assigns it to Bob, first without, then with override
    const refused = h.refused(supervisor(), { type: "assign", conversationId: id, target: { kind: "rep", id: "bob" } });
    const result = h.ok(supervisor(), {
      type: "assign",
      conversationId: id,
      target: { kind: "rep", id: "bob" },
      override: true,
    });

    // then: refused as unavailable, then assigned with override; Bob's presence is his own business
    expect(refused).toBe("rep/unavailable");
    expect(result.exceededBy).toBe(0);
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "bob" });
    expect(h.state.users.bob!.items[id]).toMatchObject({ role: "owner", override: true });
    expect(h.presence("bob")).toBe("offline");
  });

  it("SPEC SV5: overriding capacity reports the units by which it is exceeded", () => {
    // given: Bob is full (2 of 2); another chat waits in the queue
    const h = new CoreHarness(testOrg({ autoBusyAtCapacity: false }));
    h.available("bob");
    handled(h, "bob");
    handled(h, "bob");
    expect(h.used("bob")).toBe(2);
    const id = h.start("live");

    // when: Sam assigns it to Bob without, then with override
    const refused = h.refused(supervisor(), { type: "assign", conversationId: id, target: { kind: "rep", id: "bob" } });
    const result = h.ok(supervisor(), {
      type: "assign",
      conversationId: id,
      target: { kind: "rep", id: "bob" },
      override: true,
    });

    // then: refused at capacity, then assigned exceeding it by 1 unit, which the views show
    expect(refused).toBe("rep/at_capacity");
    expect(result.exceededBy).toBe(1);
    expect(lastEvent(h, "assigned")).toMatchObject({ repId: "bob", override: true, exceededBy: 1 });
    expect(h.used("bob")).toBe(3);
    expect(snapshot(h.state, SAM).users.find((u) => u.id === "bob")).toMatchObject({ used: 3, capacity: 2 });
  });

  it("SPEC SV5: exceededBy counts the workstream's capacity cost", () => {
    // given: chats cost 2 units; Bob already carries one (2 of 3)
    const base = testOrg({ autoBusyAtCapacity: false });
    const h = new CoreHarness({
      ...base,
      workstreams: base.workstreams.map((w) => (w.id === "live" ? { ...w, capacityCost: 2 } : w)),
      users: base.users.map((u) => (u.id === "bob" ? { ...u, capacity: 3 } : u)),
    });
    h.available("bob");
    handled(h, "bob");
    const id = h.start("live");

    // when: Sam assigns another to Bob with override
    const result = h.ok(supervisor(), {
      type: "assign",
      conversationId: id,
      target: { kind: "rep", id: "bob" },
      override: true,
    });

    // then: 2 + 2 - 3 = 1 unit over
    expect(result.exceededBy).toBe(1);
    expect(h.used("bob")).toBe(4);
  });
});

describe("SV6: supervisor transfer", () => {
  it("SPEC SV6: only Active or Waiting conversations can be transferred", () => {
    // given: an Open, a Wrap-up and a Closed conversation
    const h = new CoreHarness();
    h.available("alice");
    const wrapping = handled(h, "alice");
    h.ok(rep("alice"), { type: "end", conversationId: wrapping });
    const closed = handled(h, "alice");
    h.ok(supervisor(), { type: "force_close", conversationId: closed });
    h.ok(rep("alice"), { type: "presence", presence: "away" });
    const open = h.start("live");
    h.available("bob");
    expect(h.offerFor("bob", open)).toBeDefined();

    // when / then: transferring any of them is refused
    for (const id of [open, wrapping, closed]) {
      expect(
        h.refused(supervisor(), {
          type: "supervisor_transfer",
          conversationId: id,
          target: { kind: "rep", id: "carol" },
        }),
      ).toBe("conversation/wrong_state");
      expect(
        h.refused(supervisor(), {
          type: "supervisor_transfer",
          conversationId: id,
          target: { kind: "queue", id: "billing" },
        }),
      ).toBe("conversation/wrong_state");
    }
  });

  it("SPEC SV6: an Active conversation can be transferred to a queue", () => {
    // given: Alice handles a chat; Bob (Billing) has been Available and idle for longer than Alice will be
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.advance(1_000);

    // when: Sam transfers it to Billing
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: id, target: { kind: "queue", id: "billing" } });

    // then: it is Open in Billing, offered to Bob; Alice's capacity is freed and she stays on as a consultant
    expect(h.conversation(id)).toMatchObject({
      state: "open",
      queueId: "billing",
      ownerId: null,
      consultants: ["alice"],
    });
    expect(h.used("alice")).toBe(0);
    expect(h.offerFor("bob", id)).toBeDefined();
  });

  it("SPEC SV6: the rep is told when a supervisor transfers their conversation, to a queue or to a rep", () => {
    // given: Alice handles two chats; Bob (Billing) is Available
    const h = new CoreHarness();
    h.available("alice");
    const first = handled(h, "alice", "live", "Hello", { id: "dana", name: "Dana Kim" });
    const second = handled(h, "alice", "live", "Hi", { id: "kenny", name: "Kenny Smith" });
    h.available("bob");
    const notices = (events: DomainEvent[], repId: string) =>
      events.flatMap((e) =>
        changesFor(h.state, e, { role: "rep", id: repId }, new Set([first, second])).filter((c) => c.kind === "notice"),
      );

    // when: Sam moves the first to Billing, then the second to Bob
    const toQueue = eventsOf(h, supervisor(), {
      type: "supervisor_transfer",
      conversationId: first,
      target: { kind: "queue", id: "billing" },
    });
    const toRep = eventsOf(h, supervisor(), {
      type: "supervisor_transfer",
      conversationId: second,
      target: { kind: "rep", id: "bob" },
    });

    // then: Alice is told each time, in words; Bob only gets his offer
    expect(notices(toQueue, "alice")).toEqual([
      expect.objectContaining({
        code: "supervisor_transfer",
        text: "A supervisor transferred Dana Kim to the Billing queue; you stay on as its consultant.",
      }),
    ]);
    expect(notices(toRep, "alice")).toEqual([
      expect.objectContaining({
        code: "supervisor_transfer",
        text: "A supervisor is transferring Kenny Smith to Bob Okafor; it stays yours until they answer.",
      }),
    ]);
    expect(notices([...toQueue, ...toRep], "bob")).toEqual([]);
  });

  it("SPEC SV6: a Waiting conversation can be transferred to a rep, who then handles it", () => {
    // given: Alice parked a persistent chat in Waiting; Bob is Available
    const h = new CoreHarness();
    h.available("alice");
    const id = waiting(h);
    h.available("bob");

    // when: Sam transfers it to Bob and Bob accepts
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: id, target: { kind: "rep", id: "bob" } });
    const offerId = h.offerFor("bob", id)!;
    expect(h.state.offers[offerId]!.kind).toBe("supervisor_transfer");
    h.ok(rep("bob"), { type: "accept", offerId });

    // then: Bob handles it Active
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "bob", transfer: null });
    expect(h.used("bob")).toBe(1);
  });

  it("SPEC SV6: a Waiting conversation can be transferred to a queue", () => {
    // given: Alice parked a persistent chat in Waiting; nobody is Available
    const h = new CoreHarness();
    h.available("alice");
    const id = waiting(h);
    h.ok(rep("alice"), { type: "presence", presence: "offline" });

    // when: Sam transfers it to General
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: id, target: { kind: "queue", id: "general" } });

    // then: it is Open in General, waiting for a rep
    expect(h.conversation(id)).toMatchObject({ state: "open", queueId: "general", waitingUntil: null });
    h.available("carol");
    expect(h.offerFor("carol", id)).toBeDefined();
  });

  it("SPEC SV6, SPEC P11: a Waiting conversation transferred to a queue is not offered back to the rep who parked it, despite affinity", () => {
    // given: Alice parked a persistent chat in Waiting and is still Available; so is Bob
    const h = new CoreHarness();
    h.available("alice");
    const id = waiting(h);
    h.available("bob");

    // when: Sam transfers it to the Billing queue
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: id, target: { kind: "queue", id: "billing" } });

    // then: it is Open in Billing and offered to Bob rather than straight back to Alice
    expect(h.conversation(id)).toMatchObject({ state: "open", queueId: "billing", ownerId: null });
    expect(h.offerFor("alice", id)).toBeUndefined();
    expect(h.offerFor("bob", id)).toBeDefined();
  });

  it("SPEC SV6: the target must be an existing human rep (there are no bots), Available, or a queue", () => {
    // given: Alice handles a chat; Carol is Offline
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");

    // when / then: unknown targets and unavailable reps are refused; the chat stays with Alice
    const to = (target: { kind: "rep" | "queue"; id: string }) =>
      h.refused(supervisor(), { type: "supervisor_transfer", conversationId: id, target });
    expect(to({ kind: "rep", id: "chatbot" })).toBe("rep/not_found");
    expect(to({ kind: "rep", id: "carol" })).toBe("rep/unavailable");
    expect(to({ kind: "rep", id: "alice" })).toBe("transfer/invalid_target");
    expect(to({ kind: "queue", id: "nowhere" })).toBe("queue/not_found");
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice", transfer: null });
  });
});

describe("SV7: transfer of an Active conversation from rep A to rep B", () => {
  function requested() {
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: id, target: { kind: "rep", id: "bob" } });
    return { h, id, offerId: h.offerFor("bob", id)! };
  }

  it("SPEC SV7: until B answers, A keeps the conversation and the view shows the pending transfer", () => {
    // given / when: Sam transferred Alice's chat to Bob
    const { h, id, offerId } = requested();

    // then: Bob has the offer, Alice still owns and can write
    expect(offerId).toBeDefined();
    expect(conversationView(h.state, h.conversation(id), false).transfer).toEqual({
      by: "supervisor",
      fromRepId: "alice",
      target: { kind: "rep", id: "bob", name: "Bob Okafor" },
    });
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice" });
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "Still with you" });
    expect(
      h.refused(supervisor(), {
        type: "supervisor_transfer",
        conversationId: id,
        target: { kind: "rep", id: "carol" },
      }),
    ).toBe("transfer/pending");
  });

  it("SPEC SV7: when B accepts, B handles it and A is added as a consultant; the transfer is complete", () => {
    // given: Sam transferred Alice's chat to Bob
    const { h, id, offerId } = requested();

    // when: Bob accepts
    h.ok(rep("bob"), { type: "accept", offerId });

    // then: Bob owns it, Alice is a consultant who still sees it, her capacity freed, transfer done
    const c = h.conversation(id);
    expect(c).toMatchObject({ state: "active", ownerId: "bob", consultants: ["alice"], transfer: null });
    expect(lastEvent(h, "transfer_ended").outcome).toBe("accepted");
    expect(h.used("bob")).toBe(1);
    expect(h.used("alice")).toBe(0);
    expect(canSee(h.state, { role: "rep", id: "alice" }, c)).toBe(true);
    expect(conversationView(h.state, c, false).consultants).toEqual(["alice"]);
    h.ok(rep("bob"), { type: "message", conversationId: id, text: "Bob here, taking over" });
  });

  it("SPEC SV7: when B rejects, the transfer completes and the conversation stays with A", () => {
    // given: Sam transferred Alice's chat to Bob
    const { h, id, offerId } = requested();

    // when: Bob rejects
    h.ok(rep("bob"), { type: "reject", offerId });

    // then: transfer over (rejected), Alice still owns it, Bob holds nothing, Sam is told
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice", transfer: null, consultants: [] });
    const ended = lastEvent(h, "transfer_ended");
    expect(ended.outcome).toBe("rejected");
    expect(h.used("bob")).toBe(0);
    expect(h.used("alice")).toBe(1);
    expect(changesFor(h.state, ended, SAM, new Set([id]))).toContainEqual(
      expect.objectContaining({ kind: "notice", code: "transfer_rejected" }),
    );
    h.ok(rep("alice"), { type: "message", conversationId: id, text: "I will keep helping you" });
  });

  it("SPEC SV7: when B lets it time out, it completes like a rejection", () => {
    // given: Sam transferred Alice's chat to Bob (30 s offer timeout)
    const { h, id } = requested();

    // when: 30 seconds pass
    h.advance(30_000);

    // then: Bob is RONA, the chat stays with Alice
    expect(h.presence("bob")).toBe("rona");
    expect(h.conversation(id)).toMatchObject({ state: "active", ownerId: "alice", transfer: null });
    expect(lastEvent(h, "transfer_ended").outcome).toBe("rejected");
  });

  it("SPEC SV7: a transfer to a queue is not offered back to the rep it was taken from", () => {
    // given: Alice handles a chat from General; Carol is Available too
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("carol");

    // when: Sam transfers it to the General queue
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: id, target: { kind: "queue", id: "general" } });

    // then: it is Open in General; Alice, now a consultant with her capacity freed, is not offered it back: Carol is
    expect(h.conversation(id)).toMatchObject({
      state: "open",
      queueId: "general",
      ownerId: null,
      consultants: ["alice"],
    });
    expect(h.used("alice")).toBe(0);
    expect(h.offerFor("alice", id)).toBeUndefined();
    expect(h.offerFor("carol", id)).toBeDefined();
  });

  it("SPEC SV7: the rep a queue transfer was taken from gets it again when nobody else is free: it never waits for nobody", () => {
    // given: Alice handles a chat; nobody else is Available
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");

    // when: Sam transfers it to the General queue
    h.ok(supervisor(), { type: "supervisor_transfer", conversationId: id, target: { kind: "queue", id: "general" } });

    // then: Alice is the only rep of General with room, so it is offered to her rather than waiting
    expect(h.conversation(id)).toMatchObject({ state: "open", queueId: "general", declinedBy: [] });
    expect(h.offerFor("alice", id)).toBeDefined();
  });
});

describe("SV8: force close", () => {
  it("SPEC SV8: force close sets an Active conversation to Closed and frees the rep's capacity", () => {
    // given: Alice is full with two chats and so automatically Busy
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    handled(h, "alice");
    expect(h.used("alice")).toBe(2);
    expect(h.presence("alice")).toBe("busy");

    // when: Sam force-closes one
    h.ok(supervisor(), { type: "force_close", conversationId: id });

    // then: it is Closed by Sam, Alice has room again and is Available, the customer sees it ended
    expect(h.conversation(id)).toMatchObject({ state: "closed", closedBy: "sam" });
    expect(h.thread(id).at(-1)?.code).toBe("force_closed");
    expect(h.used("alice")).toBe(1);
    expect(h.presence("alice")).toBe("available");
    expect(customerConversationView(h.state, h.conversation(id), false).ended).toBe(true);
    expect(h.refused(h.customerOf(id), { type: "customer.message", conversationId: id, text: "hello?" })).toBe(
      "conversation/wrong_state",
    );
    expect(h.refused(rep("alice"), { type: "message", conversationId: id, text: "hello?" })).toBe(
      "conversation/not_active",
    );
    expect(snapshot(h.state, SAM).conversations.map((c) => c.id)).not.toContain(id);
  });

  it("SPEC SV8: force close of an Open conversation withdraws its offer; of a Waiting one closes it", () => {
    // given: a Waiting persistent chat, and a live chat offered to Alice
    const h = new CoreHarness();
    h.available("alice");
    const parked = waiting(h);
    const offered = h.start("live");
    expect(h.offerFor("alice", offered)).toBeDefined();

    // when: Sam force-closes both
    h.ok(supervisor(), { type: "force_close", conversationId: offered });
    h.ok(supervisor(), { type: "force_close", conversationId: parked });

    // then: both Closed; Alice holds nothing
    expect(h.conversation(offered).state).toBe("closed");
    expect(h.conversation(parked).state).toBe("closed");
    expect(h.offerFor("alice")).toBeUndefined();
    expect(h.used("alice")).toBe(0);
    expect(h.refused(supervisor(), { type: "force_close", conversationId: parked })).toBe("conversation/wrong_state");
  });

  it("SPEC SV8: force close of a conference frees every rep in it", () => {
    // given: Alice owns a chat in conference with Bob
    const h = new CoreHarness();
    h.available("alice");
    const id = handled(h, "alice");
    h.available("bob");
    h.ok(rep("alice"), { type: "conference", conversationId: id, repId: "bob" });
    h.ok(rep("bob"), { type: "accept", offerId: h.offerFor("bob", id)! });

    // when: Sam force-closes it
    h.ok(supervisor(), { type: "force_close", conversationId: id });

    // then: Closed; neither rep holds any capacity
    expect(h.conversation(id).state).toBe("closed");
    expect(h.used("alice")).toBe(0);
    expect(h.used("bob")).toBe(0);
  });
});

describe("a customer's name as staff see it", () => {
  it("is masked in every message staff are sent, as the org's regions are when it is sent", () => {
    // given: a customer whose name is a phone number, as an SMS channel knows them
    const h = new CoreHarness();
    const id = h.start("live", "Hello, I need help", { id: "sms-1", name: "+44 7966 197542" });
    const seen = new Set([id]);
    const authorName = (): unknown => {
      const event = h.log.findLast((e) => e.type === "message_added" && e.message.author.role === "customer")!;
      const [change] = changesFor(h.state, event, SAM, seen);
      return change?.kind === "message" && change.message.author.role === "customer" && change.message.author.name;
    };
    // then: each message shows it masked, however many are sent
    expect(authorName()).toBe("*********7542");
    h.ok(
      { role: "customer", key: "auth:sms-1" },
      { type: "customer.message", conversationId: id, text: "Still there?" },
    );
    expect(authorName()).toBe("*********7542");
    // and: without masking, as written
    h.state.org = { ...h.state.org, masking: false };
    expect(authorName()).toBe("+44 7966 197542");
  });
});
