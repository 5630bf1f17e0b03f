// The built `cc-agent server --data postgres://…` on a Postgres cluster this file starts in a temp dir
// (test/helpers/postgres.ts): it creates its tables, serves a rep and a customer, never prints the password, and after
// a restart of the server process the conversation is still there.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { credentialsOf, listening, spawnServer, stopProcess, tokenOf, type CliProcess } from "../helpers/cli-server.js";
import { startPostgres, type PostgresCluster } from "../helpers/postgres.js";
import { tempDir } from "../helpers/server.js";
import { TestClient } from "../helpers/ws.js";

let cluster: PostgresCluster;
let tmp: ReturnType<typeof tempDir>;
const processes: CliProcess[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
  tmp = tempDir("cc-agent-pgdata-");
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

/** /healthz's body once it answers 503 (polled: it is another process). */
async function outage(healthz: string, timeoutMs = 10_000): Promise<{ status: string; reason: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(healthz);
    const body = (await response.json()) as { status: string; reason: string };
    if (response.status === 503) return body;
    if (Date.now() > deadline) throw new Error(`/healthz did not report the outage within ${timeoutMs} ms`);
  }
}

describe("cc-agent server --data postgres://…", () => {
  it("serves a rep and a customer on Postgres; after a restart of the server the conversation is still there", async () => {
    // Trust authentication: the password is sent nowhere, but it is in the URL, so it must not be printed.
    const database = await cluster.createDatabase();
    const data = database.replace("postgres://postgres@", "postgres://postgres:s3cret-pw@");
    const first = server(data, "home1");
    const url = await listening(first);
    expect(first.stderr).toContain(`data: ${data.replace(":s3cret-pw@", ":***@")}`);
    // No lock file: that is for SQLite files (a path made of the URL would be one).
    expect(readdirSync(tmp.dir).filter((name) => name.startsWith("postgres"))).toEqual([]);

    const credentials = credentialsOf(first, join(tmp.dir, "home1"));
    const alice = await connect(url, { role: "rep", token: tokenOf(credentials, "alice") });
    await alice.request({ type: "presence", presence: "available" });
    const customer = await connect(url, { role: "customer" });
    const { conversationId } = (await customer.request({
      type: "start",
      workstream: "live",
      text: "My order never arrived",
    })) as { conversationId: string };
    const offer = await alice.waitForOffer(conversationId);
    await alice.request({ type: "accept", offerId: offer.id });
    await alice.request({ type: "send", conversationId, text: "Let me look it up" });
    await customer.waitForText(conversationId, "Let me look it up");

    await Promise.all(clients.splice(0).map((c) => c.close()));
    await stopProcess(first, "SIGTERM");
    expect((await first.exit).code).toBe(0);

    // Another process on the same database: the demo org's secrets and the conversation come from Postgres.
    const second = server(data, "home2");
    const url2 = await listening(second);
    const aliceAgain = await connect(url2, { role: "rep", token: tokenOf(credentials, "alice") });
    expect(aliceAgain.texts(conversationId)).toEqual(["My order never arrived", "Let me look it up"]);
    expect(aliceAgain.conversations.get(conversationId)).toMatchObject({ state: "active", ownerId: "alice" });
    for (const output of [first.stderr, first.stdout, second.stderr, second.stdout]) {
      expect(output).not.toContain("s3cret-pw");
    }
  });

  it("while the database is down a message is held and /healthz says why; once it is back the message is acknowledged and delivered", async () => {
    const first = server(await cluster.createDatabase(), "home4");
    const url = await listening(first);
    const credentials = credentialsOf(first, join(tmp.dir, "home4"));
    const bob = await connect(url, { role: "rep", token: tokenOf(credentials, "bob") });
    await bob.request({ type: "presence", presence: "available" });
    const customer = await connect(url, { role: "customer" });
    const { conversationId } = (await customer.request({ type: "start", workstream: "live", text: "Hello" })) as {
      conversationId: string;
    };
    await bob.request({ type: "accept", offerId: (await bob.waitForOffer(conversationId)).id });

    const healthz = `${url.replace(/^ws/, "http").replace(/\/ws$/, "")}/healthz`;
    cluster.halt();
    let acked = false;
    let sent: Promise<unknown>;
    try {
      sent = customer.request({ type: "send", conversationId, text: "Still there?", clientId: "m1" });
      void sent.then(() => (acked = true));
      const degraded = await outage(healthz);
      expect(degraded.reason).toMatch(/^database (shutting down|unreachable|connection failed)$/);
      expect(acked).toBe(false);
    } finally {
      cluster.resume();
    }
    await sent;
    await bob.waitForText(conversationId, "Still there?");
    expect((await fetch(healthz)).status).toBe(200);
  });

  it("a database that cannot be reached stops the server at start, saying why, without the password", async () => {
    const refused = server(`postgresql://cc:s3cret-pw@127.0.0.1:${cluster.port + 1}/cc`, "home3");
    const { code } = await refused.exit;
    expect(code).not.toBe(0);
    expect(refused.stderr).toContain("database unreachable");
    expect(refused.stderr).toContain("postgresql://cc:***@127.0.0.1");
    expect(refused.stderr).not.toContain("s3cret-pw");
    expect(refused.stderr).not.toMatch(/listening on/);
  });
});
