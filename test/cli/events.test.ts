// The built `cc-agent events` against a server in a child process: the log as JSON lines, masked for staff, and
// with --follow across a server killed and restarted on the same data file: every seq once, none missed.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { readCredentials } from "../../server/credentials.js";
import type { LocalCredentials } from "../../server/credentials.js";
import { openLogReader } from "../../server/reports/read-log.js";
import { CliProcess, requireBuiltCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(requireBuiltCli);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(): { home: string; data: string } {
  const tmp = tempDir("cc-agent-events-");
  cleanups.push(() => tmp.remove());
  const home = join(tmp.dir, "home");
  mkdirSync(home);
  return { home, data: join(tmp.dir, "data.db") };
}

function cli(home: string, ...args: string[]): CliProcess {
  const child = new CliProcess(args, { CC_AGENT_HOME: home });
  cleanups.push(() => child.kill());
  return child;
}

async function startServer(home: string, data: string, port = 0): Promise<{ child: CliProcess; port: number }> {
  const child = cli(home, "server", "--port", String(port), "--data", data, "--log-level", "warn");
  const url = await waitFor(
    () => /listening on (ws:\/\/\S+)/.exec(child.stdout + child.stderr)?.[1],
    "the server to listen",
    15_000,
  );
  return { child, port: Number(new URL(url).port) };
}

/** A customer chats with alice: a conversation with a card number in it. */
async function traffic(credentials: LocalCredentials, text: string): Promise<void> {
  const token = credentials.users.find((u) => u.id === "alice")!.token;
  const alice = await new TestClient(credentials.url, { role: "rep", token }).connect();
  cleanups.push(() => alice.close());
  await alice.request({ type: "presence", presence: "available" });
  const customer = await new TestClient(credentials.url, { role: "customer" }).connect();
  cleanups.push(() => customer.close());
  const { conversationId } = (await customer.request({ type: "start", workstream: "live", text })) as {
    conversationId: string;
  };
  const offer = await alice.waitForOffer(conversationId);
  await alice.request({ type: "accept", offerId: offer.id });
  await alice.request({ type: "send", conversationId, text: "Thanks, one moment" });
  await alice.request({ type: "end", conversationId });
  await alice.request({ type: "wrapup", conversationId, reasonId: "resolved" });
}

function seqsIn(data: string): number[] {
  const reader = openLogReader(data);
  try {
    return [...reader.events()].map((e) => e.seq);
  } finally {
    reader.close();
  }
}

const printed = (child: CliProcess) =>
  child.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as { seq: number; type: string; at: number; [key: string]: unknown });

describe("cc-agent events", () => {
  it("SPEC L6: prints the log to the present as JSON lines, customer text masked, and stops", async () => {
    const { home, data } = setup();
    await startServer(home, data);
    const credentials = readCredentials(join(home, "local-server.json"))!;
    await traffic(credentials, "My card is 4111 1111 1111 1111");

    const run = cli(home, "events", "--as", "sam");
    expect(await run.exited()).toBe(0);
    const lines = printed(run);
    expect(lines.map((e) => e.seq)).toEqual(seqsIn(data));
    expect(lines.map((e) => e.type)).toEqual(
      expect.arrayContaining(["presence_changed", "conversation_created", "offered", "assigned", "closed"]),
    );
    for (const e of lines)
      expect(e).toEqual(expect.objectContaining({ seq: expect.any(Number), at: expect.any(Number) }));
    expect(run.stdout).toContain("My card is ************1111");
    expect(run.stdout).not.toContain("4111 1111 1111 1111");

    const from = cli(home, "events", "--as", "sam", "--from", "3");
    expect(await from.exited()).toBe(0);
    expect(printed(from)[0]!.seq).toBe(3);

    const rep = cli(home, "events", "--as", "alice");
    expect(await rep.exited()).toBe(1);
    expect(rep.stderr).toContain("only supervisors sign in to the monitor, events and why");
  });

  it("a customer's escape sequences and bidi characters are printed escaped, and parse back as sent", async () => {
    const { home, data } = setup();
    await startServer(home, data);
    const credentials = readCredentials(join(home, "local-server.json"))!;
    // 8-bit CSI (U+009B), DEL, a right-to-left override and an ESC: a terminal would act on each.
    const text = "Hi \u009b2J there \u202eevil\u007f \u001b]0;title\u0007";
    await traffic(credentials, text);

    const run = cli(home, "events", "--as", "sam");
    expect(await run.exited()).toBe(0);
    for (const raw of ["\u001b", "\u007f", "\u009b", "\u202e"]) expect(run.stdout).not.toContain(raw);
    const message = printed(run).find(
      (e) => e.type === "message_added" && (e.message as { text: string }).text.startsWith("Hi"),
    );
    expect((message!.message as { text: string }).text).toBe(text);
  });

  it("--follow carries on across a server killed and restarted: every seq of the log once, in order", async () => {
    const { home, data } = setup();
    const first = await startServer(home, data);
    const credentials = readCredentials(join(home, "local-server.json"))!;
    await traffic(credentials, "Hello, before");

    const follow = cli(home, "events", "--follow", "--as", "sam");
    const caughtUp = () => {
      const log = seqsIn(data);
      return printed(follow).at(-1)?.seq === log.at(-1) && log.length > 0;
    };
    await waitFor(caughtUp, `events to print the log (stderr: ${follow.stderr})`, 15_000);

    // Events committed while it follows come live.
    await traffic(credentials, "Hello, live");
    await waitFor(caughtUp, "the live events", 15_000);

    first.child.child.kill("SIGKILL");
    await first.child.exited();
    await startServer(home, data, first.port);
    await traffic(readCredentials(join(home, "local-server.json"))!, "Hello, after the restart");
    await waitFor(caughtUp, `events to resume after the restart (stderr: ${follow.stderr})`, 20_000);

    const seqs = printed(follow).map((e) => e.seq);
    expect(seqs).toEqual(seqsIn(data));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(follow.stdout).toContain("Hello, after the restart");
    expect(follow.exitCode).toBeUndefined();
    follow.child.kill("SIGTERM");
    expect(await follow.exited()).toBe(0);
  });
});
