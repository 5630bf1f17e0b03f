import { Box, Text } from "ink";
import { BINDINGS } from "../keys/bindings.js";
import type { Theme } from "../theme/theme.js";
import { border, fg } from "../theme/theme.js";

/** Help generated from the key table, filterable. */
export function Help(props: {
  filter: string;
  monitor: boolean;
  theme: Theme;
  /** Rows available for bindings. */ rows?: number;
}) {
  const words = props.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const rows = BINDINGS.filter((b) =>
    props.monitor ? b.modes.some((m) => m.startsWith("monitor")) : !b.modes.every((m) => m.startsWith("monitor")),
  )
    .filter((b) =>
      words.every((w) => `${b.keys.join(" ")} ${b.description} ${b.slash ?? ""}`.toLowerCase().includes(w)),
    )
    .slice(0, Math.min(30, props.rows ?? 30));
  return (
    <Box flexDirection="column" borderStyle="round" {...border(props.theme.accent)} paddingX={1}>
      <Text bold>Help — type to filter, Esc to close</Text>
      <Text>
        filter: {props.filter}
        <Text inverse> </Text>
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
