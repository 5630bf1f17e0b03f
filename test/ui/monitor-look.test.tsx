// The monitor's look (issue: the selection as one plain bar, one severity scale, the monitor's proportions):
// raw frames with colour on, read for their escape sequences, and the frames' geometry at 80×24 and 150×45.
import chalk from "chalk";
import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import { makeTheme } from "../../src/ui/theme/theme.js";
import { ALICE, BOB, CAROL, renderMonitor, rowOf, SAM, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";
import { conversation, customerMessage, repMessage, stripSgr, T0 } from "../helpers/ui.js";

let ui: Monitor | undefined;
const chalkLevel = chalk.level;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
  chalk.level = chalkLevel;
});

/** The foreground colour code (e.g. "33") in force where `text` first starts in a raw line, or null. */
function colourAt(raw: string, text: string): string | null {
  const at = raw.indexOf(text);
  if (at < 0) throw new Error(`"${text}" is not in:\n${raw}`);
  let colour: string | null = null;
  // eslint-disable-next-line no-control-regex -- reading SGR sequences is the point
  for (const m of raw.slice(0, at).matchAll(/\x1b\[([0-9;]*)m/g)) {
    for (const code of (m[1] ?? "").split(";")) {
      if (/^(3[0-7]|9[0-7])$/.test(code)) colour = code;
      if (code === "39" || code === "0" || code === "") colour = null;
    }
  }
  return colour;
}

/** The raw line (escape sequences kept) whose text matches. */
function rawLine(frame: string, pattern: RegExp): string {
  const line = frame.split("\n").find((l) => pattern.test(stripSgr(l)));
  if (!line) throw new Error(`no line matching ${pattern} in:\n${stripSgr(frame)}`);
  return line;
}

const RED = "31";
const YELLOW = "33";

/** Conversations with the same sentiment on two rows, an alert, an unread count and a consultant. */
function conversations() {
  return [
    conversation("c1", {
      title: "Dana Kim",
      customer: { name: "Dana Kim", authenticated: true },
      sentiment: -1,
      alert: true,
      createdAt: T0 - 90_000,
      messages: [
        customerMessage("Hi, my parcel is late.", T0 - 85_000, { sentiment: 0 }),
        customerMessage("This is ridiculous, third time I ask!", T0 - 80_000, { sentiment: -3 }),
        repMessage("Sorry to hear that, let me look.", T0 - 75_000),
        customerMessage("I want a refund now.", T0 - 70_000, { sentiment: -1 }),
      ],
    }),
    conversation("c2", { title: "Tom Berg", sentiment: -1, alert: true, createdAt: T0 - 20_000 }),
    conversation("c3", { title: "Priya Nair", sentiment: 0, createdAt: T0 - 5_000 }),
    conversation("c4", {
      state: "waiting",
      ownerId: null,
      ownerName: null,
      lastOwnerId: "alice",
      title: "Kenny Smith",
      waitingUntil: T0 + 27 * 86_400_000,
    }),
  ];
}

describe("the selection is one plain bar (issue 16, defect 1)", () => {
  it("SPEC SV1: the selected row is inverse with no colour inside it, while the other rows keep their colours", async () => {
    chalk.level = 1;
    ui = await renderMonitor({ welcome: supervisorWelcome(conversations()), columns: 150, sized: true });
    const frame = await ui.waitForFrame((f) => f.includes("Kenny Smith"), "the table");
    const selected = rawLine(frame, /^› c1 /);
    // eslint-disable-next-line no-control-regex -- reading SGR sequences is the point
    const codes = [...selected.matchAll(/\x1b\[([0-9;]*)m/g)].flatMap((m) => (m[1] ?? "").split(";"));
    expect(codes).toContain("7");
    expect(codes.filter((c) => /^(3[0-8]|9[0-7]|4[0-8]|10[0-7])$/.test(c))).toEqual([]);
    // The same data on a row that is not selected is coloured: the alert red, the sentiment yellow.
    const other = rawLine(frame, /^. c2 /);
    expect(colourAt(other, "!")).toBe(RED);
    expect(colourAt(other, "▃ slightly negative")).toBe(YELLOW);
  });
});

describe("one severity scale (issue 16, design 5)", () => {
  it("SPEC SV3, SPEC S9: a sentiment has the same colour in the table, the preview's details and its thread; the alert mark is red; neutral messages go untagged", async () => {
    chalk.level = 1;
    ui = await renderMonitor({ welcome: supervisorWelcome(conversations()), columns: 150, rows: 45, sized: true });
    const frame = await ui.waitForFrame((f) => f.includes("c1 · Dana Kim"), "the preview of c1");
    // The table row of c2 (same sentiment as c1, not selected), c1's details and its message tag.
    expect(colourAt(rawLine(frame, /^. c2 /), "▃ slightly negative")).toBe(YELLOW);
    const details = rawLine(frame, /sentiment slightly negative !/);
    expect(colourAt(details, "sentiment slightly negative")).toBe(YELLOW);
    expect(colourAt(details, " !")).toBe(RED);
    expect(colourAt(rawLine(frame, /I want a refund now/), "[▃ slightly negative]")).toBe(YELLOW);
    // Very negative is act now: red.
    expect(colourAt(rawLine(frame, /third time I ask/), "[▁ very negative]")).toBe(RED);
    // Neutral is the usual: no tag.
    expect(stripSgr(frame)).toMatch(/DK: Hi, my parcel is late\.\s*$/m);
    expect(stripSgr(frame)).not.toContain("[▄ neutral]");
  });

  it("SPEC SV1: reps available 0/N with customers waiting, over capacity and RONA stand out in red in the header", async () => {
    chalk.level = 1;
    const users = [
      { ...ALICE, presence: "busy" as const },
      { ...BOB, presence: "rona" as const },
      { ...CAROL, used: 3, conversations: 3 },
      SAM,
    ];
    const open = conversation("c9", { state: "open", ownerId: null, ownerName: null, lastOwnerId: null });
    ui = await renderMonitor({ welcome: supervisorWelcome([open], { users }), columns: 150, sized: true });
    const frame = await ui.waitForFrame((f) => f.includes("c9"), "the table");
    // What needs acting on leads the line, so that a narrow terminal cuts the neutral counts first.
    const header = rawLine(frame, /^⚠ RONA 1 · over capacity 1 · ongoing /);
    expect(colourAt(header, "reps available 0/3")).toBe(RED);
    expect(colourAt(header, "over capacity 1")).toBe(RED);
    expect(colourAt(header, "⚠ RONA 1")).toBe(RED);
    await ui.press("T");
    const team = await ui.waitForFrame((f) => f.includes("longest wait"), "the team view");
    expect(colourAt(rawLine(team, /^Carol Tanaka/), "3/2 ▲ 1 over")).toBe(RED);
    ui.unmount();
    // At 80 columns the line is cut at its end: the warnings are still there.
    ui = await renderMonitor({ welcome: supervisorWelcome([open], { users }), columns: 80, sized: true });
    const narrow = await ui.waitForFrame((f) => f.includes("c9"), "the table at 80 columns");
    expect(stripSgr(rawLine(narrow, /RONA/))).toMatch(/^⚠ RONA 1 · over capacity 1 · ongoing 1 · open 1/);
    expect(colourAt(rawLine(team, /^Bob Okafor/), "⚠ RONA")).toBe(RED);
  });

  it("SPEC SV1: with nobody left out, reps available is information, not an alarm", async () => {
    chalk.level = 1;
    ui = await renderMonitor({ welcome: supervisorWelcome(conversations()), columns: 150, sized: true });
    const frame = await ui.waitForFrame((f) => f.includes("Kenny Smith"), "the table");
    expect(colourAt(rawLine(frame, /^ongoing /), "reps available")).not.toBe(RED);
  });

  it("SPEC SV1, SPEC S9: sorting by attention puts alert rows first, above a worse sentiment without an alert", async () => {
    const rows = [
      conversation("c1", { title: "Calm Worse", sentiment: -3, alert: false }),
      conversation("c2", { title: "Alerted", sentiment: -1, alert: true }),
      conversation("c3", { title: "Neutral One", sentiment: 0 }),
    ];
    ui = await renderMonitor({ welcome: supervisorWelcome(rows), columns: 150, sized: true });
    await ui.waitForFrame((f) => f.includes("Neutral One"), "the table");
    for (let i = 0; i < 6 && ui.store.getState().sort !== "sentiment"; i++) await ui.press("s");
    const frame = await ui.waitForFrame((f) => f.includes("sentiment↓"), "sorted by sentiment");
    const order = stripSgr(frame)
      .split("\n")
      .map((l) => /^. (c\d) /.exec(l)?.[1])
      .filter(Boolean);
    expect(order).toEqual(["c2", "c1", "c3"]);
  });
});

describe("the monitor's proportions (issue 16, design 9)", () => {
  it("SPEC SV1: an empty column is hidden, so the customer sits right after the rep; times are right-aligned", async () => {
    ui = await renderMonitor({ welcome: supervisorWelcome(conversations()), columns: 150, sized: true });
    const frame = stripSgr(await ui.waitForFrame((f) => f.includes("Kenny Smith"), "the table"));
    const header = frame.split("\n").find((l) => /^\s+id\s+state/.test(l))!;
    expect(header).not.toMatch(/\bwith\b/);
    expect(header).not.toMatch(/\bnew\b|\byou\b/);
    expect(header).toMatch(/rep\s+customer/);
    expect(stringWidth(header.slice(0, header.indexOf("customer")))).toBeLessThan(50);
    // Right-aligned: "27d left" and "1:30" end in the same cell, under the end of the title.
    const end = (line: string, text: string) => stringWidth(line.slice(0, line.indexOf(text) + text.length));
    expect(end(rowOf(frame, "c4"), "27d left")).toBe(end(rowOf(frame, "c1"), "1:30"));
    expect(end(rowOf(frame, "c1"), "1:30")).toBe(end(header, "time↓"));
  });

  it("SPEC SV3: the preview's thread follows its details with no empty rows between them", async () => {
    ui = await renderMonitor({ welcome: supervisorWelcome(conversations()), columns: 150, rows: 45, sized: true });
    const lines = stripSgr(await ui.waitForFrame((f) => f.includes("c1 · Dana Kim"), "the preview")).split("\n");
    const rep = lines.findIndex((l) => l.startsWith("Rep: Alice Moreau"));
    expect(rep).toBeGreaterThan(0);
    expect(lines[rep + 1]).toMatch(/DK: Hi, my parcel is late\./);
  });

  it("SPEC SV1: the team view draws capacity and the longest wait as meters that read without colour (NO_COLOR)", async () => {
    const open = conversation("c9", {
      state: "open",
      ownerId: null,
      ownerName: null,
      lastOwnerId: null,
      queuedAt: T0 - 150_000,
    });
    ui = await renderMonitor({
      welcome: supervisorWelcome([open]),
      columns: 80,
      sized: true,
      theme: makeTheme({ NO_COLOR: "1" }),
    });
    await ui.waitForFrame((f) => f.includes("c9"), "the table");
    await ui.press("T");
    const frame = stripSgr(await ui.waitForFrame((f) => f.includes("longest wait"), "the team view"));
    expect(frame).toMatch(/Alice Moreau\s+● Available\s+—\s+███░░░░░ 1\/3\s+1 /);
    expect(frame).toMatch(/Carol Tanaka\s+◐ Busy · at capacity\s+—\s+████████ 2\/2 full\s+2 /);
    expect(frame).toMatch(/General\s+1\s+████░░░░ 2:30\s+0\s+0/);
  });

  for (const [columns, rows] of [
    [80, 24],
    [150, 45],
  ] as const) {
    it(`SPEC SV1: at ${columns}×${rows} no line of the table, the preview or the team view is wider than the terminal`, async () => {
      const many = [
        ...conversations(),
        conversation("c5", {
          title: "A customer with a rather long name indeed",
          participants: ["bob"],
          consultants: ["carol"],
        }),
      ];
      ui = await renderMonitor({ welcome: supervisorWelcome(many), columns, rows, sized: true });
      const table = await ui.waitForFrame((f) => f.includes("c1 · Dana Kim"), "the table and preview");
      await ui.press("T");
      const team = await ui.waitForFrame((f) => f.includes("longest wait"), "the team view");
      for (const frame of [table, team]) {
        const lines = stripSgr(frame).split("\n");
        expect(lines.length).toBeLessThanOrEqual(rows);
        for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(columns);
      }
    });
  }
});
