import { Box, Text } from "ink";
import type { Theme } from "../theme/theme.js";
import { border, fg } from "../theme/theme.js";

export const COMPOSER_LIMIT = 1000;

/** The draft as the rows it takes inside the composer: line breaks, and long lines wrapped to the width. */
export function composerRows(draft: string, width: number): string[] {
  // Borders, the "› " prefix and the cursor take 5 columns.
  const inner = Math.max(10, width - 5);
  const rows: string[] = [];
  for (const line of draft.split("\n")) {
    const chars = [...line];
    if (chars.length === 0) rows.push("");
    for (let i = 0; i < chars.length; i += inner) rows.push(chars.slice(i, i + inner).join(""));
  }
  return rows;
}

/** Terminal rows the composer takes: at most 4 rows of text (the tail), a "more" line, the counter. */
export function measureComposer(draft: string, width: number, offline: boolean): number {
  const rows = composerRows(draft, width).length;
  const counter = [...draft].length >= COMPOSER_LIMIT * 0.8 || offline ? 1 : 0;
  return 2 + Math.min(4, rows) + (rows > 4 ? 1 : 0) + counter;
}

/** L5, L9: the draft with its line breaks, and a counter once it nears the limit. */
export function Composer(props: {
  draft: string;
  width: number;
  disabled: string | null;
  offline: boolean;
  theme: Theme;
}) {
  const { theme, draft } = props;
  const length = [...draft].length;
  const over = length - COMPOSER_LIMIT;
  // A long draft shows its tail: the composer never grows past 4 rows of text (L5).
  const lines = composerRows(draft, props.width);
  const shown = lines.slice(-4);
  return (
    <Box flexDirection="column" borderStyle="round" {...border(theme.muted)} width={props.width}>
      {props.disabled ? (
        <Text {...fg(theme.muted)}>{props.disabled}</Text>
      ) : (
        <>
          {lines.length > shown.length ? (
            <Text {...fg(theme.muted)}>… {lines.length - shown.length} more lines</Text>
          ) : null}
          {shown.map((line, i) => (
            <Text key={i} wrap="wrap">
              {i === 0 && lines.length === shown.length ? "› " : "  "}
              {line}
              {i === shown.length - 1 ? <Text inverse> </Text> : null}
            </Text>
          ))}
        </>
      )}
      {length >= COMPOSER_LIMIT * 0.8 || props.offline ? (
        <Text {...fg(over > 0 ? theme.error : theme.warn)} bold={over > 0}>
          {props.offline ? "offline: messages are kept and sent when back · " : ""}
          {length >= COMPOSER_LIMIT * 0.8 ? `${length}/${COMPOSER_LIMIT}` : ""}
          {over > 0 ? ` — ${over} over the limit, shorten it to send` : ""}
        </Text>
      ) : null}
    </Box>
  );
}
