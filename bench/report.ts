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
  const reportReads: ReportRun[] = [];
  const reports: ReportRun[] = [];
  const paired = await alternate(
    ctx.smoke ? 1 : 5,
    async () => {
      const run = await once("read", { file });
      reads.push(run);
      // Beside the baseline, not in the ratio: what the report's read alone costs, so that the fold's share shows.
      reportReads.push(await once("reportRead", { file }));
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
  const spread = (label: string, runs: ReportRun[], pick: (r: ReportRun) => number, unit: string) => {
    const values = runs.map(pick);
    return `${label} ${fmt(Math.min(...values))}–${fmt(Math.max(...values))} ${unit}`;
  };
  const seconds = (ms: number) => fmt(ms / 1000);
  const details = [
    "### Report",
    "",
    `${fmt(count)} events written through the store in batches of 10,000 in ${fmt(generated.ms / 1000)} s.`,
    "Each run is a fresh process; `cpu` is its CPU time (user + system) from its start, `load` the 1-minute load average " +
      "as it started. Baseline: every row streamed and parsed, nothing computed. Report's read: the rows and fields the " +
      "report reads, as it reads them, not folded (not in the ratio).",
    "",
    table(
      [
        "trial",
        "load",
        "read s",
        "read cpu s",
        "read MB",
        "report's read s",
        "its cpu s",
        "its MB",
        "load",
        "report s",
        "report cpu s",
        "report MB",
        "ratio",
      ],
      reports.map((r, i) => [
        i + 1,
        fmt(reads[i]!.loadavg),
        seconds(reads[i]!.ms),
        seconds(reads[i]!.cpuMs),
        fmt(reads[i]!.rssMb),
        seconds(reportReads[i]!.ms),
        seconds(reportReads[i]!.cpuMs),
        fmt(reportReads[i]!.rssMb),
        fmt(r.loadavg),
        seconds(r.ms),
        seconds(r.cpuMs),
        fmt(r.rssMb),
        fmt(paired.ratios[i]!),
      ]),
    ),
    "",
    `Spread: ${[
      spread("read", reads, (r) => r.ms / 1000, "s"),
      spread("report", reports, (r) => r.ms / 1000, "s"),
      spread("read", reads, (r) => r.rssMb, "MB"),
      spread("report", reports, (r) => r.rssMb, "MB"),
      spread("report cpu", reports, (r) => r.cpuMs / 1000, "s"),
    ].join("; ")}.`,
    "",
  ];
  return { rows, details };
}
