// The bundle writes Ink's frames with src/ui/text/ansi-fast-paths.ts in place of two of Ink's steps
// (scripts/bundle.js): each must give exactly the text Ink's own gives.
import {
  styledCharsFromTokens,
  styledCharsToString as inkStyledCharsToString,
  tokenize,
} from "@alcalzone/ansi-tokenize";
import type { StyledChar } from "@alcalzone/ansi-tokenize";
import { Chalk } from "chalk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import inkSanitizeAnsi from "../../node_modules/ink/build/sanitize-ansi.js";
import { onlyTextAndStyles, styledCharsToString } from "../../src/ui/text/ansi-fast-paths.js";

const chalk = new Chalk({ level: 3 });
const STYLES = [
  (t: string) => t,
  chalk.red,
  chalk.bold,
  chalk.dim,
  chalk.bold.dim,
  chalk.inverse,
  chalk.underline.cyan,
  chalk.bgBlue.white,
  chalk.hex("#ff8800"),
  chalk.bgHex("#123456").bold,
  chalk.gray.italic,
  (t: string) => `\x1b]8;;https://example.com/a\x07${t}\x1b]8;;\x07`,
  (t: string) => `\x1b[31m${t}\x1b[0m`,
  (t: string) => `\x1b[1;4m${t}\x1b[22m`,
];
const TEXT = fc.constantFrom("a", "Bo", " ", "你好", "👋🏽", "e\u0301", "│", "─·", "שלום", "9");

/** Styled text as Ink's text nodes hold it: runs of text, each in one of the styles above, nested at times. */
const styledText = fc
  .array(
    fc.tuple(fc.nat(STYLES.length - 1), fc.nat(STYLES.length - 1), fc.array(TEXT, { minLength: 1, maxLength: 4 })),
    { maxLength: 8 },
  )
  .map((runs) => runs.map(([outer, inner, text]) => STYLES[outer]!(STYLES[inner]!(text.join("")))).join(""));

describe("Ink's frame text, written by the fast paths", () => {
  it("a line of cells is the text Ink's styledCharsToString writes", () => {
    fc.assert(
      fc.property(fc.array(styledText, { minLength: 1, maxLength: 4 }), fc.nat(5), (texts, cut) => {
        // A line of a frame holds the cells of several text nodes side by side, some cut at the box's edge.
        const cells: StyledChar[] = texts.flatMap((text) => styledCharsFromTokens(tokenize(text)).slice(cut % 2));
        expect(styledCharsToString(cells)).toBe(inkStyledCharsToString(cells));
      }),
      { numRuns: 2000 },
    );
  });

  it("an empty line and a line of plain cells are written as Ink writes them", () => {
    expect(styledCharsToString([])).toBe("");
    const plain = styledCharsFromTokens(tokenize("plain text, 你好"));
    expect(styledCharsToString(plain)).toBe("plain text, 你好");
    const styled = styledCharsFromTokens(tokenize(chalk.red("a") + chalk.red("b") + "c"));
    expect(styledCharsToString(styled)).toBe("\x1b[31mab\x1b[39mc");
  });

  it("text that passes the sanitizer's fast path is what Ink's sanitizeAnsi returns for it", () => {
    const controls = fc.constantFrom(
      "\x1b[2J",
      "\x1b[?25l",
      "\x1b[3A",
      "\x1b[31<m",
      "\x1b]0;title\x07",
      "\x9b31m",
      "\x85",
      "\x1bP1$r\x1b\\",
      "\x1b[",
      "\x1b",
      "\x1b7",
    );
    const mixed = fc.array(fc.oneof(styledText, controls), { maxLength: 5 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(mixed, (text) => {
        if (onlyTextAndStyles(text)) expect(inkSanitizeAnsi(text)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  it("the sanitizer's fast path takes plain and styled text, and leaves anything else to Ink", () => {
    for (const text of [
      "",
      "plain",
      chalk.bold.red("Omar") + " · " + chalk.bgHex("#222222")("Billing"),
      "\x1b[1;38;2;1;2;3m",
    ])
      expect(onlyTextAndStyles(text)).toBe(true);
    for (const text of ["\x1b[2J", "a\x1b[?25lb", "\x1b]8;;https://x\x07x\x1b]8;;\x07", "\x9b31m", "\x1b[31"])
      expect(onlyTextAndStyles(text)).toBe(false);
  });
});
