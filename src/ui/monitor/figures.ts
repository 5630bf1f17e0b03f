// The live figures' selectors (the `F` view): each queue now (from the conversations this monitor holds, as the
// team view counts them) and over the last hour (from the server's figures), the charts' cells, and the words a
// screen reader says instead of the charts. Pure.
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { QueueFigures } from "../../protocol/views.js";
import { sparkline } from "../theme/theme.js";
import { queueRows } from "./selectors.js";
import type { QueueRow } from "./selectors.js";
import type { MonitorState } from "./state.js";

/** Cells before a chart ("  arrivals ") and the most minutes one shows. */
export const CHART_LABEL_WIDTH = 11;
export const CHART_MINUTES = 60;

export interface Chart {
  label: string;
  /** The cells, the newest minute last. */
  cells: string;
  /** After the chart: its scale ("most 7", "low 50%"). */
  note: string;
  /** What a screen reader says instead. */
  spoken: string;
}

export interface QueueFiguresRow {
  id: string;
  name: string;
  now: QueueRow;
  /** Null until the server answered. */
  hour: QueueFigures | null;
  charts: Chart[];
}

const pct = (n: number | null): string => (n === null ? "—" : `${n}%`);
const seconds = (n: number | null): string => (n === null ? "—" : `${n}s`);

/** "3 waiting · longest 2:15" */
export function nowText(row: QueueRow): string {
  return `${row.open} waiting · longest ${row.longestWait}`;
}

/** "answered 41 · abandoned 2 · service level 87% · ASA 24s" */
export function hourText(hour: QueueFigures | null): string {
  if (!hour) return "last hour: asking the server…";
  return `answered ${hour.answered} · abandoned ${hour.abandoned} · service level ${pct(hour.serviceLevel)} · ASA ${seconds(hour.asaSeconds)}`;
}

/** A series said as numbers, oldest first, "none" where nothing is known. */
function spokenSeries(values: readonly (number | null)[], unit = ""): string {
  return values.map((v) => (v === null ? "none" : `${v}${unit}`)).join(", ");
}

function chartsOf(hour: QueueFigures, width: number): Chart[] {
  const max = (values: readonly (number | null)[]) => Math.max(0, ...values.map((v) => v ?? 0));
  const levels = hour.serviceLevels.filter((v): v is number => v !== null);
  const low = levels.length > 0 ? Math.min(...levels) : null;
  const series = [
    { label: "arrivals", values: hour.arrivals, max: max(hour.arrivals), note: `most ${max(hour.arrivals)}`, unit: "" },
    { label: "waiting", values: hour.waiting, max: max(hour.waiting), note: `most ${max(hour.waiting)}`, unit: "" },
    { label: "service", values: hour.serviceLevels, max: 100, note: `low ${pct(low)}`, unit: "%" },
  ];
  const room = (note: string) => Math.max(0, Math.min(CHART_MINUTES, width - CHART_LABEL_WIDTH - 1 - note.length));
  const words: Record<string, string> = {
    arrivals: "arrivals per minute",
    waiting: "waiting at the end of each minute",
    service: "service level per minute",
  };
  return series.map((s) => {
    const shown = s.values.slice(s.values.length - room(s.note));
    return {
      label: s.label,
      cells: sparkline(shown, s.max),
      note: s.note,
      spoken: `${words[s.label]}, the last ${s.values.length} minutes, oldest first: ${spokenSeries(s.values, s.unit)}`,
    };
  });
}

export function figuresRows(state: MonitorState, width: number): QueueFiguresRow[] {
  const figures = state.figures;
  return queueRows(state).map((now) => {
    const hour = figures?.queues.find((q) => q.queueId === now.id) ?? null;
    return { id: now.id, name: now.name, now, hour, charts: hour ? chartsOf(hour, width) : [] };
  });
}

export interface OccupancyRow {
  id: string;
  name: string;
  occupancy: number | null;
  /** "4 accepted · 3 ended · 1 transferred" since the local midnight; null when the server did not say. */
  today: string | null;
}

export function occupancyRows(state: MonitorState): OccupancyRow[] {
  return (state.figures?.reps ?? []).map((r) => ({
    id: r.repId,
    name: sanitizeLine(state.users[r.repId]?.name ?? r.repId),
    occupancy: r.occupancy,
    today: r.today
      ? `${r.today.accepted} accepted · ${r.today.ended} ended · ${r.today.transferred} transferred`
      : null,
  }));
}

export function spokenOccupancy(row: OccupancyRow): string {
  const occupancy =
    row.occupancy === null
      ? `${row.name}: occupancy none, not signed in in the last hour`
      : `${row.name}: occupancy ${row.occupancy}%`;
  return row.today === null ? occupancy : `${occupancy}; today ${row.today.replace(/ · /g, ", ")}`;
}
