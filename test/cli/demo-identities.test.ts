// `/demo/identity` signs a customer identity for anyone who asks: the built `cc-agent server` serves it only with
// the flag whose name says it is unsafe, and never with --org. Needs `npm run build` first (npm test does it).
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/ws.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin", "cc-agent.js");
const BUNDLE = join(ROOT, "dist", "bundle", "cc-agent.js");
const EXAMPLE_ORG = join(ROOT, "docs", "example-org.json");

const dirs: string[] = [];
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(BUNDLE))
    throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (npm test builds before vitest).`);
});

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Start `cc-agent server` with these flags; resolves with its HTTP base once it listens, or its exit. */
async function server(
  flags: string[],
): Promise<{ base: string | null; stderr: () => string; exit: () => number | null }> {
  const dir = mkdtempSync(join(tmpdir(), "cc-agent-demo-id-"));
  dirs.push(dir);
  const child = spawn(
    process.execPath,
    [BIN, "server", "--port", "0", "--data", join(dir, "cc.db"), "--no-credentials", "--log-level", "warn", ...flags],
    {
      cwd: dir,
      env: { ...process.env, CC_AGENT_HOME: join(dir, "home"), NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  children.push(child);
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => (stderr += chunk));
  await waitFor(
    () => /listening on ws:\/\/\S+/.test(stderr) || child.exitCode !== null,
    `the server to listen or exit (stderr: ${stderr})`,
    20_000,
  );
  const base = /listening on ws:\/\/(\S+?)\/ws/.exec(stderr)?.[1] ?? null;
  return { base: base && `http://${base}`, stderr: () => stderr, exit: () => child.exitCode };
}

describe("cc-agent server and /demo/identity", () => {
  it(
    "SPEC P9: a plain server signs no identities; --unsafe-demo-identities does, with a random id, and says so",
    { timeout: 40_000 },
    async () => {
      const plain = await server([]);
      const refused = await fetch(`${plain.base}/demo/identity?name=Kenny%20Smith`);
      expect(refused.status).toBe(404);

      const unsafe = await server(["--unsafe-demo-identities"]);
      await waitFor(() => unsafe.stderr().includes("warning: --unsafe-demo-identities"), "the warning");
      const signed = (await (await fetch(`${unsafe.base}/demo/identity?name=Kenny%20Smith`)).json()) as {
        identity: { id: string };
      };
      expect(signed.identity.id).toMatch(/^demo-[0-9a-f]{24}$/);
    },
  );

  it("refuses --unsafe-demo-identities with --org, saying why", { timeout: 30_000 }, async () => {
    const started = await server(["--org", EXAMPLE_ORG, "--unsafe-demo-identities"]);
    expect(started.base).toBeNull();
    expect(started.exit()).not.toBe(0);
    expect(started.stderr()).toContain(
      "--unsafe-demo-identities works with the built-in demo org only, not with --org.",
    );
  });
});
