import { memo } from "react";
import { Box, Text } from "ink";
import type { SessionRow } from "../../mirror/selectors.js";
import { spokenRow } from "../../mirror/selectors.js";
import type { Theme } from "../../theme/theme.js";
import { fg, GLYPH, severity, STATE_LABEL, WAIT_LABEL } from "../../theme/theme.js";
import { fitField, padEnd } from "../../text/index.js";

/**
 * The cells of one row, left to right: number, title (when expanded), badge, alert, the customer's wait, state glyph,
 * marks. `waitWidth` is the widest wait of the pane (0: none), so the waits line up. Collapsed, the wait keeps its mark
 * alone, and only once it is worth watching.
 */
function rowCells(row: SessionRow, collapsed: boolean, numberWidth: number, titleWidth: number, waitWidth: number) {
  const mark = row.wait ? WAIT_LABEL[row.wait.level].glyph : "";
  return {
    number: String(row.number).padStart(numberWidth),
    title: collapsed ? "" : ` ${fitField(row.title, titleWidth)}`,
    badge: ` ${row.badge.padStart(1)}`,
    alert: row.alert ? GLYPH.alert : " ",
    wait: collapsed
      ? row.wait && row.wait.level !== "ok"
        ? mark
        : ""
      : waitWidth > 0
        ? ` ${(row.wait ? mark + row.wait.clock : "").padStart(waitWidth)}`
        : "",
    tail: collapsed
      ? ""
      : ` ${STATE_LABEL[row.state]?.glyph ?? "?"}${row.draft ? GLYPH.draft : " "}${row.proactive ? GLYPH.proactive : ""}`,
  };
}

type PaneProps = { rows: SessionRow[]; homeFocused: boolean; collapsed: boolean; width: number; theme: Theme };

/** The rows are rebuilt on every change of the store; the pane redraws only when one of them differs. */
function samePane(a: PaneProps, b: PaneProps): boolean {
  if (a.homeFocused !== b.homeFocused || a.collapsed !== b.collapsed || a.width !== b.width || a.theme !== b.theme)
    return false;
  if (a.rows.length !== b.rows.length) return false;
  return a.rows.every((row, i) => {
    const other = b.rows[i]!;
    return (Object.keys(row) as (keyof SessionRow)[]).every((key) => row[key] === other[key]);
  });
}

/**
 * S7: pinned Home, then one row per session; collapses to numbers and badges. The selected row is one plain
 * inverse bar the width of the pane: none of the row's own colours inside it, so nothing turns into a block.
 */
export const SessionPane = memo(function SessionPane(props: {
  rows: SessionRow[];
  homeFocused: boolean;
  collapsed: boolean;
  width: number;
  theme: Theme;
}) {
  const { rows, theme, collapsed } = props;
  // The right border takes a cell.
  const inner = Math.max(1, props.width - 1);
  const numberWidth = String(rows.length).length;
  // The waits line up: as wide as the widest (mark and clock), and a space before it.
  const waitWidth = Math.max(0, ...rows.map((r) => (r.wait ? 1 + r.wait.clock.length : 0)));
  // Number, space, title, badge (2), alert, the wait, space, state glyph, draft and proactive marks.
  const titleWidth = Math.max(4, inner - numberWidth - 1 - (waitWidth > 0 ? waitWidth + 1 : 0) - 3 - 4);
  const home = collapsed ? GLYPH.home : `${GLYPH.home} Home`;
  return (
    <Box
      flexDirection="column"
      width={props.width}
      borderStyle="single"
      borderRight
      borderTop={false}
      borderBottom={false}
      borderLeft={false}
      {...(theme.color ? { borderColor: theme.muted } : {})}
    >
      <Text inverse={props.homeFocused} bold wrap="truncate" aria-label={props.homeFocused ? "Home, selected" : "Home"}>
        {padEnd(home, inner)}
      </Text>
      {rows.map((row) => {
        const cells = rowCells(row, collapsed, numberWidth, titleWidth, waitWidth);
        const waitStyle = row.wait ? severity(theme, WAIT_LABEL[row.wait.level].severity) : {};
        if (row.focused) {
          const plain = cells.number + cells.title + cells.badge + cells.alert + cells.wait + cells.tail;
          return (
            <Text key={row.id} inverse bold={row.badge !== ""} wrap="truncate" aria-label={spokenRow(row)}>
              {padEnd(plain, inner)}
            </Text>
          );
        }
        return (
          <Text key={row.id} bold={row.badge !== ""} wrap="truncate" aria-label={spokenRow(row)}>
            <Text {...fg(theme.muted)}>{cells.number}</Text>
            {cells.title}
            <Text {...fg(theme.accent)}>{cells.badge}</Text>
            <Text {...fg(theme.error)} bold>
              {cells.alert}
            </Text>
            <Text {...waitStyle}>{cells.wait}</Text>
            {cells.tail}
          </Text>
        );
      })}
    </Box>
  );
}, samePane);
