// The one input hook of an Ink app: every key press goes to the controller, which matches it against
// the key table.
import { useInput, useStdin } from "ink";
import type { Key } from "ink";
import { useEffect, useRef } from "react";

export interface KeyHandler {
  handleInput(input: string, key: Key): void;
  handleFunctionKey(name: "F1"): void;
}

export interface KeyPress {
  input: string;
  key: Key;
}

/** Bracketed paste (the terminal marks a paste's start and end); terminal-app.ts turns it on. */
export const PASTE_START = "[200~";
export const PASTE_END = "[201~";

/** Ctrl+letter bytes and Backspace, but Tab, Ctrl+J and Enter, which a paste carries as text. */
// eslint-disable-next-line no-control-regex -- matching control bytes is the point
const CONTROL = /([\x01-\x08\x0b\x0c\x0e-\x1a\x7f])/;

/**
 * Reads key presses from what Ink hands over. Keys that reach the app in one read (a busy terminal or a slow
 * SSH link joins them: Ctrl+C twice is "\x03\x03", a word and Enter is "thanks\r") come to useInput as one
 * piece of text, so a Ctrl+letter or Backspace in it would be lost and Enter would become a line break. They
 * are split back into key presses. A paste is text: inside bracketed-paste marks nothing in it is a key, and
 * without them a chunk with a line break before its end is taken for a paste (its line breaks never send).
 */
export class KeyReader {
  private pasting = false;

  read(input: string, key: Key): KeyPress[] {
    if (input === PASTE_START || input === PASTE_END) {
      this.pasting = input === PASTE_START;
      return [];
    }
    if (this.pasting || input.length < 2) return [{ input, key }];
    const presses: KeyPress[] = [];
    for (const part of input.split(CONTROL)) {
      if (part === "") continue;
      if (part === "\x7f") presses.push({ input: "", key: { ...key, delete: true } });
      else if (CONTROL.test(part))
        presses.push({ input: String.fromCharCode(part.charCodeAt(0) + 96), key: { ...key, ctrl: true } });
      else if (part.endsWith("\r") && !/[\r\n]/.test(part.slice(0, -1))) {
        if (part.length > 1) presses.push({ input: part.slice(0, -1), key });
        presses.push({ input: "", key: { ...key, return: true } });
      } else presses.push({ input: part, key });
    }
    return presses;
  }
}

export function useKeys(controller: KeyHandler): void {
  const reader = useRef(new KeyReader()).current;
  useInput((input, key) => {
    for (const press of reader.read(input, key)) controller.handleInput(press.input, press.key);
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
