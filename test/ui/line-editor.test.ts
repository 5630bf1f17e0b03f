// The line editor of every composer and filter, as a pure model: readline's habits.
import { describe, expect, it } from "vitest";
import type { EditCommand, LineEditor } from "../../src/ui/keys/line-editor.js";
import { edit, editorFor, insert, replaceText, submitted } from "../../src/ui/keys/line-editor.js";

/** Type text one key at a time, then run commands; the text with a | where the cursor is. */
function run(start: string, ...steps: (EditCommand | { type: string })[]): string {
  let editor: LineEditor = editorFor("", undefined);
  for (const ch of start) editor = insert(editor, ch, true);
  for (const step of steps)
    editor = typeof step === "string" ? edit(editor, step, true) : insert(editor, step.type, true);
  return `${editor.text.slice(0, editor.cursor)}|${editor.text.slice(editor.cursor)}`;
}
const left5: EditCommand[] = ["edit-left", "edit-left", "edit-left", "edit-left", "edit-left"];

describe("the line editor", () => {
  it("inserts at the cursor: hello world, Left ×5, X gives hello Xworld", () => {
    expect(run("hello world", ...left5, { type: "X" })).toBe("hello X|world");
  });

  it("moves by word (Alt+B, Alt+F), to either end of the line (Ctrl+A, Ctrl+E)", () => {
    expect(run("see you at 10:30", "edit-word-left")).toBe("see you at 10:|30");
    expect(run("see you at 10:30", "edit-word-left", "edit-word-left", "edit-word-left")).toBe("see you |at 10:30");
    expect(run("see you at", "edit-home", "edit-word-right")).toBe("see| you at");
    expect(run("see you at", "edit-home")).toBe("|see you at");
    expect(run("see you at", "edit-home", "edit-end")).toBe("see you at|");
  });

  it("deletes by character both ways, by word (Ctrl+W to a blank, Alt+Backspace letters and digits), to either end", () => {
    expect(run("abc", "edit-left", "edit-backspace")).toBe("a|c");
    expect(run("abc", "edit-home", "edit-delete")).toBe("|bc");
    expect(run("call me at foo.bar", "edit-kill-word")).toBe("call me at |");
    expect(run("call me at foo.bar", "edit-kill-alnum-word")).toBe("call me at foo.|");
    expect(run("hello world", ...left5, "edit-kill-start")).toBe("|world");
    expect(run("hello world", ...left5, "edit-kill-end")).toBe("hello |");
  });

  it("moves and deletes whole graphemes: an emoji with a skin tone is one character", () => {
    expect(run("ok 👋🏽", "edit-backspace")).toBe("ok |");
    expect(run("👨‍👩‍👧‍👦x", "edit-left", "edit-left")).toBe("|👨‍👩‍👧‍👦x");
  });

  it("Up and Down move between the lines of a message, keeping the column", () => {
    const lines = "first line\nsecond";
    expect(run(lines, "edit-up")).toBe("first |line\nsecond");
    expect(run(lines, "edit-up", "edit-down")).toBe("first line\nsecond|");
    expect(run(lines, "edit-up", "edit-home", "edit-down")).toBe("first line\n|second");
  });

  it("undo (Ctrl+Z) brings back each earlier state; a run of typed characters undoes at once", () => {
    expect(run("hello world", "edit-kill-word", "edit-undo")).toBe("hello world|");
    expect(run("hello world", "edit-undo")).toBe("hello |");
    let editor = replaceText(editorFor("draft", undefined), "");
    editor = edit(editor, "edit-undo", true);
    expect(editor.text).toBe("draft");
  });

  it("Up on an empty composer recalls what was sent, newest first; Down goes forward, then back to empty", () => {
    let editor = submitted(submitted(editorFor("", undefined), "first"), "second");
    expect(editor.text).toBe("");
    editor = edit(editor, "edit-up", true);
    expect(editor.text).toBe("second");
    editor = edit(editor, "edit-up", true);
    expect(editor.text).toBe("first");
    editor = edit(editor, "edit-down", true);
    expect(editor.text).toBe("second");
    editor = edit(editor, "edit-down", true);
    expect(editor.text).toBe("");
    // With text in the composer, Up on its only line recalls nothing.
    editor = insert(editor, "typing", true);
    expect(edit(editor, "edit-up", true).text).toBe("typing");
  });

  it("a one-line filter turns pasted line breaks into spaces; control bytes are never text", () => {
    expect(insert(editorFor("a", undefined), "b\r\nc", false).text).toBe("ab c");
    expect(insert(editorFor("a", undefined), "b\r\nc", true).text).toBe("ab\nc");
    expect(insert(editorFor("", undefined), "x\x1b[31my\x07", true).text).toBe("x[31my");
  });

  it("a text changed elsewhere (sent, cleared, set by a command) puts the cursor at its end and keeps history", () => {
    const editor = { ...submitted(editorFor("", undefined), "sent"), text: "ab", cursor: 1 };
    const changed = editorFor("xyz", editor);
    expect(changed.cursor).toBe(3);
    expect(changed.history).toEqual(["sent"]);
    expect(editorFor("ab", editor)).toBe(editor);
  });
});
