// The fast path of the console's text width gives what string-width gives, code point by code point and in mixes.
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { FAST_RANGES } from "../../src/ui/text/fast-code-points.js";
import width from "../../src/ui/text/width.js";

describe("text width", () => {
  it("every code point of the fast ranges measures as string-width measures it", () => {
    const differ: string[] = [];
    for (const [low, high] of FAST_RANGES)
      for (let code = low; code <= high; code++) {
        const ch = String.fromCodePoint(code);
        if (width(ch) !== stringWidth(ch)) differ.push(`U+${code.toString(16)}: ${width(ch)} ≠ ${stringWidth(ch)}`);
      }
    expect(differ).toEqual([]);
  });

  it("mixed text, emoji, combining marks, ANSI escapes and options measure as string-width measures them", () => {
    const samples = [
      "",
      "Visitor 1 · visitor · General",
      "● Available  ▮▮▯ 2/3  online",
      "⌂ Home │ ─── ╭╮╰╯ ◦0:19 ▶",
      "你好世界 Kenny",
      "👋🏽 hi",
      "👨‍👩‍👧‍👦",
      "e\u0301",
      "שלום, مرحبا",
      "\x1b[31mred\x1b[39m",
      "\x1b[1mcc-agent\x1b[22m  \x1b[32m● Available\x1b[39m  ▯▯▯ 0/3  \x1b[90monline\x1b[39m",
      "\x1b[7m▸ Open work items\x1b[27m · \x1b]8;;https://example.com\x07link\x1b]8;;\x07",
      "\x1b[33m👋🏽\x1b[39m 你好 \u009b31mx",
      "a\tb",
      "한국어",
      "#\uFE0F\u20E3",
      "↔\uFE0F",
      "x\u200Dy",
      "¡Olá! — “quoted” …",
    ];
    for (const text of samples) expect(width(text), JSON.stringify(text)).toBe(stringWidth(text));
    expect(width("±", { ambiguousIsNarrow: false })).toBe(stringWidth("±", { ambiguousIsNarrow: false }));
  });

  it("random strings drawn from the fast ranges and a few joiners measure as string-width measures them", () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const extras = [0x300, 0x200d, 0xfe0f, 0x1f44b, 0x1f3fd, 0xad, 0x9, 0x1100, 0x1161];
    const escapes = ["\x1b[31m", "\x1b[39m", "\x1b[1m", "\x1b[38;5;208m", "\x1b[0m", "\x1b"];
    for (let n = 0; n < 2000; n++) {
      let text = "";
      const length = 1 + Math.floor(random() * 8);
      for (let i = 0; i < length; i++) {
        const roll = random();
        if (roll < 0.1) text += String.fromCodePoint(extras[Math.floor(random() * extras.length)]!);
        else if (roll < 0.2) text += escapes[Math.floor(random() * escapes.length)]!;
        else {
          const [low, high] = FAST_RANGES[Math.floor(random() * FAST_RANGES.length)]!;
          text += String.fromCodePoint(low + Math.floor(random() * (high - low + 1)));
        }
      }
      expect(width(text), JSON.stringify(text)).toBe(stringWidth(text));
    }
  });
});
