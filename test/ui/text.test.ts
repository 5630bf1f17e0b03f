// Text on a terminal: widths in cells by grapheme cluster and East Asian width, cutting, padding and wrapping
// by cells, right-to-left runs isolated, initials from whole graphemes (issue: text from customers).
import { describe, expect, it } from "vitest";
import stringWidth from "string-width";
import {
  bodyLines,
  cellWidth,
  field,
  FSI,
  fit,
  graphemes,
  initials,
  isolate,
  padEnd,
  PDI,
  restoreIsolates,
  truncate,
  withoutMarks,
  wrap,
} from "../../src/ui/text/index.js";

const FAMILY = "👨\u200d👩\u200d👧\u200d👦";
const WAVE = "👋🏽";
const MIXED = `שלום, مرحبا 你好世界 ${WAVE}${FAMILY}`;

/** What the terminal receives for a piece of the tree. */
const onScreen = (text: string) => restoreIsolates(text);

describe("cells", () => {
  it("counts CJK and emoji as two cells, a family emoji as one grapheme of two cells", () => {
    expect(cellWidth("你好世界")).toBe(8);
    expect(cellWidth(FAMILY)).toBe(2);
    expect(graphemes(FAMILY)).toEqual([FAMILY]);
    expect(cellWidth("שלום, مرحبا")).toBe(11);
  });

  it("truncates by cells without splitting a grapheme, the ellipsis included in the width", () => {
    expect(truncate("你好世界", 5)).toBe("你好…");
    expect(truncate(`ab${FAMILY}cd`, 4)).toBe("ab…");
    expect(truncate(`ab${FAMILY}cd`, 5)).toBe(`ab${FAMILY}…`);
    expect(truncate("short", 10)).toBe("short");
    for (let w = 1; w <= 30; w++) expect(cellWidth(truncate(MIXED, w))).toBeLessThanOrEqual(w);
  });

  it("pads to an exact cell count", () => {
    expect(padEnd("你好", 6)).toBe("你好  ");
    expect(cellWidth(fit(MIXED, 12))).toBe(12);
    expect(cellWidth(fit("ab", 12))).toBe(12);
  });

  it("wraps by cells at spaces, inside a word only when it is wider than a line, keeping line breaks", () => {
    expect(wrap("你好世界 你好世界", 8)).toEqual(["你好世界", "你好世界"]);
    expect(wrap("你好世界你好", 5)).toEqual(["你好", "世界", "你好"]);
    expect(wrap("one two\n\nthree", 20)).toEqual(["one two", "", "three"]);
    for (const line of wrap(MIXED.repeat(5), 13)) expect(cellWidth(line)).toBeLessThanOrEqual(13);
    expect(wrap(MIXED.repeat(5), 13).join("")).toContain(FAMILY);
  });
});

describe("right-to-left isolation", () => {
  it("isolates a run holding Hebrew or Arabic in FSI…PDI on the way to the terminal, and leaves other text alone", () => {
    expect(onScreen(isolate("שלום"))).toBe(`${FSI}שלום${PDI}`);
    expect(onScreen(`Dana · ${isolate("مرحبا بك")} · General`)).toBe(`Dana · ${FSI}مرحبا بك${PDI} · General`);
    expect(isolate("Dana Kim 你好")).toBe("Dana Kim 你好");
    expect(onScreen(isolate("ש"))).toBe(`${FSI}ש${PDI}`);
  });

  it("the marks take no cell in the tree, so Ink lays the row out as the terminal draws it", () => {
    const marked = isolate("שלום");
    expect(stringWidth(marked)).toBe(4);
    expect(graphemes(marked)).toHaveLength(4);
    expect(withoutMarks(marked)).toBe("שלום");
  });

  it("a customer cannot send an isolate or a mark of their own: sanitising removes both", () => {
    const hostile = `\u2068abc\u2069 \u{E0021}x\u{E0022} \u202eevil`;
    expect(onScreen(field(hostile))).toBe("abc x evil");
  });
});

describe("fields and bodies", () => {
  it("a field is sanitised, cut to its cells and isolated; the family emoji stays whole", () => {
    const f = field(MIXED, 20);
    expect(cellWidth(f)).toBeLessThanOrEqual(20);
    expect(onScreen(f).startsWith(FSI)).toBe(true);
    expect(onScreen(f).endsWith(PDI)).toBe(true);
    expect(field(`Kenny ${FAMILY}`)).toBe(`Kenny ${FAMILY}`);
  });

  it("skin-tone modifiers and emoji selectors, which terminals draw at different widths, are dropped", () => {
    expect(field(`hi ${WAVE} ❤️`)).toBe("hi 👋 ❤");
  });

  it("a message body wraps to the width with every line isolated on its own", () => {
    const lines = bodyLines(`${MIXED}\nsecond line`, 12);
    for (const line of lines) expect(cellWidth(line)).toBeLessThanOrEqual(12);
    expect(lines.at(-1)).toBe("second line");
    expect(onScreen(lines[0]!)).toMatch(new RegExp(`^${FSI}.*${PDI}$`, "u"));
  });
});

describe("initials", () => {
  it("are whole graphemes: two letters of one cased script, otherwise the first letter alone", () => {
    expect(initials("Alice Moreau")).toBe("AM");
    expect(initials("dana kim")).toBe("DK");
    expect(initials("Visitor 7")).toBe("V7");
    expect(initials("Иван Петров")).toBe("ИП");
    expect(initials("Mary مريم")).toBe("M");
    expect(initials("你好世界")).toBe("你");
    expect(onScreen(initials("שלום مرحبا"))).toBe(`${FSI}ש${PDI}`);
    expect(onScreen(initials(MIXED))).toBe(`${FSI}ש${PDI}`);
    expect(initials(FAMILY)).toBe(FAMILY);
    expect(initials("  ")).toBe("?");
  });
});
