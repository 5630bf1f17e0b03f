// A full disk: SQLite's max_page_count makes every write that needs a new page fail with SQLITE_FULL, exactly as a
// full filesystem does, and raising it again is the space coming back. Real server, real clients, real file.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { startServer } from "../../server/start-server.js";
import type { RunningServer, ServerOptions } from "../../server/start-server.js";
import { openSqliteStore } from "../../server/store/sqlite-store.js";
import { StoreError } from "../../server/store/store.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { refusal, tempDir } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

let tmp: ReturnType<typeof tempDir>;
const servers: RunningServer[] = [];
const clients: TestClient[] = [];

beforeEach(() => {
  tmp = tempDir("cc-agent-full-");
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const server of servers.splice(0)) await server.close();
  tmp.remove();
});

/** A server on cc.db whose connection the test holds, to fill and free the "disk". */
async function start(options: ServerOptions = {}): Promise<{ server: RunningServer; db: Database.Database }> {
  let db: Database.Database | undefined;
  const server = await startServer({
    port: 0,
    dataFile: join(tmp.dir, "cc.db"),
    ...options,
    storeOptions: {
      onOpen: (handle) => {
        db = handle;
        options.storeOptions?.onOpen?.(handle);
      },
    },
  });
  servers.push(server);
  return { server, db: db! };
}

async function connect(server: RunningServer, hello: ConstructorParameters<typeof TestClient>[1], reconnect = false) {
  const client = await new TestClient(server.url, hello, { reconnect }).connect();
  clients.push(client);
  return client;
}

function token(server: RunningServer, id: string): string {
  return server.org.users.find((u) => u.id === id)!.token;
}

/** The disk is full from now on: no page may be added to the file. */
function fillDisk(db: Database.Database): void {
  db.pragma(`max_page_count = ${Number(db.pragma("page_count", { simple: true }))}`);
}

function freeDisk(db: Database.Database): void {
  db.pragma("max_page_count = 1073741823");
}

async function health(server: RunningServer): Promise<{ code: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.httpUrl}/healthz`);
  return { code: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Tracks whether a request has been answered, without waiting for it. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { promise, settled: () => done };
}

const LONG = "x".repeat(900);

/**
 * Long messages until one needs a page the disk no longer has: that commit is refused and its request held. Returns
 * the texts acknowledged before, and the held one.
 */
async function sendUntilHeld(
  server: RunningServer,
  customer: TestClient,
  conversationId: string,
): Promise<{ acked: string[]; text: string; request: ReturnType<typeof track> }> {
  const acked: string[] = [];
  for (let i = 1; i < 50; i++) {
    const text = `full ${i} ${LONG}`;
    const request = track(customer.request({ type: "send", conversationId, text, clientId: `f${i}` }));
    let outcome: "acked" | "held" | undefined;
    const deadline = Date.now() + 5000;
    while (
      !(outcome = request.settled() ? "acked" : (await health(server)).body.status === "degraded" ? "held" : undefined)
    )
      if (Date.now() > deadline) throw new Error(`timed out waiting for message ${i} to be acknowledged or held`);
    if (outcome === "held") return { acked, text, request };
    acked.push(text);
  }
  throw new Error("the disk did not fill up within 50 messages");
}

describe("a full disk", () => {
  it("holds the refused commit unanswered, refuses writes with server/unavailable, keeps reads, resumes and /healthz, and recovers by itself; nothing acknowledged is lost", async () => {
    const clock = new ManualClock();
    const { server, db } = await start({ clock });
    const alice = await connect(server, { role: "rep", token: token(server, "alice") });
    const bob = await connect(server, { role: "rep", token: token(server, "bob") }, true);
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect(server, { role: "customer" });
    const started = await customer.request({ type: "start", workstream: "live", text: "hello", clientId: "c0" });
    const conversationId = started.conversationId as string;
    const offer = await alice.waitForOffer(conversationId);
    await alice.request({ type: "accept", offerId: offer.id });
    const acked = ["hello"];
    for (let i = 1; i <= 3; i++) {
      await customer.request({ type: "send", conversationId, text: `before ${i}`, clientId: `c${i}` });
      acked.push(`before ${i}`);
    }
    await alice.waitForText(conversationId, "before 3");
    const bobSeq = bob.client.lastSeq;

    fillDisk(db);
    const held = await sendUntilHeld(server, customer, conversationId);
    acked.push(...held.acked);

    // /healthz says what is wrong.
    const degraded = await health(server);
    expect(degraded.code).toBe(503);
    expect(degraded.body).toMatchObject({ status: "degraded", reason: "disk full", pending: expect.any(Number) });

    // A request that writes is refused, and says to retry; nothing was done.
    const refused = await refusal(alice, { type: "send", conversationId, text: "are you there?", clientId: "a1" });
    expect(refused.code).toBe("server/unavailable");
    expect(refused.message).toMatch(/disk full.*Try again/);
    // Reads still work: the customer's status, the rep's targets.
    expect(await customer.request({ type: "status", conversationId })).toMatchObject({ state: "active" });
    expect(await alice.request({ type: "targets" })).toHaveProperty("queues");
    // The held message was not acknowledged, nor shown to anyone: not to the rep…
    expect(held.request.settled()).toBe(false);
    expect(alice.texts(conversationId)).not.toContain(held.text);
    // …nor to a supervisor who signs in now…
    const sam = await connect(server, { role: "supervisor", token: token(server, "sam") });
    expect((await sam.thread(conversationId)).map((m) => m.text)).toEqual(acked);
    // …nor to a rep who resumes: the resume works, from what is on disk.
    bob.client.dropConnection();
    await waitFor(() => bob.welcomes.length === 2 && bob.client.state === "online", "bob to resume");
    expect(bob.welcomes[1]).toMatchObject({ mode: "resume" });
    expect(bob.welcomes[1]!.seq).toBeGreaterThanOrEqual(bobSeq!);
    expect(bob.welcomes[1]!.seq).toBe(sam.welcome!.seq);

    // Retries with backoff while the disk stays full.
    clock.advance(1_000);
    expect((await health(server)).body.status).toBe("degraded");
    expect(held.request.settled()).toBe(false);

    // Space comes back: the next retry commits the held message, which is then shown and acknowledged.
    freeDisk(db);
    clock.advance(5_000);
    await held.request.promise;
    acked.push(held.text);
    await alice.waitForText(conversationId, held.text.slice(0, 10));
    expect((await health(server)).body).toMatchObject({ status: "ok" });
    await alice.request({ type: "send", conversationId, text: "back again", clientId: "a2" });
    await customer.waitForText(conversationId, "back again");

    // What the server serves now is what it committed: a monitor opened now sees what one sees after a restart.
    const samNow = await connect(server, { role: "supervisor", token: token(server, "sam") });
    const servedNow = samNow.welcome!.snapshot!.conversations;

    // Nothing acknowledged is lost across a restart.
    for (const client of [alice, bob, customer, sam]) await client.close();
    await server.close();
    servers.splice(0);
    const again = await start({ clock });
    const sam2 = await connect(again.server, { role: "supervisor", token: token(again.server, "sam") });
    const texts = (await sam2.thread(conversationId)).map((m) => m.text);
    for (const text of acked) expect(texts).toContain(text);
    expect(sam2.welcome!.snapshot!.conversations).toEqual(servedNow);
  });

  it("a restart on a full disk starts and serves what is stored; the first write turns it degraded instead of stopping it", async () => {
    const clock = new ManualClock();
    const first = await start({ clock });
    const customer = await connect(first.server, { role: "customer" });
    const started = await customer.request({ type: "start", workstream: "live", text: "stored before", clientId: "s" });
    const conversationId = started.conversationId as string;
    const conversationToken = started.conversationToken as string;
    await customer.close();
    clients.splice(0);
    await first.server.close();
    servers.splice(0);

    // The disk is full before the server starts.
    const { server, db } = await start({ clock, storeOptions: { onOpen: fillDisk } });
    expect((await health(server)).code).toBe(200);
    const sam = await connect(server, { role: "supervisor", token: token(server, "sam") });
    expect(sam.welcome!.snapshot!.conversations.map((c) => c.id)).toContain(conversationId);
    // The customer comes back and writes: a write that needs room is held, later ones are refused; it keeps running.
    const back = await connect(server, { role: "customer", conversationToken });
    expect(back.texts(conversationId)).toContain("stored before");
    const held = await sendUntilHeld(server, back, conversationId);
    const visitor = await connect(server, { role: "customer" });
    expect(await visitor.refused({ type: "start", workstream: "live", text: "hi" })).toBe("server/unavailable");
    expect((await health(server)).body).toMatchObject({ status: "degraded", reason: "disk full" });

    freeDisk(db);
    clock.advance(200);
    await held.request.promise;
    const ok = await visitor.request({ type: "start", workstream: "live", text: "hi" });
    expect(ok.conversationId).toEqual(expect.any(String));
  });

  it("the store reports a full disk as UNAVAILABLE with its reason, keeps the batch, and commits it once there is room", async () => {
    let db: Database.Database | undefined;
    const store = await openSqliteStore<unknown>(join(tmp.dir, "store.db"), { onOpen: (handle) => (db = handle) });
    try {
      fillDisk(db!);
      store.append([{ seq: 1, at: 1, type: "big", body: LONG.repeat(10) }], { expectedSeq: 0 });
      const error: unknown = await store.commit().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: "UNAVAILABLE", reason: "disk full" });
      expect(store.pending).toBe(1);
      freeDisk(db!);
      expect(await store.commit()).toBe(1);
      const seqs: number[] = [];
      for await (const event of store.eventsAfter(0)) seqs.push(event.seq);
      expect(seqs).toEqual([1]);
    } finally {
      await store.close();
    }
  });
});
