// The built `cc-agent server` as a child process: spawn it on a data file, wait until it listens or exits, read its
// credentials, run another cc-agent command to completion. Needs `npm run build` (npm test builds before vitest).
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { readCredentials } from "../../server/credentials.js";
import type { LocalCredentials } from "../../server/credentials.js";

// The project's root, also from the copy the build makes for the benchmarks (dist/test/helpers).
const ABOVE = resolve(import.meta.dirname, "../..");
const ROOT = basename(ABOVE) === "dist" ? dirname(ABOVE) : ABOVE;
const BUILT = join(ROOT, "dist/bundle/cc-agent.js");
export const BIN = join(ROOT, "bin/cc-agent.js");

export interface CliProcess {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function requireBuild(): void {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first (npm test builds first).`);
}

/**
 * `cc-agent <args>` with CC_AGENT_HOME = home; `wrapper` runs it through a command that execs it (prlimit, taskset …),
 * and `nodeFlags` go to node itself (--cpu-prof …).
 */
export function spawnCli(
  args: string[],
  options: { cwd: string; home: string; wrapper?: string[]; nodeFlags?: string[] },
): CliProcess {
  requireBuild();
  const [command, ...rest] = [...(options.wrapper ?? []), process.execPath, ...(options.nodeFlags ?? []), BIN, ...args];
  const child = spawn(command!, rest, {
    cwd: options.cwd,
    env: { ...process.env, CC_AGENT_HOME: options.home, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const cli: CliProcess = {
    child,
    stdout: "",
    stderr: "",
    exit: new Promise((done) => child.once("exit", (code, signal) => done({ code, signal }))),
  };
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => (cli.stdout += chunk));
  child.stderr!.on("data", (chunk: string) => (cli.stderr += chunk));
  return cli;
}

/** `cc-agent server --port 0 --data FILE`. */
export function spawnServer(dataFile: string, options: { cwd: string; home: string; wrapper?: string[] }): CliProcess {
  return spawnCli(["server", "--port", "0", "--data", dataFile, "--log-level", "warn"], options);
}

/** Resolve with the url once the server says it listens; reject with its stderr if it exits first. */
export function listening(server: Pick<CliProcess, "child" | "stderr">, timeoutMs = 15_000): Promise<string> {
  return new Promise((done, fail) => {
    const check = () => {
      const url = /listening on (ws:\/\/\S+)/.exec(server.stderr)?.[1];
      if (!url) return;
      cleanup();
      done(url);
    };
    const exited = () => {
      cleanup();
      fail(new Error(`the server exited before listening:\n${server.stderr}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      fail(new Error(`the server did not listen within ${timeoutMs} ms:\n${server.stderr}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      server.child.stderr!.off("data", check);
      server.child.off("exit", exited);
    };
    server.child.stderr!.on("data", check);
    server.child.once("exit", exited);
    check();
  });
}

/** The credentials file this server process wrote into `home`. */
export function credentialsOf(server: CliProcess, home: string): LocalCredentials {
  const credentials = readCredentials(join(home, "local-server.json"));
  if (!credentials || credentials.pid !== server.child.pid)
    throw new Error(
      `no credentials file written by pid ${server.child.pid}: ${credentials ? `it names pid ${credentials.pid} (${credentials.url})` : "none"}`,
    );
  return credentials;
}

export function tokenOf(credentials: LocalCredentials, id: string): string {
  return credentials.users.find((u) => u.id === id)!.token;
}

/** Kill (SIGKILL unless told) a process that still runs, and wait for it. */
export async function stopProcess(cli: CliProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill(signal);
  await cli.exit;
}
