import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Key } from "ink";
import { BINDINGS, matchKey } from "../../src/ui/keys/bindings.js";
import { keysMarkdown } from "../../src/ui/keys/keys-doc.js";
import { noKey } from "../../src/ui/keys/key-reader.js";

const none: Key = noKey();

describe("key table", () => {
  it("docs/keys.md is generated from the bindings and up to date (run npm run docs:keys)", () => {
    expect(readFileSync(new URL("../../docs/keys.md", import.meta.url), "utf8")).toBe(keysMarkdown());
  });

  it("no key means two things in one mode", () => {
    const seen = new Map<string, string>();
    for (const b of BINDINGS)
      for (const mode of b.modes)
        for (const k of b.keys) {
          // A key may mean one thing while the field holds text and another when it is empty (Ctrl+K).
          const slot = `${mode} ${k}${b.whenText ? " with text" : ""}`;
          expect(seen.get(slot) ?? b.id, `${slot} is bound twice`).toBe(b.id);
          seen.set(slot, b.id);
        }
  });

  it("matches presses to commands per mode; ? is text in the composer", () => {
    expect(matchKey("y", { ...none, meta: true }, "composer")).toBe("accept");
    expect(matchKey("", { ...none, return: true }, "composer")).toBe("send");
    expect(matchKey("", { ...none, return: true, meta: true }, "composer")).toBe("newline");
    expect(matchKey("j", { ...none, ctrl: true }, "composer")).toBe("newline");
    expect(matchKey("?", none, "composer")).toBeNull();
    expect(matchKey("?", none, "home")).toBe("help");
    expect(matchKey("", { ...none, return: true }, "picker")).toBe("picker-select");
    expect(matchKey("J", none, "monitor")).toBe("mon-join");
    expect(matchKey("x", none, "composer")).toBeNull();
  });
});
