// The epoch: every seq belongs to one log's history. A client resumes only from a seq of the server's own history
// that it can serve exactly; anything else gets a fresh snapshot that says why.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import Database from "better-sqlite3";
import { demoOrgFile } from "../../server/org-file.js";
import { startServer } from "../../server/start-server.js";
import type { RunningServer, ServerOptions } from "../../server/start-server.js";
import type { Welcome } from "../../src/protocol/messages.js";
import { committedSeq, RawSocket, tempDir } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

// The same org (and tokens) on every data file, so that one client can sign in to each server.
const org = demoOrgFile({
  secret: "epoch-test-secret-0123456789abcdef0123456789abcdef",
  tokens: {
    alice: "alice-epoch-token",
    bob: "bob-epoch-token-16",
    carol: "carol-epoch-token",
    sam: "sam-epoch-token-16",
  },
});
let tmp: ReturnType<typeof tempDir>;
const servers: RunningServer[] = [];
const clients: TestClient[] = [];
const sockets: RawSocket[] = [];

beforeEach(() => {
  tmp = tempDir("cc-agent-epoch-");
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  for (const server of servers.splice(0)) await server.close();
  tmp.remove();
});

async function start(file: string, options: ServerOptions = {}): Promise<RunningServer> {
  const server = await startServer({ port: 0, dataFile: join(tmp.dir, file), org, ...options });
  servers.push(server);
  return server;
}

async function stop(server: RunningServer): Promise<void> {
  await server.close();
  servers.splice(servers.indexOf(server), 1);
}

async function connect(server: RunningServer, hello: ConstructorParameters<typeof TestClient>[1], reconnect = false) {
  const client = await new TestClient(server.url, hello, { reconnect }).connect();
  clients.push(client);
  return client;
}

/** Customers who each start a chat: `count` conversations and more events on this server. */
async function traffic(server: RunningServer, count: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const customer = await connect(server, { role: "customer" });
    const started = await customer.request({ type: "start", workstream: "live", text: `${label} ${i}` });
    ids.push(started.conversationId as string);
  }
  return ids;
}

/** The welcome a raw hello gets. */
async function helloWith(server: RunningServer, fields: Record<string, unknown>): Promise<Welcome> {
  const socket = await RawSocket.open(server.url);
  sockets.push(socket);
  socket.sendJson({ type: "hello", v: 1, role: "supervisor", token: "sam-epoch-token-16", ...fields });
  return (await socket.waitForFrame((f) => f.type === "welcome")) as Welcome;
}

describe("the epoch of the log", () => {
  it("is random per data file, kept across restarts, and a restart on the same file resumes", async () => {
    const first = await start("a.db");
    const alice = await connect(first, { role: "rep", token: "alice-epoch-token" }, true);
    const epoch = alice.welcome!.epoch;
    expect(epoch).toMatch(/^[0-9a-f]{16}$/);
    await traffic(first, 2, "first");
    const port = first.port;
    await stop(first);

    const again = await start("a.db", { port });
    await waitFor(() => alice.welcomes.length === 2, "alice to reconnect");
    expect(alice.welcomes[1]).toMatchObject({ epoch, mode: "resume", snapshot: null });
    expect(alice.welcomes[1]).not.toHaveProperty("snapshotReason");
    expect(await committedSeq(again)).toBe(alice.welcomes[1]!.seq);

    const other = await start("b.db");
    expect((await helloWith(other, {})).epoch).not.toBe(epoch);
  });

  it("a client whose seq belongs to another data file gets a snapshot, even when that server's seq is higher", async () => {
    // b.db: a longer history than the client will have seen.
    const b = await start("b.db");
    const onB = await traffic(b, 6, "on b");
    const bSeq = await committedSeq(b);
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await stop(b);

    const a = await start("a.db");
    const onA = await traffic(a, 1, "on a");
    const alice = await connect(a, { role: "rep", token: "alice-epoch-token" }, true);
    await alice.request({ type: "presence", presence: "available" });
    await waitFor(() => alice.offers.size > 0, "alice's offer");
    const seenSeq = alice.client.lastSeq!;
    expect(seenSeq).toBeLessThan(bSeq);
    const port = a.port;
    await stop(a);

    // The server comes back on another data file, same address: its seq is past alice's, its history another.
    const restarted = await start("b.db", { port });
    await waitFor(() => alice.welcomes.length === 2, "alice to reconnect");
    const welcome = alice.welcomes[1]!;
    expect(welcome).toMatchObject({ mode: "snapshot", snapshotReason: "epoch", seq: await committedSeq(restarted) });
    expect(welcome.epoch).not.toBe(alice.welcomes[0]!.epoch);
    // Her view is b.db's: a's conversation and offer are gone with the snapshot, none of b's events were skipped.
    expect(welcome.snapshot!.offers.map((o) => o.conversationId)).not.toContain(onA[0]);
    expect(alice.client.epoch).toBe(welcome.epoch);
    const sam = await connect(restarted, { role: "supervisor", token: "sam-epoch-token-16" });
    expect(sam.welcome!.snapshot!.conversations.map((c) => c.id).sort()).toEqual([...onB].sort());
  });

  it("a seq ahead of the server, or of another or no epoch, gets a snapshot that says why", async () => {
    const server = await start("a.db");
    await traffic(server, 2, "x");
    const seq = await committedSeq(server);
    const { epoch } = await helloWith(server, {});
    expect(await helloWith(server, { lastSeq: seq, epoch })).toMatchObject({ mode: "resume" });
    expect(await helloWith(server, { lastSeq: seq + 5, epoch })).toMatchObject({
      mode: "snapshot",
      snapshotReason: "ahead",
    });
    expect(await helloWith(server, { lastSeq: 1 })).toMatchObject({ mode: "snapshot", snapshotReason: "epoch" });
    expect(await helloWith(server, { lastSeq: 1, epoch: "0123456789abcdef" })).toMatchObject({
      mode: "snapshot",
      snapshotReason: "epoch",
    });
    expect(await helloWith(server, {})).not.toHaveProperty("snapshotReason");
  });

  it("a resume the log can no longer serve (events missing after the seq) gets a snapshot, never a wrong resume", async () => {
    const first = await start("a.db");
    await traffic(first, 3, "x");
    const { epoch } = await helloWith(first, {});
    const seq = await committedSeq(first);
    await stop(first);
    // Events 3–5 are gone from the file (a tool, a damaged copy): a resume from 2 cannot be served exactly.
    const db = new Database(join(tmp.dir, "a.db"));
    db.prepare("DELETE FROM events WHERE seq BETWEEN 3 AND 5").run();
    db.close();
    const again = await start("a.db");
    expect(await committedSeq(again)).toBe(seq);
    expect(await helloWith(again, { lastSeq: 2, epoch })).toMatchObject({
      mode: "snapshot",
      snapshotReason: "missing_events",
    });
    expect(await helloWith(again, { lastSeq: 5, epoch })).toMatchObject({ mode: "resume" });
  });
});
