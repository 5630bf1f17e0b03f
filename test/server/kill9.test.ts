// The kill -9 test: the built CLI's server is killed without warning in the middle of a burst of
// customer messages; after a restart on the same data file, every message whose ack had arrived is there, read
// back a page at a time from the log (the server holds only the latest messages of a conversation in memory).
// Needs `npm run build` (npm test builds before running vitest).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { readCredentials } from "../../server/credentials.js";
import type { LocalCredentials } from "../../server/credentials.js";
import { listening } from "../helpers/cli-server.js";
import { tempDir } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const root = resolve(import.meta.dirname, "../..");
const builtProgram = join(root, "dist/bundle/cc-agent.js");
const bin = join(root, "bin/cc-agent.js");
const ACKED_BEFORE_KILL = 300;
const CUSTOMERS = 4;

interface ServerProcess {
  child: ChildProcess;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let tmp: ReturnType<typeof tempDir>;
const children: ServerProcess[] = [];
const clients: TestClient[] = [];

beforeEach(() => {
  tmp = tempDir("cc-agent-kill9-");
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const server of children.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
    await server.exit;
  }
  tmp.remove();
});

function spawnServer(): ServerProcess {
  const child = spawn(
    process.execPath,
    [bin, "server", "--port", "0", "--data", join(tmp.dir, "cc.db"), "--log-level", "warn"],
    {
      cwd: tmp.dir,
      env: { ...process.env, CC_AGENT_HOME: join(tmp.dir, "home"), NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const server: ServerProcess = {
    child,
    stderr: "",
    exit: new Promise((done) => child.once("exit", (code, signal) => done({ code, signal }))),
  };
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => (server.stderr += chunk));
  children.push(server);
  return server;
}

/** The credentials file this server process wrote. */
function credentialsOf(server: ServerProcess): LocalCredentials {
  const credentials = readCredentials(join(tmp.dir, "home", "local-server.json"));
  if (!credentials || credentials.pid !== server.child.pid)
    throw new Error(`no credentials file written by pid ${server.child.pid}`);
  return credentials;
}

function tokenOf(credentials: LocalCredentials, id: string): string {
  return credentials.users.find((u) => u.id === id)!.token;
}

async function connect(url: string, hello: ConstructorParameters<typeof TestClient>[1]): Promise<TestClient> {
  const client = await new TestClient(url, hello).connect();
  clients.push(client);
  return client;
}

describe("kill -9", () => {
  it("every acknowledged message survives kill -9 of the built server", { timeout: 60_000 }, async () => {
    if (!existsSync(builtProgram)) {
      throw new Error(`${builtProgram} is missing: run \`npm run build\` first (npm test builds before vitest).`);
    }
    const first = spawnServer();
    const url = await listening(first);
    const credentials = credentialsOf(first);
    expect(credentials.url).toBe(url);

    // A rep who accepts what she is offered, so that routing, offers and assignment are in the log too.
    const alice = await connect(url, { role: "rep", token: tokenOf(credentials, "alice") });
    alice.client.on("event", () => {
      for (const offer of alice.offers.values()) {
        if (offer.status !== "pending") continue;
        alice.offers.set(offer.id, { ...offer, status: "accepted" });
        alice.request({ type: "accept", offerId: offer.id }).catch(() => undefined);
      }
    });
    await alice.request({ type: "presence", presence: "available" });

    const acked: { conversationId: string; text: string }[] = [];
    let killed = false;
    const record = (conversationId: string, text: string) => {
      // Acks that arrive after the kill signal was sent were still written before the process died: keep them.
      acked.push({ conversationId, text });
      if (!killed && acked.length >= ACKED_BEFORE_KILL) {
        killed = true;
        first.child.kill("SIGKILL");
      }
    };
    const customers = await Promise.all(Array.from({ length: CUSTOMERS }, () => connect(url, { role: "customer" })));
    const bursts = customers.map(async (customer, k) => {
      try {
        const opening = `customer ${k} opening`;
        const started = await customer.request({
          type: "start",
          workstream: "live",
          text: opening,
          clientId: `k${k}-0`,
        });
        const conversationId = started.conversationId as string;
        record(conversationId, opening);
        for (let i = 1; !killed; i++) {
          const text = `customer ${k} message ${i}`;
          await customer.request({ type: "send", conversationId, text, clientId: `k${k}-${i}` });
          record(conversationId, text);
        }
      } catch (error) {
        // The connection died with the server: requests in flight were never acknowledged.
        if (!killed) throw error;
      }
    });
    await Promise.all(bursts);
    expect((await first.exit).signal).toBe("SIGKILL");
    expect(acked.length).toBeGreaterThanOrEqual(ACKED_BEFORE_KILL);
    await waitFor(() => customers.every((c) => c.client.state === "closed"), "the clients to see the server gone");

    // Restart on the same data file: the demo org's tokens live in it, so Sam's token still works.
    const second = spawnServer();
    const url2 = await listening(second);
    const again = credentialsOf(second);
    expect(tokenOf(again, "sam")).toBe(tokenOf(credentials, "sam"));
    const sam = await connect(url2, { role: "supervisor", token: tokenOf(again, "sam") });

    // The server keeps only each conversation's latest messages in memory: the threads are read back from the log.
    const shown = new Map<string, string[]>();
    for (const c of sam.welcome?.snapshot?.conversations ?? [])
      shown.set(
        c.id,
        (await sam.thread(c.id, 50)).map((m) => m.text),
      );
    const missing = acked.filter((m) => !shown.get(m.conversationId)?.includes(m.text));
    expect(missing).toEqual([]);
    // …in the order they were acknowledged, within each conversation.
    for (const [conversationId, texts] of shown) {
      const mine = acked.filter((m) => m.conversationId === conversationId).map((m) => m.text);
      expect(texts.filter((t) => t.startsWith("customer ")).slice(0, mine.length)).toEqual(mine);
    }
    expect(shown.size).toBe(CUSTOMERS);

    const health = (await (await fetch(`${url2.replace(/^ws/, "http").replace(/\/ws$/, "")}/healthz`)).json()) as {
      status: string;
      conversations: number;
    };
    expect(health).toMatchObject({ status: "ok", conversations: CUSTOMERS });
  });
});
