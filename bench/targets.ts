// A target under load: a server child (the routing server with durable or in-memory storage, or the raw relay)
// and the load-generator child that drives it. Both are separate processes from each other and from the runner.
import { join } from "node:path";
import { Child, MachineCpu, cpuPinning } from "./lib.js";
import type { BenchContext } from "./lib.js";
import type { SetupParams, TrialResult } from "./load-generator.js";
import { benchOrgJson, repToken } from "./orgs.js";
import type { BenchOrgOptions } from "./orgs.js";
import type { PopulateParams, StartParams, ThreadParams, Usage } from "./server-child.js";

export type TargetKind = "raw" | "cc-durable" | "cc-memory";

let files = 0;

/** What happened beside a trial that can move its figures. */
export interface Interference {
  /** Server CPU µs over the trial. */
  serverCpu: number;
  /** The server's GC pauses over the trial: their total and the longest, ms. */
  gcMs: number;
  gcMaxMs: number;
  /** Snapshots the server wrote during the trial, and their ms (each stalls its event loop). */
  snapshots: number;
  snapshotMs: number;
  /** Cores' worth of CPU taken by other processes on the machine during the trial (null off Linux). */
  otherCores: number | null;
  /** Cores' worth of CPU the hypervisor gave to other guests (steal) during the trial. */
  stealCores: number | null;
}

export class Target {
  private constructor(
    readonly kind: TargetKind,
    readonly server: Child,
    readonly lg: Child,
    readonly url: string,
    readonly org: BenchOrgOptions,
  ) {}

  static async start(
    ctx: BenchContext,
    kind: TargetKind,
    org: BenchOrgOptions,
    options: { gc?: boolean } = {},
  ): Promise<Target> {
    // BENCH_CPU_PROF=dir: the servers write V8 CPU profiles there when they exit (for finding where the time goes).
    const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const cpus = cpuPinning();
    const server = Child.start("server-child.js", {
      execArgv: [...(options.gc ? ["--expose-gc", "--allow-natives-syntax"] : []), ...profile],
      name: `server(${kind})`,
      cpus: cpus.server,
    });
    const lg = Child.start("load-generator.js", { name: `load-generator(${kind})`, cpus: cpus.generator });
    try {
      const params: StartParams = {
        kind: kind === "raw" ? "raw" : "cc",
        dataFile: kind === "cc-durable" ? join(ctx.tmp, `target-${++files}.db`) : null,
        org: benchOrgJson(org),
      };
      const { url } = await server.call<{ url: string }>("start", params);
      return new Target(kind, server, lg, url, org);
    } catch (error) {
      await Promise.all([server.kill(), lg.kill()]);
      throw error;
    }
  }

  populate(params: PopulateParams): Promise<{ seq: number; conversations: number }> {
    return this.server.call("populate", params, 600_000);
  }

  /** One Active conversation of `messages` messages, written through the routing server's writer. */
  thread(params: ThreadParams): Promise<{ conversationId: string; repId: string; messages: number }> {
    return this.server.call("thread", params, 600_000);
  }

  /**
   * ms of each `messages` read of the log inside the server (its start to its answer handed to the outbox) since the
   * last call.
   */
  reads(): Promise<number[]> {
    return this.server.call("reads");
  }

  /** Connect the load generator's reps and customers (and start one conversation per customer unless told not to). */
  setup(
    customers: number,
    options: Omit<SetupParams, "url" | "repTokens" | "customers"> & { connectReps?: boolean } = {},
  ): Promise<{ ms: number }> {
    const { connectReps, ...rest } = options;
    const repTokens = connectReps === false ? [] : Array.from({ length: this.org.reps }, (_, i) => repToken(i));
    return this.lg.call("setup", { url: this.url, repTokens, customers, ...rest } satisfies SetupParams, 600_000);
  }

  usage(): Promise<Usage> {
    return this.server.call("usage");
  }

  memory(): Promise<Usage> {
    return this.server.call("memory");
  }

  /** Before a trial: a snapshot now (the routing server), so that none is due for a while, and a full GC. */
  settle(): Promise<{ ms: number }> {
    return this.server.call("settle", null, 120_000);
  }

  /**
   * A load-generator trial with what else happened over it: the server's CPU µs, its GC pauses and snapshots, and
   * the cores' worth of CPU the rest of the machine took (busy minus the server's and the generator's own).
   */
  async trial(method: "rateTrial" | "saturate" | "offerTrial", params: unknown): Promise<TrialResult & Interference> {
    const before = await this.usage();
    const machine = new MachineCpu();
    const result = await this.lg.call<TrialResult & { sent: number }>(method, params, 300_000);
    const cpu = machine.stop();
    const after = await this.usage();
    const serverCpu = after.cpu - before.cpu;
    return {
      ...result,
      serverCpu,
      gcMs: after.gcMs - before.gcMs,
      gcMaxMs: after.gcMaxMs,
      snapshots: after.snapshots - before.snapshots,
      snapshotMs: after.snapshotMs - before.snapshotMs,
      otherCores:
        cpu === null
          ? null
          : Math.max(0, cpu.busyCores - (serverCpu + result.lgCpu) / 1e6 / Math.max(1e-3, cpu.seconds)),
      stealCores: cpu?.stealCores ?? null,
    };
  }

  async stop(): Promise<void> {
    await this.server.call("stop", null, 30_000).catch(() => undefined);
    await this.lg.call("close", null, 10_000).catch(() => undefined);
    await Promise.all([this.server.stop(), this.lg.stop()]);
  }
}

/** The relay load (customers, reps, one conversation each) on each kind of target, started once and shared. */
export class RelayRig {
  private readonly targets = new Map<TargetKind, Promise<Target>>();
  constructor(
    private readonly ctx: BenchContext,
    readonly customers: number,
    readonly reps: number,
  ) {}

  get(kind: TargetKind): Promise<Target> {
    let target = this.targets.get(kind);
    if (!target) {
      target = (async () => {
        const t = await Target.start(
          this.ctx,
          kind,
          { reps: this.reps, capacity: Math.ceil(this.customers / this.reps) },
          { gc: true },
        );
        const { ms } = await t.setup(this.customers);
        this.ctx.log(
          `  ${kind}: ${this.customers} customers and ${this.reps} reps connected, conversations accepted (${ms} ms)`,
        );
        return t;
      })();
      this.targets.set(kind, target);
    }
    return target;
  }

  async close(): Promise<void> {
    for (const target of this.targets.values()) await (await target.catch(() => null))?.stop();
    this.targets.clear();
  }
}
