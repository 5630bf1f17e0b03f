// 3. Durability: committed messages per second with the production settings (SQLite WAL, synchronous=FULL: every
// commit is fsynced), standalone against the in-memory store, and inside the relay against persistence off.
import { join } from "node:path";
import { Child, alternate, checkLoad, fmt, median, table } from "./lib.js";
import type { BenchContext, Row, Section } from "./lib.js";
import type { StoreResult } from "./core-child.js";
import type { RelayRig } from "./targets.js";

export async function durabilityBench(ctx: BenchContext, rig: RelayRig): Promise<Section> {
  const durationMs = ctx.smoke ? 200 : 2000;
  const batch = 100;
  let files = 0;
  const child = Child.start("core-child.js", { name: "store" });
  const run = (file: string | null, size: number, ms = durationMs) =>
    child.call<StoreResult>("storeStandalone", { file, batch: size, durationMs: ms });
  let standalone: Awaited<ReturnType<typeof alternate>>;
  let single: StoreResult;
  const batches: StoreResult[] = [];
  try {
    standalone = await alternate(
      ctx.smoke ? 1 : 3,
      async () => (await run(null, batch)).messagesPerSecond,
      async () => {
        const result = await run(join(ctx.tmp, `store-${++files}.db`), batch);
        batches.push(result);
        return result.messagesPerSecond;
      },
    );
    await checkLoad();
    single = await run(join(ctx.tmp, `store-${++files}.db`), 1, ctx.smoke ? 300 : 1000);
  } finally {
    await child.stop();
  }

  const memory = await rig.get("cc-memory");
  const durable = await rig.get("cc-durable");
  const warmupMs = ctx.smoke ? 100 : 500;
  const measureMs = ctx.smoke ? 300 : 2500;
  const inRelay = await alternate(
    ctx.smoke ? 1 : 3,
    async () => (await memory.trial("saturate", { window: 1, warmupMs, durationMs: measureMs })).achieved,
    async () => (await durable.trial("saturate", { window: 1, warmupMs, durationMs: measureMs })).achieved,
  );
  ctx.log(
    `  in the relay: memory ${inRelay.baseline.map(fmt).join(", ")} · durable ${inRelay.ours.map(fmt).join(", ")} deliveries/s`,
  );

  const ours = median(standalone.ours);
  const rows: Row[] = [
    {
      id: "durability-standalone",
      bench: "durability",
      figure: `committed messages/s, standalone (WAL + synchronous=FULL, ${batch} per commit)`,
      baseline: median(standalone.baseline),
      ours,
      unit: "/s",
      ratio: median(standalone.ratios),
      goal: "≥ 20,000/s",
      met: ours >= 20_000,
      busy: standalone.busy,
      note: "baseline: the in-memory store (serialisation only)",
    },
    {
      id: "durability-fsync",
      bench: "durability",
      figure: "committed messages/s, one commit (fsync) per message",
      baseline: null,
      ours: single.messagesPerSecond,
      unit: "/s",
      ratio: null,
      goal: "—",
      met: null,
      busy: false,
      note: `commit p50 ${fmt(single.commitP50Ms)} ms`,
    },
    {
      id: "durability-relay",
      bench: "durability",
      figure: "relay sustainable deliveries/s, durable vs persistence off",
      baseline: median(inRelay.baseline),
      ours: median(inRelay.ours),
      unit: "/s",
      ratio: median(inRelay.ratios),
      goal: "≥ 0.8× persistence off",
      met: median(inRelay.ratios) >= 0.8,
      busy: inRelay.busy,
    },
  ];
  const details = [
    "### Durability: standalone commits",
    "",
    table(
      ["trial", "memory store /s", "SQLite FULL /s", "commit p50 ms", "commit p99 ms", "ratio"],
      standalone.ours.map((o, i) => [
        i + 1,
        fmt(standalone.baseline[i]!),
        fmt(o),
        fmt(batches[i]!.commitP50Ms),
        fmt(batches[i]!.commitP99Ms),
        fmt(standalone.ratios[i]!),
      ]),
    ),
    "",
    `One fsync per message: ${fmt(single.messagesPerSecond)} messages/s (commit p50 ${fmt(single.commitP50Ms)} ms, p99 ${fmt(single.commitP99Ms)} ms) — why the server commits once per event-loop turn.`,
    "",
  ];
  return { rows, details };
}
