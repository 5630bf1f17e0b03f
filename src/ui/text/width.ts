// string-width with a fast path. Most of what a console draws — ASCII, Latin letters, punctuation, box drawing,
// blocks, shapes, arrows, CJK ideographs — is code points that are each a grapheme of their own and never part
// of an emoji sequence; their width is their East Asian Width. Only other text goes through string-width's
// grapheme segmenter and emoji tables, whose first use costs ~40 ms (ICU starting up, the emoji regex compiled):
// that would otherwise land in the console's first frame. The bundle (scripts/bundle.js) gives this to Ink and
// its text libraries in place of string-width; test/ui/width.test.ts checks every fast code point against it.
import stringWidth from "string-width";
import stripAnsi from "strip-ansi";
import { eastAsianWidth } from "get-east-asian-width";
import { isFast } from "./fast-code-points.js";

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
