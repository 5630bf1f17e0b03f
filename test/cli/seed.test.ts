// The built `cc-agent seed` in a real child process against real servers in this process, watched by a
// supervisor. Needs `npm run build` first (npm test does it).
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildScript } from "../../src/cli/seed-script.js";
import { startServer } from "../../server/start-server.js";
import type { RunningServer } from "../../server/start-server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin", "cc-agent.js");
/** Fast enough for a test: 10 arrivals a second, every think time and patience at 1/100. */
const FAST = ["--rate", "600", "--time-scale", "0.01", "--duration", "15"];

class Cli {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  exitCode: number | null | undefined = undefined;

  constructor(args: string[], home: string) {
    this.child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, CC_AGENT_HOME: home, NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stdout.setEncoding("utf8");
    this.child.stderr.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => (this.stdout += chunk));
    this.child.stderr.on("data", (chunk: string) => (this.stderr += chunk));
    this.child.on("exit", (code) => (this.exitCode = code));
  }

  async exited(timeoutMs = 15_000): Promise<number | null> {
    await waitFor(() => this.exitCode !== undefined, `the CLI to exit (stderr: ${this.stderr})`, timeoutMs);
    return this.exitCode ?? null;
  }
}

const dirs: string[] = [];
const servers: RunningServer[] = [];
const clients: TestClient[] = [];
const children: Cli[] = [];

/** A fresh server with the demo org, its credentials in a fresh CC_AGENT_HOME, and Sam watching. */
async function freshServer(): Promise<{ home: string; sam: TestClient }> {
  const dir = mkdtempSync(join(tmpdir(), "cc-agent-seed-"));
  dirs.push(dir);
  const home = join(dir, "home");
  mkdirSync(home, { recursive: true });
  const server = await startServer({ port: 0, dataFile: null, credentialsFile: join(home, "local-server.json") });
  servers.push(server);
  const token = server.org.users.find((u) => u.id === "sam")!.token;
  const sam = await new TestClient(server.url, { role: "supervisor", token }).connect();
  clients.push(sam);
  return { home, sam };
}

function cli(home: string, ...args: string[]): Cli {
  const child = new Cli(args, home);
  children.push(child);
  return child;
}

/** What the supervisor saw, comparable between runs: no ids of messages, no times. */
function mix(sam: TestClient) {
  return [...sam.conversations.values()]
    .sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)))
    .map((c) => ({
      id: c.id,
      mode: c.mode,
      title: c.title,
      authenticated: c.customer.authenticated,
      alert: c.alert,
      customerEnded: c.customerEnded,
      customerTexts: (sam.messages.get(c.id) ?? []).filter((m) => m.author.role === "customer").map((m) => m.text),
    }));
}

async function seedRun(seed: string): Promise<{ sam: TestClient; stderr: string; mix: ReturnType<typeof mix> }> {
  const { home, sam } = await freshServer();
  const run = cli(home, "seed", "--count", "20", "--seed", seed, ...FAST);
  expect(await run.exited()).toBe(0);
  // A round trip: every event sent to Sam before it has arrived.
  await sam.request({ type: "targets" });
  return { sam, stderr: run.stderr, mix: mix(sam) };
}

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "src", "cli", "program.js")))
    throw new Error("build the CLI first: npm run build");
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === undefined) c.child.kill("SIGKILL");
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("cc-agent seed", () => {
  it("SPEC S9 S10 L6 L12 P5: the same --seed twice against fresh servers gives the same conversation mix", async () => {
    const [a, b] = await Promise.all([seedRun("1"), seedRun("1")]);
    expect(a.mix).toHaveLength(20);
    expect(b.mix).toEqual(a.mix);

    const conversations = [...a.sam.conversations.values()];
    const customerMessages = (id: string) => (a.sam.messages.get(id) ?? []).filter((m) => m.author.role === "customer");
    // Live and persistent chats, signed-in customers and visitors ("Visitor N", S8).
    expect(new Set(conversations.map((c) => c.mode))).toEqual(new Set(["live", "persistent"]));
    expect(conversations.some((c) => c.customer.authenticated)).toBe(true);
    expect(conversations.some((c) => /^Visitor \d+$/.test(c.title))).toBe(true);
    // S9: an angry customer's messages reach the sentiment threshold.
    expect(conversations.some((c) => c.alert)).toBe(true);
    // L6: a pasted card number reaches the supervisor masked, with nothing of it left in clear.
    const texts = conversations.flatMap((c) => customerMessages(c.id).map((m) => m.text));
    expect(texts.some((t) => /(?<![*\d])\*{12}\d{4}(?!\d)/.test(t))).toBe(true);
    expect(texts.join("\n")).not.toMatch(/\d{4} \d{4} \d{4} \d{4}/);
    // S10: a chatty customer leaves 10 or more messages waiting.
    expect(conversations.some((c) => customerMessages(c.id).length >= 10)).toBe(true);
    // L12: a customer ended their live chat.
    expect(conversations.some((c) => c.mode === "live" && c.customerEnded)).toBe(true);
    // P5: a persistent customer left and came back to the same conversation.
    expect(a.stderr).toMatch(/came back to c\d+\n/);

    expect(a.stderr).toContain("seed: done after");
    expect(a.stderr).toMatch(/20 customers of 20 arrived: 15 live, 5 persistent/);

    // Another seed, another mix.
    const script = (seed: number) =>
      buildScript({ seed, count: 20, persistent: 5, ratePerMinute: 600 }).map((c) => c.opening);
    expect(script(1)).toEqual(script(1));
    expect(script(2)).not.toEqual(script(1));
  });

  it("stops cleanly on Ctrl+C: the summary on stderr, exit 0", async () => {
    const { home } = await freshServer();
    // Real-time think times: the customers are still talking when the signal comes.
    const run = cli(home, "seed", "--count", "50", "--rate", "600", "--seed", "3");
    await waitFor(() => run.stderr.includes("→ c2"), `two arrivals (stderr: ${run.stderr})`, 10_000);
    run.child.kill("SIGINT");
    expect(await run.exited()).toBe(0);
    expect(run.stderr).toContain("seed: stopped by Ctrl+C after");
    expect(run.stderr).toMatch(/customers? of 50 arrived/);
    expect(run.stdout).toBe("");
  });

  it("stops at --duration without any rep", async () => {
    const { home } = await freshServer();
    const run = cli(home, "seed", "--count", "5", "--rate", "600", "--duration", "1", "--seed", "4");
    expect(await run.exited()).toBe(0);
    expect(run.stderr).toContain("seed: stopped by --duration 1 s after");
  });

  it("exits 2 on a wrong flag and 1 when no server answers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cc-agent-seed-"));
    dirs.push(dir);
    const runs = [
      cli(dir, "seed", "--count", "0"),
      cli(dir, "seed", "--rate", "fast"),
      cli(dir, "seed", "--count", "2", "--persistent", "3"),
      cli(dir, "seed", "--server", "ws://127.0.0.1:9/ws", "--count", "2"),
    ];
    const codes = await Promise.all(runs.map((r) => r.exited()));
    expect(codes).toEqual([2, 2, 2, 1]);
    expect(runs[0]!.stderr).toContain("--count");
    expect(runs[2]!.stderr).toContain("--persistent (3) cannot be more than --count (2)");
    expect(runs[3]!.stderr.trim()).toBe(
      "cc-agent: no cc-agent server answers at ws://127.0.0.1:9/ws; start one with `cc-agent server` (or pass --server URL)",
    );
  });
});
