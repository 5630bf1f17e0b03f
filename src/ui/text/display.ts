// Untrusted text made ready for a terminal cell grid: sanitised (no escape sequence, control byte or bidi
// override survives), emoji in a form every terminal draws at the width we measure, right-to-left runs
// isolated, and initials taken from whole graphemes.
import { sanitizeLine, sanitizeText } from "../../protocol/sanitize.js";
import { isolate } from "./bidi.js";
import { cellWidth, graphemes, truncate, wrap } from "./cells.js";

// Terminals disagree about three emoji forms, and a disagreement of even one cell wraps a bordered line:
// a skin-tone modifier (👋🏽: two cells in kitty or WezTerm, four in tmux, VTE and xterm), the emoji
// presentation selector after a text-default symbol (❤️: two cells or one) and the keycap combiner (1️⃣).
// Dropping them draws 👋, ❤ and 1, which every terminal draws at the width we count. Zero-width-joined
// sequences (👨‍👩‍👧‍👦, 🧑‍💻) are kept whole. Tag characters a customer sends outside a flag (U+E0020–U+E002F)
// go too: two of them mark isolates on their way to the terminal (./bidi.ts).
const UNSTABLE_EMOJI = /[\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E002F}]|\uFE0F|\u20E3/gu;

/** Emoji in the form every terminal draws at the width string-width counts. */
export function stableEmoji(text: string): string {
  return text.replace(UNSTABLE_EMOJI, "");
}

/** A one-line field (name, title, queue, preview) as it may be drawn: sanitised, stable, not yet isolated. */
export function plainLine(text: string): string {
  return stableEmoji(sanitizeLine(text));
}

/** A one-line field cut to `width` cells and isolated when it holds right-to-left text. */
export function field(text: string, width = Infinity): string {
  const line = plainLine(text);
  return isolate(Number.isFinite(width) ? truncate(line, width) : line);
}

/** A message body wrapped to `width` cells, each line isolated on its own (a terminal line is a paragraph). */
export function bodyLines(text: string, width: number): string[] {
  return wrap(stableEmoji(sanitizeText(text)), width).map(isolate);
}

/** How many lines a message body takes at `width` cells. */
export function bodyHeight(text: string, width: number): number {
  return wrap(stableEmoji(sanitizeText(text)), width).length;
}

const LETTER = /^[\p{L}\p{N}]/u;
const SCRIPTS = [
  /\p{Script=Latin}/u,
  /\p{Script=Greek}/u,
  /\p{Script=Cyrillic}/u,
  /\p{Script=Armenian}/u,
  /\p{Script=Georgian}/u,
  /\p{Script=Hebrew}/u,
  /\p{Script=Arabic}/u,
  /\p{Script=Han}/u,
  /[\p{Script=Hiragana}\p{Script=Katakana}]/u,
  /\p{Script=Hangul}/u,
  /\p{Script=Devanagari}/u,
  /\p{Script=Thai}/u,
];
function scriptOf(grapheme: string): number {
  return SCRIPTS.findIndex((re) => re.test(grapheme));
}

/**
 * Initials for a name, as whole graphemes: the first letter (or digit) of the first and of the last word when
 * both are of one cased script ("Alice Moreau" → "AM", "Visitor 7" → "V7"), otherwise the first letter alone
 * ("Mary مريم" → "M", "你好世界" → "你"); a name without letters gives its first grapheme whole (👨‍👩‍👧‍👦 stays
 * one). Isolated when right-to-left.
 */
export function initials(name: string): string {
  const words = plainLine(name).split(" ").filter(Boolean);
  const firsts = words.map((w) => graphemes(w).find((g) => LETTER.test(g))).filter((g) => g !== undefined);
  if (firsts.length === 0) {
    const first = words[0] ? graphemes(words[0])[0] : undefined;
    return first ?? "?";
  }
  const a = firsts[0]!;
  const b = firsts.length > 1 ? firsts[firsts.length - 1]! : undefined;
  // A letter without case (Hebrew, Arabic, Han) stands alone; a digit pairs with anything ("Visitor 1" → "V1").
  const uncasedLetter = (g: string) => /^\p{L}/u.test(g) && g.toUpperCase() === g.toLowerCase();
  const conflict = b !== undefined && scriptOf(a) >= 0 && scriptOf(b) >= 0 && scriptOf(a) !== scriptOf(b);
  const pair = b !== undefined && !uncasedLetter(a) && !uncasedLetter(b) && !conflict;
  return isolate((pair ? a + b : a).toUpperCase());
}

/** A one-line field in exactly `width` cells: cut, isolated, then padded (the padding outside the isolate). */
export function fitField(text: string, width: number): string {
  const cut = truncate(plainLine(text), width);
  return isolate(cut) + " ".repeat(Math.max(0, width - cellWidth(cut)));
}
