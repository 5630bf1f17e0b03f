// 6. Memory: server RSS per 1,000 conversations against the raw relay carrying the same load, in two workloads.
// Active: each conversation with its customer connected, its rep's connection shared with others, and 20 messages.
// Parked: a persistent chat of an authenticated customer, 50 messages, closed by its rep (to Waiting), its customer
// gone; the raw relay forgets a conversation at that close, so its figure is what a server holding nothing per
// parked conversation measures. Conversations are added in equal steps and the figure is the slope of RSS over them
// (least squares), so that what a server holds once (code, pools, the young generation) is left out and no single
// step of V8's heap reservation decides it. Each reading is taken with the server quiet (its group commit and any
// snapshot done, then a snapshot, then every collection V8 can do: server-child.ts `memory`), and the whole growth is
// repeated: the figure is the median of the trials, each trial's RSS and heap slopes are reported beside it.
import { checkLoad, fmt, median, spread, table } from "./lib.js";
import type { BenchContext, Row, Section } from "./lib.js";
import { Target } from "./targets.js";
import type { TargetKind } from "./targets.js";
import type { Usage } from "./server-child.js";

const MB = 1024 ** 2;

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

interface Growth {
  kind: TargetKind;
  trial: number;
  empty: Usage;
  points: { conversations: number; usage: Usage }[];
  perThousand: number;
  heapPerThousand: number;
}

/** Start `kind`, measure it empty, then after each of `steps` calls of `grow` (which adds `step` conversations). */
async function growth(
  ctx: BenchContext,
  kind: TargetKind,
  options: { steps: number; step: number; reps: number; persistent: boolean; trial: number },
  grow: (target: Target, i: number) => Promise<void>,
): Promise<Growth & { busy: boolean }> {
  const { steps, step, reps } = options;
  const org = { reps, capacity: Math.ceil((steps * step) / reps), persistent: options.persistent };
  const target = await Target.start(ctx, kind, org, { gc: true });
  try {
    const busy = (await checkLoad()).busy;
    const empty = await target.memory();
    const points: { conversations: number; usage: Usage }[] = [];
    for (let i = 0; i < steps; i++) {
      await grow(target, i);
      points.push({ conversations: (i + 1) * step, usage: await target.memory() });
    }
    const perThousand = slope(points.map((p) => [p.conversations, p.usage.rss])) * 1000;
    const heapPerThousand = slope(points.map((p) => [p.conversations, p.usage.heapUsed])) * 1000;
    ctx.log(
      `  ${kind}: RSS ${fmt(empty.rss / MB)} → ${points.map((p) => fmt(p.usage.rss / MB)).join(" → ")} MB = ${fmt(perThousand / MB)} MB per 1,000; ` +
        `heap ${fmt(empty.heapUsed / MB)} → ${points.map((p) => fmt(p.usage.heapUsed / MB)).join(" → ")} MB = ${fmt(heapPerThousand / MB)} MB per 1,000`,
    );
    return { kind, trial: options.trial, empty, points, perThousand, heapPerThousand, busy };
  } finally {
    await target.stop();
  }
}

const label = (n: number) => n.toLocaleString("en-US");

function growthTable(results: Growth[], names: Record<string, string>): string {
  return table(
    [
      "trial",
      "server",
      "empty",
      ...results[0]!.points.map((p) => `at ${label(p.conversations)}`),
      "per 1,000",
      "heap empty",
      ...results[0]!.points.map((p) => `heap at ${label(p.conversations)}`),
      "heap per 1,000",
    ],
    results.map((r) => [
      String(r.trial),
      names[r.kind] ?? r.kind,
      fmt(r.empty.rss / MB),
      ...r.points.map((p) => fmt(p.usage.rss / MB)),
      fmt(r.perThousand / MB),
      fmt(r.empty.heapUsed / MB),
      ...r.points.map((p) => fmt(p.usage.heapUsed / MB)),
      fmt(r.heapPerThousand / MB),
    ]),
  );
}

export async function memoryBench(ctx: BenchContext): Promise<Section> {
  const step = ctx.smoke ? 10 : 1000;
  const steps = ctx.smoke ? 2 : 4;
  const reps = ctx.smoke ? 2 : 200;
  const messagesEach = 20;
  const parkedMessages = 50;
  let busy = false;

  const trials = ctx.smoke ? 1 : 3;

  const active: Growth[] = [];
  for (let trial = 1; trial <= trials; trial++)
    for (const kind of ["raw", "cc-durable"] as const) {
      const result = await growth(ctx, kind, { steps, step, reps, persistent: false, trial }, async (target, i) => {
        await target.setup(step, { connectReps: i === 0 });
        await target.lg.call("fill", { messagesEach, from: i * step }, 300_000);
      });
      busy ||= result.busy;
      active.push(result);
    }

  // Parked: the customer's start is the first message, then rep and customer in turn up to `parkedMessages`.
  const parked: Growth[] = [];
  let parkedBusy = false;
  for (let trial = 1; trial <= trials; trial++)
    for (const kind of ["raw", "cc-durable"] as const) {
      const result = await growth(ctx, kind, { steps, step, reps, persistent: true, trial }, async (target, i) => {
        await target.setup(step, { connectReps: i === 0, workstream: "persistent", identified: true });
        await target.lg.call("fill", { messagesEach: parkedMessages - 1, from: i * step, first: "R" }, 300_000);
        const { refused } = await target.lg.call<{ refused: number }>("park", { from: i * step }, 300_000);
        if (refused > 0) throw new Error(`${kind}: ${refused} conversations could not be parked`);
      });
      parkedBusy ||= result.busy;
      parked.push(result);
    }

  const raw = summary(active.filter((g) => g.kind === "raw"));
  const ours = summary(active.filter((g) => g.kind !== "raw"));
  const rawParked = summary(parked.filter((g) => g.kind === "raw"));
  const oursParked = summary(parked.filter((g) => g.kind !== "raw"));
  const rows: Row[] = [
    {
      id: "memory-rss",
      bench: "memory",
      figure: `server RSS per 1,000 active conversations (${messagesEach} messages each, customers connected; baseline: raw relay)`,
      baseline: raw.perThousand / MB,
      ours: ours.perThousand / MB,
      unit: "MB",
      ratio: ours.perThousand / raw.perThousand,
      goal: "≤ 8 MB",
      met: ours.perThousand / MB <= 8,
      busy,
      spread: spread(ours.trials.map((g) => g.perThousand / MB)),
      note: `heap ${fmt(ours.heapPerThousand / MB)} MB per 1,000 (raw relay ${fmt(raw.heapPerThousand / MB)}); trials (RSS / heap per 1,000): ${trialsNote(ours.trials)}`,
    },
    {
      id: "memory-parked",
      bench: "memory",
      figure: `server RSS per 1,000 conversations parked in Waiting (${parkedMessages} messages each, customers gone; baseline: raw relay, which forgets a conversation at its close)`,
      baseline: rawParked.perThousand / MB,
      ours: oursParked.perThousand / MB,
      unit: "MB",
      // The baseline holds nothing per parked conversation: its slope is the method's noise around 0, no divisor.
      ratio: null,
      goal: "≤ 1 MB",
      met: oursParked.perThousand / MB <= 1,
      busy: parkedBusy,
      spread: spread(oursParked.trials.map((g) => g.perThousand / MB)),
      note:
        `heap ${fmt(oursParked.heapPerThousand / MB)} MB per 1,000 (raw relay ${fmt(rawParked.heapPerThousand / MB)}); ` +
        `trials (RSS / heap per 1,000): ${trialsNote(oursParked.trials)}; ` +
        `empty servers: ${fmt(oursParked.empty.rss / MB)} MB RSS (raw relay ${fmt(rawParked.empty.rss / MB)}); no ratio: the baseline's slope is noise around 0`,
    },
  ];
  const names = { raw: "raw relay (MB)", "cc-durable": "routing server (MB)" };
  const details = [
    "### Memory",
    "",
    `${trials} trial${trials === 1 ? "" : "s"} of each server, alternating; the figure is the median of the trials' slopes. ` +
      `Conversations added ${steps} times ${label(step)} at a time, each with its customer connected (${reps} reps), ${messagesEach} messages each ` +
      "(alternately customer and rep); memory when the server is empty and after each step, each reading once its group commit and any snapshot are done, right after a snapshot of its state, and after every collection V8 can do. The figure is the least-squares slope " +
      "of RSS (and of the heap in use) over the steps. V8 reserves heap ahead of use in steps, so RSS moves by more or less than the heap between two points.",
    "",
    growthTable(active, names),
    "",
    `Parked: ${steps} times ${label(step)} authenticated customers (signed identities) start a persistent chat; ${parkedMessages} messages each ` +
      "(the customer's first, then rep and customer in turn); the rep closes it (to Waiting) and the customer disconnects (a close handshake, " +
      "awaited). The reps stay connected. The raw relay runs the same load and forgets a conversation when its rep closes it: its slope is " +
      "what holding nothing per parked conversation measures, and its empty RSS is beside the routing server's.",
    "",
    growthTable(parked, names),
    "",
  ];
  return { rows, details };
}

/** The trials of one server: the median of their slopes, and the trials themselves. */
function summary(trials: Growth[]): { perThousand: number; heapPerThousand: number; empty: Usage; trials: Growth[] } {
  return {
    perThousand: median(trials.map((g) => g.perThousand)),
    heapPerThousand: median(trials.map((g) => g.heapPerThousand)),
    empty: trials[0]!.empty,
    trials,
  };
}

function trialsNote(trials: Growth[]): string {
  return trials.map((g) => `${fmt(g.perThousand / MB)} / ${fmt(g.heapPerThousand / MB)}`).join(", ");
}
