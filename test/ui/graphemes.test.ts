// The console's grapheme segmenter (src/ui/text/graphemes.ts) splits text as Intl.Segmenter does, with or without
// ICU; the bundle gives it to Ink's text libraries.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FAST_RANGES } from "../../src/ui/text/fast-code-points.js";
import { graphemeSegmenter } from "../../src/ui/text/graphemes.js";

const icu = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const split = (segmenter: { segment(text: string): Iterable<Intl.SegmentData> }, text: string) =>
  [...segmenter.segment(text)].map(({ segment, index }) => [segment, index] as const);

describe("grapheme segmenter", () => {
  it("every fast code point, the escape and the bell are a grapheme of their own beside a letter and beside themselves", () => {
    // Grapheme breaks depend only on the classes of the characters either side; a class that joins anything
    // (Extend, ZWJ, SpacingMark, Prepend, Hangul jamo, regional indicators) joins a letter or itself.
    const joined: string[] = [];
    const units = FAST_RANGES.flatMap(([low, high]) => Array.from({ length: high - low + 1 }, (_, i) => low + i));
    for (const code of [...units, 0x1b, 0x07]) {
      const c = String.fromCharCode(code);
      if (split(icu, `a${c}a${c}${c}`).length !== 5) joined.push(`U+${code.toString(16)}`);
    }
    expect(joined).toEqual([]);
  });

  it("text of every kind splits as Intl.Segmenter splits it", () => {
    const pieces = fc.constantFrom(
      "a",
      "Omar ",
      "│─╭",
      "▯●⌂",
      "你好",
      "\x1b[31m",
      "\x1b]8;;https://example.com\x07",
      "👋🏽",
      "👨‍👩‍👧‍👦",
      "e\u0301",
      "\r\n",
      "🇸🇪",
      "한국어",
      "\u200d",
      "\ufe0f",
      "क्षि",
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 8 }), (parts) => {
        const text = parts.join("");
        expect(split(graphemeSegmenter, text)).toEqual(split(icu, text));
        // slice-ansi asks which grapheme holds a unit.
        const ours = graphemeSegmenter.segment(text);
        const theirs = icu.segment(text);
        for (const index of [-1, 0, 1, 2.5, Number.NaN, text.length - 1, text.length, text.length + 3]) {
          const held = (segments: Intl.Segments) => {
            const found = segments.containing(index);
            return found && [found.segment, found.index, found.input];
          };
          expect(held(ours)).toEqual(held(theirs));
        }
        expect(ours.containing()).toEqual(theirs.containing());
      }),
      { numRuns: 2000 },
    );
  });
});
