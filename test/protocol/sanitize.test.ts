import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { sanitizeLine, sanitizeText } from "../../src/protocol/sanitize.js";

// Nothing a terminal would act on may survive: C0 except \n, DEL, C1, ESC, bidi and zero-width characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

function expectClean(out: string): void {
  // A zero-width joiner between two emoji is part of the emoji (👨‍👩‍👧‍👦) and is allowed through.
  expect(
    out.replace(/(?<=[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}]|\uFE0F)\u200d(?=\p{Extended_Pictographic})/gu, ""),
  ).not.toMatch(FORBIDDEN);
  expect(out).not.toContain("\x1b");
}

describe("sanitizeText", () => {
  it("removes an OSC 52 clipboard write (BEL and ST terminated)", () => {
    const out = sanitizeText("hello \x1b]52;c;cm0gLXJmIH4=\x07world and \x1b]52;p;Zm9v\x1b\\done");
    expect(out).toBe("hello world and done");
    expectClean(out);
  });

  it("removes an OSC 0 title set", () => {
    expect(sanitizeText("my \x1b]0;pwned title\x07order")).toBe("my order");
  });

  it("removes clear-screen, cursor moves, SGR and the bell", () => {
    const out = sanitizeText("a\x1b[2Jb\x1b[Hc\x1b[10;20Hd\x1b[3Ae\x1b[?25lf\x1b[31mg\x07h");
    expect(out).toBe("abcdefgh");
    expectClean(out);
  });

  it("removes 8-bit C1 sequences (CSI 0x9b, OSC 0x9d, DCS 0x90)", () => {
    const out = sanitizeText("red\x9b31m text\x9d0;title\x9c and\x90q payload\x9c end\x85");
    expect(out).toBe("red text and end");
    expectClean(out);
  });

  it("removes two-character ESC sequences and stray ESC", () => {
    expect(sanitizeText("x\x1bcy\x1b7z\x1b(Bw\x1b")).toBe("xyzw");
  });

  it("swallows an unterminated OSC like a terminal would", () => {
    expect(sanitizeText("keep \x1b]52;c;AAAA")).toBe("keep ");
  });

  it("removes bidi overrides, isolates and marks, and zero-width characters", () => {
    const out = sanitizeText(
      "invoice \u202egpj.exe\u202c ok \u2066x\u2069 \u200eL\u200f \u061c a\u200bb\u200cc\u200dd\ufeff",
    );
    expect(out).toBe("invoice gpj.exe ok x L  abcd");
    expectClean(out);
  });

  it("keeps the zero-width joiner inside an emoji sequence, and only there", () => {
    expect(sanitizeText("family 👨\u200d👩\u200d👧\u200d👦 · 🧑\u200d💻")).toBe(
      "family 👨\u200d👩\u200d👧\u200d👦 · 🧑\u200d💻",
    );
    expect(sanitizeText("pay\u200dpal 👨\u200dx \u200d👩 👨\u200d\u200d👩")).toBe("paypal 👨x 👩 👨👩");
  });

  it("keeps newlines, expands tabs, normalises CR", () => {
    expect(sanitizeText("a\r\nb\rc\td\u2028e\u2029f")).toBe("a\nbc  d\ne\nf");
  });

  it("leaves ordinary text (including non-Latin scripts and emoji) unchanged", () => {
    const text = "Grüße, 你好, مرحبا 👋 — price $1,299.99\nline two";
    expect(sanitizeText(text)).toBe(text);
  });

  it("all the attacks in one customer message: visible words survive, no control byte", () => {
    const msg =
      "Hi\x1b]52;c;ZWNobyBoaQ==\x07 there\x1b]0;Support\x07, my\x1b[2J\x1b[H order\x1b[5;5H is\x07 \x9b31mlate\u202e!";
    const out = sanitizeText(msg);
    expectClean(out);
    expect(out).toBe("Hi there, my order is late!");
  });
});

describe("sanitizeLine", () => {
  it("turns newlines and tabs into single spaces, collapses and trims", () => {
    expect(sanitizeLine("  Jane\n\tDoe\r\n  \x1b[31mVIP\x1b[0m ")).toBe("Jane Doe VIP");
  });

  it("strips the same sequences as sanitizeText", () => {
    expect(sanitizeLine("\x1b]0;x\x07Order\u202e #12\x9b2J")).toBe("Order #12");
  });
});

// Random text, biased towards the dangerous pieces so that sequences actually occur.
const dangerous = fc.constantFrom(
  "\x1b",
  "[",
  "]",
  "\x07",
  "\x9b",
  "\x9c",
  "\x9d",
  "\x90",
  "\\",
  "\r",
  "\n",
  "\t",
  "\u202e",
  "\u2066",
  "\u200b",
  "\ufeff",
  "\u2028",
  "52;c;",
  "0;",
  "2J",
  "31m",
  "?25l",
  "P",
  "_",
  "^",
  "X",
  "a",
  " ",
);
const messy = fc
  .array(fc.oneof(dangerous, fc.string({ unit: "binary", maxLength: 4 })), { maxLength: 40 })
  .map((parts) => parts.join(""));

describe("sanitize properties", () => {
  it("no control byte survives, and sanitising is idempotent", () => {
    fc.assert(
      fc.property(messy, (s) => {
        const text = sanitizeText(s);
        const line = sanitizeLine(s);
        expectClean(text);
        expectClean(line);
        expect(line).not.toContain("\n");
        expect(sanitizeText(text)).toBe(text);
        expect(sanitizeLine(line)).toBe(line);
      }),
      { numRuns: 2000 },
    );
  });

  it("holds for arbitrary code points too", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 64 }), (s) => {
        const text = sanitizeText(s);
        expectClean(text);
        expect(sanitizeText(text)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});
