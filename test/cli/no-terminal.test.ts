// The built console, monitor and demo started without a terminal (stdin from /dev/null, stdout a pipe), against
// a real server in this process: one line saying so, exit code 2, and nobody signed in or made Available.
// Needs `npm run build` first (npm test does it).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startServer } from "../../server/start-server.js";
import type { RunningServer } from "../../server/start-server.js";
import { TestClient, waitFor } from "../helpers/ws.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin", "cc-agent.js");

let dir: string;
let home: string;
let server: RunningServer | null = null;
const clients: TestClient[] = [];

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "bundle", "cc-agent.js"))) throw new Error("build the CLI first: npm run build");
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cc-agent-no-tty-"));
  home = join(dir, "home");
  mkdirSync(home, { recursive: true });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = null;
  rmSync(dir, { recursive: true, force: true });
});

/** `cc-agent <args> </dev/null`, stdout and stderr piped: resolves with how it ended. */
async function runWithoutTerminal(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const devNull = openSync("/dev/null", "r");
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, CC_AGENT_HOME: home, NO_COLOR: "1", CC_AGENT_TOKEN: "" },
    stdio: [devNull, "pipe", "pipe"],
  });
  closeSync(devNull);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  let code: number | null | undefined;
  child.on("exit", (c) => (code = c));
  try {
    await waitFor(() => code !== undefined, `cc-agent ${args.join(" ")} to exit (stderr: ${stderr})`, 15_000);
  } finally {
    if (code === undefined) child.kill("SIGKILL");
  }
  return { code: code ?? null, stdout, stderr };
}

/** Presence of a user as a freshly connected rep sees it in its snapshot: the server's own state now. */
async function presenceOf(userId: string): Promise<string | undefined> {
  const token = server!.org.users.find((u) => u.id === "alice")!.token;
  const observer = await new TestClient(server!.url, { role: "rep", token }).connect();
  clients.push(observer);
  return observer.users.get(userId)?.presence;
}

describe("without a terminal", () => {
  it("the console says it needs a terminal and exits 2 before signing in: the rep stays Offline", async () => {
    server = await startServer({ port: 0, dataFile: null, credentialsFile: join(home, "local-server.json") });
    const token = server.org.users.find((u) => u.id === "alice")!.token;
    const watcher = await new TestClient(server.url, { role: "rep", token }).connect();
    clients.push(watcher);
    expect(watcher.users.get("bob")?.presence).toBe("offline");

    const run = await runWithoutTerminal(["--as", "bob"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("cc-agent: the console needs a terminal (stdin and stdout must be a TTY)\n");
    expect(run.stdout).toBe("");
    // Nothing about Bob went over the wire to the other rep, and the server still has him Offline.
    expect(watcher.events.flatMap((e) => e.changes).filter((c) => c.kind === "user" && c.user.id === "bob")).toEqual(
      [],
    );
    expect(await presenceOf("bob")).toBe("offline");
  });

  it("the monitor says it needs a terminal and exits 2 before signing in", async () => {
    server = await startServer({ port: 0, dataFile: null, credentialsFile: join(home, "local-server.json") });
    const run = await runWithoutTerminal(["monitor", "--as", "sam"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("cc-agent: the monitor needs a terminal (stdin and stdout must be a TTY)\n");
    expect(await presenceOf("sam")).toBe("offline");
  });

  it("the demo says it needs a terminal and exits 2 without starting a server", async () => {
    const run = await runWithoutTerminal(["demo"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("cc-agent: the demo needs a terminal (stdin and stdout must be a TTY)\n");
    expect(run.stdout).toBe("");
    expect(existsSync(join(home, "local-server.json"))).toBe(false);
  });
});
