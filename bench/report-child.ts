// One report-benchmark measurement in a fresh process, so that its peak RSS is its own: write the log, read it
// without computing anything (the baseline; also the report's own read alone), or run `cc-agent report` on it: the bundle bin/cc-agent.js loads for
// that command, in-process, loaded only in the child that measures it.
import os from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, serveRpc } from "./lib.js";
import { openLogReader } from "../server/reports/read-log.js";

export interface ReportRun {
  ms: number;
  /** CPU time of this process (user + system) from its start, ms: on a shared machine it moves less than `ms`. */
  cpuMs: number;
  /** Peak resident set size of this process, MB. */
  rssMb: number;
  /** The 1-minute load average when the run started. */
  loadavg: number;
  events?: number;
}

const peakMb = () => process.resourceUsage().maxRSS / 1024;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

serveRpc({
  generate: async ({
    file,
    count,
    dayStart,
  }: {
    file: string;
    count: number;
    dayStart: number;
  }): Promise<ReportRun> => {
    // Loaded here only: the writer (the core, the org file and their libraries) adds ~20 MB to a process's RSS, which
    // is no part of reading or reporting.
    const { writeReportLog } = await import("./report-log.js");
    const loadavg = os.loadavg()[0]!;
    const t = performance.now();
    const events = await writeReportLog(file, count, dayStart);
    return { ms: performance.now() - t, cpuMs: cpuMs(), rssMb: peakMb(), loadavg, events };
  },
  /**
   * The baseline: every row of the log streamed and parsed, nothing computed, through the reader the report uses (the
   * same pages, the same SQLite settings).
   */
  read: ({ file }: { file: string }): ReportRun => {
    const loadavg = os.loadavg()[0]!;
    const t = performance.now();
    const reader = openLogReader(file);
    let events = 0;
    for (const event of reader.events()) if (event.seq > 0) events++;
    reader.close();
    return { ms: performance.now() - t, cpuMs: cpuMs(), rssMb: peakMb(), loadavg, events };
  },
  /** The report's own read alone: the rows and fields its figures use, read as the report reads them, not folded. */
  reportRead: ({ file }: { file: string }): ReportRun => {
    const loadavg = os.loadavg()[0]!;
    const t = performance.now();
    const reader = openLogReader(file);
    let events = 0;
    for (const event of reader.reportEvents()) if (event.seq > 0) events++;
    reader.close();
    return { ms: performance.now() - t, cpuMs: cpuMs(), rssMb: peakMb(), loadavg, events };
  },
  report: async ({ file, day }: { file: string; day: string }): Promise<ReportRun> => {
    const loadavg = os.loadavg()[0]!;
    const t = performance.now();
    process.env.NODE_ENV ??= "production";
    const entry = pathToFileURL(join(ROOT, "dist", "bundle", "cc-agent-report.js")).href;
    const { main } = (await import(entry)) as { main: (argv: string[]) => Promise<void> };
    await main(["node", "cc-agent", "report", "--data", file, "--from", day, "--by", "rep", "--json"]);
    if (process.exitCode) throw new Error(`cc-agent report exited with ${process.exitCode}`);
    return { ms: performance.now() - t, cpuMs: cpuMs(), rssMb: peakMb(), loadavg };
  },
});
