// 6. Memory: server RSS per 1,000 active conversations — each with its customer connected, its rep's connection
// shared with others, and 20 messages — against the raw relay carrying the same load. Conversations are added in
// equal steps and the figure is the slope of RSS over them (least squares), so that what a server holds once (code,
// pools, the young generation) is left out and no single step of V8's heap reservation decides it.
import { checkLoad, fmt, table } from "./lib.js";
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

export async function memoryBench(ctx: BenchContext): Promise<Section> {
  const step = ctx.smoke ? 10 : 1000;
  const steps = ctx.smoke ? 2 : 4;
  const reps = ctx.smoke ? 2 : 200;
  const messagesEach = 20;
  const results: {
    kind: TargetKind;
    empty: Usage;
    points: { conversations: number; usage: Usage }[];
    perThousand: number;
    heapPerThousand: number;
  }[] = [];
  let busy = false;
  for (const kind of ["raw", "cc-durable"] as const) {
    const target = await Target.start(ctx, kind, { reps, capacity: Math.ceil((steps * step) / reps) }, { gc: true });
    try {
      busy ||= (await checkLoad()).busy;
      const empty = await target.memory();
      const points: { conversations: number; usage: Usage }[] = [];
      for (let i = 0; i < steps; i++) {
        await target.setup(step, { connectReps: i === 0 });
        await target.lg.call("fill", { messagesEach, from: i * step }, 300_000);
        points.push({ conversations: (i + 1) * step, usage: await target.memory() });
      }
      const perThousand = slope(points.map((p) => [p.conversations, p.usage.rss])) * 1000;
      const heapPerThousand = slope(points.map((p) => [p.conversations, p.usage.heapUsed])) * 1000;
      results.push({ kind, empty, points, perThousand, heapPerThousand });
      ctx.log(
        `  ${kind}: RSS ${fmt(empty.rss / MB)} → ${points.map((p) => fmt(p.usage.rss / MB)).join(" → ")} MB = ${fmt(perThousand / MB)} MB per 1,000`,
      );
    } finally {
      await target.stop();
    }
  }
  const [raw, ours] = results as [(typeof results)[0], (typeof results)[0]];
  const rows: Row[] = [
    {
      id: "memory-rss",
      bench: "memory",
      figure: `server RSS per 1,000 active conversations (${messagesEach} messages each, customers connected; baseline: raw relay)`,
      baseline: raw.perThousand / MB,
      ours: ours.perThousand / MB,
      unit: "MB",
      ratio: ours.perThousand / raw.perThousand,
      goal: "≤ 15 MB",
      met: ours.perThousand / MB <= 15,
      busy,
      note: `heap ${fmt(ours.heapPerThousand / MB)} MB per 1,000 (raw relay ${fmt(raw.heapPerThousand / MB)})`,
    },
  ];
  const label = (n: number) => n.toLocaleString("en-US");
  const details = [
    "### Memory",
    "",
    `Conversations added ${steps} times ${label(step)} at a time, each with its customer connected (${reps} reps), ${messagesEach} messages each ` +
      "(alternately customer and rep); memory after a full GC when the server is empty and after each step. The figure is the least-squares slope " +
      "of RSS (and of the heap in use) over the steps. V8 reserves heap ahead of use in steps, so RSS moves by more or less than the heap between two points.",
    "",
    table(
      [
        "server",
        "empty",
        ...results[0]!.points.map((p) => `at ${label(p.conversations)}`),
        "per 1,000",
        "heap empty",
        ...results[0]!.points.map((p) => `heap at ${label(p.conversations)}`),
        "heap per 1,000",
      ],
      results.map((r) => [
        r.kind === "raw" ? "raw relay (MB)" : "routing server (MB)",
        fmt(r.empty.rss / MB),
        ...r.points.map((p) => fmt(p.usage.rss / MB)),
        fmt(r.perThousand / MB),
        fmt(r.empty.heapUsed / MB),
        ...r.points.map((p) => fmt(p.usage.heapUsed / MB)),
        fmt(r.heapPerThousand / MB),
      ]),
    ),
    "",
  ];
  return { rows, details };
}
