// The monitor's table with customer text in emoji, CJK and right-to-left scripts: columns measured in
// terminal cells stay aligned, and no line is wider than the terminal (issue 11, item 3).
import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import { FSI } from "../../src/ui/text/index.js";
import { linesWiderThan, screenLines } from "../helpers/ink-terminal.js";
import { renderMonitor, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";
import { conversation, T0 } from "../helpers/ui.js";

const MIXED = "שלום, مرحبا 你好世界 👋🏽👨\u200d👩\u200d👧\u200d👦 你好世界你好世界你好世界你好世界";

let ui: Monitor | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

/** The rest of a line from a cell column on. */
function fromCell(line: string, column: number): string {
  let cells = 0;
  for (const { segment, index } of new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(line)) {
    if (cells >= column) return line.slice(index);
    cells += stringWidth(segment);
  }
  return "";
}

describe("the monitor's table with customer text in any script", () => {
  it("keeps every column at the same cells in every row, and every line within the terminal", async () => {
    const conversations = [
      conversation("c1", { title: MIXED, customer: { name: MIXED, authenticated: false }, createdAt: T0 - 65_000 }),
      conversation("c2", { createdAt: T0 - 65_000 }),
    ];
    ui = await renderMonitor({ welcome: supervisorWelcome(conversations), columns: 160, rows: 40, sized: true });
    const frame = ui.frame();
    expect(linesWiderThan(frame, 160)).toEqual([]);
    const lines = screenLines(frame);
    const header = lines.find((l) => /\bcustomer\b.*\btime\b/.test(l))!;
    const timeColumn = stringWidth(header.slice(0, header.search(/\btime\b/)));
    const mixed = lines.find((l) => l.includes(" c1 "))!;
    const plain = lines.find((l) => l.includes(" c2 "))!;
    expect(mixed).toContain(`${FSI}שלום`);
    expect(fromCell(mixed, timeColumn)).toBe(fromCell(plain, timeColumn));
  });
});
