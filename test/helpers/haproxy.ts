// A real HAProxy for tests, in front of servers on this machine: it runs deploy/haproxy.cfg — the configuration
// docs/operations.md shows — with only the addresses replaced (the frontend on a free port, one `server` line per
// backend port, the stats socket in a temp dir), in the foreground, and is stopped afterwards. Without HAProxy
// installed it throws, saying how to install it: the tests fail rather than skip.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "./postgres.js";

export const HAPROXY_TEMPLATE = resolve(import.meta.dirname, "../../deploy/haproxy.cfg");

/** The HAProxy binary: on PATH, else Debian's /usr/sbin/haproxy (not on a non-root user's PATH). */
export function haproxyBinary(searchPath = process.env.PATH ?? "", fallback = "/usr/sbin/haproxy"): string {
  for (const dir of searchPath.split(":"))
    if (dir !== "" && existsSync(join(dir, "haproxy"))) return join(dir, "haproxy");
  if (existsSync(fallback)) return fallback;
  throw new Error(
    "HAProxy is not installed (no haproxy on PATH or at /usr/sbin/haproxy): the load-balancer tests need it. " +
      "Install it with `apt-get install -y haproxy` (.ci/run does).",
  );
}

/**
 * The template with its addresses replaced: `bind` → 127.0.0.1:port, the template's `server` lines → one per
 * backend (node1…nodeN on 127.0.0.1, with the template's own options), the stats socket → `socket`. Everything else
 * (timeouts, balance, health checks) stays as shipped. Throws if the template lost a line it must replace.
 */
export function haproxyConfig(template: string, options: { port: number; backends: number[]; socket: string }): string {
  const lines = template.split("\n");
  const serverLines = lines.flatMap((line, i) => (/^\s*server\s+\S+\s+\S+/.test(line) ? [i] : []));
  const bind = lines.findIndex((line) => /^\s*bind\s/.test(line));
  const socket = lines.findIndex((line) => /^\s*stats socket\s/.test(line));
  if (serverLines.length === 0 || bind < 0 || socket < 0)
    throw new Error("the HAProxy template needs a bind line, server lines and a stats socket line");
  const first = /^(\s*)server\s+\S+\s+\S+(.*)$/.exec(lines[serverLines[0]!]!)!;
  const [, indent, serverOptions] = first;
  const servers = options.backends.map((port, i) => `${indent}server node${i + 1} 127.0.0.1:${port}${serverOptions}`);
  return lines
    .flatMap((line, i) => {
      if (i === bind) return [line.replace(/bind\s+\S+/, `bind 127.0.0.1:${options.port}`)];
      if (i === socket) return [line.replace(/stats socket\s+\S+/, `stats socket ${options.socket}`)];
      if (i === serverLines[0]) return servers;
      if (serverLines.includes(i)) return [];
      return [line];
    })
    .join("\n");
}

/** One server's row of `show stat`. */
export interface ServerStat {
  name: string;
  /** UP, DOWN, MAINT, "UP 1/2" (going down), "DOWN 1/2" (coming up), NOLB, DRAIN… */
  status: string;
  /** Connections open now, and since start. */
  current: number;
  total: number;
}

export interface Haproxy {
  /** ws://127.0.0.1:PORT/ws — what clients connect to. */
  url: string;
  /** http://127.0.0.1:PORT */
  http: string;
  port: number;
  /** The configuration it runs. */
  config: string;
  /** One command on the runtime API (stats socket); its answer. */
  command(line: string): Promise<string>;
  /** The backend's servers, node1…nodeN, as `show stat` says now. */
  servers(): Promise<ServerStat[]>;
  /** Resolve once `show stat` says the server's status is `status` (exactly, e.g. "UP" or "DOWN"). */
  waitForStatus(server: string, status: string, timeoutMs?: number): Promise<void>;
  /** HAProxy's own output so far. */
  output(): string;
  stop(): Promise<void>;
}

function ask(socket: string, line: string): Promise<string> {
  return new Promise((done, fail) => {
    let answer = "";
    const connection = connect(socket, () => connection.end(`${line}\n`));
    connection.setEncoding("utf8");
    connection.on("data", (chunk: string) => (answer += chunk));
    connection.on("end", () => done(answer));
    connection.on("error", fail);
  });
}

function parseStats(csv: string): ServerStat[] {
  const [header, ...rows] = csv.trim().split("\n");
  const columns = header!.replace(/^# /, "").split(",");
  const at = (name: string) => columns.indexOf(name);
  return rows
    .map((row) => row.split(","))
    .filter((cells) => cells[at("pxname")] === "cc_nodes" && !["FRONTEND", "BACKEND"].includes(cells[at("svname")]!))
    .map((cells) => ({
      name: cells[at("svname")]!,
      status: cells[at("status")]!,
      current: Number(cells[at("scur")]),
      total: Number(cells[at("stot")]),
    }));
}

/** HAProxy on a free port in front of these backend ports (node1 is the first). */
export async function startHaproxy(backends: number[]): Promise<Haproxy> {
  const binary = haproxyBinary();
  const dir = mkdtempSync(join(tmpdir(), "cc-agent-haproxy-"));
  const port = await freePort();
  const socket = join(dir, "admin.sock");
  const config = haproxyConfig(readFileSync(HAPROXY_TEMPLATE, "utf8"), { port, backends, socket });
  const file = join(dir, "haproxy.cfg");
  writeFileSync(file, config);
  // -db: in the foreground, not a daemon, so that the test owns the process.
  const child: ChildProcess = spawn(binary, ["-db", "-f", file], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let exited = false;
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exit = new Promise<void>((done) =>
    child.once("exit", () => {
      exited = true;
      done();
    }),
  );
  const stop = async () => {
    if (!exited) child.kill("SIGKILL");
    await exit;
    rmSync(dir, { recursive: true, force: true });
  };
  const command = (line: string) => ask(socket, line);
  const answers = () =>
    command("show info").then(
      () => true,
      () => false,
    );
  try {
    // Ready once its runtime API answers (it binds the frontend before it opens the socket).
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (exited) throw new Error(`haproxy exited at start:\n${output}`);
      if (existsSync(socket) && (await answers())) break;
      if (Date.now() > deadline) throw new Error(`haproxy's stats socket did not answer within 10 s:\n${output}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const servers = async () => parseStats(await command("show stat"));
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    http: `http://127.0.0.1:${port}`,
    port,
    config,
    command,
    servers,
    async waitForStatus(server, status, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let last: ServerStat[] = [];
      while (Date.now() < deadline) {
        last = await servers();
        if (last.find((s) => s.name === server)?.status === status) return;
      }
      throw new Error(`${server} did not become ${status} within ${timeoutMs} ms: ${JSON.stringify(last)}`);
    },
    output: () => output,
    stop,
  };
}
