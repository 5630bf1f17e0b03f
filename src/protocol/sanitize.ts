// Sanitising of untrusted text (customer messages, names, titles) before any client
// writes it to a terminal. Customer text must never be able to drive the terminal:
// set its title, write the clipboard (OSC 52), clear the screen, move the cursor,
// ring the bell, or reorder/hide what the rep reads (bidi overrides, zero-width chars).

// Escape sequences, removed as a whole so their parameters do not leak as visible junk.
// Order matters: the specific introducers come before the generic two-character form.
const ESCAPE_SEQUENCES = new RegExp(
  [
    // CSI, 7-bit (ESC [) and 8-bit (0x9b): parameters, intermediates, final byte.
    "(?:\\x1b\\[|\\x9b)[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]",
    // OSC (ESC ] / 0x9d), DCS (ESC P / 0x90), SOS (ESC X / 0x98), PM (ESC ^ / 0x9e),
    // APC (ESC _ / 0x9f): a string up to BEL or ST (ESC \ or 0x9c). Like a terminal,
    // an unterminated string swallows the rest of the text; CAN/SUB/ESC abort it.
    "(?:\\x1b[\\]PX^_]|[\\x90\\x98\\x9d\\x9e\\x9f])[^\\x07\\x18\\x1a\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)?",
    // Other ESC sequences: optional intermediates then a final byte (ESC c, ESC 7, ESC ( B, ESC # 8 ...).
    "\\x1b[\\x20-\\x2f]*[\\x30-\\x7e]",
  ].join("|"),
  "g",
);

// Every C0/C1 control except \n (tabs and CRs are converted before this runs), plus DEL.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/g;
// Bidi embeddings/overrides/isolates/marks, and zero-width or invisible format characters
// that can hide or reorder text (U+2060–U+2064: word joiner and invisible operators). A zero-width
// joiner between two emoji is kept: it makes one emoji of a sequence (👨‍👩‍👧‍👦, 🧑‍💻), and hides nothing.
const INVISIBLES =
  /[\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|(?<![\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}]|\uFE0F)\u200d|\u200d(?!\p{Extended_Pictographic})/gu;
const LINE_SEPARATORS = /[\u2028\u2029]/g;
// Quick test: pure printable text (the common case) needs no work.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_WORK = /[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** Sanitises a multi-line message body: keeps `\n`, turns tabs into 2 spaces, removes everything else that could control the terminal. */
export function sanitizeText(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  return text
    .replace(ESCAPE_SEQUENCES, "")
    .replace(/\r\n/g, "\n")
    .replace(/\t/g, "  ")
    .replace(LINE_SEPARATORS, "\n")
    .replace(CONTROLS, "") // also drops a lone \r, which would let text overwrite the line
    .replace(INVISIBLES, "");
}

/** Sanitises a one-line field (name, title, preview, notification): whitespace runs, newlines and tabs collapse to one space; trimmed. */
export function sanitizeLine(text: string): string {
  return sanitizeText(text).replace(/\s+/g, " ").trim();
}

// What JSON.stringify leaves raw that a terminal would act on: DEL and the C1 controls (0x9b is CSI), and the
// characters that reorder or hide text.
const JSON_UNSAFE = /[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * `value` as one line of JSON that is safe to print to a terminal: what JSON.stringify leaves raw and a terminal would
 * act on is written as a \uXXXX escape, so that the line parses back to exactly the same value.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
