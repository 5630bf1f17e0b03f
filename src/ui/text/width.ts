// string-width with a fast path. Most of what a console draws — ASCII, Latin letters, punctuation, box drawing,
// blocks, shapes, arrows, CJK ideographs — is code points that are each a grapheme of their own and never part
// of an emoji sequence; their width is their East Asian Width. Only other text goes through string-width's
// grapheme segmenter and emoji tables, whose first use costs ~40 ms (ICU starting up, the emoji regex compiled):
// that would otherwise land in the console's first frame. The bundle (scripts/bundle.js) gives this to Ink and
// its text libraries in place of string-width; test/ui/width.test.ts checks every fast code point against it.
import stringWidth from "string-width";
import stripAnsi from "strip-ansi";
import { eastAsianWidth } from "get-east-asian-width";

/** Code points measured without segmenting: printable, spacing, not joining their neighbours. */
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

function isFast(code: number): boolean {
  for (const [low, high] of FAST_RANGES) if (code >= low && code <= high) return true;
  return false;
}

const NARROW_AMBIGUOUS = { ambiguousAsWide: false };

/** Terminal cells of `text`, exactly as string-width counts them. */
export default function width(text: string, options?: Parameters<typeof stringWidth>[1]): number {
  if (options !== undefined) return stringWidth(text, options);
  // Styled text (every coloured line Ink measures) is measured without its escapes, as string-width does.
  const plain = text.includes("\x1b") || text.includes("\x9b") ? stripAnsi(text) : text;
  let total = 0;
  for (let i = 0; i < plain.length; i++) {
    const code = plain.charCodeAt(i);
    if (!isFast(code)) return stringWidth(plain);
    total += code <= 0x7e ? 1 : eastAsianWidth(code, NARROW_AMBIGUOUS);
  }
  return total;
}
