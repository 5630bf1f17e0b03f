// The built `cc-agent` in a child process: its output as it comes, and its exit.
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "./ws.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = join(ROOT, "bin", "cc-agent.js");

/** Fails with how to fix it when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(join(ROOT, "dist", "src", "cli", "program.js")))
    throw new Error("build the CLI first: npm run build");
}

export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  exitCode: number | null | undefined = undefined;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", ...env },
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

  kill(): void {
    if (this.exitCode === undefined) this.child.kill("SIGKILL");
  }
}
