import { Box, Text } from "ink";
import { field } from "../text/index.js";
import { WithCursor } from "./Composer.js";
import type { Theme } from "../theme/theme.js";
import { border, fg } from "../theme/theme.js";

export interface PickerItem {
  id: string;
  label: string;
  /** Shown greyed with the reason; cannot be selected. */
  disabled?: string;
  detail?: string;
  /** Shown in full under the list while the row is highlighted (a quick reply's text). */
  preview?: string;
  /** Unread badge (S10) and sentiment alert (S9) of a conversation row. */
  badge?: string;
  alert?: boolean;
  /** Said under the list while the row is highlighted (the S9/S10 hint of a conversation). */
  hint?: string;
  /** The number shown and chosen with its digit, when the item has one of its own elsewhere (a session's in the pane); else its position. */
  number?: number;
}

/** The number a picker shows for the item at `index`, and that its digit key chooses. */
export function itemNumber(items: readonly PickerItem[], index: number): number {
  return items[index]?.number ?? index + 1;
}

export function Picker(props: {
  title: string;
  filter: string;
  /** Where the cursor is in the filter (default: its end). */
  cursor?: number;
  items: PickerItem[];
  index: number;
  tabs?: string;
  footer?: string;
  theme: Theme;
}) {
  const { theme } = props;
  const preview = props.items[props.index]?.preview;
  // At most ROWS rows, scrolled so that the highlighted one shows; the numbers stay the items' own (their digits choose).
  const first = Math.max(0, Math.min(props.index - (ROWS - 1), props.items.length - ROWS));
  const shown = props.items.slice(first, first + ROWS);
  const below = props.items.length - first - shown.length;
  return (
    <Box flexDirection="column" borderStyle="round" {...border(theme.accent)} paddingX={1}>
      <Text bold>
        {props.title}
        {props.tabs ? <Text {...fg(theme.muted)}> {props.tabs}</Text> : null}
      </Text>
      <Text>
        filter: <WithCursor text={props.filter} cursor={props.cursor ?? props.filter.length} />
      </Text>
      {props.items.length === 0 ? <Text {...fg(theme.muted)}>nothing matches</Text> : null}
      {first > 0 ? <Text {...fg(theme.muted)}>↑ {first} more</Text> : null}
      {shown.map((item, at) => {
        const i = first + at;
        const marks = item.badge !== undefined || item.alert !== undefined;
        const tail = `${item.detail ? ` · ${item.detail}` : ""}${item.disabled ? ` (${item.disabled})` : ""}`;
        // The highlighted row is one plain inverse bar: none of the row's own colours inside it.
        if (i === props.index) {
          return (
            <Text key={item.id} inverse bold={Boolean(item.badge)}>
              {itemNumber(props.items, i)}. {field(item.label, 48)}
              {marks ? ` ${item.badge || " "}${item.alert ? "!" : ""}` : ""}
              {tail}
            </Text>
          );
        }
        return (
          <Text key={item.id} {...fg(item.disabled ? theme.muted : undefined)} dimColor={Boolean(item.disabled)}>
            {itemNumber(props.items, i)}. {field(item.label, 48)}
            {marks ? (
              <Text {...fg(theme.accent)} bold>
                {" "}
                {item.badge || " "}
              </Text>
            ) : null}
            {item.alert ? (
              <Text {...fg(theme.error)} bold>
                !
              </Text>
            ) : null}
            {tail}
          </Text>
        );
      })}
      {below > 0 ? <Text {...fg(theme.muted)}>↓ {below} more</Text> : null}
      {props.items[props.index]?.hint ? (
        <Text {...fg(theme.accent)} wrap="truncate-end">
          {props.items[props.index]!.hint}
        </Text>
      ) : null}
      {preview ? (
        <Box borderStyle="single" {...border(theme.muted)} paddingX={1}>
          <Text wrap="wrap">{field(preview)}</Text>
        </Box>
      ) : null}
      {props.footer ? <Text {...fg(theme.muted)}>{props.footer}</Text> : null}
    </Box>
  );
}

/** Rows a picker shows at once. */
const ROWS = 9;

/** Filter by every word of the query, case-insensitive. */
export function filterItems<T extends { label: string }>(items: T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter((item) => words.every((w) => item.label.toLowerCase().includes(w)));
}
