// Routing over the wire: offers that time out or are rejected, supervisor assign and its settings,
// transfer to a queue, idempotent message ids and resuming after a dropped connection.
import { describe, expect, it } from "vitest";
import { startServer } from "../../server/start-server.js";
import type { OrgFile } from "../../server/org-file.js";
import type { EventFrame } from "../../src/protocol/messages.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { committedSeq, messageDeliveries, observe, refusal, serverPerTest } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const fixture = serverPerTest();
const { start, connect, staff, track } = fixture;

/** A supervisor's view of the whole centre (closed with the test's clients). */
async function observer(): Promise<TestClient> {
  return track(await observe(fixture.server));
}

async function rep(id: string, available = true, options: { reconnect?: boolean } = {}): Promise<TestClient> {
  const client = await staff(id, options);
  if (available) await client.request({ type: "presence", presence: "available" });
  return client;
}

/** A customer with a live chat offered to `to`, who accepts it. */
async function activeChat(
  to: TestClient,
  text = "Hello, I need help with my order",
): Promise<{ customer: TestClient; conversationId: string }> {
  const customer = await connect({ role: "customer" });
  const started = await customer.request({ type: "start", workstream: "live", text });
  const conversationId = started.conversationId as string;
  const offer = await to.waitForOffer(conversationId);
  await to.request({ type: "accept", offerId: offer.id });
  await waitFor(() => to.conversations.get(conversationId)?.state === "active", "active");
  return { customer, conversationId };
}

/** The demo org (with this run's tokens) with one supervisor setting turned off. */
async function orgWithout(setting: keyof OrgFile["supervisor"]): Promise<OrgFile> {
  const base = await startServer({ port: 0, dataFile: null });
  await base.close();
  return { ...base.org, supervisor: { ...base.org.supervisor, [setting]: false } };
}

describe("offers", () => {
  it("SPEC L2: an offer left to time out sends the rep to RONA and goes to the next rep", async () => {
    const clock = new ManualClock();
    await start({ clock });
    const sam = await observer();
    const alice = await rep("alice");
    clock.advance(1_000);
    const bob = await rep("bob");

    const customer = await connect({ role: "customer" });
    const { conversationId } = (await customer.request({
      type: "start",
      workstream: "live",
      text: "Anyone there?",
    })) as { conversationId: string };
    const offer = await alice.waitForOffer(conversationId);
    expect(offer.expiresAt).toBe(clock.now() + 30_000);
    expect(bob.pendingOffer()).toBeUndefined();

    clock.advance(29_999);
    expect((await sam.synced()).conversations.get(conversationId)?.offeredTo).toMatchObject({ repId: "alice" });
    clock.advance(1);

    await waitFor(() => alice.offers.get(offer.id)?.status === "timed_out", "Alice's offer timed out");
    const notice = await waitFor(() => alice.notices.find((n) => n.code === "rona"), "a RONA notice");
    expect(notice.text).toMatch(/RONA.*set yourself Available/);
    await waitFor(() => alice.users.get("alice")?.presence === "rona", "Alice is RONA");
    const next = await bob.waitForOffer(conversationId);
    expect(next.customerName).toBe("Visitor 1");

    // A RONA rep receives no offers until she sets herself Available by hand.
    const second = await connect({ role: "customer" });
    const other = (await second.request({ type: "start", workstream: "live", text: "Me too" }))
      .conversationId as string;
    await bob.waitForOffer(other);
    expect(alice.pendingOffer()).toBeUndefined();
    expect((await sam.synced()).users.get("alice")?.presence).toBe("rona");
    await alice.request({ type: "presence", presence: "available" });
    await waitFor(() => alice.users.get("alice")?.presence === "available", "Alice is Available again");
  });

  it("SPEC L2: rejecting an offer passes it to the next Available rep; once both declined it, routing starts over", async () => {
    const clock = new ManualClock();
    await start({ clock });
    const alice = await rep("alice");
    clock.advance(1_000);
    const bob = await rep("bob");
    const customer = await connect({ role: "customer" });
    const conversationId = (await customer.request({ type: "start", workstream: "live", text: "Hi" }))
      .conversationId as string;

    const first = await alice.waitForOffer(conversationId);
    await alice.request({ type: "reject", offerId: first.id });
    await waitFor(() => alice.offers.get(first.id)?.status === "rejected", "rejected");
    const second = await bob.waitForOffer(conversationId);
    // Rejecting is not timing out: Alice stays Available.
    expect(alice.users.get("alice")?.presence).toBe("available");

    // Both reps of General with room declined it: it does not wait for minutes while they are free; the declines
    // are forgotten and it is offered again (to Alice, idle as long as Bob and first by id).
    await bob.request({ type: "reject", offerId: second.id });
    await waitFor(() => bob.offers.get(second.id)?.status === "rejected", "rejected by Bob");
    const third = await alice.waitForOffer(conversationId);
    expect(third.id).not.toBe(first.id);
    await alice.request({ type: "accept", offerId: third.id });
    await waitFor(
      () => customer.customerConversations.get(conversationId)?.repName === "Alice Moreau",
      "the customer sees Alice",
    );
    // A rejected offer cannot be accepted afterwards: it is no longer pending (a retried answer is told so).
    expect(await alice.refused({ type: "accept", offerId: first.id })).toBe("offer/not_pending");
  });
});

describe("a transfer the target rep does not accept", () => {
  it("SPEC L10: the sender is told it was not accepted and where it went; it is offered on, never stranded", async () => {
    await start();
    const alice = await rep("alice");
    const { conversationId } = await activeChat(alice);
    const bob = await rep("bob");
    await alice.request({ type: "transfer", conversationId, target: { kind: "rep", id: "bob" } });
    const offer = await bob.waitForOffer(conversationId);
    await bob.request({ type: "reject", offerId: offer.id });

    const notice = await waitFor(
      () => alice.notices.find((n) => n.code === "transfer_not_accepted"),
      "Alice's notice that the transfer was not accepted",
    );
    expect(notice).toMatchObject({ conversationId });
    expect(notice.text).toMatch(/^Bob Okafor did not accept the transfer of .+; it went back to the General queue\.$/);
    // Alice wraps up; Bob is the only rep of General with room: it is offered to him again rather than waiting.
    const again = await bob.waitForOffer(conversationId);
    expect(again.id).not.toBe(offer.id);
    expect(bob.notices.some((n) => n.code === "transfer_not_accepted")).toBe(false);
  });
});

describe("supervisor", () => {
  it("SPEC SV5: assign with capacity override reports exceededBy and the rep gets the conversation", async () => {
    await start();
    const carol = await rep("carol"); // capacity 2, queue general
    const sam = await rep("sam", false);
    await activeChat(carol, "first");
    await activeChat(carol, "second");
    await waitFor(() => carol.users.get("carol")?.used === 2, "Carol full");
    // S2: a full rep goes Busy.
    await waitFor(() => carol.users.get("carol")?.presence === "busy", "Carol busy");

    const customer = await connect({ role: "customer" });
    const conversationId = (
      await customer.request({ type: "start", workstream: "live", text: "Third customer, waiting" })
    ).conversationId as string;
    await waitFor(() => sam.conversations.get(conversationId)?.state === "open", "Sam sees it Open");
    expect(sam.conversations.get(conversationId)?.ownerId).toBeNull();

    const refused = await refusal(sam, { type: "assign", conversationId, target: { kind: "rep", id: "carol" } });
    expect(refused.code).toBe("rep/unavailable");
    expect(refused.message).toMatch(/override/);

    const result = await sam.request({
      type: "assign",
      conversationId,
      target: { kind: "rep", id: "carol" },
      override: true,
    });
    expect(result).toEqual({ conversationId, exceededBy: 1 });
    await waitFor(() => carol.conversations.get(conversationId)?.state === "active", "Carol has it");
    expect(carol.conversations.get(conversationId)?.ownerId).toBe("carol");
    expect(carol.texts(conversationId)).toContain("Third customer, waiting");
    await waitFor(() => carol.users.get("carol")?.used === 3, "Carol at 3/2");
    await waitFor(() => sam.users.get("carol")?.used === 3, "Sam sees 3/2");
    await waitFor(
      () => customer.customerConversations.get(conversationId)?.repName === "Carol Tanaka",
      "the customer sees Carol",
    );

    // Only an Open conversation assigned to nobody can be assigned.
    expect(
      await sam.refused({ type: "assign", conversationId, target: { kind: "rep", id: "alice" }, override: true }),
    ).toBe("conversation/not_open");
  });

  const disabled: { setting: keyof OrgFile["supervisor"]; action: string; code: string; needs: "open" | "active" }[] = [
    { setting: "monitor", action: "monitor", code: "supervisor/monitor_disabled", needs: "active" },
    { setting: "monitor", action: "join", code: "supervisor/monitor_disabled", needs: "active" },
    { setting: "assign", action: "assign", code: "supervisor/assign_disabled", needs: "open" },
    { setting: "transfer", action: "transfer", code: "supervisor/transfer_disabled", needs: "active" },
    { setting: "forceClose", action: "force close", code: "supervisor/force_close_disabled", needs: "active" },
  ];

  for (const { setting, action, code, needs } of disabled) {
    it(`SPEC SV2: ${action} is refused with ${code} when the ${setting} setting is off`, async () => {
      const server = await start({ org: await orgWithout(setting) });
      const sam = await rep("sam", false);
      expect(sam.welcome?.snapshot?.org.supervisor[setting]).toBe(false);
      let conversationId: string;
      if (needs === "active") {
        conversationId = (await activeChat(await rep("alice"))).conversationId;
      } else {
        const customer = await connect({ role: "customer" });
        conversationId = (await customer.request({ type: "start", workstream: "live", text: "Nobody is available" }))
          .conversationId as string;
      }
      await waitFor(() => sam.conversations.get(conversationId)?.state === needs, `Sam sees it ${needs}`);
      const before = await committedSeq(server);

      const body =
        action === "monitor" || action === "join"
          ? ({ type: action, conversationId } as const)
          : action === "assign"
            ? ({ type: "assign", conversationId, target: { kind: "rep", id: "bob" }, override: true } as const)
            : action === "transfer"
              ? ({ type: "supervisor_transfer", conversationId, target: { kind: "queue", id: "billing" } } as const)
              : ({ type: "force_close", conversationId } as const);
      const refused = await refusal(sam, body);
      expect(refused.code).toBe(code);
      expect(refused.message).toMatch(/is turned off for this organisation\.$/);
      // Nothing was written: the log is where it was.
      expect(await committedSeq(server)).toBe(before);
    });
  }

  it("SPEC SV1 SV2: with every setting on, the same actions are accepted", async () => {
    await start();
    const sam = await rep("sam", false);
    const alice = await rep("alice");
    const watched = (await activeChat(alice)).conversationId;
    await sam.request({ type: "monitor", conversationId: watched });
    await sam.request({ type: "join", conversationId: watched });
    await waitFor(() => alice.conversations.get(watched)?.supervisors.sam === "join", "Sam joined");
    await sam.request({
      type: "supervisor_transfer",
      conversationId: watched,
      target: { kind: "queue", id: "billing" },
    });
    const closing = (await activeChat(alice, "close me")).conversationId;
    await sam.request({ type: "force_close", conversationId: closing });
    await waitFor(() => alice.conversations.get(closing)?.state === "closed", "force-closed");
    await alice.request({ type: "presence", presence: "away" });
    const customer = await connect({ role: "customer" });
    const open = (await customer.request({ type: "start", workstream: "live", text: "assign me" }))
      .conversationId as string;
    await waitFor(() => sam.conversations.get(open)?.state === "open", "open");
    expect(
      await sam.request({ type: "assign", conversationId: open, target: { kind: "queue", id: "billing" } }),
    ).toEqual({ conversationId: open, exceededBy: 0 });
  });
});

describe("transfer", () => {
  it("SPEC L10: a rep transfers an accepted conversation to a queue; a member of that queue gets it with the history", async () => {
    const clock = new ManualClock();
    await start({ clock });
    const alice = await rep("alice"); // general + billing
    clock.advance(1_000);
    const carol = await rep("carol"); // general only, idle longer than Bob
    const customer = await connect({ role: "customer" });
    const conversationId = (await customer.request({ type: "start", workstream: "live", text: "I was charged twice" }))
      .conversationId as string;
    const offer = await alice.waitForOffer(conversationId);

    // L10: transfer only after accepting.
    const early = await refusal(alice, { type: "transfer", conversationId, target: { kind: "queue", id: "billing" } });
    expect(early.code).toBe("conversation/not_yours");
    await alice.request({ type: "accept", offerId: offer.id });
    await waitFor(() => alice.conversations.get(conversationId)?.state === "active", "active");
    await alice.request({ type: "send", conversationId, text: "Let me pass you to Billing.", clientId: "a1" });
    clock.advance(1_000);
    const bob = await rep("bob"); // general + billing

    const targets = await alice.request({ type: "targets" });
    expect((targets.queues as { id: string }[]).map((q) => q.id)).toEqual(["general", "billing"]);
    await alice.request({ type: "transfer", conversationId, target: { kind: "queue", id: "billing" } });

    // Bob (Billing) gets the offer; Carol, idle longer but not in Billing, does not.
    const handOver = await bob.waitForOffer(conversationId);
    expect(handOver.queueName).toBe("Billing");
    expect(handOver.preview.map((m) => m.text)).toEqual(["I was charged twice", "Let me pass you to Billing."]);
    expect(carol.pendingOffer(conversationId)).toBeUndefined();

    // Transfer opens Alice's wrap-up: she still holds the item until she picks a reason.
    expect(alice.conversations.get(conversationId)?.wrapUpBy).toEqual(["alice"]);
    await alice.request({ type: "wrapup", conversationId, reasonId: "transferred" });
    await waitFor(() => alice.users.get("alice")?.used === 0, "Alice is free");

    await bob.request({ type: "accept", offerId: handOver.id });
    await waitFor(() => bob.conversations.get(conversationId)?.state === "active", "Bob has it");
    expect(bob.conversations.get(conversationId)?.queueName).toBe("Billing");
    expect(bob.texts(conversationId)).toEqual(["I was charged twice", "Let me pass you to Billing."]);
    await waitFor(
      () => customer.customerConversations.get(conversationId)?.repName === "Bob Okafor",
      "the customer sees Bob",
    );
    await bob.request({ type: "send", conversationId, text: "Billing here, refund on its way." });
    await customer.waitForText(conversationId, "refund on its way");
  });

  it("SPEC S3, SPEC L10, SPEC L12: open work items list what the rep can pick — not a chat they still wrap up", async () => {
    await start();
    const alice = await rep("alice");
    const bob = await rep("bob", false); // signed in, not Available: nobody takes the transferred chat
    const { conversationId } = await activeChat(alice);
    await alice.request({ type: "transfer", conversationId, target: { kind: "queue", id: "general" } });
    await waitFor(() => alice.conversations.get(conversationId)?.state === "open", "back in the queue");
    const openIds = async (client: TestClient) =>
      ((await client.request({ type: "open_items" })).items as { id: string }[]).map((c) => c.id);

    // Alice owes the transfer's wrap-up reason: she could not pick it, so it is not offered to her as pickable.
    expect(await openIds(alice)).toEqual([]);
    expect(await openIds(bob)).toEqual([conversationId]);
    expect((await refusal(alice, { type: "pick", conversationId })).code).toBe("wrapup/pending");
    await alice.request({ type: "wrapup", conversationId, reasonId: "transferred" });
    expect(await openIds(alice)).toEqual([conversationId]);
  });
});

describe("delivery", () => {
  it("idempotent client message ids: the same clientId twice gives one message and the same messageId", async () => {
    await start();
    const alice = await rep("alice");
    const { customer, conversationId } = await activeChat(alice);

    const [a, b] = await Promise.all([
      alice.request({ type: "send", conversationId, text: "Sent once, retried", clientId: "alice-1" }),
      alice.request({ type: "send", conversationId, text: "Sent once, retried", clientId: "alice-1" }),
    ]);
    expect(a.messageId).toBeDefined();
    expect(b.messageId).toBe(a.messageId);
    // A retry after the first ack came back, too.
    const c = await alice.request({ type: "send", conversationId, text: "Sent once, retried", clientId: "alice-1" });
    expect(c).toMatchObject({ messageId: a.messageId, duplicate: true });

    const k1 = await customer.request({ type: "send", conversationId, text: "customer retry", clientId: "cust-1" });
    const k2 = await customer.request({ type: "send", conversationId, text: "customer retry", clientId: "cust-1" });
    expect(k2.messageId).toBe(k1.messageId);

    await alice.request({ type: "send", conversationId, text: "marker" });
    await customer.waitForText(conversationId, "marker");
    await alice.waitForText(conversationId, "customer retry");
    // What the server holds: the thread a newly connected supervisor is sent.
    const stored = (await observer()).messages.get(conversationId)!;
    expect(stored.filter((m) => m.text === "Sent once, retried")).toHaveLength(1);
    expect(stored.filter((m) => m.text === "customer retry")).toHaveLength(1);
    // On the wire, each side heard of each message exactly once.
    for (const client of [alice, customer]) {
      const { single } = messageDeliveries(client.events);
      expect(single.get(a.messageId as string)).toBe(1);
      expect(single.get(k1.messageId as string)).toBe(1);
    }
  });

  it("client message ids are per author: a customer's id cannot swallow a rep's message with the same id", async () => {
    await start();
    const alice = await rep("alice");
    const { customer, conversationId } = await activeChat(alice);
    await customer.request({ type: "send", conversationId, text: "from the customer", clientId: "same-id" });
    const sent = await alice.request({ type: "send", conversationId, text: "from Alice", clientId: "same-id" });
    expect(sent.duplicate).toBeUndefined();
    await customer.waitForText(conversationId, "from Alice");
  });

  it("resume after a dropped connection: what was sent meanwhile arrives, nothing is shown twice", async () => {
    await start();
    const alice = await rep("alice", true, { reconnect: true });
    const { customer, conversationId } = await activeChat(alice, "before the drop 1");
    await customer.request({ type: "send", conversationId, text: "before the drop 2" });
    await alice.request({ type: "send", conversationId, text: "answer before the drop" });
    await alice.waitForText(conversationId, "before the drop 2");
    const heldBefore = new Set((alice.messages.get(conversationId) ?? []).map((m) => m.id));
    const framesBefore = alice.events.length;

    alice.client.dropConnection();
    const missed = ["while away 1", "while away 2", "while away 3", "while away 4", "while away 5"];
    const acks = await Promise.all(
      missed.map((text, i) => customer.request({ type: "send", conversationId, text, clientId: `away-${i}` })),
    );
    // Written while Alice is offline: it goes out once she is back (the client's outbox).
    const queued = alice.request({
      type: "send",
      conversationId,
      text: "written while reconnecting",
      clientId: "alice-offline-1",
    });

    await waitFor(() => alice.welcomes.length === 2, "Alice to reconnect", 10_000);
    expect(alice.welcomes[1]!.mode).toBe("resume");
    for (const text of missed) await alice.waitForText(conversationId, text);
    await queued;
    await customer.waitForText(conversationId, "written while reconnecting");

    // Nothing shows twice: every message id once, in order, in both stores.
    const ids = (alice.messages.get(conversationId) ?? []).map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(alice.texts(conversationId).filter((t) => t.startsWith("while away"))).toEqual(missed);
    expect(customer.texts(conversationId).filter((t) => t === "written while reconnecting")).toHaveLength(1);
    expect(
      (await observer()).messages.get(conversationId)!.filter((m) => m.text === "written while reconnecting"),
    ).toHaveLength(1);

    // On the raw frames after the reconnect, each missed message arrives exactly once: either inside the
    // conversation sent whole (the first frame about it on the new connection, projected from the
    // current state) or on its own, never both. A message Alice already held never comes again on its
    // own; it does come again inside that whole view, because the server cannot know which messages the
    // dropped connection had delivered, so the client store merges by message id, which is what keeps
    // it from showing twice (the check on alice.messages above).
    const after: EventFrame[] = alice.events.slice(framesBefore);
    const { single, inWhole } = messageDeliveries(after);
    for (const id of heldBefore) {
      expect(single.get(id) ?? 0).toBe(0);
      expect(inWhole.get(id) ?? 0).toBeLessThanOrEqual(1);
    }
    for (const ack of acks) {
      const id = ack.messageId as string;
      expect((single.get(id) ?? 0) + (inWhole.get(id) ?? 0)).toBe(1);
    }
  });

  it("a visitor whose connection drops gets back to their own conversation, with what the rep wrote meanwhile", async () => {
    await start();
    const alice = await rep("alice");
    const visitor = await connect({ role: "customer" }, { reconnect: true });
    const conversationId = (await visitor.request({ type: "start", workstream: "live", text: "Hello from a visitor" }))
      .conversationId as string;
    const offer = await alice.waitForOffer(conversationId);
    await alice.request({ type: "accept", offerId: offer.id });
    await waitFor(
      () => visitor.customerConversations.get(conversationId)?.repName === "Alice Moreau",
      "the visitor sees Alice",
    );

    visitor.client.dropConnection();
    await alice.request({ type: "send", conversationId, text: "Are you still there?" });
    await waitFor(() => visitor.welcomes.length === 2, "the visitor to reconnect", 10_000);
    // The client said hello again with its conversation token, so it is the same visitor resuming.
    expect(visitor.welcomes[1]!.mode).toBe("resume");
    expect(visitor.welcomes[1]!.session.conversationToken).toMatch(/\./);
    await visitor.waitForText(conversationId, "Are you still there?");
    await visitor.request({ type: "send", conversationId, text: "Yes, sorry, my connection dropped" });
    await alice.waitForText(conversationId, "my connection dropped");
    expect(visitor.texts(conversationId).filter((t) => t === "Hello from a visitor")).toHaveLength(1);

    // Dropped again with nothing missed: the resume sends nothing, and the next message arrives on its
    // own, not with the whole history the visitor already holds.
    const framesBefore = visitor.events.length;
    visitor.client.dropConnection();
    await waitFor(() => visitor.welcomes.length === 3, "the visitor to reconnect again", 10_000);
    await alice.request({ type: "send", conversationId, text: "Good, let us carry on." });
    await visitor.waitForText(conversationId, "Good, let us carry on.");
    const { single, inWhole } = messageDeliveries(visitor.events.slice(framesBefore));
    expect([...single.values()]).toEqual([1]);
    expect(inWhole.size).toBe(0);
  });
});
