// Presence across the nodes of a cluster (server/cluster/presence.ts), two nodes in this process on a real Postgres:
// each heartbeats cc_nodes with the reps connected to it. A node that goes silent is, for the leader, a node whose reps
// all disconnected at that moment: the disconnect grace runs (on a manual clock here), and a rep back on another node
// within it keeps their presence. A rep who left one node for another is not set Offline by the node they left.
import pg from "pg";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../server/start-server.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { startPostgres, type PostgresCluster } from "../helpers/postgres.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const GRACE_MS = 60_000;
let cluster: PostgresCluster;
const servers: RunningServer[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const server of servers.splice(0)) await server.close();
});

afterAll(() => cluster?.stop());

async function node(url: string, name: string, clock: ManualClock, logs: string[] = []): Promise<RunningServer> {
  const server = await startServer({
    dataFile: url,
    clock,
    presenceGraceMs: GRACE_MS,
    logger: pino({ level: "warn" }, { write: (line: string) => void logs.push(line) }),
    cluster: { node: name },
  });
  servers.push(server);
  return server;
}

async function connect(server: RunningServer, hello: ConstructorParameters<typeof TestClient>[1]): Promise<TestClient> {
  const client = await new TestClient(server.url, hello).connect();
  clients.push(client);
  return client;
}

const token = (server: RunningServer, id: string): string => server.org.users.find((u) => u.id === id)!.token;

/**
 * Once this returns, whatever `server` submitted before it is committed and `sam` was sent it: a command of bob's on
 * the same node is acknowledged after every command that node submitted earlier (a node's commands run in order).
 */
async function settled(server: RunningServer, sam: TestClient): Promise<void> {
  const bob = await connect(server, { role: "rep", token: token(server, "bob") });
  await bob.request({ type: "presence", presence: "away" });
  await sam.synced();
}

/** The reps a node's row of cc_nodes lists (polled: the node writes it every second). */
async function listed(url: string, node: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ staff: string[] }>("SELECT staff FROM cc_nodes WHERE node = $1", [node]);
    return rows[0]?.staff ?? [];
  } finally {
    await client.end();
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

/** A supervisor on the leader, and alice Available through the follower. */
async function aliceOnFollower(url: string, logs: string[]) {
  const clock = new ManualClock();
  const a = await node(url, "a", clock, logs);
  const b = await node(url, "b", clock);
  const sam = await connect(a, { role: "supervisor", token: token(a, "sam") });
  const alice = await connect(b, { role: "rep", token: token(b, "alice") });
  await alice.request({ type: "presence", presence: "available" });
  await waitFor(() => sam.users.get("alice")?.presence === "available", "alice Available");
  await until(async () => (await listed(url, "b")).includes("alice"), "b to list alice");
  return { clock, a, b, sam, alice };
}

describe("presence across cluster nodes", () => {
  it("the reps of a node that went silent are set Offline by the leader once the disconnect grace has run", async () => {
    const url = await cluster.createDatabase();
    const logs: string[] = [];
    const { clock, a, b, sam } = await aliceOnFollower(url, logs);
    await b.close(); // b goes silent: its row stays, and ages.
    await waitFor(() => logs.some((line) => line.includes("a node went silent")), "the leader to see b silent", 10_000);
    clock.advance(GRACE_MS - 1);
    await settled(a, sam);
    expect(sam.users.get("alice")?.presence).toBe("available");
    clock.advance(1);
    await waitFor(() => sam.users.get("alice")?.presence === "offline", "alice Offline after the grace");
  }, 30_000);

  it("a rep back on another node within the grace keeps presence", async () => {
    const url = await cluster.createDatabase();
    const logs: string[] = [];
    const { clock, a, b, sam } = await aliceOnFollower(url, logs);
    await b.close();
    await waitFor(() => logs.some((line) => line.includes("a node went silent")), "the leader to see b silent", 10_000);
    clock.advance(GRACE_MS / 2);
    await connect(a, { role: "rep", token: token(a, "alice") });
    clock.advance(GRACE_MS);
    await settled(a, sam);
    expect(sam.users.get("alice")?.presence).toBe("available");
  }, 30_000);

  it("a rep who left the follower for the leader is not set Offline by the follower when its grace runs out", async () => {
    const url = await cluster.createDatabase();
    const { clock, a, b, sam, alice } = await aliceOnFollower(url, []);
    await alice.close();
    await connect(a, { role: "rep", token: token(a, "alice") });
    await until(async () => (await listed(url, "a")).includes("alice"), "a to list alice");
    // b's view of the others is as of its last beat: one more, then its grace runs out.
    await b.hub.node!.beat();
    clock.advance(GRACE_MS);
    await settled(b, sam);
    expect(sam.users.get("alice")?.presence).toBe("available");
  }, 30_000);
});
