// 1. Relay: customers and reps exchanging ~200-byte messages through the routing server (durable storage,
// masking and sentiment on) against the raw ws relay, with the same load generator.
import os from "node:os";
import { checkLoad, cpuPinning, fmt, median, round, spread, table } from "./lib.js";
import type { BenchContext, Row, Section } from "./lib.js";
import type { TrialResult } from "./load-generator.js";
import type { Interference, RelayRig, Target } from "./targets.js";

type Measured = TrialResult & Interference;

interface Step {
  rate: number;
  raw: Measured;
  ours: Measured;
  busy: boolean;
}

interface Pair {
  raw: Measured;
  ours: Measured;
  busy: boolean;
}

/** A ladder step held: ≥ 95 % of the offered rate delivered, ≤ 1 % lost, p99 under 100 ms. */
export function sustained(t: TrialResult): boolean {
  return t.achieved >= 0.95 * t.offered && t.lost <= 0.01 * Math.max(1, t.samples + t.lost) && t.p99 < 100;
}

const cpuPerMessage = (t: Measured) => t.serverCpu / Math.max(1, t.sent);

/** What stood beside a trial: snapshots, the longest GC pause, the rest of the machine's CPU. */
function beside(t: Measured): string {
  const parts = [`gc max ${fmt(t.gcMaxMs)} ms`];
  if (t.snapshots > 0) parts.unshift(`${t.snapshots} snapshot(s) ${fmt(t.snapshotMs)} ms`);
  if (t.otherCores !== null) parts.push(`others ${fmt(t.otherCores)} cores`);
  if (t.stealCores !== null && t.stealCores >= 0.01) parts.push(`steal ${fmt(t.stealCores)}`);
  return parts.join(", ");
}

/** BENCH_SETTLE=0: trials without settling first (to see what snapshots and GC do to the figures). */
const settling = process.env.BENCH_SETTLE !== "0";

/** Baseline then ours, each after settling its server (a snapshot now and a full GC: neither lands in the trial). */
async function pair(raw: Target, ours: Target, method: "rateTrial" | "saturate", params: unknown): Promise<Pair> {
  if (settling) await raw.settle();
  const before = await checkLoad();
  const b = (await raw.trial(method, params)) as Measured;
  if (settling) await ours.settle();
  const between = await checkLoad();
  const o = (await ours.trial(method, params)) as Measured;
  return { raw: b, ours: o, busy: before.busy || between.busy };
}

export async function relayBench(ctx: BenchContext, rig: RelayRig): Promise<Section> {
  const raw = await rig.get("raw");
  const ours = await rig.get("cc-durable");
  const warmupMs = ctx.smoke ? 100 : 500;
  const durationMs = ctx.smoke ? 300 : 2500;
  const ladder = ctx.smoke ? [200] : [1000, 2000, 4000, 8000, 12000, 16000];
  const latencyRate = ctx.smoke ? 200 : 8000;
  const cpuRate = ctx.smoke ? 200 : 4000;

  // Warm-up, discarded: both servers' hot paths get compiled before anything counts.
  await raw.trial("rateTrial", { rate: ladder[0]!, warmupMs: 0, durationMs: warmupMs * 2 });
  await ours.trial("rateTrial", { rate: ladder[0]!, warmupMs: 0, durationMs: warmupMs * 2 });

  const steps: Step[] = [];
  for (const rate of ladder) {
    const p = await pair(raw, ours, "rateTrial", { rate, warmupMs, durationMs });
    const [b, o] = [p.raw, p.ours];
    steps.push({ rate, ...p });
    ctx.log(
      `  ${rate}/s offered: raw ${fmt(b.achieved)}/s p99 ${fmt(b.p99)} ms · ours ${fmt(o.achieved)}/s p99 ${fmt(o.p99)} ms (${beside(o)}; load ${round(os.loadavg()[0] ?? 0)})`,
    );
  }

  // Seven pairs: the median of three moves with a single disturbed trial.
  const pairs = ctx.smoke ? 1 : 7;
  const saturation: Pair[] = [];
  for (let i = 0; i < pairs; i++) {
    const p = await pair(raw, ours, "saturate", { window: 1, warmupMs, durationMs });
    saturation.push(p);
    ctx.log(
      `  saturation ${i + 1}/${pairs}: raw ${fmt(p.raw.achieved)}/s (${beside(p.raw)}) · ours ${fmt(p.ours.achieved)}/s (${beside(p.ours)}) · ratio ${fmt(p.ours.achieved / p.raw.achieved)}; server CPU µs/message raw ${fmt(cpuPerMessage(p.raw))} · ours ${fmt(cpuPerMessage(p.ours))} (load ${round(os.loadavg()[0] ?? 0)})`,
    );
  }

  // The latency goal's rate again, in alternating pairs: the figure is the median of each side.
  const atRate: Pair[] = [];
  for (let i = 0; i < pairs; i++) {
    const p = await pair(raw, ours, "rateTrial", { rate: latencyRate, warmupMs, durationMs });
    atRate.push(p);
    ctx.log(
      `  ${latencyRate}/s ${i + 1}/${pairs}: raw p99 ${fmt(p.raw.p99)} ms · ours p99 ${fmt(p.ours.p99)} ms (${beside(p.ours)}; load ${round(os.loadavg()[0] ?? 0)})`,
    );
  }
  const pick = (side: "raw" | "ours", f: (t: Measured) => number) => median(atRate.map((r) => f(r[side])));
  const latency = {
    raw: { p50: pick("raw", (t) => t.p50), p99: pick("raw", (t) => t.p99) },
    ours: {
      p50: pick("ours", (t) => t.p50),
      p99: pick("ours", (t) => t.p99),
      achieved: pick("ours", (t) => t.achieved),
      lost: pick("ours", (t) => t.lost),
    },
    busy: atRate.some((r) => r.busy),
    held: atRate.filter((r) => sustained(r.ours)).length > pairs / 2,
  };
  const satRatios = saturation.map((s) => s.ours.achieved / s.raw.achieved);
  const snapshotsInTrials = [...steps, ...saturation, ...atRate].reduce((n, p) => n + p.ours.snapshots, 0);
  const atCpu = steps.find((s) => s.rate === cpuRate)!;
  const satRatio = median(satRatios);
  // Server CPU per message at saturation: both servers are CPU-bound on their core, so throughput is the CPU they got
  // divided by this; unlike throughput it hardly moves with the CPU the rest of the machine takes from them.
  const cpuRatios = saturation.map((s) => cpuPerMessage(s.ours) / cpuPerMessage(s.raw));
  const satRaw = median(saturation.map((s) => s.raw.achieved));
  const satOurs = median(saturation.map((s) => s.ours.achieved));
  const highest = (pick: (s: Step) => TrialResult) =>
    steps.filter((s) => sustained(pick(s))).reduce((m, s) => Math.max(m, s.rate), 0);
  const label = (rate: number) => rate.toLocaleString("en-US");
  const conversations = `${rig.customers.toLocaleString("en-US")} customers, ${rig.reps} reps`;

  const rows: Row[] = [
    {
      id: "relay-throughput",
      bench: "relay",
      figure: `sustainable deliveries/s (${conversations}, closed loop)`,
      baseline: satRaw,
      ours: satOurs,
      unit: "/s",
      ratio: satRatio,
      goal: "≥ 0.8× raw relay",
      met: satRatio >= 0.8,
      busy: saturation.some((s) => s.busy),
      spread: spread(satRatios, "×"),
      note: `median of ${pairs} alternating pairs; raw ${spread(saturation.map((s) => s.raw.achieved))}, ours ${spread(saturation.map((s) => s.ours.achieved))} /s`,
    },
    {
      id: "relay-cpu-saturation",
      bench: "relay",
      figure: `server CPU per message at saturation (the same ${pairs} pairs; ≤ 1.25× is ≥ 0.8× the throughput on a core of its own)`,
      baseline: median(saturation.map((s) => cpuPerMessage(s.raw))),
      ours: median(saturation.map((s) => cpuPerMessage(s.ours))),
      unit: "µs",
      ratio: median(cpuRatios),
      goal: "—",
      met: null,
      busy: saturation.some((s) => s.busy),
      spread: spread(cpuRatios, "×"),
    },
    {
      id: "relay-p99",
      bench: "relay",
      figure: `p99 latency at ${label(latencyRate)} deliveries/s offered (median of ${pairs} alternating trials)`,
      baseline: latency.raw.p99,
      ours: latency.ours.p99,
      unit: "ms",
      ratio: latency.ours.p99 / latency.raw.p99,
      goal: "≤ 15 ms",
      met: latency.ours.p99 <= 15 && latency.held,
      busy: latency.busy,
      spread: spread(
        atRate.map((r) => r.ours.p99),
        " ms",
      ),
      note: `ours per trial: ${atRate.map((r) => fmt(r.ours.p99)).join(", ")} ms; raw ${spread(
        atRate.map((r) => r.raw.p99),
        " ms",
      )}; achieved ${fmt(latency.ours.achieved)}/s; ${snapshotsInTrials} snapshot(s) landed in a measured trial`,
    },
    {
      id: "relay-p50",
      bench: "relay",
      figure: `p50 latency at ${label(latencyRate)} deliveries/s offered (median of ${pairs} alternating trials)`,
      baseline: latency.raw.p50,
      ours: latency.ours.p50,
      unit: "ms",
      ratio: latency.ours.p50 / latency.raw.p50,
      goal: "—",
      met: null,
      busy: latency.busy,
      spread: spread(
        atRate.map((r) => r.ours.p50),
        " ms",
      ),
    },
    {
      id: "relay-cpu",
      bench: "relay",
      figure: `server CPU per message at ${label(cpuRate)}/s`,
      baseline: cpuPerMessage(atCpu.raw),
      ours: cpuPerMessage(atCpu.ours),
      unit: "µs",
      ratio: cpuPerMessage(atCpu.ours) / cpuPerMessage(atCpu.raw),
      goal: "—",
      met: null,
      busy: atCpu.busy,
    },
    {
      id: "relay-ladder",
      bench: "relay",
      figure: "highest ladder rate held (≥ 95 % delivered, p99 < 100 ms)",
      baseline: highest((s) => s.raw),
      ours: highest((s) => s.ours),
      unit: "/s",
      ratio:
        highest((s) => s.ours) /
        Math.max(
          1,
          highest((s) => s.raw),
        ),
      goal: "—",
      met: null,
      busy: steps.some((s) => s.busy),
    },
  ];

  const details = [
    `### Relay: the ladder of offered rates (${conversations}; ${durationMs / 1000} s measured after ${warmupMs / 1000} s of warm-up per trial)`,
    "",
    "Latency is from the moment a message was due to be sent (open loop) to its arrival on the other side's socket, in ms. " +
      "CPU is the server process's user + system time per message sent. " +
      `Cores: ${cpuPinning().note}. ` +
      (settling
        ? "Before each trial both servers settle"
        : "**Not settled (BENCH_SETTLE=0)**; otherwise, before each trial both servers settle") +
      ": the routing server writes a snapshot and both collect their garbage, so that " +
      "neither a snapshot nor the previous trial's garbage lands in the trial; *snapshots* counts any that landed anyway. " +
      "*GC max* is the server's longest GC pause in the trial; *others* is the CPU the rest of the machine took meanwhile " +
      "(cores' worth: busy in /proc/stat minus the server's and the generator's own). " +
      `The latency goal's figure is the median of ${pairs} more alternating trials at that rate.`,
    "",
    table(
      [
        "offered /s",
        "raw achieved /s",
        "raw p50",
        "raw p99",
        "raw CPU µs/msg",
        "ours achieved /s",
        "ours p50",
        "ours p99",
        "ours p99.9",
        "ours CPU µs/msg",
        "ours lost",
        "ours: snapshots, GC max ms",
        "others (cores) raw / ours",
        "busy",
      ],
      steps.map((s) => [
        label(s.rate),
        fmt(s.raw.achieved),
        fmt(s.raw.p50),
        fmt(s.raw.p99),
        fmt(cpuPerMessage(s.raw)),
        fmt(s.ours.achieved),
        fmt(s.ours.p50),
        fmt(s.ours.p99),
        fmt(s.ours.p999),
        fmt(cpuPerMessage(s.ours)),
        s.ours.lost,
        `${s.ours.snapshots}, ${fmt(s.ours.gcMaxMs)}`,
        `${fmt(s.raw.otherCores)} / ${fmt(s.ours.otherCores)}`,
        s.busy ? "busy" : "",
      ]),
    ),
    "",
    "### Relay: saturation (every conversation ping-pongs one message at a time), alternating raw / ours",
    "",
    `Ratio: median ${fmt(satRatio)}×, spread ${spread(satRatios, "×")}. Server CPU per message, ours / raw: median ${fmt(median(cpuRatios))}×, spread ${spread(cpuRatios, "×")}.`,
    "",
    table(
      [
        "trial",
        "raw deliveries/s",
        "raw p99 ms",
        "generator CPU (raw)",
        "ours deliveries/s",
        "ours p99 ms",
        "generator CPU (ours)",
        "server CPU (ours)",
        "ratio",
        "server CPU µs/message raw / ours",
        "ours: snapshots, GC max ms",
        "others (cores) raw / ours",
        "busy",
      ],
      saturation.map((s, i) => [
        i + 1,
        fmt(s.raw.achieved),
        fmt(s.raw.p99),
        `${round(s.raw.lgCpu / 1000 / (warmupMs + durationMs), 2)} cores`,
        fmt(s.ours.achieved),
        fmt(s.ours.p99),
        `${round(s.ours.lgCpu / 1000 / (warmupMs + durationMs), 2)} cores`,
        `${round(s.ours.serverCpu / 1000 / (warmupMs + durationMs), 2)} cores`,
        fmt(s.ours.achieved / s.raw.achieved),
        `${fmt(cpuPerMessage(s.raw))} / ${fmt(cpuPerMessage(s.ours))}`,
        `${s.ours.snapshots}, ${fmt(s.ours.gcMaxMs)}`,
        `${fmt(s.raw.otherCores)} / ${fmt(s.ours.otherCores)}`,
        s.busy ? "busy" : "",
      ]),
    ),
    "",
    `### Relay: ${label(latencyRate)} deliveries/s offered, alternating raw / ours`,
    "",
    `p99: raw median ${fmt(latency.raw.p99)} ms (${spread(
      atRate.map((r) => r.raw.p99),
      " ms",
    )}), ours median ${fmt(latency.ours.p99)} ms (${spread(
      atRate.map((r) => r.ours.p99),
      " ms",
    )}).`,
    "",
    table(
      [
        "trial",
        "raw achieved /s",
        "raw p50",
        "raw p99",
        "raw GC max ms",
        "ours achieved /s",
        "ours p50",
        "ours p99",
        "ours max",
        "ours: snapshots, GC max ms",
        "others (cores) raw / ours",
        "steal (cores)",
        "busy",
      ],
      atRate.map((r, i) => [
        i + 1,
        fmt(r.raw.achieved),
        fmt(r.raw.p50),
        fmt(r.raw.p99),
        fmt(r.raw.gcMaxMs),
        fmt(r.ours.achieved),
        fmt(r.ours.p50),
        fmt(r.ours.p99),
        fmt(r.ours.max),
        `${r.ours.snapshots}, ${fmt(r.ours.gcMaxMs)}`,
        `${fmt(r.raw.otherCores)} / ${fmt(r.ours.otherCores)}`,
        fmt(r.ours.stealCores),
        r.busy ? "busy" : "",
      ]),
    ),
    "",
  ];
  return { rows, details };
}
