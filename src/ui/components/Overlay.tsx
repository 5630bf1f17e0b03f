import { Box, Text } from "ink";
import type { ReactNode } from "react";

/**
 * The one place dialogs appear: drawn over the top of the main pane, never pushing the thread or the composer.
 * A blank layer the overlay's size goes under its content, so nothing of the screen beneath shows through.
 */
export function Overlay(props: { width: number; children: ReactNode }) {
  const width = Math.max(1, props.width);
  return (
    <Box position="absolute" width={width} flexDirection="column">
      <Box position="absolute" width={width} height="100%" overflow="hidden" flexDirection="column">
        <Text>{Array.from({ length: BLANK_ROWS }, () => " ".repeat(width)).join("\n")}</Text>
      </Box>
      {props.children}
    </Box>
  );
}

/** More rows than any terminal this runs in; the blank layer is clipped to the overlay's height. */
const BLANK_ROWS = 120;
