import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import { editPicker, editText } from "../../src/ui/keys/edit.js";

const none = {
  ctrl: false,
  meta: false,
  escape: false,
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  tab: false,
  backspace: false,
  delete: false,
} as Key;

describe("editing a text field", () => {
  it("SPEC L9: a pasted chunk keeps its line breaks in a composer and becomes one line in a filter", () => {
    expect(editText("a", "b\r\nc", none, true)).toBe("ab\nc");
    expect(editText("a", "b\r\nc", none, false)).toBe("ab c");
  });

  it("deletes whole characters, clears with Ctrl+U, ignores navigation", () => {
    expect(editText("ab😀", "", { ...none, backspace: true }, true)).toBe("ab");
    expect(editText("abc", "u", { ...none, ctrl: true }, true)).toBe("");
    expect(editText("abc", "", { ...none, upArrow: true }, true)).toBeNull();
    expect(editText("abc", "y", { ...none, meta: true }, true)).toBeNull();
  });

  it("a digit on an empty picker filter chooses that row, otherwise it filters", () => {
    const picker = { filter: "", index: 0 };
    expect(editPicker(picker, "2", none, 3)).toEqual({ picker: { filter: "", index: 1 }, select: true });
    expect(editPicker(picker, "7", none, 3)).toBeNull();
    expect(editPicker({ filter: "bo", index: 2 }, "b", none, 3)).toEqual({
      picker: { filter: "bob", index: 0 },
      select: false,
    });
  });
});
