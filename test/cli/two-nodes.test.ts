// Two built `cc-agent server --data postgres://…` processes on one Postgres database (test/helpers/postgres.ts), each
// on its own port: one leads, the other follows. A rep on the follower and a customer on the leader talk; every ack
// comes after the commit (the acked message is already on the asker's socket) and both sides see the same seqs. The
// leader is killed with -9 and started again while the follower's clients keep working: the follower leads within
// 2 s, and nothing acknowledged is lost or duplicated.
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { EventFrame } from "../../src/protocol/messages.js";
import { credentialsOf, listening, spawnServer, stopProcess, tokenOf, type CliProcess } from "../helpers/cli-server.js";
import { startPostgres, type PostgresCluster } from "../helpers/postgres.js";
import { tempDir } from "../helpers/server.js";
import { TestClient } from "../helpers/ws.js";
import type { RequestBody } from "../../src/client/client.js";

let cluster: PostgresCluster;
let tmp: ReturnType<typeof tempDir>;
const processes: CliProcess[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
  tmp = tempDir("cc-agent-two-nodes-");
}, 60_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const cli of processes.splice(0)) await stopProcess(cli);
});

afterAll(() => {
  tmp?.remove();
  cluster?.stop();
});

function server(data: string, home: string): CliProcess {
  const cli = spawnServer(data, { cwd: tmp.dir, home: join(tmp.dir, home) });
  processes.push(cli);
  return cli;
}

async function connect(url: string, hello: ConstructorParameters<typeof TestClient>[1]): Promise<TestClient> {
  const client = await new TestClient(url, hello).connect();
  clients.push(client);
  return client;
}

const healthzOf = (url: string): string => `${url.replace(/^ws/, "http").replace(/\/ws$/, "")}/healthz`;

async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(healthzOf(url));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** /healthz until it says `role` and ready (another process: polled, no sleeps). */
async function until(url: string, role: "leader" | "follower", timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await health(url).catch(() => ({ status: 0, body: {} as Record<string, unknown> }));
    if (status === 200 && body.role === role && body.ready === true) return;
    if (Date.now() > deadline) throw new Error(`${url} did not become a ready ${role}: ${JSON.stringify(body)}`);
  }
}

/**
 * A request as a client retries it: refused with server/unavailable (no leader for a moment), it is sent again with
 * the same clientId, which makes the retry safe. Once acked, what it did is already on this client's socket.
 */
async function untilAcked(client: TestClient, body: RequestBody): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.request(body);
    } catch (error) {
      if ((error as { code?: string }).code !== "server/unavailable" || attempt === 20) throw error;
    }
  }
}

/** The seq of the event that brought each message of a conversation to this client, by text. */
function seqByText(client: TestClient, conversationId: string): Map<string, number> {
  const seqs = new Map<string, number>();
  for (const frame of client.events as EventFrame[])
    for (const change of frame.changes)
      if (change.kind === "message" && change.conversationId === conversationId)
        seqs.set(change.message.text, frame.seq);
  return seqs;
}

describe("two cc-agent server nodes on one Postgres database", () => {
  it("a rep on the follower and a customer on the leader talk; the leader is killed and restarted, the follower leads within 2 s, nothing acknowledged is lost or duplicated", async () => {
    const data = await cluster.createDatabase();
    const first = server(data, "home1");
    const leaderUrl = await listening(first);
    const second = server(data, "home2");
    const followerUrl = await listening(second);
    await until(leaderUrl, "leader");
    await until(followerUrl, "follower");
    expect((await health(leaderUrl)).body).toMatchObject({ role: "leader", ready: true, status: "ok" });
    expect((await health(followerUrl)).body).toMatchObject({ role: "follower", ready: true, status: "ok" });

    // The demo org's tokens come from the database: the same for both nodes.
    const credentials = credentialsOf(second, join(tmp.dir, "home2"));
    const alice = await connect(followerUrl, { role: "rep", token: tokenOf(credentials, "alice") });
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect(leaderUrl, { role: "customer" });
    const { conversationId, conversationToken } = (await customer.request({
      type: "start",
      workstream: "live",
      text: "Hello from the leader's side",
    })) as { conversationId: string; conversationToken: string };
    await alice.request({ type: "accept", offerId: (await alice.waitForOffer(conversationId)).id });

    const acked: string[] = ["Hello from the leader's side"];
    for (let i = 1; i <= 3; i++) {
      await customer.request({ type: "send", conversationId, text: `customer ${i}`, clientId: `c${i}` });
      // Acked after the commit: the message is on the customer's socket before the ack.
      expect(customer.texts(conversationId)).toContain(`customer ${i}`);
      acked.push(`customer ${i}`);
      await alice.request({ type: "send", conversationId, text: `rep ${i}`, clientId: `r${i}` });
      // The follower hands the outcome back once its replica holds the events.
      expect(alice.texts(conversationId)).toContain(`rep ${i}`);
      acked.push(`rep ${i}`);
    }
    await customer.waitForText(conversationId, "rep 3");
    // Same events, same seqs, on both nodes.
    const onLeader = seqByText(customer, conversationId);
    const onFollower = seqByText(alice, conversationId);
    for (const text of acked.slice(1)) expect(onFollower.get(text)).toBe(onLeader.get(text));
    expect([...onFollower.values()]).toEqual([...onFollower.values()].sort((a, b) => a - b));

    // The leader dies; the rep on the follower keeps writing, the follower takes over.
    // (How fast is the bench's failover figure, over 10 kills; here, that it happens and loses nothing.)
    first.child.kill("SIGKILL");
    const during = untilAcked(alice, { type: "send", conversationId, text: "rep during failover", clientId: "r4" });
    await until(followerUrl, "leader");
    await during;
    expect(alice.texts(conversationId)).toContain("rep during failover");
    acked.push("rep during failover");

    // The former leader comes back as a follower; the customer resumes there with their conversation token.
    await first.exit;
    const restarted = server(data, "home1");
    const restartedUrl = await listening(restarted);
    await until(restartedUrl, "follower");
    const back = await connect(restartedUrl, { role: "customer", conversationToken });
    await back.waitForText(conversationId, "rep during failover");
    await untilAcked(back, { type: "send", conversationId, text: "customer after restart", clientId: "c4" });
    expect(back.texts(conversationId)).toContain("customer after restart");
    acked.push("customer after restart");
    await alice.waitForText(conversationId, "customer after restart");

    // Every acknowledged message exactly once, in order, as the log holds it (a fresh console reads it).
    const aliceAgain = await connect(followerUrl, { role: "rep", token: tokenOf(credentials, "alice") });
    expect((await aliceAgain.thread(conversationId)).map((m) => m.text)).toEqual(acked);
    expect(alice.texts(conversationId)).toEqual(acked);
    // The customer's welcome holds the latest messages; the earlier ones are read a page at a time.
    expect((await back.thread(conversationId)).map((m) => m.text)).toEqual(acked);
  }, 60_000);
});
