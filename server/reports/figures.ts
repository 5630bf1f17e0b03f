// The report's figures, from the fold's accumulators (docs/reports.md gives each formula), and their renderings: a
// table for people, JSON and CSV for programs. Pure.
import type { Presence } from "../core/model.js";
import { PRESENCES } from "../../src/protocol/vocabulary.js";
import type { Accumulator } from "./accumulator.js";
import type { ReportFold } from "./fold.js";
import type { GroupBy } from "./grouping.js";

export interface ReportRow {
  /** The group's key (queue, workstream or rep id; `YYYY-MM-DD`; `YYYY-MM-DD HH:00`), or "total". */
  group: string;
  /** Its name from the org, when it has one. */
  name: string;
  offered: number;
  answered: number;
  /** Null when grouped by rep: a customer gives up on a queue, not on a rep. */
  abandoned: number | null;
  /** Average speed of answer, seconds. */
  asaSeconds: number | null;
  /** Average time to first response, seconds. */
  firstResponseSeconds: number | null;
  /** Average handle time (active + wrap-up), seconds. */
  ahtSeconds: number | null;
  handled: number;
  /** Percent answered within the workstream's target. */
  serviceLevel: number | null;
  transfers: number;
  conferences: number;
  ronas: number;
  wrapUps: Record<string, number>;
  sentiment: { negative: number; neutral: number; positive: number };
  /** Customer satisfaction: the average rating (1–5, one decimal) of the ratings given in the period, and their number. */
  csat: { average: number | null; count: number };
  /** Rep grouping only: seconds in each presence, and occupancy in percent. */
  presenceSeconds: Record<Presence, number> | null;
  occupancy: number | null;
}

export interface Report {
  from: number;
  to: number;
  by: GroupBy;
  rows: ReportRow[];
  total: ReportRow;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const average = (sumMs: number, count: number): number | null => (count === 0 ? null : round1(sumMs / count / 1000));

export function rowOf(group: string, name: string, acc: Accumulator, by: GroupBy): ReportRow {
  const perRep = by === "rep";
  const presenceSeconds = {} as Record<Presence, number>;
  let signedInMs = 0;
  for (const p of PRESENCES) {
    presenceSeconds[p] = round1(acc.presenceMs[p] / 1000);
    if (p !== "offline") signedInMs += acc.presenceMs[p];
  }
  const decided = acc.answered + (perRep ? 0 : acc.abandoned);
  return {
    group,
    name,
    offered: acc.offered,
    answered: acc.answered,
    abandoned: perRep ? null : acc.abandoned,
    asaSeconds: average(acc.waitMs, acc.answered),
    firstResponseSeconds: average(acc.firstResponseMs, acc.firstResponses),
    ahtSeconds: average(acc.activeMs + acc.wrapUpMs, acc.handled),
    handled: acc.handled,
    serviceLevel: decided === 0 ? null : round1((acc.answeredInTarget / decided) * 100),
    transfers: acc.transfers,
    conferences: acc.conferences,
    ronas: acc.ronas,
    wrapUps: { ...acc.wrapUps },
    sentiment: { ...acc.sentiment },
    csat: { average: acc.ratings === 0 ? null : round1(acc.ratingSum / acc.ratings), count: acc.ratings },
    presenceSeconds: perRep ? presenceSeconds : null,
    occupancy: perRep ? (signedInMs === 0 ? null : round1((acc.occupiedMs / signedInMs) * 100)) : null,
  };
}

export function reportOf(fold: ReportFold): Report {
  const { by, from, to } = fold.options;
  const keys = [...fold.groups.keys()].sort();
  const nameOf = (key: string) =>
    by === "day" || by === "hour" ? key : (fold.names.get(`${by === "rep" ? "rep" : by}:${key}`) ?? key);
  return {
    from,
    to,
    by,
    rows: keys.map((key) => rowOf(key, nameOf(key), fold.groups.get(key)!, by)),
    total: rowOf("total", "Total", fold.total, by),
  };
}

// ---- renderings ---------------------------------------------------------------------------------------

interface Column {
  title: string;
  cell: (row: ReportRow) => string;
}

const num = (n: number | null): string => (n === null ? "" : String(n));
const pct = (n: number | null): string => (n === null ? "" : `${n}%`);
const counts = (record: Record<string, number>): string =>
  Object.keys(record)
    .sort()
    .map((k) => `${k}:${record[k]}`)
    .join(" ");

function columns(by: GroupBy): Column[] {
  const list: Column[] = [
    { title: by, cell: (r) => r.name },
    { title: "offered", cell: (r) => num(r.offered) },
    { title: "answered", cell: (r) => num(r.answered) },
    { title: "abandoned", cell: (r) => num(r.abandoned) },
    { title: "ASA s", cell: (r) => num(r.asaSeconds) },
    { title: "first resp s", cell: (r) => num(r.firstResponseSeconds) },
    { title: "AHT s", cell: (r) => num(r.ahtSeconds) },
    { title: "SL", cell: (r) => pct(r.serviceLevel) },
    { title: "transfers", cell: (r) => num(r.transfers) },
    { title: "conf", cell: (r) => num(r.conferences) },
    { title: "RONA", cell: (r) => num(r.ronas) },
    { title: "sentiment -/0/+", cell: (r) => `${r.sentiment.negative}/${r.sentiment.neutral}/${r.sentiment.positive}` },
    { title: "CSAT", cell: (r) => num(r.csat.average) },
    { title: "wrap-up", cell: (r) => counts(r.wrapUps) },
  ];
  if (by === "rep") {
    list.push({ title: "occupancy", cell: (r) => pct(r.occupancy) });
    list.push({
      title: "presence",
      cell: (r) =>
        r.presenceSeconds === null
          ? ""
          : PRESENCES.filter((p) => r.presenceSeconds![p] > 0)
              .map((p) => `${p} ${hoursMinutes(r.presenceSeconds![p])}`)
              .join(" "),
    });
  }
  return list;
}

/** "0h02", "21h28": a duration, as the console writes one past an hour, never to be read as a time of day. */
function hoursMinutes(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}`;
}

/** A plain-text table, columns as wide as their widest cell (measured in terminal cells), no colour. */
export function renderTable(report: Report, cellWidth: (text: string) => number): string {
  const cols = columns(report.by);
  const rows = [...report.rows, report.total];
  const cells = rows.map((row) => cols.map((c) => c.cell(row)));
  const widths = cols.map((c, i) => Math.max(cellWidth(c.title), ...cells.map((r) => cellWidth(r[i]!))));
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const pad = " ".repeat(widths[i]! - cellWidth(v));
        return i === 0 || i === values.length - 1 ? v + pad : pad + v;
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  const out = [line(cols.map((c) => c.title)), rule, ...cells.slice(0, -1).map(line), rule, line(cells.at(-1)!)];
  return `${out.join("\n")}\n`;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One line per group then the total; nested figures flattened (`wrapup_<reason>`, `presence_<p>_s`). */
export function renderCsv(report: Report): string {
  const rows = [...report.rows, report.total];
  const reasons = [...new Set(rows.flatMap((r) => Object.keys(r.wrapUps)))].sort();
  const header = [
    report.by,
    "name",
    "offered",
    "answered",
    "abandoned",
    "asa_s",
    "first_response_s",
    "aht_s",
    "handled",
    "service_level_pct",
    "transfers",
    "conferences",
    "ronas",
    "sentiment_negative",
    "sentiment_neutral",
    "sentiment_positive",
    "csat_average",
    "csat_count",
    ...reasons.map((r) => `wrapup_${r}`),
    ...(report.by === "rep" ? [...PRESENCES.map((p) => `presence_${p}_s`), "occupancy_pct"] : []),
  ];
  const lines = rows.map((r) =>
    [
      r.group,
      r.name,
      num(r.offered),
      num(r.answered),
      num(r.abandoned),
      num(r.asaSeconds),
      num(r.firstResponseSeconds),
      num(r.ahtSeconds),
      num(r.handled),
      num(r.serviceLevel),
      num(r.transfers),
      num(r.conferences),
      num(r.ronas),
      num(r.sentiment.negative),
      num(r.sentiment.neutral),
      num(r.sentiment.positive),
      num(r.csat.average),
      num(r.csat.count),
      ...reasons.map((reason) => num(r.wrapUps[reason] ?? 0)),
      ...(report.by === "rep" ? [...PRESENCES.map((p) => num(r.presenceSeconds?.[p] ?? 0)), num(r.occupancy)] : []),
    ]
      .map(csvField)
      .join(","),
  );
  return `${[header.join(","), ...lines].join("\n")}\n`;
}
