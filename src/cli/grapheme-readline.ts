// The customer CLI's prompt (node:readline) edits by grapheme cluster, as the console's line editor does (UX.md,
// "Width is counted in terminal cells, by grapheme cluster"): Backspace and Delete remove one whole grapheme — an
// emoji with its skin tone, a flag, a CJK character, e and its combining accent — and the cursor never stops inside
// one. readline itself goes by code point, leaving half a flag or a bare accent on the line. And its redraws start on
// the prompt's first row however long the message typed has grown (settlePrompt).
import type { Interface } from "node:readline";
import { graphemes } from "../ui/text/index.js";

/** What readline keeps of the line being edited, and the methods its keys call (by these names, in every Node we run on). */
interface EditableLine {
  line: string;
  cursor: number;
  /** The rows between the prompt's first row and the terminal's cursor, as readline last left them. */
  prevRows?: number;
  getCursorPos(): { rows: number; cols: number };
  _ttyWrite(s: string, key: unknown): void;
  _refreshLine(): void;
  _deleteLeft(): void;
  _deleteRight(): void;
  _moveCursor(dx: number): void;
}

/** The UTF-16 offsets where the graphemes of `text` start, and its end. */
function boundaries(text: string): number[] {
  const at = [0];
  for (const g of graphemes(text)) at.push(at[at.length - 1]! + g.length);
  return at;
}

/** The grapheme boundary at or before `index` (after it when `forward`). */
function snap(text: string, index: number, forward: boolean): number {
  const at = boundaries(text);
  if (forward) return at.find((b) => b >= index) ?? text.length;
  return at.findLast((b) => b <= index) ?? 0;
}

/**
 * Put the terminal's cursor where readline counts it and tell readline how many rows of the prompt are above it;
 * returns that number. readline redraws a line (after Backspace, Delete, a move, a line printed above the prompt) by
 * going up the rows it counted at its last redraw, but typing at the end of a line draws no more than the character:
 * once a message had wrapped, the redraw went up too few rows and left its first rows on screen. And a message that
 * fills its last row leaves the terminal's cursor waiting at that row's end, where readline counts it on the next
 * row: one cell written and taken back puts it there.
 */
export function settlePrompt(rl: Interface): number {
  const line = rl as unknown as EditableLine;
  const { rows, cols } = line.getCursorPos();
  if (rows > 0 && cols === 0) (rl as unknown as { output: NodeJS.WritableStream }).output.write(" \b");
  line.prevRows = rows;
  return rows;
}

/** Make `rl`'s Backspace, Delete and cursor moves work on whole graphemes, and its redraws start on the prompt's row. */
export function editByGrapheme(rl: Interface): void {
  const line = rl as unknown as EditableLine;
  const ttyWrite = line._ttyWrite.bind(line);
  line._ttyWrite = (s: string, key: unknown) => {
    settlePrompt(rl);
    ttyWrite(s, key);
  };
  const moveCursor = line._moveCursor.bind(line);
  line._deleteLeft = () => {
    if (line.cursor <= 0 || line.line.length === 0) return;
    const start = snap(line.line, line.cursor - 1, false);
    line.line = line.line.slice(0, start) + line.line.slice(line.cursor);
    line.cursor = start;
    line._refreshLine();
  };
  line._deleteRight = () => {
    if (line.cursor >= line.line.length) return;
    const end = snap(line.line, line.cursor + 1, true);
    line.line = line.line.slice(0, line.cursor) + line.line.slice(end);
    line._refreshLine();
  };
  // Left and Right ask for one code point, word moves for a word: either way, the cursor lands between graphemes.
  line._moveCursor = (dx: number) => {
    if (dx === 0) return moveCursor(0);
    const target = Math.max(0, Math.min(line.line.length, line.cursor + dx));
    moveCursor(snap(line.line, target, dx > 0) - line.cursor);
  };
}
