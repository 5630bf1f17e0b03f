// Text from customers must not break the layout (issue: emoji, CJK and right-to-left text in names, titles,
// the offer card and the thread). Frames are laid out at the terminal's real width and measured in cells.
import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import { FSI, PDI } from "../../src/ui/text/index.js";
import { linesWiderThan, screenLines } from "../helpers/ink-terminal.js";
import { conversation, customerMessage, offer, renderConsole, T0, welcome } from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

const FAMILY = "👨\u200d👩\u200d👧\u200d👦";
const MIXED = `שלום, مرحبا 你好世界 👋🏽${FAMILY}`;

let ui: Console | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

/** The cell columns at which a character appears in a line. */
function cellsOf(line: string, char: string): number[] {
  const at: number[] = [];
  let cells = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(line)) {
    if (segment === char) at.push(cells);
    cells += stringWidth(segment);
  }
  return at;
}

/** A session whose customer writes in four scripts, and an offer from another one, in a terminal of this size. */
async function mixedConsole(columns: number, rows: number): Promise<Console> {
  const c1 = conversation("c1", {
    title: MIXED,
    customer: { name: MIXED, authenticated: false },
    messages: [customerMessage(`${MIXED} ${MIXED} ${MIXED}\nsecond line of the same message`, T0)],
  });
  const o = offer("o1", "c2", { customerName: MIXED, title: MIXED, preview: [customerMessage(MIXED)] });
  const console = await renderConsole({ columns, rows, sized: true, welcome: welcome([c1], [o]) });
  await console.press("\x1b1");
  // The offer card lies over the top of the pane; the thread below it shows the session is open.
  await console.waitForFrame((f) => f.includes("second line of the same message"), "the session open");
  return console;
}

describe("customer text in emoji, CJK and right-to-left scripts", () => {
  for (const [columns, rows] of [
    [80, 24],
    [150, 45],
  ] as const) {
    it(`at ${columns}×${rows}: no line wider than the terminal, the header on the first line, the card's border intact over the pane`, async () => {
      ui = await mixedConsole(columns, rows);
      const frame = ui.frame();
      expect(linesWiderThan(frame, columns)).toEqual([]);
      // Nothing a terminal may draw wider than string-width counts: tmux draws 👋🏽 in four cells, not two,
      // which is what pushed the card's border onto a new line at 150×45.
      expect(screenLines(frame).join("\n")).not.toMatch(/[\u{1F3FB}-\u{1F3FF}]|\uFE0F/u);
      const lines = screenLines(frame);
      expect(lines.length).toBeLessThanOrEqual(rows - 1);
      // The status bar: presence, capacity, the offers pill and the connection on the first line.
      expect(lines[0]).toMatch(/^cc-agent {2}● Available {2}[▮▯]+ \d\/3 {2}.*online/);
      // The card: a top and a bottom border of the same cells, every row between with both side borders at them.
      const top = lines.findIndex((l) => l.includes("╭"));
      const bottom = lines.findIndex((l) => l.includes("╰"));
      expect(top).toBe(1);
      expect(bottom).toBeGreaterThan(top + 2);
      const left = cellsOf(lines[top]!, "╭")[0]!;
      const right = cellsOf(lines[top]!, "╮")[0]!;
      expect(cellsOf(lines[bottom]!, "╰")).toEqual([left]);
      expect(cellsOf(lines[bottom]!, "╯")).toEqual([right]);
      for (const line of lines.slice(top + 1, bottom)) expect(cellsOf(line, "│").slice(-2)).toEqual([left, right]);
      // The card is drawn over the pane: the composer still sits right above the footer.
      expect(lines.findLastIndex((l) => l.includes("╰"))).toBe(rows - 1 - 3);
    });
  }

  it("the family emoji stays one, right-to-left text is isolated, and the initials are whole graphemes", async () => {
    ui = await mixedConsole(150, 45);
    const text = screenLines(ui.frame()).join("\n");
    expect(text).toContain(FAMILY);
    expect(text).not.toContain("👨👩");
    // Skin tones are drawn at different widths by different terminals: the hand is shown without one.
    expect(text).not.toMatch(/[\u{1F3FB}-\u{1F3FF}]/u);
    expect(text).toContain(`${FSI}שלום, مرحبا 你好世界 👋${FAMILY}${PDI}`);
    // The customer's initials in the thread: the first letter, whole and isolated (not "Mم" or half an emoji).
    expect(text).toMatch(new RegExp(`\\d\\d:\\d\\d ${FSI}ש${PDI}: ${FSI}שלום`, "u"));
  });

  it("continuation lines of a message are indented under its first line", async () => {
    ui = await mixedConsole(80, 24);
    const lines = screenLines(ui.frame());
    const cellColumn = (line: string, text: string) => stringWidth(line.slice(0, line.indexOf(text)));
    const first = lines.findIndex((l) => /\d\d:\d\d .+: /.test(l) && l.includes(`${FSI}שלום`));
    const last = lines.findIndex((l) => l.includes("second line of the same message"));
    expect(first).toBeGreaterThan(0);
    expect(last).toBeGreaterThan(first + 1);
    const column = cellColumn(lines[first]!, `${FSI}שלום`);
    // The wrapped rest of the first paragraph, and the second paragraph, start where the text did.
    for (const line of lines.slice(first + 1, last + 1)) {
      const start = line.slice(line.indexOf("│") + 1).search(/\S/) + line.indexOf("│") + 1;
      expect(stringWidth(line.slice(0, start))).toBe(column);
    }
  });
});
