// The one input hook of an Ink app: every key press goes to the controller, which matches it against
// the key table.
import { useInput, useStdin } from "ink";
import type { Key } from "ink";
import { useEffect } from "react";

export interface KeyHandler {
  handleInput(input: string, key: Key): void;
  handleFunctionKey(name: "F1"): void;
}

/** Ctrl+letter bytes, but Tab, Ctrl+J and Enter, which a paste carries as text. */
// eslint-disable-next-line no-control-regex -- matching control bytes is the point
const CTRL_LETTER = /([\x01-\x08\x0b\x0c\x0e-\x1a])/;

/**
 * Keys that reach the app in one read (a busy terminal joins them: Ctrl+C twice becomes "\x03\x03") come to
 * useInput as one piece of text, and a Ctrl+letter in it would be lost. Split them back into key presses.
 */
export function splitKeys(input: string, key: Key): { input: string; key: Key }[] {
  if (input.length < 2 || !CTRL_LETTER.test(input)) return [{ input, key }];
  return input
    .split(CTRL_LETTER)
    .filter((part) => part !== "")
    .map((part) => (CTRL_LETTER.test(part) ? { input: String.fromCharCode(part.charCodeAt(0) + 96), key: { ...key, ctrl: true } } : { input: part, key }));
}

export function useKeys(controller: KeyHandler): void {
  useInput((input, key) => {
    for (const press of splitKeys(input, key)) controller.handleInput(press.input, press.key);
  });
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
