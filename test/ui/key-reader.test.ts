// Keys that reach the app in one read are each a key press, in order.
import { describe, expect, it } from "vitest";
import { matchKey } from "../../src/ui/keys/bindings.js";
import { KeyReader } from "../../src/ui/keys/key-reader.js";

/** What the key table makes of each press of one of Ink's input events, in a mode. */
function read(events: string[], mode: Parameters<typeof matchKey>[2] = "composer"): string[] {
  const reader = new KeyReader();
  return events.flatMap((event) =>
    reader
      .read(event)
      .map((p) =>
        p.paste ? `paste:${p.input}` : (matchKey(p.fn === "F1" ? "\x1bOP" : p.input, p.key, mode) ?? p.input),
      ),
  );
}

describe("reading keys", () => {
  it("Tab and Enter in one read are two keys (Ink hands them over as one run of text)", () => {
    expect(read(["\t\r"], "confirm")).toEqual(["confirm-toggle", "confirm-yes"]);
  });

  it("typed text in one read is one key per character, Backspace and Enter included", () => {
    expect(read(["ab\x7f\r"])).toEqual(["a", "b", "edit-backspace", "send"]);
    expect(read(["/id:c18"], "monitor-filter")).toEqual(["/", "i", "d", ":", "c", "1", "8"]);
  });

  it("escape sequences: arrows with modifiers, Alt+letter, Alt+Backspace, Delete, Home/End, F1", () => {
    expect(
      read(["\x1b[D", "\x1b[1;5D", "\x1b[1;3C", "\x1bb", "\x1bf", "\x1b\x7f", "\x1b[3~", "\x1b[H", "\x1b[4~"]),
    ).toEqual([
      "edit-left",
      "edit-word-left",
      "edit-word-right",
      "edit-word-left",
      "edit-word-right",
      "edit-kill-alnum-word",
      "edit-delete",
      "edit-home",
      "edit-end",
    ]);
    expect(read(["\x1bOP"], "composer")).toEqual(["help"]);
    expect(read(["\x1f", "\x1a", "\x17", "\x15"])).toEqual([
      "edit-undo",
      "edit-undo",
      "edit-kill-word",
      "edit-kill-start",
    ]);
  });

  it("a bracketed paste is one piece of text, and focus reports are nothing", () => {
    expect(read(["\x1b[200~", "line 1\rline 2\r", "\x1b[201~", "\x1b[I", "\x1b[O"])).toEqual([
      "paste:line 1\rline 2\r",
    ]);
  });

  it("without paste marks, a run with a line break before its end is a paste", () => {
    expect(read(["one\rtwo"])).toEqual(["paste:one\rtwo"]);
  });
});
