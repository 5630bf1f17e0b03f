// socketio-peer: the relay load on a peer built the way a Node team would build it — two Socket.IO nodes with the
// Redis Streams adapter over a local redis-server (started here on a free port, in a temp dir) — beside our single
// node (the relay benchmark's durable routing server on SQLite), at saturation, in alternating trials. The peer
// promises less: no durability, at-most-once fan-out, no routing.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../test/helpers/postgres.js";
import { Child, alternate, cpuPinning, fmt, median, spread, table } from "./lib.js";
import type { BenchContext, Row, Section } from "./lib.js";
import type { RelayRig } from "./targets.js";

export interface PeerTrial {
  achieved: number;
  p50: number;
  p99: number;
  lost: number;
  sent: number;
  lgCpu: number;
}

/** redis-server: on PATH, else Debian's /usr/bin/redis-server. */
function redisBinary(): string {
  for (const dir of (process.env.PATH ?? "").split(":"))
    if (dir !== "" && existsSync(join(dir, "redis-server"))) return join(dir, "redis-server");
  if (existsSync("/usr/bin/redis-server")) return "/usr/bin/redis-server";
  throw new Error(
    "redis-server is not installed: the socketio-peer benchmark needs it. Install it with `apt-get install -y redis-server` (.ci/run does).",
  );
}

async function startRedis(
  ctx: BenchContext,
  cpus: string | null,
): Promise<{ url: string; cpu(): number; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(ctx.tmp, "redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"];
  const [command, ...rest] = cpus ? ["taskset", "-c", cpus, redisBinary(), ...args] : [redisBinary(), ...args];
  const child = spawn(command!, rest, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const check = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) resolve();
    };
    child.stdout.on("data", check);
    child.stderr.on("data", check);
    void exited.then(() => reject(new Error(`redis-server exited at start:\n${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    cpu: () => processCpu(child.pid),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The CPU µs a process (and its threads) has used so far, from /proc (0 off Linux). */
export function processCpu(pid: number | undefined): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of the line (11 and 12 after the name), in clock ticks (100 per second).
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** The peer, started with its clients connected: each `saturate` is one closed-loop trial with its servers' CPU. */
export interface SocketioPeer {
  saturate(warmupMs: number, durationMs: number): Promise<PeerTrial & { serverCpu: number }>;
  stop(): Promise<void>;
}

/** Two Socket.IO nodes and a redis-server on the server's cores, and a generator with `customers` and `reps` on them. */
export async function startSocketioPeer(
  ctx: BenchContext,
  load: { customers: number; reps: number },
): Promise<SocketioPeer> {
  const cpus = cpuPinning();
  const redis = await startRedis(ctx, cpus.server);
  const nodes = [0, 1].map((i) =>
    Child.start("socketio-child.js", { name: `socketio-node${i + 1}`, cpus: cpus.server }),
  );
  const lg = Child.start("socketio-load.js", { name: "socketio-load", cpus: cpus.generator });
  const stop = async () => {
    await lg.call("close", null, 10_000).catch(() => undefined);
    for (const node of nodes) await node.call("stop", null, 10_000).catch(() => undefined);
    await Promise.all([lg.stop(), ...nodes.map((node) => node.stop())]);
    await redis.stop();
  };
  try {
    const urls = await Promise.all(nodes.map((node) => node.call<{ url: string }>("start", { redisUrl: redis.url })));
    const { ms } = await lg.call<{ ms: number }>(
      "setup",
      { urls: urls.map((u) => u.url), customers: load.customers, reps: load.reps },
      600_000,
    );
    ctx.log(`  peer: ${load.customers} customers and ${load.reps} reps connected over two nodes (${ms} ms)`);
  } catch (error) {
    await stop();
    throw error;
  }
  const serverCpu = async () => {
    const usages = await Promise.all(nodes.map((node) => node.call<{ cpu: number }>("usage")));
    return usages.reduce((sum, u) => sum + u.cpu, redis.cpu());
  };
  return {
    async saturate(warmupMs, durationMs) {
      const before = await serverCpu();
      const trial = await lg.call<PeerTrial>("saturate", { warmupMs, durationMs }, 300_000);
      return { ...trial, serverCpu: (await serverCpu()) - before };
    },
    stop,
  };
}

export async function socketioPeerBench(ctx: BenchContext, rig: RelayRig): Promise<Section> {
  const warmupMs = ctx.smoke ? 100 : 500;
  const durationMs = ctx.smoke ? 300 : 2500;
  const pairs = ctx.smoke ? 1 : 5;
  const cpus = cpuPinning();
  const peerTrials: (PeerTrial & { serverCpu: number })[] = [];
  let paired: Awaited<ReturnType<typeof alternate>>;
  const peerRig = await startSocketioPeer(ctx, rig);
  try {
    const ours = await rig.get("cc-durable");
    const peer = async () => {
      peerTrials.push(await peerRig.saturate(warmupMs, durationMs));
      return peerTrials.at(-1)!.achieved;
    };
    // Warm-up, discarded.
    await peer();
    peerTrials.length = 0;
    await ours.trial("saturate", { window: 1, warmupMs: 0, durationMs: warmupMs * 2 });
    paired = await alternate(pairs, peer, async () => {
      const trial = await ours.trial("saturate", { window: 1, warmupMs, durationMs });
      const p = peerTrials.at(-1)!;
      ctx.log(
        `  trial ${peerTrials.length}/${pairs}: Socket.IO peer ${fmt(p.achieved)}/s (p99 ${fmt(p.p99)} ms) · ours ${fmt(trial.achieved)}/s (p99 ${fmt(trial.p99)} ms)`,
      );
      return trial.achieved;
    });
  } finally {
    await peerRig.stop();
  }
  const conversations = `${rig.customers.toLocaleString("en-US")} customers, ${rig.reps} reps`;
  const rows: Row[] = [
    {
      id: "socketio-peer",
      bench: "socketio-peer",
      figure: `deliveries/s at saturation (${conversations}, closed loop): Socket.IO + Redis Streams adapter on two nodes (baseline) against our single node on SQLite`,
      baseline: median(paired.baseline),
      ours: median(paired.ours),
      unit: "/s",
      ratio: median(paired.ratios),
      goal: "— (≥ 1× is the 3-node cluster's goal)",
      met: null,
      busy: paired.busy,
      spread: spread(paired.ratios, "×"),
      note: `peer ${spread(paired.baseline)}, ours ${spread(paired.ours)} /s`,
    },
  ];
  const details = [
    `### socketio-peer: Socket.IO on two nodes with the Redis Streams adapter, beside our single node (${conversations}; ${durationMs / 1000} s measured after ${warmupMs / 1000} s)`,
    "",
    "The peer: two Socket.IO servers (websocket transport) sharing a local redis-server through @socket.io/redis-streams-adapter; " +
      "a client joins its conversation's room, a message goes to the room's other members and is acked — kept nowhere, delivered at most once. " +
      "Its clients are spread over both nodes (half the conversations have their customer and their rep on different nodes). " +
      "Its load generator speaks Socket.IO (socket.io-client) with the relay benchmark's load: one conversation per customer, every conversation ping-ponging one ~200-byte message at a time. " +
      `Ours: the relay benchmark's routing server (SQLite, durable) under its own generator. Cores: ${cpus.note}; the peer's two nodes and redis-server share the server's core${cpus.server === null ? "s" : ""}, as our one process has it.`,
    "",
    table(
      [
        "trial",
        "peer deliveries/s",
        "peer p50 ms",
        "peer p99 ms",
        "peer CPU µs/message (nodes + redis)",
        "ours deliveries/s",
        "ratio",
      ],
      peerTrials.map((p, i) => [
        i + 1,
        fmt(p.achieved),
        fmt(p.p50),
        fmt(p.p99),
        p.lost,
        fmt(p.serverCpu / Math.max(1, p.sent)),
        fmt(paired.ours[i]!),
        `${fmt(paired.ratios[i]!)}×`,
      ]),
    ),
    "",
  ];
  return { rows, details };
}
