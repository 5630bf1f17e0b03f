import { Box, Text } from "ink";
import { BINDINGS } from "../keys/bindings.js";
import type { Binding } from "../keys/binding.js";
import { isEditCommand } from "../keys/commands.js";
import { WithCursor } from "./Composer.js";
import type { Theme } from "../theme/theme.js";
import { border, fg } from "../theme/theme.js";

/** Lines help scrolls by: one, or a page of the `rows` it shows. */
export function helpScrollDelta(
  command: "help-up" | "help-down" | "help-page-up" | "help-page-down",
  rows: number,
): number {
  const page = Math.max(1, rows - 1);
  return { "help-up": -1, "help-down": 1, "help-page-up": -page, "help-page-down": page }[command];
}

/**
 * The bindings help lists for the console or the monitor, filtered by every word of the filter: its own keys first,
 * then the editing keys every composer and filter shares.
 */
export function helpRows(filter: string, monitor: boolean): Binding[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const rows = BINDINGS.filter((b) =>
    monitor ? b.modes.some((m) => m.startsWith("monitor")) : !b.modes.every((m) => m.startsWith("monitor")),
  ).filter((b) =>
    words.every((w) => `${b.keys.join(" ")} ${b.description} ${b.slash ?? ""}`.toLowerCase().includes(w)),
  );
  return [...rows.filter((b) => !isEditCommand(b.id)), ...rows.filter((b) => isEditCommand(b.id))];
}

/** How far help can scroll with `rows` rows of bindings shown. */
export function helpMaxScroll(filter: string, monitor: boolean, rows: number): number {
  return Math.max(0, helpRows(filter, monitor).length - rows);
}

/** Help generated from the key table, filterable, scrolling when it does not fit. */
export function Help(props: {
  filter: string;
  cursor?: number;
  scroll?: number;
  monitor: boolean;
  theme: Theme;
  /** Rows available for bindings. */ rows?: number;
}) {
  const all = helpRows(props.filter, props.monitor);
  const room = Math.max(1, props.rows ?? 30);
  const scroll = Math.max(0, Math.min(props.scroll ?? 0, all.length - room));
  const rows = all.slice(scroll, scroll + room);
  const scrolls = all.length > room;
  return (
    <Box flexDirection="column" borderStyle="round" {...border(props.theme.accent)} paddingX={1}>
      <Text bold wrap="truncate-end">
        Help — type to filter, Esc to close
      </Text>
      <Text wrap="truncate-end">
        filter: <WithCursor text={props.filter} cursor={props.cursor ?? props.filter.length} />
        {scrolls ? (
          <Text {...fg(props.theme.muted)}>
            {"  "}
            {scroll + 1}–{scroll + rows.length} of {all.length}
            {" · ↑↓ PgUp PgDn scroll"}
          </Text>
        ) : null}
      </Text>
      {rows.map((b) => (
        <Text key={b.id} wrap="truncate-end">
          <Text bold>{b.keys.join(", ").padEnd(22)}</Text> {b.description}
          {b.slash ? <Text {...fg(props.theme.muted)}> ({b.slash})</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
