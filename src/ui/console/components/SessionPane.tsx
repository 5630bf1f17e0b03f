import { Box, Text } from "ink";
import type { SessionRow } from "../../mirror/selectors.js";
import { spokenRow } from "../../mirror/selectors.js";
import type { Theme } from "../../theme/theme.js";
import { fg } from "../../theme/theme.js";
import { STATE_LABEL } from "../../theme/theme.js";
import { fitField } from "../../text/index.js";

/** S7: pinned Home, then one row per session; collapses to numbers and badges. */
export function SessionPane(props: {
  rows: SessionRow[];
  homeFocused: boolean;
  collapsed: boolean;
  width: number;
  theme: Theme;
}) {
  const { rows, theme, collapsed } = props;
  // Border, number, space, badge, alert, state glyph, draft and proactive marks take the rest.
  const titleWidth = Math.max(6, props.width - 9 - String(rows.length).length);
  return (
    <Box
      flexDirection="column"
      width={props.width}
      borderStyle="single"
      borderRight
      borderTop={false}
      borderBottom={false}
      borderLeft={false}
    >
      <Text inverse={props.homeFocused} bold aria-label={props.homeFocused ? "Home, selected" : "Home"}>
        {collapsed ? "⌂" : "⌂ Home"}
      </Text>
      {rows.map((row) => {
        const glyph = STATE_LABEL[row.state]?.glyph ?? "?";
        return (
          <Text key={row.id} inverse={row.focused} bold={row.badge !== ""} wrap="truncate" aria-label={spokenRow(row)}>
            <Text {...fg(theme.muted)}>{row.number}</Text>
            {collapsed ? "" : ` ${fitField(row.title, titleWidth)}`}
            <Text {...fg(theme.accent)}>{row.badge ? ` ${row.badge}` : "  "}</Text>
            <Text {...fg(theme.error)} bold>
              {row.alert ? "!" : " "}
            </Text>
            {collapsed ? "" : ` ${glyph}`}
            {!collapsed && row.draft ? "✎" : ""}
            {!collapsed && row.proactive ? "⚑" : ""}
          </Text>
        );
      })}
    </Box>
  );
}
