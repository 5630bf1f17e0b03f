// 7. Report: `cc-agent report` over a log of 1,000,000 events (a day of a busy center, written through the store),
// against reading the same log without computing anything. Each run in a fresh process: its time and peak RSS.
import { join } from "node:path";
import { Child, alternate, fmt, median, table } from "./lib.js";
import type { BenchContext, Row, Section } from "./lib.js";
import type { ReportRun } from "./report-child.js";

async function once(method: string, params: unknown): Promise<ReportRun> {
  const child = Child.start("report-child.js", { name: `report ${method}`, quiet: true });
  try {
    return await child.call<ReportRun>(method, params, 600_000);
  } finally {
    await child.stop();
  }
}

export async function reportBench(ctx: BenchContext): Promise<Section> {
  const count = ctx.smoke ? 20_000 : 1_000_000;
  const file = join(ctx.tmp, "report.db");
  const dayStart = new Date(2026, 11, 1).getTime();
  const generated = await once("generate", { file, count, dayStart });
  ctx.log(`  wrote ${fmt(generated.events ?? 0)} events in ${fmt(generated.ms / 1000)} s`);

  const reads: ReportRun[] = [];
  const reports: ReportRun[] = [];
  const paired = await alternate(
    ctx.smoke ? 1 : 3,
    async () => {
      const run = await once("read", { file });
      reads.push(run);
      return run.ms;
    },
    async () => {
      const run = await once("report", { file, day: "2026-12-01" });
      reports.push(run);
      return run.ms;
    },
  );
  const ms = median(paired.ours);
  const rss = median(reports.map((r) => r.rssMb));
  const readRss = median(reads.map((r) => r.rssMb));
  const rows: Row[] = [
    {
      id: "report-time",
      bench: "report",
      figure: `cc-agent report over ${fmt(count)} events (a day, by rep, --json)`,
      baseline: median(paired.baseline) / 1000,
      ours: ms / 1000,
      unit: "s",
      ratio: median(paired.ratios),
      goal: "≤ 5 s",
      met: ms <= 5_000,
      busy: paired.busy,
      note: "baseline: streaming and parsing every row, nothing computed",
    },
    {
      id: "report-rss",
      bench: "report",
      figure: `cc-agent report peak RSS over ${fmt(count)} events`,
      baseline: readRss,
      ours: rss,
      unit: "MB",
      ratio: rss / readRss,
      goal: "≤ 100 MB",
      met: rss <= 100,
      busy: paired.busy,
      note: "baseline: the read alone",
    },
  ];
  const details = [
    "### Report",
    "",
    `${fmt(count)} events written through the store in batches of 10,000 in ${fmt(generated.ms / 1000)} s.`,
    "",
    table(
      ["trial", "read s", "read MB", "report s", "report MB", "ratio"],
      reports.map((r, i) => [
        i + 1,
        fmt(reads[i]!.ms / 1000),
        fmt(reads[i]!.rssMb),
        fmt(r.ms / 1000),
        fmt(r.rssMb),
        fmt(paired.ratios[i]!),
      ]),
    ),
    "",
  ];
  return { rows, details };
}
