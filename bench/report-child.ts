// One report-benchmark measurement in a fresh process, so that its peak RSS is its own: write the log, read it
// without computing anything (the baseline), or run `cc-agent report` on it: the bundle bin/cc-agent.js loads for
// that command, in-process, loaded only in the child that measures it.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, serveRpc } from "./lib.js";
import { writeReportLog } from "./report-log.js";
import { openLogReader } from "../server/reports/read-log.js";

export interface ReportRun {
  ms: number;
  /** Peak resident set size of this process, MB. */
  rssMb: number;
  events?: number;
}

const peakMb = () => process.resourceUsage().maxRSS / 1024;

serveRpc({
  generate: ({ file, count, dayStart }: { file: string; count: number; dayStart: number }): ReportRun => {
    const t = performance.now();
    const events = writeReportLog(file, count, dayStart);
    return { ms: performance.now() - t, rssMb: peakMb(), events };
  },
  /** The baseline: every row streamed and parsed, nothing computed. */
  read: ({ file }: { file: string }): ReportRun => {
    const t = performance.now();
    const reader = openLogReader(file);
    let events = 0;
    for (const body of reader.bodies()) if ((JSON.parse(body) as { seq: number }).seq > 0) events++;
    reader.close();
    return { ms: performance.now() - t, rssMb: peakMb(), events };
  },
  report: async ({ file, day }: { file: string; day: string }): Promise<ReportRun> => {
    const t = performance.now();
    process.env.NODE_ENV ??= "production";
    const entry = pathToFileURL(join(ROOT, "dist", "bundle", "cc-agent-report.js")).href;
    const { main } = (await import(entry)) as { main: (argv: string[]) => Promise<void> };
    await main(["node", "cc-agent", "report", "--data", file, "--from", day, "--by", "rep", "--json"]);
    if (process.exitCode) throw new Error(`cc-agent report exited with ${process.exitCode}`);
    return { ms: performance.now() - t, rssMb: peakMb() };
  },
});
