// The built CLI writing into a pipe its reader has closed (`cc-agent events | head -1`): it ends quietly, as Unix
// tools do, not with an unhandled EPIPE and its stack. Needs `npm run build` first (npm test does it).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

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
