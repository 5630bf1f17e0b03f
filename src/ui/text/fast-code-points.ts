// Code points that are each a grapheme cluster of their own and never join a neighbour: most of what a console
// draws. Their width is their East Asian Width (width.ts) and each is a segment of its own (graphemes.ts), which
// spares the first frame string-width's emoji tables and ICU's segmenter (test/ui/width.test.ts and
// test/ui/graphemes.test.ts check both against the libraries).

/** Printable, spacing, not joining their neighbours. */
export const FAST_RANGES: readonly (readonly [number, number])[] = [
  [0x20, 0x7e], // ASCII
  [0xa1, 0xac], // Latin-1 (no-break space and soft hyphen left out)
  [0xae, 0x2ff], // Latin-1, Latin Extended-A/B, IPA, spacing modifier letters (combining marks start at 0x300)
  [0x2010, 0x2027], // dashes, quotes, bullets, ellipsis (zero-width and direction marks left out)
  [0x2030, 0x205e], // per mille, primes, more punctuation (word joiner and invisible operators left out)
  [0x20a0, 0x20c0], // currency
  [0x2100, 0x2bff], // letterlike, arrows, maths, technical, box drawing, blocks, shapes, dingbats
  [0x4e00, 0x9fff], // CJK unified ideographs
];

/** Whether `code` (a UTF-16 code unit or a code point) is in FAST_RANGES. */
export function isFast(code: number): boolean {
  for (const [low, high] of FAST_RANGES) if (code >= low && code <= high) return true;
  return false;
}
