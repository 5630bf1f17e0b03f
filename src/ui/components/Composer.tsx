import { Box, Text } from "ink";
import type { Theme } from "../theme/theme.js";
import { border, fg } from "../theme/theme.js";

export const COMPOSER_LIMIT = 1000;

/** L5, L9: the draft with its line breaks, and a counter once it nears the limit. */
export function Composer(props: { draft: string; width: number; disabled: string | null; offline: boolean; theme: Theme }) {
  const { theme, draft } = props;
  const length = [...draft].length;
  const over = length - COMPOSER_LIMIT;
  const lines = draft.split("\n");
  const shown = lines.slice(-4);
  return (
    <Box flexDirection="column" borderStyle="round" {...border(theme.muted)} width={props.width}>
      {props.disabled ? (
        <Text {...fg(theme.muted)}>{props.disabled}</Text>
      ) : (
        <>
          {lines.length > shown.length ? <Text {...fg(theme.muted)}>… {lines.length - shown.length} more lines</Text> : null}
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
