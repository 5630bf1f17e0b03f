// The one input hook of an Ink app: every key press the terminal delivers goes to the controller, in order,
// one at a time (src/ui/keys/key-reader.ts splits keys that arrive together). The controller reads the key
// table against the store's state as it is at that press, not as the screen was last rendered.
import { useStdin } from "ink";
import { useEffect, useRef } from "react";
import type { KeyPress } from "./key-reader.js";
import { KeyReader } from "./key-reader.js";

export interface KeyHandler {
  handlePress(press: KeyPress): void;
}

export function useKeys(controller: KeyHandler): void {
  const reader = useRef(new KeyReader()).current;
  const { internal_eventEmitter: input, setRawMode } = useStdin();
  useEffect(() => {
    setRawMode(true);
    return () => setRawMode(false);
  }, [setRawMode]);
  useEffect(() => {
    const onInput = (event: string) => {
      for (const press of reader.read(event)) controller.handlePress(press);
    };
    input.on("input", onInput);
    return () => void input.off("input", onInput);
  }, [input, reader, controller]);
}
