// Grapheme clusters as Intl.Segmenter finds them, without starting ICU for text that does not need it. The first
// segmenter a process makes costs ~15 ms (ICU loading its break rules), and Ink tokenizes every line of the first
// frame into graphemes: text of fast code points (fast-code-points.ts) and the escape and bell characters of its
// styles is one grapheme per UTF-16 unit, split here; anything else goes to ICU, started on first use. Our text
// modules use this segmenter, and the bundle (scripts/bundle.js) gives it to Ink's text libraries in place of
// theirs; test/ui/graphemes.test.ts compares it with Intl.Segmenter.
import { isFast } from "./fast-code-points.js";

const ESCAPE = 0x1b;
const BELL = 0x07;

let icu: Intl.Segmenter | undefined;

/** Whether every UTF-16 unit of `text` is a grapheme of its own. */
function unitPerGrapheme(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isFast(code) && code !== ESCAPE && code !== BELL) return false;
  }
  return true;
}

/** The graphemes of text that is one grapheme per UTF-16 unit, as Intl.Segmenter's `segment` gives them. */
class UnitSegments implements Intl.Segments {
  constructor(private readonly text: string) {}

  containing(codeUnitIndex = 0): Intl.SegmentData | undefined {
    const index = Math.trunc(codeUnitIndex) || 0;
    return index >= 0 && index < this.text.length ? { segment: this.text[index]!, index, input: this.text } : undefined;
  }

  *[Symbol.iterator](): IterableIterator<Intl.SegmentData> {
    for (let index = 0; index < this.text.length; index++)
      yield { segment: this.text[index]!, index, input: this.text };
  }
}

/** The grapheme clusters of `text` with their indexes, as Intl.Segmenter's `segment` gives them. */
function segment(text: string): Intl.Segments {
  if (!unitPerGrapheme(text)) return (icu ??= new Intl.Segmenter(undefined, { granularity: "grapheme" })).segment(text);
  return new UnitSegments(text);
}

/** An Intl.Segmenter of grapheme granularity, as far as its users need one (`segment`, its iteration and `containing`). */
export const graphemeSegmenter = { segment };
