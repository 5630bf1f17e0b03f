// 1. Relay: customers and reps exchanging ~200-byte messages through the routing server (durable storage,
// masking and sentiment on) against the raw ws relay, with the same load generator.
import { checkLoad, fmt, median, round, table } from "./lib.js";
import type { BenchContext, Row, Section } from "./lib.js";
import type { TrialResult } from "./load-generator.js";
import type { RelayRig } from "./targets.js";

type Measured = TrialResult & { serverCpu: number; sent: number };

interface Step {
  rate: number;
  raw: Measured;
  ours: Measured;
  busy: boolean;
}

/** A ladder step held: ≥ 95 % of the offered rate delivered, ≤ 1 % lost, p99 under 100 ms. */
export function sustained(t: TrialResult): boolean {
  return t.achieved >= 0.95 * t.offered && t.lost <= 0.01 * Math.max(1, t.samples + t.lost) && t.p99 < 100;
}

const cpuPerMessage = (t: Measured) => t.serverCpu / Math.max(1, t.sent);

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
    const before = await checkLoad();
    const b = await raw.trial("rateTrial", { rate, warmupMs, durationMs });
    const between = await checkLoad();
    const o = await ours.trial("rateTrial", { rate, warmupMs, durationMs });
    steps.push({ rate, raw: b as Measured, ours: o as Measured, busy: before.busy || between.busy });
    ctx.log(
      `  ${rate}/s offered: raw ${fmt(b.achieved)}/s p99 ${fmt(b.p99)} ms · ours ${fmt(o.achieved)}/s p99 ${fmt(o.p99)} ms (load ${before.loadavg})`,
    );
  }

  const pairs = ctx.smoke ? 1 : 3;
  const saturation: { raw: Measured; ours: Measured; busy: boolean }[] = [];
  for (let i = 0; i < pairs; i++) {
    const before = await checkLoad();
    const b = await raw.trial("saturate", { window: 1, warmupMs, durationMs });
    const between = await checkLoad();
    const o = await ours.trial("saturate", { window: 1, warmupMs, durationMs });
    saturation.push({ raw: b as Measured, ours: o as Measured, busy: before.busy || between.busy });
    ctx.log(`  saturation ${i + 1}/${pairs}: raw ${fmt(b.achieved)}/s · ours ${fmt(o.achieved)}/s`);
  }

  // The latency goal's rate again, in alternating pairs: the figure is the median of each side.
  const atRate: { raw: Measured; ours: Measured; busy: boolean }[] = [];
  for (let i = 0; i < pairs; i++) {
    const before = await checkLoad();
    const b = await raw.trial("rateTrial", { rate: latencyRate, warmupMs, durationMs });
    const between = await checkLoad();
    const o = await ours.trial("rateTrial", { rate: latencyRate, warmupMs, durationMs });
    atRate.push({ raw: b as Measured, ours: o as Measured, busy: before.busy || between.busy });
    ctx.log(`  ${latencyRate}/s ${i + 1}/${pairs}: raw p99 ${fmt(b.p99)} ms · ours p99 ${fmt(o.p99)} ms`);
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
  const atCpu = steps.find((s) => s.rate === cpuRate)!;
  const satRatio = median(saturation.map((s) => s.ours.achieved / s.raw.achieved));
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
      note: `ours per trial: ${atRate.map((r) => fmt(r.ours.p99)).join(", ")} ms; achieved ${fmt(latency.ours.achieved)}/s`,
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
      "CPU is the server process's user + system time per message sent. The load generator shares the machine's cores with the server. " +
      "A step whose p99 stands far above its neighbours had a snapshot land in it (the server writes its whole state in the event loop: " +
      "see *Fixed*); the latency goal's figure is the median of three more alternating trials at that rate.",
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
        s.busy ? "busy" : "",
      ]),
    ),
    "",
    "### Relay: saturation (every conversation ping-pongs one message at a time), alternating raw / ours",
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
        s.busy ? "busy" : "",
      ]),
    ),
    "",
  ];
  return { rows, details };
}
