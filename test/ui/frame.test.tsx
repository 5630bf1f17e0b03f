// The console's fixed frame (issue 16): a status bar on the first row, the composer on the rows right above the
// footer, dialogs over the pane instead of pushing it, nothing wider than the terminal, and the selected session
// drawn as one plain bar.
import chalk from "chalk";
import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import {
  colourAt,
  conversation,
  customerMessage,
  event,
  KEYS,
  me,
  offer,
  renderConsole,
  repMessage,
  sgrCodes,
  stripSgr,
  T0,
  welcome,
} from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
const chalkLevel = chalk.level;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
  chalk.level = chalkLevel;
});

const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 150, rows: 45 },
];

async function twoSessions(size: { columns: number; rows: number }): Promise<Console> {
  const console = await renderConsole({
    ...size,
    sized: true,
    welcome: welcome([
      conversation("c1", {
        title: "Dana Kim",
        alert: true,
        sentiment: -3,
        messages: [customerMessage("My parcel never arrived and nobody answers the phone", T0)],
      }),
      conversation("c2", {
        title: "Marc Weber",
        customer: { name: "Marc Weber", authenticated: true },
        messages: [
          customerMessage("Hello! Can I change the delivery address of order 4471 before it ships tomorrow?", T0),
          repMessage("Of course. What is the new address?", T0 + 60_000),
        ],
      }),
    ]),
  });
  await console.press(KEYS.alt("2"));
  // Two new messages on the first session: an unread badge and the alert, while the second is selected.
  for (const text of ["Hello?", "Anyone?"])
    console.store.dispatch({
      type: "event",
      frame: event({ kind: "message", conversationId: "c1", message: customerMessage(text, T0 + 120_000) }),
    });
  await console.waitForFrame((f) => /^1 .*3!/m.test(stripSgr(f)), "the unread badge and alert on session 1");
  return console;
}

function lines(frame: string): string[] {
  return stripSgr(frame).split("\n");
}

describe("the console's frame", () => {
  for (const size of SIZES) {
    it(`at ${size.columns}×${size.rows}: status bar first, composer right above the footer, no line too wide`, async () => {
      ui = await twoSessions(size);
      // A thread longer than the screen: it ends on the row above the composer.
      for (let i = 1; i <= 40; i++)
        ui.store.dispatch({
          type: "event",
          frame: event({
            kind: "message",
            conversationId: "c2",
            message: customerMessage(`line ${i}`, T0 + 3_600_000),
          }),
        });
      const frame = await ui.waitForFrame((f) => f.includes("line 40"), "the thread");
      const rows = lines(frame);
      // One row shorter than the terminal; the footer's two rows are last.
      expect(rows.length).toBe(size.rows - 1);
      expect(rows[0]).toMatch(/^cc-agent {2}● Available {2}[▮▯]+ \d\/3 {2}online/);
      for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(size.columns);
      // The composer's bottom border is the row right above the footer (flash line, then the hints).
      const composerBottom = rows.findLastIndex((r) => r.includes("╰"));
      expect(composerBottom).toBe(rows.length - 3);
      expect(rows[composerBottom - 1]).toMatch(/│› /);
      expect(rows.at(-1)).toMatch(/F1 (help|more)\s*$/);
      // The thread ends on the row above the composer: no empty rows between it and the last message.
      expect(rows[composerBottom - 3]).toContain("line 40");
    });
  }

  it("below 100 columns the session pane keeps numbers, badges and alerts only", async () => {
    ui = await twoSessions({ columns: 80, rows: 24 });
    const rows = lines(ui.frame());
    expect(rows[2]).toMatch(/^1 3!\s*│/);
    expect(rows[3]).toMatch(/^2\s+│/);
    expect(rows.join("\n")).not.toMatch(/Dana Kim\s+2/);
  });

  it("a short thread starts under the details, not thirty rows below them", async () => {
    ui = await twoSessions({ columns: 150, rows: 45 });
    const rows = lines(await ui.waitForFrame((f) => f.includes("What is the new address?")));
    const summary = rows.findIndex((r) => r.includes("summary:"));
    expect(rows[summary + 1]).toContain("Hello! Can I change");
  });

  it("the offer card lies over the pane: the composer stays where it was", async () => {
    ui = await twoSessions({ columns: 150, rows: 45 });
    const before = lines(ui.frame());
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "offer", offer: offer("o1", "c9", { customerName: "Eve Mallory" }) }),
    });
    const frame = await ui.waitForFrame((f) => f.includes("◆ New conversation: Eve Mallory"), "the offer card");
    const after = lines(frame);
    expect(after.findLastIndex((r) => r.includes("╰"))).toBe(before.findLastIndex((r) => r.includes("╰")));
    // Drawn at the top of the pane, with one round border, over the details.
    expect(after[1]).toMatch(/│\s*╭─/);
    expect(after[2]).toContain("◆ New conversation: Eve Mallory");
    expect(after[0]).toContain("◆ 1 offer");
  });
});

describe("the status bar", () => {
  it("shows capacity as a meter, red and in words past the limit; the offers pill inverse", async () => {
    chalk.level = 1;
    ui = await renderConsole({
      columns: 150,
      rows: 45,
      sized: true,
      welcome: welcome([], [offer("o1", "c9")], me({ used: 4, capacity: 3 })),
    });
    const first = ui.frame().split("\n")[0]!;
    expect(stripSgr(first)).toMatch(/^cc-agent {2}● Available {2}▮▮▮▮ 4\/3 1 over {2} ◆ 1 offer {2} online/);
    expect(colourAt(first, "▮▮▮▮ 4/3 1 over")).toBe("31");
    // The codes between the meter and the pill's text turn inverse on.
    const pill = sgrCodes(first.slice(first.indexOf("1 over"), first.indexOf("◆ 1 offer")));
    expect(pill.flatMap((c) => c.split(";"))).toContain("7");
    ui.unmount();

    ui = await renderConsole({ columns: 150, rows: 45, sized: true, welcome: welcome([], [], me({ used: 2 })) });
    const within = ui.frame().split("\n")[0]!;
    expect(stripSgr(within)).toContain("▮▮▯ 2/3  online");
    expect(colourAt(within, "▮▮▯ 2/3")).toBeNull();
  });
});

describe("overlays at 80×24", () => {
  it("help over the offer card ends above the composer: its border is whole, nothing collides", async () => {
    ui = await twoSessions({ columns: 80, rows: 24 });
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "offer", offer: offer("o1", "c9", { customerName: "Eve Mallory" }) }),
    });
    await ui.waitForFrame((f) => f.includes("◆ New conversation: Eve Mallory"), "the offer card");
    await ui.press("\x1bOP");
    const rows = lines(await ui.waitForFrame((f) => f.includes("Help — type to filter"), "help"));
    const composer = rows.findIndex((r) => /│›/.test(r));
    expect(composer).toBe(rows.length - 4);
    expect(rows[composer - 1]).toMatch(/│ ╭─+╮$/);
    // Help's bottom border is right above it, and the offer card is still on top.
    expect(rows[composer - 2]).toMatch(/│ ╰─+╯$/);
    expect(rows[2]).toContain("◆ New conversation: Eve Mallory");
    for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(80);
  });
});

describe("the footer", () => {
  it("shows each hint as lazygit does: the key in the accent colour, a short dim word", async () => {
    chalk.level = 1;
    ui = await twoSessions({ columns: 150, rows: 45 });
    const frame = ui.frame();
    const last = frame.split("\n").at(-1)!;
    expect(colourAt(last, "Alt+T")).toBe("36");
    expect(colourAt(last, " transfer")).toBe("90");
    expect(stripSgr(last)).toMatch(/^Alt\+T transfer {2}Alt\+C conference {2}Alt\+E end .* F1 (help|more) *$/);
  });
});

describe("the selected session", () => {
  it("is one plain inverse bar: no colours of the row's own cells inside it", async () => {
    // Colours on, as in a terminal that has them.
    chalk.level = 1;
    ui = await twoSessions({ columns: 150, rows: 45 });
    const raw = ui.frame().split("\n");
    const selected = raw.find((r) => stripSgr(r).startsWith("2 Marc Weber"))!;
    // The bar runs from the start of the row to where inverse ends (SGR 27), right before the pane's border.
    const end = selected.indexOf("\x1b[27m");
    expect(end).toBeGreaterThan(0);
    const bar = selected.slice(0, end);
    expect(stripSgr(selected.slice(end)).startsWith("│")).toBe(true);
    const codes = sgrCodes(bar).flatMap((c) => c.split(";"));
    expect(codes).toContain("7");
    // No foreground (30–37, 90–97) or background (40–47, 100–107) colour inside the bar.
    expect(codes.filter((c) => /^(3[0-7]|9[0-7]|4[0-7]|10[0-7])$/.test(c))).toEqual([]);
    // The unselected row keeps its colours: the badge and the alert are still told apart.
    const other = raw.find((r) => stripSgr(r).startsWith("1 Dana Kim"))!;
    expect(sgrCodes(other).join(";")).toMatch(/3[16]/);
  });
});
