import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { Theme } from "../../theme/theme.js";
import { border } from "../../theme/theme.js";

/** A question the rep answers before something that cannot be undone: Cancel, or the action, one highlighted. */
export function ConfirmDialog(props: {
  question: ReactNode;
  explanation: string;
  confirm: string;
  choice: "cancel" | "confirm";
  theme: Theme;
}) {
  return (
    <Box flexDirection="column" borderStyle="round" {...border(props.theme.accent)} paddingX={1}>
      <Text bold>{props.question}</Text>
      <Text>{props.explanation}</Text>
      <Text>
        <Text inverse={props.choice === "cancel"}> Cancel </Text>{" "}
        <Text inverse={props.choice === "confirm"}> {props.confirm} </Text>
      </Text>
    </Box>
  );
}
