// `cc-agent report`: contact-center figures over a period, read from a server's data file (read-only, while the
// server runs). The figures are computed by server/reports; docs/reports.md defines them.
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import stringWidth from "string-width";
import type { GroupBy } from "../../server/reports/report.js";
import { exitWithCode2OnFlagErrors, flagError } from "./local-server.js";
import { checkDataPath } from "./data-option.js";
import { isPostgresUrl } from "../../server/store/postgres-url.js";
import { clock, localMidnight } from "../ui/text/time.js";

/** Every grouping (the compiler checks the list against GroupBy; this module loads nothing of the server at start). */
const GROUPS: Record<GroupBy, true> = { queue: true, rep: true, workstream: true, day: true, hour: true };
const GROUP_BYS = Object.keys(GROUPS) as GroupBy[];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A day (`YYYY-MM-DD`, local midnight) or a local time (`YYYY-MM-DD HH:MM`); `dateOnly` says which. */
export function parseWhen(value: string): { at: number; dateOnly: boolean } {
  const text = value.trim();
  const day = DATE.exec(text);
  const time = DATE_TIME.exec(text);
  const parts = (day ?? time)?.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
  if (!parts) throw new InvalidArgumentError('expected a day "YYYY-MM-DD" or a local time "YYYY-MM-DD HH:MM"');
  const [y, mo, d, h = 0, mi = 0, s = 0] = parts as [number, number, number, number?, number?, number?];
  const date = new Date(y, mo - 1, d, h, mi, s);
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || h > 23 || mi > 59 || s > 59)
    throw new InvalidArgumentError(`${text} is not a valid date`);
  return { at: date.getTime(), dateOnly: day !== null };
}

/** The day after the local midnight `at`. */
function nextDay(at: number): number {
  const d = new Date(at);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

interface ReportFlags {
  data: string;
  from?: { at: number; dateOnly: boolean };
  to?: { at: number; dateOnly: boolean };
  by: GroupBy;
  json?: boolean;
  csv?: boolean;
}

export function registerReportCommand(program: Command): void {
  const command = program
    .command("report")
    .description("figures over a period (offered, answered, abandoned, ASA, AHT, service level…) from a data file")
    .option("--data <file>", "the server's data file (read only, also while the server runs)", "cc-agent.db")
    .option("--from <when>", 'start: a day "YYYY-MM-DD" or a local time "YYYY-MM-DD HH:MM" (default: today)', parseWhen)
    .option("--to <when>", "end: a day (to its end) or a local time (default: the end of the --from day)", parseWhen)
    .addOption(new Option("--by <group>", "group by").choices(GROUP_BYS).default("queue"))
    .option("--json", "JSON: the figures of each group and the total")
    .option("--csv", "CSV: one line per group, then the total")
    .action(async (flags: ReportFlags) => {
      if (flags.json && flags.csv) flagError(command, "choose one of --json and --csv");
      const now = Date.now();
      const from = flags.from?.at ?? localMidnight(now);
      const to = flags.to ? (flags.to.dateOnly ? nextDay(flags.to.at) : flags.to.at) : nextDay(localMidnight(from));
      if (to <= from) flagError(command, "--to must be after --from");
      if (isPostgresUrl(flags.data))
        throw new Error(
          "report reads SQLite data files only; it cannot report on a Postgres database yet (docs/reports.md)",
        );
      checkDataPath(flags.data);
      // Loaded only here: the other commands do not pay for the store and the reports at start.
      const { LogReadError, openLogReader } = await import("../../server/reports/read-log.js");
      const { computeReport, renderCsv, renderTable } = await import("../../server/reports/report.js");
      let reader;
      try {
        reader = openLogReader(flags.data);
      } catch (error) {
        if (error instanceof LogReadError) throw new Error(error.message, { cause: error });
        throw error;
      }
      try {
        const report = computeReport(
          reader.reportEvents(),
          { from, to, by: flags.by, utcOffsetMinutes: -new Date(from).getTimezoneOffset(), ...orgOf(reader.org) },
          now,
        );
        if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else if (flags.csv) process.stdout.write(renderCsv(report));
        else {
          // Times as every screen of the product writes them (the terminal's locale; 24-hour in the POSIX one).
          const span = `${clock().dateTime(from)} – ${clock().dateTime(Math.min(to, now))}`;
          process.stdout.write(`Report by ${flags.by}, ${span}\n\n${renderTable(report, stringWidth)}`);
        }
      } finally {
        reader.close();
      }
    });
  exitWithCode2OnFlagErrors(command);
}

function orgOf<T>(org: T | undefined): { org?: T } {
  return org === undefined ? {} : { org };
}
