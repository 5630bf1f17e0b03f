// Shared by the benchmarks: statistics, the machine, the load check, child processes with a small RPC,
// and the rows every benchmark reports.
import { fork, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** dist/bench when built (where the child entry points live). */
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** The repository root (dist/bench → ../..). */
export const ROOT = join(BENCH_DIR, "..", "..");

// ---- rows ---------------------------------------------------------------------------------------------

export interface Row {
  /** Stable name of the figure (bench/notes.ts explains missed goals by it). */
  id: string;
  bench:
    | "relay"
    | "routing"
    | "durability"
    | "restart"
    | "console"
    | "memory"
    | "open"
    | "masking"
    | "report"
    | "monitor"
    | "pg-commit"
    | "socketio-peer"
    | "cluster";
  figure: string;
  /** The baseline measured in the same run (null when the figure has none). */
  baseline: number | null;
  ours: number;
  unit: string;
  /** ours / baseline (median of alternating trials when there were several). */
  ratio: number | null;
  goal: string;
  /** null: no goal for this figure. */
  met: boolean | null;
  /** The machine was busy before at least one trial of this figure. */
  busy: boolean;
  note?: string;
  /** The spread of the trials behind the figure, shown beside it: "min–max" of what the figure is a median of. */
  spread?: string;
}

export interface BenchContext {
  smoke: boolean;
  /** Scratch directory for data files; removed by the runner. */
  tmp: string;
  log(line: string): void;
}

// ---- statistics ---------------------------------------------------------------------------------------

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile of unsorted values (NaN when empty). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** "low–high" of the values, formatted as figures are (a spread shown beside a median). */
export function spread(values: readonly number[], suffix = ""): string {
  if (values.length === 0) return "";
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return `${fmt(low)}–${fmt(high)}${suffix} (n=${values.length})`;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** 3 significant digits, thousands separated: 12,345 / 1.23 / 0.0123. */
export function fmt(value: number | null): string {
  if (value === null) return "—";
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

// ---- the machine and its load -------------------------------------------------------------------------

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  date: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
}

/** System-wide busy, stolen (by the hypervisor) and total CPU jiffies from /proc/stat, or null off Linux. */
function cpuTimes(): { busy: number; steal: number; total: number } | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already counted in user.
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const steal = fields[7] ?? 0;
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - idle - steal, steal, total };
  } catch {
    return null;
  }
}

/**
 * The machine's CPU over a stretch of time (a trial): cores' worth busy with anything, and stolen by the hypervisor.
 * Subtracting the bench's own processes' CPU from `busyCores` leaves what the rest of the machine took meanwhile.
 */
export class MachineCpu {
  private readonly start = cpuTimes();
  private readonly at = performance.now();

  /** null off Linux. */
  stop(): { busyCores: number; stealCores: number; seconds: number } | null {
    const end = cpuTimes();
    const seconds = (performance.now() - this.at) / 1000;
    if (!this.start || !end || end.total <= this.start.total) return null;
    const cores = os.cpus().length;
    const share = (a: number, b: number) => ((b - a) / (end.total - this.start!.total)) * cores;
    return {
      busyCores: share(this.start.busy, end.busy),
      stealCores: share(this.start.steal, end.steal),
      seconds,
    };
  }
}

export interface Load {
  /** os.loadavg()[0]. */
  loadavg: number;
  /** Cores' worth of CPU in use by anything on the machine over a short window while the suite is idle. */
  busyCores: number | null;
  busy: boolean;
}

/**
 * The load before a trial. The 1-minute load average lags (it still counts the suite's own previous trial), so a
 * trial is flagged busy when the cores in use right now, measured over `windowMs` while this suite is idle, exceed
 * cores × 0.7; without /proc/stat the load average decides.
 */
export async function checkLoad(windowMs = 250): Promise<Load> {
  const cores = os.cpus().length;
  const loadavg = os.loadavg()[0] ?? 0;
  const a = cpuTimes();
  await sleep(windowMs);
  const b = cpuTimes();
  const busyCores = a && b && b.total > a.total ? ((b.busy - a.busy) / (b.total - a.total)) * cores : null;
  const busy = busyCores === null ? loadavg > cores * 0.7 : busyCores > cores * 0.7;
  return { loadavg: round(loadavg, 2), busyCores: busyCores === null ? null : round(busyCores, 2), busy };
}

// ---- cores: the server on one, the load generator on the others --------------------------------------

export interface Pinning {
  /** taskset CPU lists; null when the processes are not pinned. */
  server: string | null;
  generator: string | null;
  /** What the run did, for the log and docs/benchmarks.md. */
  note: string;
}

let pinning: Pinning | null = null;

/**
 * Where the server and the load generator run. With taskset (util-linux) and at least two cores, the server gets the
 * last core and the load generator the others, so that neither takes CPU from the other nor moves between cores
 * mid-trial; BENCH_PIN=0 turns it off (to compare). Without taskset the processes float, and the note says so.
 */
export function cpuPinning(): Pinning {
  if (pinning) return pinning;
  const cores = os.cpus().length;
  const has = spawnSync("taskset", ["-c", "0", "true"], { stdio: "ignore" }).status === 0;
  if (process.env.BENCH_PIN === "0")
    pinning = { server: null, generator: null, note: "not pinned (BENCH_PIN=0): the processes share every core" };
  else if (!has)
    pinning = {
      server: null,
      generator: null,
      note: "not pinned: taskset is missing (Debian/Ubuntu: apt-get install util-linux); the server and the load generator share every core",
    };
  else if (cores < 2)
    pinning = { server: null, generator: null, note: "not pinned: one core, which the server and the generator share" };
  else
    pinning = {
      server: String(cores - 1),
      generator: cores === 2 ? "0" : `0-${cores - 2}`,
      note: `pinned with taskset: the server on CPU ${cores - 1}, the load generator on CPU ${cores === 2 ? "0" : `0–${cores - 2}`} (other work on the machine still runs anywhere)`,
    };
  return pinning;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU µs (user + system) of this process since `since`. */
export function cpuMicros(since?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return u.user + u.system;
}

// ---- alternating trials -------------------------------------------------------------------------------

export interface Paired {
  baseline: number[];
  ours: number[];
  ratios: number[];
  busy: boolean;
}

/**
 * Baseline, ours, baseline, ours… `pairs` times, each preceded by a load check; the ratio of each pair is ours /
 * baseline and the figure reported is the median ratio, with the medians of each side beside it.
 */
export async function alternate(
  pairs: number,
  baseline: () => Promise<number>,
  ours: () => Promise<number>,
): Promise<Paired> {
  const result: Paired = { baseline: [], ours: [], ratios: [], busy: false };
  for (let i = 0; i < pairs; i++) {
    let load = await checkLoad();
    result.busy ||= load.busy;
    const b = await baseline();
    load = await checkLoad();
    result.busy ||= load.busy;
    const o = await ours();
    result.baseline.push(b);
    result.ours.push(o);
    result.ratios.push(o / b);
  }
  return result;
}

// ---- child processes with RPC -------------------------------------------------------------------------

interface RpcRequest {
  id: number;
  method: string;
  params: unknown;
}

interface RpcResponse {
  id: number;
  result?: unknown;
  error?: string;
}

type Handler = (params: never) => unknown;

/** In a child: answer RPC calls from the parent; exit when the parent goes away. */
export function serveRpc(handlers: Record<string, Handler>): void {
  // Run without a parent (under valgrind, say), the module is imported for its functions only.
  if (!process.send) return;
  process.on("message", (message: RpcRequest) => {
    const handler = handlers[message.method];
    const reply = (response: RpcResponse) => process.send?.(response);
    if (!handler) {
      reply({ id: message.id, error: `unknown method ${message.method}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.params as never))
      .then(
        (result) => reply({ id: message.id, result: result ?? null }),
        (error: unknown) =>
          reply({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  process.on("disconnect", () => process.exit(0));
}

/** A child process running one of the bench entry points, driven by RPC. */
export class Child {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly exited: Promise<number | null>;

  private constructor(
    readonly process: ChildProcess,
    readonly name: string,
  ) {
    process.on("message", (message: RpcResponse) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) pending.reject(new Error(`${name}: ${message.error}`));
      else pending.resolve(message.result);
    });
    this.exited = new Promise((resolve) => {
      process.once("exit", (code) => {
        for (const p of this.pending.values()) p.reject(new Error(`${name} exited (${code ?? "signal"})`));
        this.pending.clear();
        resolve(code);
      });
    });
  }

  /** Fork `entry` (a file in dist/bench) with these node flags and arguments. */
  static start(
    entry: string,
    options: {
      args?: string[];
      execArgv?: string[];
      env?: NodeJS.ProcessEnv;
      name?: string;
      quiet?: boolean;
      /** Run on these CPUs only (a taskset list, from cpuPinning()); null or absent: anywhere. */
      cpus?: string | null;
    } = {},
  ): Child {
    // Pinned, the child is `taskset -c CPUS node …`: taskset execs node in place, so the pid and the IPC channel
    // are the child's, and every thread node starts inherits the CPUs.
    const pinned = options.cpus ? { execPath: "taskset", prefix: ["-c", options.cpus, process.execPath] } : null;
    const child = fork(join(BENCH_DIR, entry), options.args ?? [], {
      ...(pinned ? { execPath: pinned.execPath } : {}),
      execArgv: [...(pinned?.prefix ?? []), ...(options.execArgv ?? [])],
      env: options.env ?? process.env,
      // quiet: a child whose libraries write to the terminal (Ink restores the cursor on exit) writes nowhere.
      stdio: ["ignore", options.quiet ? "ignore" : "inherit", "inherit", "ipc"],
      serialization: "advanced",
    });
    return new Child(child, options.name ?? entry);
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  call<T>(method: string, params: unknown = null, timeoutMs = 180_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.process.send({ id, method, params } satisfies RpcRequest);
    });
  }

  /** Ask it to leave (disconnect), then kill this one process if it lingers. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    if (this.process.connected) this.process.disconnect();
    const timer = setTimeout(() => this.process.kill("SIGKILL"), 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  kill(): Promise<number | null> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill("SIGKILL");
    return this.exited;
  }
}

/** What a benchmark module returns: its rows for the main table, and markdown details for docs/benchmarks.md. */
export interface Section {
  rows: Row[];
  details: string[];
}

/** A markdown table. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
