// The built CLI writing into a pipe its reader has closed (`cc-agent events | head -1`): it ends quietly, as Unix
// tools do, not with an unhandled EPIPE and its stack; a server whose stderr's reader quits serves on. Needs `npm run build` first (npm test does it).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { credentialsOf, spawnCli, stopProcess, type CliProcess } from "../helpers/cli-server.js";
import { tempDir } from "../helpers/server.js";
import { waitFor } from "../helpers/ws.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin", "cc-agent.js");

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "src", "cli", "program.js")))
    throw new Error("build the CLI first: npm run build");
});

/** `cc-agent <args>` whose stdout's reader is gone before it writes: how it ended, and what it said on stderr. */
async function intoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  // The read end closes at once: the first write gets EPIPE.
  child.stdout.destroy();
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, stderr };
}

describe("output into a closed pipe", () => {
  it.each([["customer", "--help"], ["--help"], ["server", "--help"]])(
    "cc-agent %s %s ends quietly",
    async (...args) => {
      const { code, stderr } = await intoClosedPipe(args.filter(Boolean));
      expect(stderr).toBe("");
      expect(code).toBe(0);
    },
  );
});

describe("a server whose stderr's reader is gone (`cc-agent server 2>&1 | grep -m1 listening`)", () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: CliProcess | null = null;
  afterEach(async () => {
    if (server) await stopProcess(server);
    server = null;
    tmp.remove();
  });

  it("serves on, answers /healthz, and stops on SIGTERM", async () => {
    tmp = tempDir("cc-agent-closed-stderr-");
    const home = join(tmp.dir, "home");
    server = spawnCli(["server", "--port", "0", "--data", join(tmp.dir, "cc.db")], { cwd: tmp.dir, home });
    // The read end closes at once: the server's first line (and every log line) meets EPIPE.
    server.child.stderr!.destroy();
    const running = server;
    const credentials = await waitFor(() => {
      try {
        return credentialsOf(running, home);
      } catch {
        return running.child.exitCode === null ? undefined : new Error(`exited with ${running.child.exitCode}`);
      }
    }, "the server to write its credentials");
    expect(credentials).not.toBeInstanceOf(Error);
    const health = await fetch(
      `${(credentials as { url: string }).url.replace(/^ws/, "http").replace(/\/ws$/, "")}/healthz`,
    );
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe("ok");
    server.child.kill("SIGTERM");
    expect(await server.exit).toEqual({ code: 0, signal: null });
  });
});
