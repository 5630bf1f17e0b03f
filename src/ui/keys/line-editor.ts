// The line editor of every composer and filter of the console and the monitor, with the habits of readline
// (irssi, WeeChat, every shell): a cursor that moves by character (grapheme), by word, to either end of the
// line and between the lines of a message; deleting by character, by word and to either end; insertion at
// the cursor; undo; and, in a composer, the messages sent from it (Up on an empty composer). Pure.
import { graphemeSegmenter } from "../text/graphemes.js";

export interface LineEditor {
  text: string;
  /** In UTF-16 units, always between two graphemes. */
  cursor: number;
  /** Earlier states, newest last. */
  undo: { text: string; cursor: number }[];
  /** Typing continues one undo step (a run of typed characters undoes at once). */
  typing: boolean;
  /** What was sent from this composer, oldest first. */
  history: string[];
  /** While Up/Down walk the history: the entry shown. */
  recall: number | null;
}

export type EditCommand =
  | "edit-left"
  | "edit-right"
  | "edit-word-left"
  | "edit-word-right"
  | "edit-home"
  | "edit-end"
  | "edit-up"
  | "edit-down"
  | "edit-backspace"
  | "edit-delete"
  | "edit-kill-word"
  | "edit-kill-alnum-word"
  | "edit-kill-start"
  | "edit-kill-end"
  | "edit-undo";

const UNDO_DEPTH = 100;
const HISTORY_DEPTH = 50;

export const EMPTY_EDITOR: LineEditor = { text: "", cursor: 0, undo: [], typing: false, history: [], recall: null };

/**
 * The editor of a field whose text is `text`. When the text was changed elsewhere (sent, cleared, put back
 * after a refusal, set by a slash command), the cursor goes to its end; undo and history stay.
 */
export function editorFor(text: string, stored: LineEditor | undefined): LineEditor {
  if (!stored) return { ...EMPTY_EDITOR, text, cursor: text.length };
  if (stored.text === text) return stored;
  return { ...stored, text, cursor: text.length, typing: false, recall: null };
}

/** Grapheme boundaries of a text: 0, …, text.length. */
function boundaries(text: string): number[] {
  const out: number[] = [];
  for (const { index } of graphemeSegmenter.segment(text)) out.push(index);
  out.push(text.length);
  return out;
}

function previousBoundary(text: string, at: number): number {
  let last = 0;
  for (const b of boundaries(text)) {
    if (b >= at) break;
    last = b;
  }
  return last;
}

function nextBoundary(text: string, at: number): number {
  for (const b of boundaries(text)) if (b > at) return b;
  return text.length;
}

const isWordChar = (ch: string) => /[\p{L}\p{N}\p{M}_]/u.test(ch);
const isSpace = (ch: string) => /\s/u.test(ch);

/** Start of the word before the cursor: alphanumeric words (Alt+B, Alt+Backspace) or blank-separated (Ctrl+W). */
function wordStart(text: string, at: number, inWord: (ch: string) => boolean): number {
  let i = at;
  while (i > 0 && !inWord(text[i - 1]!)) i--;
  while (i > 0 && inWord(text[i - 1]!)) i--;
  return i;
}

function wordEnd(text: string, at: number): number {
  let i = at;
  while (i < text.length && !isWordChar(text[i]!)) i++;
  while (i < text.length && isWordChar(text[i]!)) i++;
  return i;
}

const lineStart = (text: string, at: number) => text.lastIndexOf("\n", at - 1) + 1;
function lineEnd(text: string, at: number): number {
  const end = text.indexOf("\n", at);
  return end < 0 ? text.length : end;
}

/** The same column (in graphemes) on another line, or its end. */
function columnOn(text: string, from: number, targetStart: number): number {
  const start = lineStart(text, from);
  const column = [...graphemeSegmenter.segment(text.slice(start, from))].length;
  const end = lineEnd(text, targetStart);
  let at = targetStart;
  for (let i = 0; i < column && at < end; i++) at = nextBoundary(text, at);
  return Math.min(at, end);
}

function moveTo(editor: LineEditor, cursor: number): LineEditor {
  return cursor === editor.cursor ? editor : { ...editor, cursor, typing: false };
}

/** A change of the text, remembered for undo. */
function change(editor: LineEditor, text: string, cursor: number, typing = false): LineEditor {
  if (text === editor.text) return moveTo(editor, cursor);
  const undo =
    typing && editor.typing
      ? editor.undo
      : [...editor.undo, { text: editor.text, cursor: editor.cursor }].slice(-UNDO_DEPTH);
  return { ...editor, text, cursor, undo, typing, recall: null };
}

function remove(editor: LineEditor, from: number, to: number): LineEditor {
  if (from === to) return editor;
  return change(editor, editor.text.slice(0, from) + editor.text.slice(to), from);
}

/**
 * Text typed or pasted at the cursor. A one-line field turns line breaks into spaces. A tab becomes two spaces, as
 * in a sent message (sanitizeText): drawn as a tab, it would jump to the terminal's next tab stop past the field.
 */
export function insert(editor: LineEditor, input: string, multiline: boolean): LineEditor {
  const clean = (multiline ? input.replace(/\r\n?/g, "\n") : input.replace(/[\r\n]+/g, " "))
    .replace(/\t/g, "  ")
    // eslint-disable-next-line no-control-regex -- control bytes are never text
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
  if (clean === "") return editor;
  const { text, cursor } = editor;
  const typing = [...clean].length === 1 && !isSpace(clean);
  return change(editor, text.slice(0, cursor) + clean + text.slice(cursor), cursor + clean.length, typing);
}

/** Up/Down: between the lines of a message; on an empty composer, or while recalling, through what was sent. */
function vertical(editor: LineEditor, direction: -1 | 1, multiline: boolean): LineEditor {
  const { text, cursor } = editor;
  if (multiline && editor.recall === null) {
    const start = lineStart(text, cursor);
    if (direction < 0 && start > 0) return moveTo(editor, columnOn(text, cursor, lineStart(text, start - 1)));
    const end = lineEnd(text, cursor);
    if (direction > 0 && end < text.length) return moveTo(editor, columnOn(text, cursor, end + 1));
  }
  if (!multiline || editor.history.length === 0) return editor;
  if (editor.recall === null && (direction > 0 || text !== "")) return editor;
  const at = (editor.recall ?? editor.history.length) + direction;
  if (at < 0) return editor;
  if (at >= editor.history.length) return { ...editor, text: "", cursor: 0, recall: null, typing: false };
  const recalled = editor.history[at]!;
  return { ...editor, text: recalled, cursor: recalled.length, recall: at, typing: false };
}

/** The editor after a command of the key table. */
export function edit(editor: LineEditor, command: EditCommand, multiline: boolean): LineEditor {
  const { text, cursor } = editor;
  switch (command) {
    case "edit-left":
      return moveTo(editor, previousBoundary(text, cursor));
    case "edit-right":
      return moveTo(editor, nextBoundary(text, cursor));
    case "edit-word-left":
      return moveTo(editor, wordStart(text, cursor, isWordChar));
    case "edit-word-right":
      return moveTo(editor, wordEnd(text, cursor));
    case "edit-home":
      return moveTo(editor, lineStart(text, cursor));
    case "edit-end":
      return moveTo(editor, lineEnd(text, cursor));
    case "edit-up":
      return vertical(editor, -1, multiline);
    case "edit-down":
      return vertical(editor, 1, multiline);
    case "edit-backspace":
      return remove(editor, previousBoundary(text, cursor), cursor);
    case "edit-delete":
      return remove(editor, cursor, nextBoundary(text, cursor));
    case "edit-kill-word":
      return remove(
        editor,
        wordStart(text, cursor, (ch) => !isSpace(ch)),
        cursor,
      );
    case "edit-kill-alnum-word":
      return remove(editor, wordStart(text, cursor, isWordChar), cursor);
    case "edit-kill-start": {
      const start = lineStart(text, cursor);
      // At the start of a line, Ctrl+U joins it to the line before (as the line break goes).
      return remove(editor, start === cursor && start > 0 ? start - 1 : start, cursor);
    }
    case "edit-kill-end": {
      const end = lineEnd(text, cursor);
      return remove(editor, cursor, end === cursor && end < text.length ? end + 1 : end);
    }
    case "edit-undo": {
      const previous = editor.undo[editor.undo.length - 1];
      if (!previous) return editor;
      return { ...editor, ...previous, undo: editor.undo.slice(0, -1), typing: false, recall: null };
    }
  }
}

/** `input` in place of the text between `from` and `to` (a template's placeholder), the cursor after it: one undo step. */
export function replaceRange(editor: LineEditor, from: number, to: number, input: string): LineEditor {
  const { text } = editor;
  return change(editor, text.slice(0, from) + input + text.slice(to), from + input.length);
}

/** The cursor moved to `at` (between two graphemes), the text unchanged. */
export function cursorTo(editor: LineEditor, at: number): LineEditor {
  return { ...editor, cursor: Math.max(0, Math.min(at, editor.text.length)), typing: false, recall: null };
}

/** The whole text replaced (cleared, set by a command), the cursor at its end; undo brings the old text back. */
export function replaceText(editor: LineEditor, text: string): LineEditor {
  return change(editor, text, text.length);
}

/** After sending: an empty composer that remembers what was sent. */
export function submitted(editor: LineEditor, sent: string): LineEditor {
  const history = editor.history[editor.history.length - 1] === sent ? editor.history : [...editor.history, sent];
  return { ...EMPTY_EDITOR, history: history.slice(-HISTORY_DEPTH) };
}
