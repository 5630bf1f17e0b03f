// The monitor's live figures (`F`, issue 15): each queue now and over the last hour with its charts, and the reps'
// occupancy, at 150×45 and 80×24, without colour (NO_COLOR) and said in words (screen reader). The figures come
// from a fake server answer whose series are chosen here; every cell expected is worked out by hand.
import chalk from "chalk";
import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import type { Figures, QueueFigures } from "../../src/protocol/views.js";
import { localMidnight } from "../../src/ui/text/index.js";
import { makeTheme } from "../../src/ui/theme/theme.js";
import { renderMonitor, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";
import { conversation, stripSgr, T0 } from "../helpers/ui.js";

let ui: Monitor | undefined;
const chalkLevel = chalk.level;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
  chalk.level = chalkLevel;
  delete process.env.INK_SCREEN_READER;
});

/** 60 minutes: `tail` are the last ones, the rest `fill`. */
function series<T>(fill: T, tail: T[]): T[] {
  return [...new Array<T>(60 - tail.length).fill(fill), ...tail];
}

const GENERAL: QueueFigures = {
  queueId: "general",
  answered: 6,
  abandoned: 1,
  serviceLevel: 71.4,
  asaSeconds: 24.5,
  // The server started 11 minutes ago: nothing known before.
  arrivals: [...new Array<number | null>(49).fill(null), ...series(0, [0, 1, 2, 4]).slice(49)],
  waiting: [...new Array<number | null>(49).fill(null), ...series(0, [1, 2, 1]).slice(49)],
  serviceLevels: series<number | null>(null, [100, 50, 0]),
};
const BILLING: QueueFigures = {
  queueId: "billing",
  answered: 0,
  abandoned: 0,
  serviceLevel: null,
  asaSeconds: null,
  arrivals: series(0, []),
  waiting: series(0, []),
  serviceLevels: series(null, []),
};
const FIGURES: Figures = {
  at: T0,
  since: T0 - 59 * 60_000,
  queues: [GENERAL, BILLING],
  reps: [
    { repId: "alice", occupancy: 87.5, today: { since: T0 - 9 * 3_600_000, accepted: 4, ended: 3, transferred: 1 } },
    { repId: "bob", occupancy: null, today: { since: T0 - 9 * 3_600_000, accepted: 0, ended: 0, transferred: 0 } },
    { repId: "carol", occupancy: 100 },
  ],
};

/** One customer waiting in General for 2:15. */
const WAITING = [
  conversation("c1", {
    title: "Dana Kim",
    state: "open",
    ownerId: null,
    participants: [],
    queueId: "general",
    createdAt: T0 - 135_000,
    queuedAt: T0 - 135_000,
  }),
];

async function showFigures(options: { columns: number; rows: number; noColor?: boolean }): Promise<string> {
  ui = await renderMonitor({
    welcome: supervisorWelcome(WAITING),
    columns: options.columns,
    rows: options.rows,
    sized: true,
    theme: makeTheme(options.noColor ? { NO_COLOR: "1" } : {}),
  });
  ui.client.responses.figures = { figures: FIGURES };
  await ui.waitForFrame((f) => f.includes("Dana Kim"), "the table");
  await ui.press("F");
  return ui.waitForFrame((f) => f.includes("Occupancy"), "the live figures");
}

const lines = (frame: string) => stripSgr(frame).split("\n");
/** The raw line (escape sequences kept) whose text matches. */
function rawLine(frame: string, pattern: RegExp): string {
  const line = frame.split("\n").find((l) => pattern.test(stripSgr(l)));
  if (!line) throw new Error(`no line matching ${pattern} in:\n${stripSgr(frame)}`);
  return line;
}

// Arrivals: blank before the server started, then 0 ×8 and 1, 2, 4 of most 4: nothing is the lowest block,
// 1 + round(share × 6) the others: ▄ (1.5→2), ▅ (3), █ (6).
const ARRIVALS = `  arrivals ${" ".repeat(49)}${"▁".repeat(8)}▄▅█ most 4`;
// Waiting: blank before the server started, then 0 ×8 and 1, 2, 1 of most 2: ▅ (3), █ (6), ▅.
const WAITING_CHART = `  waiting  ${" ".repeat(49)}${"▁".repeat(8)}▅█▅ most 2`;
// Service level of 100: blank where nothing was answered or abandoned, then 100 █, 50 ▅ (1 + 3), 0 ▁.
const SERVICE = `  service  ${" ".repeat(57)}█▅▁ low 0%`;

describe("the live figures (F)", () => {
  it("issue 15: at 150×45 each queue now and over the last hour with its charts, and each rep's occupancy", async () => {
    const frame = await showFigures({ columns: 150, rows: 45 });
    const text = lines(frame);
    expect(text).toContain("General  1 waiting · longest 2:15");
    expect(text).toContain("  last hour: answered 6 · abandoned 1 · service level 71.4% · ASA 24.5s");
    expect(text).toContain(ARRIVALS);
    expect(text).toContain(WAITING_CHART);
    expect(text).toContain(SERVICE);
    expect(text).toContain("Billing  0 waiting · longest —");
    expect(text).toContain("  last hour: answered 0 · abandoned 0 · service level — · ASA —");
    expect(text).toContain(`  service  ${" ".repeat(60)} low —`);
    // Occupancy as a meter of 20: 87.5 % is 17.5 → 18 full blocks.
    // Then the rep's figures of the day, as the server counts them (none from a server that did not say).
    expect(text).toContain(`Occupancy     last hour${" ".repeat(25)}  today`);
    expect(text).toContain(
      `Alice Moreau  ${"█".repeat(18)}${"░".repeat(2)} 87.5%          4 accepted · 3 ended · 1 transferred`,
    );
    expect(text).toContain(`Bob Okafor    ${"░".repeat(20)} not signed in  0 accepted · 0 ended · 0 transferred`);
    expect(text).toContain(`Carol Tanaka  ${"█".repeat(20)} 100%`);
    expect(text.find((l) => l.startsWith("Carol Tanaka"))).not.toContain("today");
    for (const line of text) expect(stringWidth(line)).toBeLessThanOrEqual(150);
  });

  it("issue 15: at 80×24 everything fits, no line wider than the terminal", async () => {
    const frame = await showFigures({ columns: 80, rows: 24 });
    const text = lines(frame);
    expect(text.length).toBeLessThanOrEqual(24);
    for (const line of text) expect(stringWidth(line)).toBeLessThanOrEqual(80);
    // 11 cells of label, 60 of chart, the note: all 60 minutes fit in 80 columns.
    expect(text).toContain(ARRIVALS);
    expect(text).toContain(SERVICE);
    expect(text).toContain("  last hour: answered 6 · abandoned 1 · service level 71.4% · ASA 24.5s");
    expect(text.some((l) => l.startsWith("Carol Tanaka"))).toBe(true);
    // The meter gives up cells (14 of 20) so that the day's three figures are whole.
    expect(text).toContain(
      `Alice Moreau  ${"█".repeat(12)}${"░".repeat(2)} 87.5%          4 accepted · 3 ended · 1 transferred`,
    );
  });

  it("issue 15: at 80×24 with more reps than fit, the ones that fit and how many more", async () => {
    ui = await renderMonitor({ welcome: supervisorWelcome(WAITING), columns: 80, rows: 24, sized: true });
    const reps = Array.from({ length: 10 }, (_, i) => ({ repId: `r${i}`, occupancy: 10 * i }));
    ui.client.responses.figures = { figures: { ...FIGURES, reps } };
    await ui.waitForFrame((f) => f.includes("Dana Kim"), "the table");
    await ui.press("F");
    const text = lines(await ui.waitForFrame((f) => f.includes("more reps"), "the live figures"));
    // 19 rows of body: the legend, two queues of 5, the occupancy title, 6 reps and the line that says the rest.
    expect(text.filter((l) => /^r\d /.test(l)).map((l) => l.slice(0, 2))).toEqual(["r0", "r1", "r2", "r3", "r4", "r5"]);
    expect(text).toContain("… and 4 more reps");
    for (const line of text) expect(stringWidth(line)).toBeLessThanOrEqual(80);
  });

  it("UX colour and accessibility: the charts are in theme colours, and NO_COLOR keeps every block and word", async () => {
    chalk.level = 1;
    const coloured = await showFigures({ columns: 150, rows: 45 });
    expect(rawLine(coloured, /^ {2}arrivals /)).toContain("\x1b[36m"); // accent: cyan
    expect(rawLine(coloured, /^ {2}waiting /)).toContain("\x1b[33m"); // warn: yellow
    expect(rawLine(coloured, /^ {2}service /)).toContain("\x1b[32m"); // ok: green
    ui!.unmount();

    const plain = await showFigures({ columns: 150, rows: 45, noColor: true });
    expect(lines(plain)).toEqual(lines(coloured));
    for (const line of plain.split("\n").filter((l) => /arrivals|waiting|service|Alice/.test(l)))
      // eslint-disable-next-line no-control-regex -- reading SGR sequences is the point
      expect(line).not.toMatch(/\x1b\[(3[0-7]|9[0-7])m/);
  });

  it("UX colour and accessibility: with a screen reader the charts are said as numbers, no blocks", async () => {
    process.env.INK_SCREEN_READER = "true";
    const frame = await showFigures({ columns: 150, rows: 45 });
    expect(frame).toContain("General: 1 waiting, longest wait 2:15");
    expect(frame).toContain("General, last hour: answered 6, abandoned 1, service level 71.4%, ASA 24.5s");
    expect(frame).toContain(
      `arrivals per minute, the last 60 minutes, oldest first: ${[...new Array<string>(49).fill("none"), ...new Array<string>(8).fill("0"), "1", "2", "4"].join(", ")}`,
    );
    expect(frame).toContain(
      `waiting at the end of each minute, the last 60 minutes, oldest first: ${[...new Array<string>(49).fill("none"), ...new Array<string>(8).fill("0"), "1", "2", "1"].join(", ")}`,
    );
    expect(frame).toContain(
      `service level per minute, the last 60 minutes, oldest first: ${[...new Array<string>(57).fill("none"), "100%", "50%", "0%"].join(", ")}`,
    );
    expect(frame).toContain("Alice Moreau: occupancy 87.5%; today 4 accepted, 3 ended, 1 transferred");
    expect(frame).toContain("Bob Okafor: occupancy none, not signed in in the last hour");
    expect(frame).not.toMatch(/[▁▂▃▄▅▆▇█░]/);
  });

  it("issue 15: the figures are asked for when the view opens and every 5 s while it shows, not otherwise", async () => {
    await showFigures({ columns: 150, rows: 45 });
    // With the reps' figures of the day, from the local midnight.
    expect(ui!.client.ofType("figures")).toEqual([{ type: "figures", since: localMidnight(T0) }]);
    ui!.store.dispatch({ type: "tick", now: T0 + 4_000 });
    await ui!.press("");
    expect(ui!.client.ofType("figures")).toHaveLength(1);
    ui!.store.dispatch({ type: "tick", now: T0 + 5_000 });
    await ui!.waitForFrame(() => ui!.client.ofType("figures").length === 2, "the second request");
    await ui!.press("F");
    await ui!.waitForFrame((f) => f.includes("Dana Kim") && !f.includes("Occupancy"), "back to the table");
    ui!.store.dispatch({ type: "tick", now: T0 + 60_000 });
    await ui!.press("");
    expect(ui!.client.ofType("figures")).toHaveLength(2);
  });
});
