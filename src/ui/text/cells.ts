// Text measured the way a terminal draws it: in cells, one grapheme cluster at a time, East Asian wide
// characters and emoji taking two. Everything that cuts, pads or wraps text on screen goes through here,
// so a name in Chinese or a row of emoji never pushes a border or the header out of place.
import { graphemeSegmenter } from "./graphemes.js";
import stringWidth from "./width.js";

/** The grapheme clusters of a string: what a reader sees as one character (é, 👋, 👨‍👩‍👧‍👦, כּ). */
export function graphemes(text: string): string[] {
  const out: string[] = [];
  for (const { segment } of graphemeSegmenter.segment(text)) out.push(segment);
  return out;
}

/** Terminal cells a string takes (no line breaks expected). */
export function cellWidth(text: string): number {
  return stringWidth(text);
}

/** Cut to at most `width` cells, ending with `ellipsis` when something was cut; never splits a grapheme. */
export function truncate(text: string, width: number, ellipsis = "…"): string {
  if (width <= 0) return "";
  if (cellWidth(text) <= width) return text;
  const room = width - cellWidth(ellipsis);
  if (room < 0) return "";
  let used = 0;
  let out = "";
  for (const g of graphemes(text)) {
    const w = cellWidth(g);
    if (used + w > room) break;
    out += g;
    used += w;
  }
  return out + ellipsis;
}

/** Pad with spaces on the right to exactly `width` cells (text wider than that is returned as is). */
export function padEnd(text: string, width: number): string {
  const w = cellWidth(text);
  return w >= width ? text : text + " ".repeat(width - w);
}

/** Pad with spaces on the left to exactly `width` cells (text wider than that is returned as is). */
export function padStart(text: string, width: number): string {
  const w = cellWidth(text);
  return w >= width ? text : " ".repeat(width - w) + text;
}

/** Exactly `width` cells: cut with an ellipsis, or padded. */
export function fit(text: string, width: number): string {
  return padEnd(truncate(text, width), width);
}

/**
 * Wrap text to lines of at most `width` cells: at spaces where possible, inside a word (between graphemes)
 * when a word is wider than a line. Line breaks in the text stay line breaks; an empty line stays one.
 */
export function wrap(text: string, width: number): string[] {
  const max = Math.max(1, width);
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    if (cellWidth(paragraph) <= max) {
      lines.push(paragraph);
      continue;
    }
    let line = "";
    let used = 0;
    // Words with the spaces that follow them, so that a run of spaces is kept inside a line.
    for (const word of paragraph.match(/\S+\s*|\s+/g) ?? []) {
      const bare = word.trimEnd();
      const w = cellWidth(bare);
      if (used > 0 && used + w > max) {
        lines.push(line.trimEnd());
        line = "";
        used = 0;
      }
      if (w > max) {
        // A word longer than a line is broken between graphemes.
        for (const g of graphemes(bare)) {
          const gw = cellWidth(g);
          if (used + gw > max && used > 0) {
            lines.push(line);
            line = "";
            used = 0;
          }
          line += g;
          used += gw;
        }
        const spaces = word.slice(bare.length);
        line += spaces;
        used += spaces.length;
        continue;
      }
      line += word;
      used += cellWidth(word);
    }
    lines.push(line.trimEnd());
  }
  return lines;
}
