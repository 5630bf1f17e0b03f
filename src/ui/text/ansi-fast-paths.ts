// Fast paths for the two steps of Ink's every frame that cost most in the console's first frame (a profile of
// `cc-agent` to its first frame: ~60 % of the render's time, and most of its garbage). The bundle
// (scripts/bundle.js) puts these in Ink's place; test/ui/ansi-fast-paths.test.ts checks that they give exactly what
// Ink's own code gives.
import { ansiCodesToString, diffAnsiCodes } from "@alcalzone/ansi-tokenize";
import type { AnsiCode, StyledChar } from "@alcalzone/ansi-tokenize";

const NO_STYLES: AnsiCode[] = [];

/** Whether two compound styles are the same codes in the same order (their difference is then no code at all). */
function sameStyles(a: readonly AnsiCode[], b: readonly AnsiCode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.code !== b[i]!.code || a[i]!.endCode !== b[i]!.endCode) return false;
  return true;
}

/**
 * A line of styled cells as text, as @alcalzone/ansi-tokenize's styledCharsToString writes it. That one works out
 * the difference between each cell's style and the last (three Sets and four arrays a cell: ~5,000 cells a frame at
 * 120×40); here a cell whose style is the one before adds its character alone, and only a change of style is worked
 * out, by the library's own functions.
 */
export function styledCharsToString(chars: readonly StyledChar[]): string {
  let text = "";
  let styles = NO_STYLES;
  for (const char of chars) {
    if (!sameStyles(styles, char.styles)) text += ansiCodesToString(diffAnsiCodes(styles, char.styles));
    text += char.value;
    styles = char.styles;
  }
  if (styles.length > 0) text += ansiCodesToString(diffAnsiCodes(styles, NO_STYLES));
  return text;
}

/** Text and SGR sequences (colours, bold…) only: what Ink's sanitizeAnsi returns unchanged. */
// eslint-disable-next-line no-control-regex -- escapes and C1 controls are what it looks for
const TEXT_AND_SGR = /^(?:[^\u001b\u0080-\u009f]|\u001b\[[\d:;]*m)*$/;

/**
 * Whether Ink's sanitizeAnsi would return `text` as it is. It tokenizes every text node that holds an escape — every
 * styled one — to drop what is not a style; text whose escapes are all styles has nothing to drop.
 */
export function onlyTextAndStyles(text: string): boolean {
  return TEXT_AND_SGR.test(text);
}
