// Editing a text field from key presses, shared by every composer and filter of the console and the
// monitor. Pure: the text (or picker) after a press, or null when the press does not edit.
import type { Key } from "ink";

function navigation(key: Key): boolean {
  return (
    key.ctrl || key.meta || key.escape || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.tab
  );
}

/**
 * Backspace deletes a character, Ctrl+U clears, typed or pasted text is appended. A paste arrives as one
 * chunk: in a multi-line field its line breaks stay line breaks (and never send); in a one-line field
 * they become spaces.
 */
export function editText(current: string, input: string, key: Key, multiline: boolean): string | null {
  if (key.backspace || key.delete) return [...current].slice(0, -1).join("");
  if (key.ctrl && input === "u") return "";
  if (navigation(key) || input.length === 0) return null;
  return current + (multiline ? input.replace(/\r\n?/g, "\n") : input.replace(/[\r\n]+/g, " "));
}

/** A picker's filter after a press; 1–9 on an empty filter choose that row (`select`). */
export function editPicker<P extends { filter: string; index: number }>(
  picker: P,
  input: string,
  key: Key,
  itemCount: number,
): { picker: P; select: boolean } | null {
  if (/^[1-9]$/.test(input) && !navigation(key) && picker.filter === "") {
    const index = Number(input) - 1;
    return index < itemCount ? { picker: { ...picker, index }, select: true } : null;
  }
  const filter = editText(picker.filter, input, key, false);
  return filter === null ? null : { picker: { ...picker, filter, index: 0 }, select: false };
}
