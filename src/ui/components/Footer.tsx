import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { Flash } from "../mirror/state.js";
import type { Theme } from "../theme/theme.js";
import { fg } from "../theme/theme.js";

/**
 * A flash line (errors, alerts, hints for the selected row), then the key hints for what has focus. An alert hint
 * (a customer in distress, RONA) is as loud as an error: louder than any key hint or the quit warning.
 */
export function Footer(props: {
  flash: Flash | null;
  hint: { text: string; level: "alert" | "info" } | string | null;
  keys: ReactNode;
  theme: Theme;
}) {
  const { theme, flash } = props;
  const level = flash?.level === "error" ? theme.error : flash?.level === "warn" ? theme.warn : theme.accent;
  return (
    <Box flexDirection="column">
      {flash ? (
        <Text {...fg(level)} bold wrap="truncate-end">
          {flash.level === "error" ? "✗ " : flash.level === "warn" ? "⚠ " : "› "}
          {sanitizeLine(flash.text)}
        </Text>
      ) : typeof props.hint === "string" ? (
        <Text wrap="truncate-end">{props.hint}</Text>
      ) : props.hint?.level === "alert" ? (
        <Text {...fg(theme.error)} bold inverse={!theme.color} wrap="truncate-end">
          {"⚠ "}
          {props.hint.text}
        </Text>
      ) : props.hint ? (
        <Text wrap="truncate-end">{props.hint.text}</Text>
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
