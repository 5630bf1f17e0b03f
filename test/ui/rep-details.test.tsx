// The smaller things a rep notices (issue 11, item 9): a session pane that widens with the terminal, one time
// format on screen in the terminal's locale, the capacity override in words, and multi-line messages whose
// continuation lines sit under their first line.
import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import { setClockEnv } from "../../src/ui/text/index.js";
import { screenLines } from "../helpers/ink-terminal.js";
import { conversation, customerMessage, me, offer, renderConsole, repMessage, T0, welcome } from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
  setClockEnv(process.env);
});

const LONG = "Margaret Higginbotham-Worthington";

describe("the session pane's width", () => {
  it("widens with the terminal: a long title is whole at 200 columns, cut at 100, numbers and badges only at 80", async () => {
    const c1 = conversation("c1", { title: LONG });
    ui = await renderConsole({ columns: 200, rows: 30, sized: true, welcome: welcome([c1]) });
    const wide = screenLines(ui.frame());
    const border = (line: string) => stringWidth(line.slice(0, line.indexOf("│")));
    expect(border(wide[1]!)).toBeGreaterThanOrEqual(40);
    expect(wide.find((l) => l.startsWith("1 "))).toContain(LONG);
    ui.unmount();

    ui = await renderConsole({ columns: 100, rows: 24, sized: true, welcome: welcome([c1]) });
    const narrow = screenLines(ui.frame());
    expect(border(narrow[1]!)).toBe(27);
    const row = narrow.find((l) => l.startsWith("1 "))!;
    expect(row.slice(0, row.indexOf("│"))).toMatch(/^1 Margaret Higgin\S*… /);
    ui.unmount();

    // Below 100 columns the pane keeps the numbers, badges and alerts: the thread gets the room.
    ui = await renderConsole({ columns: 80, rows: 24, sized: true, welcome: welcome([c1]) });
    const collapsed = screenLines(ui.frame());
    expect(border(collapsed[1]!)).toBe(5);
    expect(collapsed.map((l) => l.slice(0, l.indexOf("│"))).join("\n")).not.toContain("Margaret");
    expect(collapsed.find((l) => l.startsWith("1 "))).toMatch(/^1 +│/);
  });
});

describe("one time format, the terminal's locale", () => {
  const o = offer("o1", "c9", { createdAt: T0 + 4 * 3600_000 + 4 * 60_000 });
  const c1 = conversation("c1", {
    messages: [customerMessage("Hello there", T0 + 4 * 3600_000 + 4 * 60_000)],
  });

  it("a 12-hour locale: the offer card and the thread both write 1:04 PM", async () => {
    setClockEnv({ LANG: "en_US.UTF-8", TZ: "UTC" });
    ui = await renderConsole({ welcome: welcome([c1], [o]) });
    await ui.press("\x1b1");
    const frame = await ui.waitForFrame((f) => f.includes("Hello there"), "the thread");
    expect(frame).toMatch(/for Alice Moreau · Nov 21, 2026, 1:04\sPM/);
    expect(frame).toMatch(/1:04\sPM V1: Hello there/);
    expect(frame).not.toMatch(/13:04|1:04:00/);
  });

  it("a 24-hour locale (and the POSIX one): both write 13:04", async () => {
    for (const env of [{ LANG: "en_GB.UTF-8" }, { LC_ALL: "C.UTF-8" }]) {
      setClockEnv(env);
      ui = await renderConsole({ welcome: welcome([c1], [o]) });
      await ui.press("\x1b1");
      const frame = await ui.waitForFrame((f) => f.includes("Hello there"), "the thread");
      expect(frame).toMatch(/for Alice Moreau · 21 Nov 2026, 13:04/);
      expect(frame).toContain("13:04 V1: Hello there");
      expect(frame).not.toMatch(/PM/);
      ui.unmount();
      ui = undefined;
    }
  });
});

describe("the header", () => {
  it("shows capacity as a meter that says how far a supervisor assigned past it", async () => {
    ui = await renderConsole({ welcome: welcome([], [], me({ used: 5, capacity: 3 })) });
    expect(ui.frame().split("\n")[0]).toContain("▮▮▮▮▮ 5/3 2 over");
  });

  it("within capacity the meter says used/total alone", async () => {
    ui = await renderConsole({ welcome: welcome([], [], me({ used: 2, capacity: 3 })) });
    const header = ui.frame().split("\n")[0]!;
    expect(header).toContain("▮▮▯ 2/3");
    expect(header).not.toContain("over");
  });
});

describe("multi-line messages", () => {
  it("continuation lines start under the first line's text, not under the time", async () => {
    const c1 = conversation("c1", { messages: [repMessage("first line\nsecond line\nthird line", T0)] });
    ui = await renderConsole({ welcome: welcome([c1]) });
    await ui.press("\x1b1");
    const lines = screenLines(await ui.waitForFrame((f) => f.includes("third line"), "the message"));
    const first = lines.find((l) => l.includes("You: first line"))!;
    const column = (line: string, text: string) => stringWidth(line.slice(0, line.indexOf(text)));
    expect(
      column(
        lines.find((l) => l.includes("second line"))!,
        "second line",
      ),
    ).toBe(column(first, "first line"));
    expect(
      column(
        lines.find((l) => l.includes("third line"))!,
        "third line",
      ),
    ).toBe(column(first, "first line"));
  });
});
