// The customer CLI's prompt (node:readline) edits by grapheme cluster, as the console's line editor does (UX.md,
// "Width is counted in terminal cells, by grapheme cluster"): Backspace and Delete remove one whole grapheme — an
// emoji with its skin tone, a flag, a CJK character, e and its combining accent — and the cursor never stops inside
// one. readline itself goes by code point, leaving half a flag or a bare accent on the line.
import type { Interface } from "node:readline";
import { graphemes } from "../ui/text/index.js";

/** What readline keeps of the line being edited, and the methods its keys call (by these names, in every Node we run on). */
interface EditableLine {
  line: string;
  cursor: number;
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

/** Make `rl`'s Backspace, Delete and cursor moves work on whole graphemes. */
export function editByGrapheme(rl: Interface): void {
  const line = rl as unknown as EditableLine;
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
