// Reading key presses from what the terminal delivers. Ink splits what it reads into escape sequences and
// runs of plain text; a run holds every key that reached the app in one read (a busy terminal or a slow SSH
// link joins them: "\t\r" is Tab then Enter, "/id:c18" is six keys). Each one is a key press of its own,
// handled in order against the state its predecessor left, so nothing is lost and nothing acts on a stale
// screen. A paste is text: inside bracketed-paste marks nothing is a key; without them, a run with a line
// break before its end is taken for a paste (its line breaks never send).
import type { Key } from "ink";

export interface KeyPress {
  input: string;
  key: Key;
  /**
   * Pasted text: typed into a field as it is. A paste the terminal marked is never keys; a chunk taken for a
   * paste (no marks) is keys where no field takes text, since it may be keys a slow link joined.
   */
  paste?: boolean;
  /** The terminal marked it as a paste (bracketed paste). */
  marked?: boolean;
  /** A function key Ink has no flag for. */
  fn?: "F1";
}

export const PASTE_START = "\x1b[200~";
export const PASTE_END = "\x1b[201~";
/** Focus reports (for notifications): never keys, never text. */
const FOCUS_REPORTS = new Set(["\x1b[I", "\x1b[O"]);

export function noKey(overrides: Partial<Key> = {}): Key {
  return {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
    ...overrides,
  } as Key;
}

/** One character of a run of text as the key it is. */
export function charPress(ch: string, meta = false): KeyPress | null {
  const code = ch.codePointAt(0)!;
  if (ch === "\r") return { input: "", key: noKey({ return: true, meta }) };
  if (ch === "\n") return { input: "j", key: noKey({ ctrl: true, meta }) };
  if (ch === "\t") return { input: "", key: noKey({ tab: true, meta }) };
  if (ch === "\x7f" || ch === "\b") return { input: "", key: noKey({ backspace: true, meta }) };
  if (ch === "\x1f") return { input: "_", key: noKey({ ctrl: true, meta }) };
  if (code >= 1 && code <= 26) return { input: String.fromCharCode(code + 96), key: noKey({ ctrl: true, meta }) };
  if (code < 32) return null;
  return { input: ch, key: noKey({ meta, shift: /^\p{Lu}$/u.test(ch) }) };
}

const CSI_LETTER: Record<string, Partial<Key>> = {
  A: { upArrow: true },
  B: { downArrow: true },
  C: { rightArrow: true },
  D: { leftArrow: true },
  H: { home: true },
  F: { end: true },
};
const CSI_TILDE: Record<string, Partial<Key>> = {
  "1": { home: true },
  "7": { home: true },
  "4": { end: true },
  "8": { end: true },
  "3": { delete: true },
  "5": { pageUp: true },
  "6": { pageDown: true },
};

/** An escape sequence (one event of Ink's) as a key press, or null when it is no key we know. */
export function sequencePress(seq: string): KeyPress | null {
  if (seq === "\x1b") return { input: "", key: noKey({ escape: true }) };
  if (seq === "\x1bOP" || seq === "\x1b[11~" || seq === "\x1b[[A") return { input: "", key: noKey(), fn: "F1" };
  // Alt held: ESC before the sequence (ESC ESC [A), or ESC before one character (ESC y, ESC Enter).
  const alt = seq.startsWith("\x1b\x1b");
  const body = alt ? seq.slice(1) : seq;
  // eslint-disable-next-line no-control-regex -- matching escape sequences is the point
  const csi = /^\x1b[[O]([0-9;]*)([A-Za-z~])$/.exec(body);
  if (csi) {
    const params = csi[1]!.split(";");
    const final = csi[2]!;
    const flags = final === "~" ? CSI_TILDE[params[0] ?? ""] : CSI_LETTER[final];
    if (!flags) return null;
    const modifier = Math.max(0, Number(params[1] ?? "1") - 1);
    return {
      input: "",
      key: noKey({
        ...flags,
        shift: Boolean(modifier & 1),
        meta: alt || Boolean(modifier & 10),
        ctrl: Boolean(modifier & 4),
      }),
    };
  }
  if (!alt && seq.length >= 2 && seq.startsWith("\x1b")) {
    const rest = seq.slice(1);
    if ([...rest].length === 1) return charPress(rest, true);
  }
  return null;
}

export class KeyReader {
  private pasting = false;
  private pasted = "";

  /** The key presses in one event of Ink's input parser, in order. */
  read(event: string): KeyPress[] {
    if (event === PASTE_START) {
      this.pasting = true;
      this.pasted = "";
      return [];
    }
    if (event === PASTE_END) {
      this.pasting = false;
      const text = this.pasted;
      this.pasted = "";
      return text ? [{ input: text, key: noKey(), paste: true, marked: true }] : [];
    }
    if (this.pasting) {
      if (!event.startsWith("\x1b")) this.pasted += event;
      return [];
    }
    if (FOCUS_REPORTS.has(event)) return [];
    // Two Escapes a busy terminal joined into one read are two presses (Alt+Esc, which sends the same, means nothing).
    if (event === "\x1b\x1b") return [sequencePress("\x1b")!, sequencePress("\x1b")!];
    if (event.startsWith("\x1b")) {
      const press = sequencePress(event);
      return press ? [press] : [];
    }
    if (/[\r\n]/.test(event.slice(0, -1))) return [{ input: event, key: noKey(), paste: true }];
    return textPresses(event);
  }
}

/** A run of text as the keys it is made of, one per character. */
export function textPresses(text: string): KeyPress[] {
  const presses: KeyPress[] = [];
  for (const ch of text) {
    const press = charPress(ch);
    if (press) presses.push(press);
  }
  return presses;
}
