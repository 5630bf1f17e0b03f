// A cluster for the cluster benchmark: built `cc-agent server --data postgres://…` processes on one database, each
// on a port of its own chosen once (a node restarted after a kill comes back at the same address, so its clients'
// reconnects find it). Each incarnation of a node connects with an application_name of its own
// (`bench-n<node>-<incarnation>`, in the URL, which node-postgres lets override the server's own), so that the
// database can say which process wrote what (recordWrites).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { listening, spawnCli, stopProcess } from "../test/helpers/cli-server.js";
import type { CliProcess } from "../test/helpers/cli-server.js";
import { freePort } from "../test/helpers/postgres.js";
import { sleep } from "./lib.js";
import { benchOrgJson } from "./orgs.js";
import type { BenchOrgOptions } from "./orgs.js";

export interface ClusterNodeProcess {
  index: number;
  port: number;
  /** ws://127.0.0.1:PORT/ws — the same across restarts. */
  url: string;
  cli: CliProcess;
  /** bench-n<index>-<incarnation>: the application_name of this incarnation's connections. */
  app: string;
}

export type Role = "leader" | "follower";

let rigs = 0;

/** `cc-agent <args>` (the built CLI), pinned with taskset when `cpus` is given (taskset execs node: same pid). */
function spawnNode(args: string[], options: { cwd: string; home: string; cpus: string | null }): CliProcess {
  // BENCH_CPU_PROF=dir: each node writes a V8 CPU profile there when it exits (stop() ends nodes with SIGTERM then).
  const nodeFlags = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  return spawnCli(args, {
    cwd: options.cwd,
    home: options.home,
    nodeFlags,
    ...(options.cpus ? { wrapper: ["taskset", "-c", options.cpus] } : {}),
  });
}

export class ClusterRig {
  readonly nodes: ClusterNodeProcess[] = [];
  private incarnations = 0;

  private constructor(
    readonly data: string,
    private readonly dir: string,
    private readonly orgFile: string,
    private readonly cpus: string | null,
    private readonly ports: number[],
  ) {}

  /** `count` nodes on database `data`, the first elected before the others start (so node 0 leads). */
  static async start(
    tmp: string,
    data: string,
    count: number,
    org: BenchOrgOptions,
    cpus: string | null,
  ): Promise<ClusterRig> {
    const dir = join(tmp, `cluster-${++rigs}`);
    mkdirSync(dir, { recursive: true });
    const orgFile = join(dir, "org.json");
    writeFileSync(orgFile, JSON.stringify(benchOrgJson(org)));
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await freePort());
    const rig = new ClusterRig(data, dir, orgFile, cpus, ports);
    try {
      for (let i = 0; i < count; i++) {
        await rig.startNode(i);
        await rig.waitRole(i, i === 0 ? "leader" : "follower", 30_000);
      }
    } catch (error) {
      await rig.stop();
      throw error;
    }
    return rig;
  }

  /** Start node `index` (again), on its port; resolves once it listens. */
  async startNode(index: number): Promise<ClusterNodeProcess> {
    const app = `bench-n${index}-${++this.incarnations}`;
    const data = `${this.data}?application_name=${app}`;
    const args = ["server", "--port", String(this.ports[index]), "--data", data, "--org", this.orgFile];
    const cli = spawnNode([...args, "--log-level", "warn", "--no-credentials"], {
      cwd: this.dir,
      home: join(this.dir, `home${index}`),
      cpus: this.cpus,
    });
    const url = await listening(cli, 30_000);
    const node: ClusterNodeProcess = { index, port: this.ports[index]!, url, cli, app };
    this.nodes[index] = node;
    return node;
  }

  /** The last lines node `index` wrote to stderr (what it logs at warn and above). */
  stderrTail(index: number, lines = 5): string {
    return (this.nodes[index]?.cli.stderr ?? "").trim().split("\n").slice(-lines).join(" | ");
  }

  pid(index: number): number {
    return this.nodes[index]!.cli.child.pid ?? -1;
  }

  /** The node's /healthz, or null when it does not answer within `timeoutMs`. */
  async health(index: number, timeoutMs = 500): Promise<{ role?: Role; ready?: boolean } | null> {
    const url = `http://127.0.0.1:${this.ports[index]}/healthz`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (response.status !== 200) return null;
      return (await response.json()) as { role?: Role; ready?: boolean };
    } catch {
      return null;
    }
  }

  /** Poll /healthz of node `index` until it is a ready `role`. */
  async waitRole(index: number, role: Role, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const health = await this.health(index);
      if (health?.role === role && health.ready === true) return;
      if (performance.now() > deadline) throw new Error(`node ${index} did not become a ready ${role}`);
      await sleep(20);
    }
  }

  /** The index of the ready leader among the nodes other than `except`, polled every 20 ms. */
  async waitLeader(except: number | null, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const healths = await Promise.all(
        this.nodes.map((n, i) => (i === except || n === undefined ? null : this.health(i, 1_500))),
      );
      const found = healths.findIndex((h) => h?.role === "leader" && h.ready === true);
      if (found >= 0) return found;
      if (performance.now() > deadline)
        throw new Error(
          `no node became a ready leader within ${timeoutMs} ms: ${healths.map((h, i) => `node ${i} ${i === except ? "(excluded)" : JSON.stringify(h)}`).join(", ")}`,
        );
      await sleep(20);
    }
  }

  async kill(index: number): Promise<void> {
    await stopProcess(this.nodes[index]!.cli, "SIGKILL");
  }

  signal(index: number, signal: "SIGSTOP" | "SIGCONT"): void {
    process.kill(this.pid(index), signal);
  }

  /**
   * Record every event row written from now on, with the application_name of the connection that wrote it (a
   * trigger on `events`, in the writer's own transaction: a refused commit leaves no row).
   */
  async recordWrites(): Promise<void> {
    await this.query(`
      CREATE TABLE bench_writes (id bigserial PRIMARY KEY, seq bigint NOT NULL, app text NOT NULL);
      CREATE FUNCTION bench_record() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO bench_writes (seq, app) VALUES (NEW.seq, current_setting('application_name')); RETURN NEW; END
      $$;
      CREATE TRIGGER bench_record AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION bench_record();
    `);
  }

  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.data });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) {
      if (!node) continue;
      // A frozen node cannot die of SIGKILL until it runs again.
      if (node.cli.child.exitCode === null && node.cli.child.signalCode === null) {
        try {
          process.kill(node.cli.child.pid ?? -1, "SIGCONT");
        } catch {
          // gone already
        }
      }
      await stopProcess(node.cli, process.env.BENCH_CPU_PROF ? "SIGTERM" : "SIGKILL");
    }
  }
}
