import { Box, Text } from "ink";
import { MAX_MESSAGE_LENGTH } from "../../protocol/vocabulary.js";
import type { Theme } from "../theme/theme.js";
import { border, fg } from "../theme/theme.js";
import { cellWidth, graphemes, stableEmoji } from "../text/index.js";

/** The protocol's message limit: the composer counts toward what the server accepts. */
export const COMPOSER_LIMIT = MAX_MESSAGE_LENGTH;

/** One row of the composer: its text and where it starts in the draft. */
export interface ComposerRow {
  text: string;
  start: number;
}

/**
 * The draft as the rows it takes inside the composer: line breaks, and long lines wrapped to the width in terminal
 * cells (a CJK character or an emoji takes two) after the last space that fits, as the thread wraps; a word longer
 * than a row is cut, never inside a grapheme. A row keeps the space it broke after, so rows cover the draft.
 */
export function composerLayout(draft: string, width: number): ComposerRow[] {
  // Borders, the "› " prefix and the cursor take 5 columns.
  const inner = Math.max(10, width - 5);
  const rows: ComposerRow[] = [];
  let start = 0;
  for (const line of draft.split("\n")) {
    let row = "";
    let cells = 0;
    let at = start;
    // Where the row may break: just after its last space, and the cells before that point.
    let breakAt = 0;
    let cellsAtBreak = 0;
    for (const g of graphemes(line)) {
      const w = cellWidth(g);
      while (cells + w > inner && row !== "") {
        const atSpace = breakAt > 0;
        const cut = atSpace ? breakAt : row.length;
        rows.push({ text: row.slice(0, cut), start: at });
        at += cut;
        row = row.slice(cut);
        cells = atSpace ? cells - cellsAtBreak : 0;
        breakAt = 0;
        cellsAtBreak = 0;
      }
      row += g;
      cells += w;
      if (g === " ") {
        breakAt = row.length;
        cellsAtBreak = cells;
      }
    }
    if (row !== "" || at === start) rows.push({ text: row, start: at });
    start += line.length + 1;
  }
  return rows;
}

export function composerRows(draft: string, width: number): string[] {
  return composerLayout(draft, width).map((r) => r.text);
}

/** The row the cursor is on: where it ends one wrapped row and starts the next, the next. */
function cursorRow(rows: ComposerRow[], cursor: number): number {
  let found = 0;
  rows.forEach((row, i) => {
    if (row.start <= cursor && cursor <= row.start + row.text.length) found = i;
  });
  return found;
}

/**
 * A line of text with the cursor drawn on it (inverse, over the whole grapheme), at `cursor` or past the end. Emoji
 * are drawn in their stable form (no skin tone or presentation selector, as everywhere else on screen): terminals
 * draw those wider than they are measured, which pushed the composer's border out and the header off the screen.
 * What was typed keeps them: only the drawing drops them.
 */
export function WithCursor(props: { text: string; cursor: number | null }) {
  const { text, cursor } = props;
  if (cursor === null) return <>{stableEmoji(text)}</>;
  const at = Math.max(0, Math.min(cursor, text.length));
  const under = graphemes(text.slice(at))[0] ?? "";
  return (
    <>
      {stableEmoji(text.slice(0, at))}
      <Text inverse>{stableEmoji(under) || " "}</Text>
      {stableEmoji(text.slice(at + under.length))}
    </>
  );
}

/** A row with the cursor and a highlighted range (a quick reply's prompt, underlined and bold) drawn on it. */
function RowText(props: { text: string; cursor: number | null; highlight: { start: number; end: number } | null }) {
  const { text, cursor, highlight } = props;
  if (!highlight || highlight.end <= 0 || highlight.start >= text.length)
    return <WithCursor text={text} cursor={cursor} />;
  const from = Math.max(0, highlight.start);
  const to = Math.min(text.length, highlight.end);
  const piece = (part: string, offset: number, marked: boolean, key: string) => {
    const local = cursor !== null && cursor >= offset && cursor < offset + part.length ? cursor - offset : null;
    const body = <WithCursor text={part} cursor={local} />;
    return marked ? (
      <Text key={key} underline bold>
        {body}
      </Text>
    ) : (
      <Text key={key}>{body}</Text>
    );
  };
  return (
    <>
      {piece(text.slice(0, from), 0, false, "a")}
      {piece(text.slice(from, to), from, true, "b")}
      {piece(text.slice(to), to, false, "c")}
      {cursor !== null && cursor >= text.length ? <Text inverse> </Text> : null}
    </>
  );
}

/**
 * Terminal rows the composer takes: at most 4 rows of text (the tail), a "more" line, the counter; disabled, the
 * line that says why, above the draft when there is one.
 */
export function measureComposer(draft: string, width: number, offline: boolean, disabled = false): number {
  if (disabled && draft === "") return 3;
  const rows = composerRows(draft, width).length;
  const counter = [...draft].length >= COMPOSER_LIMIT * 0.8 || offline ? 1 : 0;
  return 2 + (disabled ? 1 : 0) + Math.min(4, rows) + (rows > 4 ? 1 : 0) + counter;
}

/** L5, L9: the draft with its line breaks, and a counter once it nears the limit. */
export function Composer(props: {
  draft: string;
  /** Where the cursor is in the draft (default: its end). */
  cursor?: number;
  width: number;
  disabled: string | null;
  offline: boolean;
  /** A quick reply's prompt to highlight (`<label>` in the draft). */
  highlight?: { start: number; end: number } | null;
  /** Keys go here (default): its cursor is drawn. A picker, a dialog or help over it has them: one cursor on screen. */
  focused?: boolean;
  theme: Theme;
}) {
  const { theme, draft } = props;
  const length = [...draft].length;
  const over = length - COMPOSER_LIMIT;
  // A long draft shows 4 rows of text around the cursor (its tail while typing at the end): the composer
  // never grows past them.
  const lines = composerLayout(draft, props.width);
  const cursor = props.cursor ?? draft.length;
  const at = cursorRow(lines, cursor);
  const first = Math.max(0, Math.min(at - 3, lines.length - 4));
  const shown = lines.slice(first, first + 4);
  return (
    <Box flexDirection="column" borderStyle="round" {...border(theme.muted)} width={props.width}>
      {props.disabled ? (
        <Text {...fg(theme.muted)} wrap="truncate-end">
          {props.disabled}
          {draft !== "" ? " Your draft below was not sent." : ""}
        </Text>
      ) : null}
      {/* A draft left in a conversation that no longer takes messages stays in sight: to copy, or to clear. */}
      {props.disabled && draft === "" ? null : (
        <>
          {lines.length > shown.length ? (
            <Text {...fg(theme.muted)}>… {lines.length - shown.length} more lines</Text>
          ) : null}
          {shown.map((line, i) => (
            <Text key={i} wrap="wrap">
              {first + i === 0 ? "› " : "  "}
              <RowText
                text={line.text}
                cursor={first + i === at && props.focused !== false ? cursor - line.start : null}
                highlight={
                  props.highlight
                    ? { start: props.highlight.start - line.start, end: props.highlight.end - line.start }
                    : null
                }
              />
            </Text>
          ))}
        </>
      )}
      {length >= COMPOSER_LIMIT * 0.8 || props.offline ? (
        <Text {...fg(over > 0 ? theme.error : theme.warn)} bold={over > 0}>
          {props.offline ? "offline: messages are kept and sent when back" : ""}
          {props.offline && length >= COMPOSER_LIMIT * 0.8 ? " · " : ""}
          {length >= COMPOSER_LIMIT * 0.8 ? `${length}/${COMPOSER_LIMIT}` : ""}
          {over > 0 ? ` — ${over} over the limit, shorten it to send` : ""}
        </Text>
      ) : null}
    </Box>
  );
}
