import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { Flash } from "../mirror/state.js";
import type { Theme } from "../theme/theme.js";
import { fg } from "../theme/theme.js";

/** A flash line (errors, alerts, hints for the selected row), then the key hints for what has focus. */
export function Footer(props: { flash: Flash | null; hint: string | null; keys: ReactNode; theme: Theme }) {
  const { theme, flash } = props;
  const level = flash?.level === "error" ? theme.error : flash?.level === "warn" ? theme.warn : theme.accent;
  return (
    <Box flexDirection="column">
      {flash ? (
        <Text {...fg(level)} bold wrap="truncate-end">
          {flash.level === "error" ? "✗ " : flash.level === "warn" ? "⚠ " : "› "}
          {sanitizeLine(flash.text)}
        </Text>
      ) : props.hint ? (
        <Text wrap="truncate-end">{props.hint}</Text>
      ) : (
        <Text> </Text>
      )}
      {typeof props.keys === "string" ? (
        <Text {...fg(theme.muted)} wrap="truncate-end">
          {props.keys}
        </Text>
      ) : (
        props.keys
      )}
    </Box>
  );
}
