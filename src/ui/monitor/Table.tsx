// The monitor's live table (SV1): columns sized to what the rows on screen hold, empty columns hidden,
// numbers right-aligned, the selection one plain inverse bar, and colour from the one severity scale.
import { Box, Text } from "ink";
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { SentimentStep } from "../../protocol/views.js";
import { cellWidth, isolate, stableEmoji, truncate } from "../text/index.js";
import type { Theme } from "../theme/theme.js";
import { fg, SENTIMENT_LABEL, sentimentSeverity, severity, WAIT_LABEL } from "../theme/theme.js";
import { spokenMonitorRow } from "./selectors.js";
import type { MonitorRow } from "./selectors.js";
import type { MonitorState, SortKey } from "./state.js";

/**
 * Fit already sanitised text to exactly `width` terminal cells: cut with an ellipsis, or pad (its own spaces
 * kept); right-to-left text isolated. `right` pads on the left, for numbers.
 */
export function fit(text: string, width: number, right = false): string {
  if (width <= 0) return "";
  const cut = truncate(stableEmoji(text), width);
  const pad = " ".repeat(Math.max(0, width - cellWidth(cut)));
  return right ? pad + isolate(cut) : isolate(cut) + pad;
}

export type ColumnKey =
  | "mark"
  | "id"
  | "state"
  | "mode"
  | "queue"
  | "rep"
  | "with"
  | "customer"
  | "time"
  | "wait"
  | "sentiment"
  | "alert"
  | "unread"
  | "you";

export interface Column {
  key: ColumnKey;
  title: string;
  width: number;
  right: boolean;
}

const ORDER: [ColumnKey, string][] = [
  ["mark", ""],
  ["id", "id"],
  ["state", "state"],
  ["mode", "mode"],
  ["queue", "queue"],
  ["rep", "rep"],
  ["with", "with"],
  ["customer", "customer"],
  ["time", "time"],
  ["wait", "wait"],
  ["sentiment", "sentiment"],
  ["alert", "!"],
  ["unread", "new"],
  ["you", "you"],
];
const TITLE = Object.fromEntries(ORDER) as Record<ColumnKey, string>;

/** Numbers read from the right. */
const RIGHT: ReadonlySet<ColumnKey> = new Set<ColumnKey>(["time", "wait", "unread"]);

export const SORT_COLUMN: Record<SortKey, ColumnKey> = {
  time: "time",
  sentiment: "sentiment",
  state: "state",
  queue: "queue",
  rep: "rep",
  id: "id",
};

const SHORT_SENTIMENT: Record<SentimentStep, string> = {
  [-3]: "v.negative",
  [-2]: "negative",
  [-1]: "sl.negative",
  0: "neutral",
  1: "sl.positive",
  2: "positive",
  3: "v.positive",
};

function sentimentCell(step: SentimentStep, width: number): string {
  const label = SENTIMENT_LABEL[step];
  const word = `${label.glyph} ${label.word}`;
  if (cellWidth(word) <= width) return word;
  const short = `${label.glyph} ${SHORT_SENTIMENT[step]}`;
  return cellWidth(short) <= width ? short : label.glyph;
}

function cellText(row: MonitorRow, key: ColumnKey, width: number, selected: boolean): string {
  switch (key) {
    case "mark":
      return selected ? "›" : row.changed ? "•" : " ";
    case "id":
      return sanitizeLine(row.id);
    case "state":
      return row.state;
    case "mode":
      return row.mode;
    case "queue":
      return row.queue;
    case "rep":
      return row.rep || "—";
    case "with":
      return row.with;
    case "customer":
      return row.customer;
    case "time":
      return row.time;
    case "wait":
      return row.wait ? `${WAIT_LABEL[row.wait.level].glyph}${row.wait.clock}` : "";
    case "sentiment":
      return sentimentCell(row.sentiment, width);
    case "alert":
      return row.alert ? "!" : "";
    case "unread":
      return row.unread;
    case "you":
      return row.you;
  }
}

/** The widest cell of a column among the rows on screen (its title included), at most `cap`. */
function widest(rows: MonitorRow[], key: ColumnKey, cap: number, title: string): number {
  let w = cellWidth(title);
  for (const row of rows) {
    w = Math.max(w, cellWidth(cellText(row, key, cap, false)));
    if (w >= cap) return cap;
  }
  return w;
}

function anyCell(rows: MonitorRow[], key: ColumnKey): boolean {
  return rows.some((r) => cellText(r, key, 99, false) !== "");
}

/**
 * The columns that fit, each as wide as the widest cell on screen: the customer keeps room to be read;
 * sentiment (its words, shortened, or the glyph), queue, you, with and mode come in that order while they fit.
 * A column with nothing in it (with, !, new, you) is left out. `sorted` is the column that carries the sort arrow.
 */
export function tableColumns(width: number, rows: MonitorRow[], sorted?: ColumnKey): Column[] {
  const narrow = width < 80;
  const gap = width >= 100 ? 2 : 1;
  const minCustomer = narrow ? 8 : 14;
  const title = (key: ColumnKey) => (key === sorted ? `${TITLE[key]}↓` : TITLE[key]);
  const widths: Partial<Record<ColumnKey, number>> = {
    mark: 1,
    id: widest(rows, "id", 10, title("id")),
    state: widest(rows, "state", narrow ? 10 : 18, title("state")),
    rep: widest(rows, "rep", width >= 140 ? 18 : narrow ? 10 : 14, title("rep")),
    time: widest(rows, "time", 9, title("time")),
  };
  // The customer's wait for an answer, when anyone on screen is owed one.
  if (anyCell(rows, "wait")) widths.wait = widest(rows, "wait", 6, title("wait"));
  if (anyCell(rows, "alert")) widths.alert = 1;
  if (anyCell(rows, "unread")) widths.unread = cellWidth(TITLE.unread);
  // The mark sits one space before the id; every further column takes a gap; one spare cell keeps rows off the
  // last column of the terminal.
  let used = Object.values(widths).reduce((sum, w) => sum + w, 0) + 1 + (Object.keys(widths).length - 2) * gap + 1;
  const fullSentiment = widest(rows, "sentiment", 19, title("sentiment"));
  const optional: [ColumnKey, number[]][] = [
    // Below 120 columns the short words leave room for the queue and the customer.
    ["sentiment", width >= 120 ? [fullSentiment, Math.min(fullSentiment, 13), 1] : [Math.min(fullSentiment, 13), 1]],
    ["queue", [widest(rows, "queue", 14, title("queue"))]],
    ["you", anyCell(rows, "you") ? [4] : []],
    ["with", anyCell(rows, "with") ? [widest(rows, "with", width >= 140 ? 24 : 14, title("with"))] : []],
    ["mode", [widest(rows, "mode", 4, title("mode"))]],
  ];
  for (const [key, choices] of optional) {
    for (const w of choices) {
      if (width - used - (w + gap) >= minCustomer + gap) {
        widths[key] = w;
        used += w + gap;
        break;
      }
    }
  }
  const customerRoom = Math.max(4, width - used - gap);
  widths.customer = Math.min(customerRoom, Math.max(minCustomer, widest(rows, "customer", customerRoom, "customer")));
  return ORDER.filter(([key]) => widths[key] !== undefined).map(([key]) => ({
    key,
    title: title(key),
    width: widths[key]!,
    right: RIGHT.has(key),
  }));
}

function cellColour(row: MonitorRow, key: ColumnKey, theme: Theme): { color?: string; bold?: boolean } {
  switch (key) {
    case "alert":
      return severity(theme, "act");
    case "unread":
      return { ...fg(theme.accent), bold: true };
    case "sentiment":
      return severity(theme, sentimentSeverity(row.sentiment));
    case "wait":
      return row.wait ? severity(theme, WAIT_LABEL[row.wait.level].severity) : {};
    case "rep":
      return row.repIsLast || !row.rep ? fg(theme.muted) : {};
    case "state":
      return row.view.aborted ? severity(theme, "act") : row.view.transfer ? { ...fg(theme.accent), bold: true } : {};
    case "mark":
      return row.changed ? { ...fg(theme.accent), bold: true } : {};
    case "you":
      return { ...fg(theme.accent), bold: true };
    default:
      return {};
  }
}

export function Table(props: { state: MonitorState; rows: MonitorRow[]; height: number; width: number; theme: Theme }) {
  const { state, rows, theme } = props;
  const visible = Math.max(1, props.height - 1);
  const selected = rows.findIndex((r) => r.id === state.selectedId);
  const start = Math.max(0, Math.min(Math.max(0, selected) - Math.floor(visible / 2), rows.length - visible));
  const shown = rows.slice(start, start + visible);
  const sorted = SORT_COLUMN[state.sort];
  const columns = tableColumns(props.width, shown, sorted);
  const gap = props.width >= 100 ? "  " : " ";
  const sep = (i: number) => (i === 0 ? "" : i === 1 ? " " : gap);
  const line = (cell: (c: Column) => string) => columns.map((c, i) => sep(i) + fit(cell(c), c.width, c.right)).join("");
  const header = line((c) => (c.key === sorted ? `${TITLE[c.key]}${state.reversed ? "↑" : "↓"}` : c.title));
  const more = rows.length > visible ? ` ${start + 1}–${start + shown.length} of ${rows.length}` : "";
  return (
    <Box flexDirection="column" height={props.height} overflowY="hidden">
      <Text wrap="truncate">
        <Text bold underline>
          {fit(header, Math.max(0, props.width - 1 - more.length))}
        </Text>
        <Text {...fg(theme.muted)}>{more}</Text>
      </Text>
      {shown.length === 0 ? (
        <Text {...fg(theme.muted)}>
          {state.filter || state.view !== "all"
            ? "No ongoing conversation matches this view or filter."
            : "No ongoing conversations."}
        </Text>
      ) : null}
      {shown.map((row) => {
        const spoken = spokenMonitorRow(row, row.id === state.selectedId);
        // The selection is one plain bar: the row's text inverted, no colour inside it.
        if (row.id === state.selectedId)
          return (
            <Text key={row.id} inverse bold wrap="truncate" aria-label={spoken}>
              {line((c) => cellText(row, c.key, c.width, true))}
            </Text>
          );
        return (
          <Text key={row.id} bold={row.unread !== ""} wrap="truncate" aria-label={spoken}>
            {columns.map((c, i) => (
              <Text key={c.key} {...cellColour(row, c.key, theme)}>
                {sep(i)}
                {fit(cellText(row, c.key, c.width, false), c.width, c.right)}
              </Text>
            ))}
          </Text>
        );
      })}
    </Box>
  );
}
