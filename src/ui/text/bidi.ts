// Right-to-left text from customers, isolated so it cannot reorder what follows it on the line.
//
// A terminal that lays out bidirectional text (VTE, Konsole, mlterm) runs the Unicode bidi algorithm over
// each line: a Hebrew or Arabic name followed by " · General · 0:05" can pull the separator and the numbers
// into its run. Wrapping the untrusted text in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE (U+2068,
// U+2069) keeps it in a box of its own. The sanitiser removes every bidi control a customer sends
// (src/protocol/sanitize.ts), so the only isolates on screen are these, added after sanitising.
//
// Ink gives every grapheme at least one cell of its grid, and an isolate is a grapheme of its own that a
// terminal draws in no cell: written directly it would shift the rest of the row and clobber a border. So
// inside the React tree an isolate is a pair of invisible tag characters (U+E0021, U+E0022) fused to the
// first and last grapheme of the run — zero cells for Ink and for string-width alike — and the stream that
// carries Ink's frames to the terminal turns them into the real isolates (`restoreIsolates`).

import { graphemeSegmenter } from "./graphemes.js";

/** First strong isolate and pop directional isolate, as the terminal receives them. */
export const FSI = "\u2068";
export const PDI = "\u2069";

/** The in-tree markers: tag characters, which join the grapheme before them and take no cell. */
export const OPEN_MARK = "\u{E0021}";
export const CLOSE_MARK = "\u{E0022}";

// Strong right-to-left letters: Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic, their presentation
// forms, and the RTL scripts of the supplementary planes.
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]|[\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;
const MARKS = /[\u{E0021}\u{E0022}]/gu;

/** True when the text holds a right-to-left letter. */
export function hasRtl(text: string): boolean {
  return RTL.test(text);
}

/**
 * One line of untrusted text, isolated when it holds right-to-left letters (marked for `restoreIsolates`);
 * text without any is returned as it is. Cut and pad before isolating: the marks ride on graphemes.
 */
export function isolate(text: string): string {
  if (!hasRtl(text)) return text;
  const parts = [...graphemeSegmenter.segment(text)].map((s) => s.segment);
  if (parts.length === 0) return text;
  parts[0] = parts[0] + OPEN_MARK;
  parts[parts.length - 1] = parts[parts.length - 1] + CLOSE_MARK;
  return parts.join("");
}

/** Text without the in-tree marks (for text that leaves the screen: notifications, window titles). */
export function withoutMarks(text: string): string {
  return text.replace(MARKS, "");
}

/**
 * A frame as the terminal must receive it: each marked grapheme preceded by FSI (opening) or followed by
 * PDI (closing). Frames without marks (no right-to-left text on screen) pass through untouched.
 */
export function restoreIsolates(frame: string): string {
  if (!frame.includes(OPEN_MARK) && !frame.includes(CLOSE_MARK)) return frame;
  let out = "";
  for (const { segment } of graphemeSegmenter.segment(frame)) {
    if (!segment.includes(OPEN_MARK) && !segment.includes(CLOSE_MARK)) {
      out += segment;
      continue;
    }
    const bare = segment.replace(MARKS, "");
    out += (segment.includes(OPEN_MARK) ? FSI : "") + bare + (segment.includes(CLOSE_MARK) ? PDI : "");
  }
  return out;
}
