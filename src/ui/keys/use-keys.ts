// The one input hook of an Ink app: every key press goes to the controller, which matches it against
// the key table.
import { useInput, useStdin } from "ink";
import type { Key } from "ink";
import { useEffect } from "react";

export interface KeyHandler {
  handleInput(input: string, key: Key): void;
  handleFunctionKey(name: "F1"): void;
}

export function useKeys(controller: KeyHandler): void {
  useInput((input, key) => controller.handleInput(input, key));
  // F1 reaches useInput as an empty input with no key flag, so it is recognised from the raw sequence.
  const { internal_eventEmitter: rawInput } = useStdin();
  useEffect(() => {
    const onRaw = (data: string) => {
      if (data === "\x1bOP" || data === "\x1b[11~") controller.handleFunctionKey("F1");
    };
    rawInput.on("input", onRaw);
    return () => void rawInput.off("input", onRaw);
  }, [rawInput, controller]);
}
