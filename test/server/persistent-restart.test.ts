// A persistent chat outlives its customer's visit and the server itself: it comes back from the SQLite
// file with its history, its owner and its deadlines.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { startServer } from "../../server/start-server.js";
import type { RunningServer, ServerOptions } from "../../server/start-server.js";
import { signIdentity } from "../../src/protocol/identity.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { eventsAbout, tempDir } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

let tmp: ReturnType<typeof tempDir>;
const servers: RunningServer[] = [];
const clients: TestClient[] = [];

beforeEach(() => {
  tmp = tempDir();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const server of servers.splice(0)) await server.close();
  tmp.remove();
});

async function start(options: ServerOptions): Promise<RunningServer> {
  const server = await startServer({ port: 0, dataFile: join(tmp.dir, "cc.db"), ...options });
  servers.push(server);
  return server;
}

async function connect(server: RunningServer, hello: ConstructorParameters<typeof TestClient>[1]): Promise<TestClient> {
  const client = await new TestClient(server.url, hello).connect();
  clients.push(client);
  return client;
}

function token(server: RunningServer, id: string): string {
  return server.org.users.find((u) => u.id === id)!.token;
}

/** Close these clients and the server, as a restart would. */
async function stop(server: RunningServer, ...gone: TestClient[]): Promise<void> {
  for (const client of gone) {
    await client.close();
    clients.splice(clients.indexOf(client), 1);
  }
  await server.close();
  servers.splice(servers.indexOf(server), 1);
}

describe("persistent chat across a server restart", () => {
  it("SPEC P5 P6 P11: a Waiting conversation comes back after a restart with its whole history and is offered to the same rep", async () => {
    const clock = new ManualClock();
    const first = await start({ clock });
    const alice = await connect(first, { role: "rep", token: token(first, "alice") });
    const bob = await connect(first, { role: "rep", token: token(first, "bob") });
    await alice.request({ type: "presence", presence: "available" });
    clock.advance(1_000);

    // P9: persistent chat is for authenticated customers, signed by the org.
    const identity = signIdentity(first.org.secret, { id: "cust-kenny", name: "Kenny Smith", account: "Contoso Ltd" });
    const customer = await connect(first, { role: "customer", identity });
    const started = await customer.request({
      type: "start",
      workstream: "persistent",
      text: "My invoice for March is wrong",
      clientId: "k1",
    });
    const conversationId = started.conversationId as string;
    expect(started.resumed).toBe(false);

    const offer = await alice.waitForOffer(conversationId);
    await alice.request({ type: "accept", offerId: offer.id });
    await waitFor(() => alice.conversations.get(conversationId)?.state === "active", "active");
    await alice.request({
      type: "send",
      conversationId,
      text: "I am correcting the March invoice now.",
      clientId: "a1",
    });
    await customer.waitForText(conversationId, "correcting the March invoice");
    await customer.request({ type: "send", conversationId, text: "Great, I will check later", clientId: "k2" });
    await alice.waitForText(conversationId, "check later");

    // Bob becomes Available well before Alice frees up: by longest idle he would be first in line.
    clock.advance(1_000);
    await bob.request({ type: "presence", presence: "available" });
    clock.advance(60_000);

    // P6: the customer went quiet; Alice parks the conversation in Waiting, which uses no capacity.
    await alice.request({ type: "close", conversationId });
    await waitFor(() => alice.conversations.get(conversationId)?.state === "waiting", "waiting");
    await waitFor(() => alice.users.get("alice")?.used === 0, "no capacity used while Waiting");
    await waitFor(
      () => customer.customerConversations.get(conversationId)?.state === "waiting",
      "the customer sees Waiting",
    );
    const history = [
      "My invoice for March is wrong",
      "I am correcting the March invoice now.",
      "Great, I will check later",
    ];
    expect(customer.texts(conversationId)).toEqual(history);

    // The customer leaves; the server stops and starts again on the same file with the same org.
    await stop(first, customer, alice, bob);
    clock.advance(3_600_000);
    const second = await start({ clock, org: first.org });
    const sam = await connect(second, { role: "supervisor", token: token(second, "sam") });
    expect(sam.conversations.get(conversationId)?.state).toBe("waiting");

    const aliceAgain = await connect(second, { role: "rep", token: token(second, "alice") });
    const bobAgain = await connect(second, { role: "rep", token: token(second, "bob") });
    expect(aliceAgain.welcome?.snapshot?.me?.presence).toBe("available");
    expect(bobAgain.welcome?.snapshot?.me?.presence).toBe("available");
    // The parked conversation is still in Alice's work items, with its history (P5): parked, it keeps none of its
    // messages in memory, so her snapshot counts them and she reads them through the wire (`messages`).
    expect(aliceAgain.conversations.get(conversationId)?.state).toBe("waiting");
    expect(aliceAgain.conversations.get(conversationId)?.messageCount).toBe(history.length);
    expect((await aliceAgain.thread(conversationId)).map((m) => m.text)).toEqual(history);

    // P5: the returning customer (same signed identity, new connection) gets the whole history, read the same way.
    const returning = await connect(second, { role: "customer", identity });
    const shown = returning.welcome?.snapshot?.customerConversations.find((c) => c.id === conversationId);
    expect(shown?.state).toBe("waiting");
    expect(shown?.messageCount).toBe(history.length);
    expect((await returning.thread(conversationId)).map((m) => m.text)).toEqual(history);
    expect(returning.welcome?.session.conversationToken).toMatch(/\./);

    // …and carries on: `start` on the persistent workstream resumes the same conversation.
    const resumed = await returning.request({
      type: "start",
      workstream: "persistent",
      text: "I am back, it still shows the old amount",
      clientId: "k3",
    });
    expect(resumed).toMatchObject({ conversationId, resumed: true });

    // P6 + P11: Alice is notified with an offer for the same conversation; Bob, idle longer, is not.
    const again = await aliceAgain.waitForOffer(conversationId);
    expect(again.kind).toBe("route");
    expect(again.customerName).toBe("Kenny Smith");
    expect(bobAgain.pendingOffer()).toBeUndefined();
    await aliceAgain.request({ type: "accept", offerId: again.id });
    await waitFor(() => aliceAgain.conversations.get(conversationId)?.state === "active", "active again");
    expect(aliceAgain.conversations.get(conversationId)?.ownerId).toBe("alice");
    await waitFor(
      () => returning.customerConversations.get(conversationId)?.repName === "Alice Moreau",
      "the customer sees Alice",
    );

    // Both sides get the new line live and read the whole thread, nothing twice.
    const whole = [...history, "I am back, it still shows the old amount"];
    await aliceAgain.waitForText(conversationId, "I am back");
    expect(aliceAgain.texts(conversationId)).toEqual(whole.slice(-1));
    expect((await aliceAgain.thread(conversationId)).map((m) => m.text)).toEqual(whole);
    expect((await returning.thread(conversationId)).map((m) => m.text)).toEqual(whole);
    await aliceAgain.request({
      type: "send",
      conversationId,
      text: "Fixed: the new amount is on your account.",
      clientId: "a2",
    });
    await returning.waitForText(conversationId, "Fixed: the new amount");

    // Without affinity Bob (idle the longest) is the one a new conversation goes to.
    const other = await connect(second, {
      role: "customer",
      identity: signIdentity(second.org.secret, { id: "cust-ann", name: "Ann Lee" }),
    });
    const fresh = await other.request({ type: "start", workstream: "persistent", text: "A new question" });
    await bobAgain.waitForOffer(fresh.conversationId as string);
    expect(aliceAgain.pendingOffer(fresh.conversationId as string)).toBeUndefined();
  });

  it("SPEC L2: a pending offer survives a restart and its deadline is re-armed, not restarted", async () => {
    const clock = new ManualClock();
    const first = await start({ clock });
    const alice = await connect(first, { role: "rep", token: token(first, "alice") });
    const bob = await connect(first, { role: "rep", token: token(first, "bob") });
    await alice.request({ type: "presence", presence: "available" });
    clock.advance(1_000);
    await bob.request({ type: "presence", presence: "available" });

    const customer = await connect(first, { role: "customer" });
    const createdAt = clock.now();
    const started = await customer.request({ type: "start", workstream: "live", text: "Is anyone there?" });
    const conversationId = started.conversationId as string;
    const offer = await alice.waitForOffer(conversationId);
    expect(offer.expiresAt).toBe(createdAt + 30_000);

    clock.advance(10_000);
    await stop(first, customer, alice, bob);
    const second = await start({ clock, org: first.org });
    const sam = await connect(second, { role: "supervisor", token: token(second, "sam") });
    const aliceAgain = await connect(second, { role: "rep", token: token(second, "alice") });
    const bobAgain = await connect(second, { role: "rep", token: token(second, "bob") });

    // The offer is still pending for Alice, with the same absolute deadline.
    const kept = aliceAgain.welcome?.snapshot?.offers.find((o) => o.id === offer.id);
    expect(kept).toMatchObject({ status: "pending", conversationId, expiresAt: createdAt + 30_000 });

    // 29.999 s after the offer: nothing has fired yet.
    clock.advance(19_999);
    expect((await sam.synced()).conversations.get(conversationId)?.offeredTo).toMatchObject({ repId: "alice" });
    expect(aliceAgain.notices).toEqual([]);

    // 30 s after the offer (20 s after the restart, not 30): Alice goes RONA and Bob gets the offer.
    clock.advance(1);
    await waitFor(() => aliceAgain.offers.get(offer.id)?.status === "timed_out", "the offer timed out");
    await waitFor(() => aliceAgain.notices.find((n) => n.code === "rona"), "a RONA notice");
    await waitFor(() => aliceAgain.users.get("alice")?.presence === "rona", "Alice is RONA");
    const next = await bobAgain.waitForOffer(conversationId);
    expect(next.id).not.toBe(offer.id);
    expect(next.expiresAt).toBe(clock.now() + 30_000);
  });
});

describe("the org file removes a queue or a user", () => {
  it("SPEC L4: a rep and a queue no longer in the org file: the rep's chat is aborted with a warning and can only be ended; an Open chat of the removed queue is closed", async () => {
    const first = await start({});
    const bob = await connect(first, { role: "rep", token: token(first, "bob") });
    await bob.request({ type: "presence", presence: "available" });
    const customer = await connect(first, { role: "customer" });
    const live = (
      await customer.request({ type: "start", workstream: "live", text: "Hello, I need help with my order" })
    ).conversationId as string;
    await bob.request({ type: "accept", offerId: (await bob.waitForOffer(live)).id });
    await bob.request({ type: "presence", presence: "away" });
    // A persistent chat waits in Billing: nobody is Available there.
    const other = await connect(first, {
      role: "customer",
      identity: signIdentity(first.org.secret, { id: "cust-ann", name: "Ann Lee" }),
    });
    const billing = (await other.request({ type: "start", workstream: "persistent", text: "Is my invoice ready?" }))
      .conversationId as string;
    const org = first.org;
    await stop(first, bob, customer, other);

    // The admin removes Bob and the Billing queue (the persistent workstream now routes to General).
    const second = await start({
      org: {
        ...org,
        queues: org.queues.filter((q) => q.id !== "billing"),
        workstreams: org.workstreams.map((w) => (w.queue === "billing" ? { ...w, queue: "general" } : w)),
        users: org.users
          .filter((u) => u.id !== "bob")
          .map((u) => ({ ...u, queues: u.queues.filter((q) => q !== "billing") })),
      },
    });
    const sam = await connect(second, { role: "supervisor", token: token(second, "sam") });
    expect(sam.conversations.get(live)).toMatchObject({ state: "active", aborted: "rep Bob Okafor was removed" });
    expect(sam.texts(live).at(-1)).toBe(
      "This conversation was aborted: rep Bob Okafor was removed. It can only be ended.",
    );
    expect(sam.conversations.get(billing)).toBeUndefined(); // closed: the monitor leaves Closed ones out
    expect((await eventsAbout(sam, billing)).slice(-2)).toMatchObject([
      { type: "aborted", reason: "queue Billing was deleted" },
      { type: "closed", by: "system" },
    ]);
    // Nobody can carry the aborted chat on; the supervisor ends it.
    await sam.request({ type: "force_close", conversationId: live });
    await waitFor(
      () => sam.conversations.get(live)?.state === "closed" || !sam.conversations.has(live),
      "the aborted chat closed",
    );
    expect((await eventsAbout(sam, live)).at(-1)).toMatchObject({ type: "closed", by: "sam" });
  });

  it("SPEC L4: a workstream no longer in the org file: the server starts, and its conversations are closed with a warning", async () => {
    const first = await start({});
    const alice = await connect(first, { role: "rep", token: token(first, "alice") });
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect(first, {
      role: "customer",
      identity: signIdentity(first.org.secret, { id: "cust-ann", name: "Ann Lee" }),
    });
    const id = (await customer.request({ type: "start", workstream: "persistent", text: "Is my invoice ready?" }))
      .conversationId as string;
    await alice.request({ type: "accept", offerId: (await alice.waitForOffer(id)).id });
    const org = first.org;
    await stop(first, alice, customer);

    const second = await start({ org: { ...org, workstreams: org.workstreams.filter((w) => w.id !== "persistent") } });
    const aliceAgain = await connect(second, { role: "rep", token: token(second, "alice") });
    expect(aliceAgain.conversations.get(id)).toMatchObject({
      state: "closed",
      closedBy: "system",
      aborted: "workstream Persistent chat was removed",
    });
    expect(aliceAgain.users.get("alice")?.used).toBe(0);
    expect((await aliceAgain.thread(id)).at(-1)?.text).toBe(
      "This conversation was aborted: workstream Persistent chat was removed. It can only be ended.",
    );
  });
});
