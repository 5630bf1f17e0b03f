// Counters and response targets in the console (issue 14, item 4): each session row and the conversation header
// show how long the customer has waited for an answer, on the server's clock; the mark and colour change at the
// workstream's targets (watch: yellow △, past target: red ▲), and NO_COLOR keeps the marks.
import chalk from "chalk";
import stringWidth from "string-width";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResponseTargets } from "../../src/protocol/response-targets.js";
import type { OrgView } from "../../src/protocol/views.js";
import { makeTheme } from "../../src/ui/theme/theme.js";
import {
  KEYS,
  ORG,
  T0,
  colourAt,
  conversation,
  customerMessage,
  event,
  renderConsole,
  repMessage,
  sgrCodes,
  stripSgr,
  welcome,
} from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";
import {
  ALICE,
  BOB,
  CAROL,
  org,
  renderMonitor,
  rowOf as tableRow,
  SAM,
  supervisorWelcome,
} from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";

const TARGETS: ResponseTargets = { warnSeconds: 45, alertSeconds: 120, firstResponseSeconds: 90 };
const SECOND = 1000;
const RED = "31";
const YELLOW = "33";
const GREY = "90";

function orgWithTargets(): OrgView {
  return {
    ...ORG,
    workstreams: ORG.workstreams.map((w) => (w.id === "live" ? { ...w, responseTargets: TARGETS } : w)),
  };
}

/** Dana has had an answer and asked again 30 s ago; Erik has had none, and wrote 10 s ago. */
async function twoWaiting(options: { columns?: number; rows?: number; noColor?: boolean } = {}): Promise<Console> {
  const hello = welcome([
    conversation("c1", {
      title: "Dana Kim",
      customerWaitingSince: T0 - 30 * SECOND,
      firstResponseAt: T0 - 60 * SECOND,
    }),
    conversation("c2", { title: "Erik Berg", customerWaitingSince: T0 - 10 * SECOND, firstResponseAt: null }),
  ]);
  hello.snapshot!.org = orgWithTargets();
  const console = await renderConsole({
    welcome: hello,
    ...(options.columns ? { columns: options.columns, rows: options.rows ?? 24, sized: true } : {}),
    ...(options.noColor ? { theme: makeTheme({ NO_COLOR: "1" }) } : {}),
  });
  return console;
}

/** The colour parameters (foreground, 256 and RGB) among a frame's SGR sequences. */
function colourCodes(frame: string): string[] {
  return sgrCodes(frame)
    .flatMap((c) => c.split(";"))
    .filter((c) => /^(3[0-7]|9[0-7]|38)$/.test(c));
}

/** The session pane's row of a conversation: its number, then its title. */
function rowOf(frame: string, title: string): string {
  return stripSgr(frame)
    .split("\n")
    .find((l) => new RegExp(`^\\d+ ${title}`).test(l))!;
}

let ui: Console | Monitor | undefined;
const chalkLevel = chalk.level;
beforeEach(() => {
  chalk.level = 1;
});
afterEach(() => {
  ui?.unmount();
  ui = undefined;
  chalk.level = chalkLevel;
});

describe("the customer's wait in the session pane", () => {
  it("counts on the server's clock: grey within the targets, yellow △ from warnSeconds, red ▲ past the target", async () => {
    ui = await twoWaiting();
    let frame = await ui.waitForFrame((f) => stripSgr(f).includes("◦0:30"), "Dana's wait");
    expect(rowOf(frame, "Dana Kim")).toMatch(/^1 Dana Kim\s+◦0:30 ▶/);
    expect(rowOf(frame, "Erik Berg")).toMatch(/^2 Erik Berg\s+◦0:10 ▶/);
    expect(colourAt(frame, "◦0:30")).toBe(GREY);

    // The terminal's clock runs 20 s behind the server's: the wait follows the server.
    ui.store.dispatch({ type: "welcome", welcome: { ...welcome(), snapshot: null, serverTime: T0 }, now: T0 - 20_000 });
    ui.store.dispatch({ type: "tick", now: T0 - 20_000 + 15 * SECOND });
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("△0:45"), "Dana's wait to watch");
    expect(colourAt(frame, "△0:45")).toBe(YELLOW);
    expect(rowOf(frame, "Erik Berg")).toContain("◦0:25");

    // Erik has had no answer: his target is the first-response one, 90 s; Dana's is 120 s.
    ui.store.dispatch({ type: "tick", now: T0 - 20_000 + 80 * SECOND });
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("▲1:30"), "Erik past his first-response target");
    expect(colourAt(frame, "▲1:30")).toBe(RED);
    expect(rowOf(frame, "Dana Kim")).toContain("△1:50");
    ui.store.dispatch({ type: "tick", now: T0 - 20_000 + 90 * SECOND });
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("▲2:00"), "Dana past her target");
    expect(colourAt(frame, "▲2:00")).toBe(RED);
  });

  it("an answer stops the count; the customer's next message starts it again from that message", async () => {
    ui = await twoWaiting();
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "message", conversationId: "c1", message: repMessage("Checking now", T0 + 5 * SECOND) }),
    });
    ui.store.dispatch({ type: "tick", now: T0 + 10 * SECOND });
    let frame = await ui.waitForFrame((f) => !rowOf(f, "Dana Kim").includes("◦"), "Dana answered");
    expect(rowOf(frame, "Dana Kim")).toMatch(/^1 Dana Kim\s+▶/);
    expect(rowOf(frame, "Erik Berg")).toContain("◦0:20");

    for (const [text, at] of [
      ["It was order 1234", T0 + 20 * SECOND],
      ["Sent on Monday", T0 + 40 * SECOND],
    ] as const)
      ui.store.dispatch({
        type: "event",
        frame: event({ kind: "message", conversationId: "c1", message: customerMessage(text, at) }),
      });
    ui.store.dispatch({ type: "tick", now: T0 + 70 * SECOND });
    frame = await ui.waitForFrame((f) => rowOf(f, "Dana Kim").includes("△0:50"), "Dana waiting again since 0:20");
    expect(rowOf(frame, "Dana Kim")).toMatch(/^1 Dana Kim\s+2\s+△0:50 ▶/);
  });
});

describe("the customer's wait said to a screen reader", () => {
  afterEach(() => {
    delete process.env.INK_SCREEN_READER;
  });

  it("the console's session rows and the monitor's table rows say the wait and its level in words", async () => {
    process.env.INK_SCREEN_READER = "true";
    ui = await twoWaiting();
    ui.store.dispatch({ type: "tick", now: T0 + 80 * SECOND });
    const rows = await ui.waitForFrame((f) => f.includes("past first-response target"), "the spoken rows");
    expect(rows).toContain("1 Dana Kim, Active, customer waiting 1:50");
    expect(rows).toContain("2 Erik Berg, Active, customer waiting 1:30, past first-response target");
    expect(rows).not.toMatch(/[◦△▲]/);
    ui.unmount();

    const monitor = await monitorOfFloor();
    ui = monitor;
    monitor.store.dispatch({ type: "tick", now: T0 + 90 * SECOND });
    const table = await monitor.waitForFrame((f) => f.includes("past target 2"), "the spoken table");
    expect(table).toContain(
      "c1, Active, live, General, rep Alice Moreau, Dana Kim, 3:10, customer waiting 2:00, past target",
    );
    expect(table).toContain(
      "c2, Open, live, General, unassigned, Erik Berg, 1:40, customer waiting 1:40, past first-response target",
    );
  });
});

describe("the customer's wait in the conversation header", () => {
  it("says it in words beside the state, with the mark and colour of its level", async () => {
    ui = await twoWaiting();
    await ui.press(KEYS.alt("2"));
    let frame = await ui.waitForFrame((f) => stripSgr(f).includes("Erik Berg [Active]"), "Erik's conversation");
    expect(stripSgr(frame)).toContain("Erik Berg [Active] ◦ waiting 0:10");
    ui.store.dispatch({ type: "tick", now: T0 + 40 * SECOND });
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("△ waiting 0:50"), "the wait to watch");
    expect(colourAt(frame, "△ waiting 0:50")).toBe(YELLOW);
    ui.store.dispatch({ type: "tick", now: T0 + 80 * SECOND });
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("▲ waiting 1:30"), "past the target");
    expect(stripSgr(frame)).toContain("Erik Berg [Active] ▲ waiting 1:30, past first-response target");
    expect(colourAt(frame, "▲ waiting 1:30")).toBe(RED);

    await ui.press(KEYS.alt("1"));
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("Dana Kim [Active]"), "Dana's conversation");
    expect(stripSgr(frame)).toContain("Dana Kim [Active] △ waiting 1:50");
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "message", conversationId: "c1", message: repMessage("Here it is", T0 + 80 * SECOND) }),
    });
    frame = await ui.waitForFrame((f) => !stripSgr(f).includes("waiting 1:50"), "Dana answered");
    expect(stripSgr(frame)).toMatch(/Dana Kim \[Active\]\s*$/m);
  });

  it("NO_COLOR: no colour at all, and the marks still tell the levels apart", async () => {
    ui = await twoWaiting({ noColor: true });
    ui.store.dispatch({ type: "tick", now: T0 + 80 * SECOND });
    await ui.press(KEYS.alt("1"));
    const frame = await ui.waitForFrame((f) => stripSgr(f).includes("Dana Kim [Active]"), "Dana's conversation");
    expect(colourCodes(frame)).toEqual([]);
    expect(rowOf(frame, "Dana Kim")).toContain("△1:50");
    expect(rowOf(frame, "Erik Berg")).toContain("▲1:30");
    expect(frame).toContain("Dana Kim [Active] △ waiting 1:50");
  });

  it("at 80×24: the collapsed pane keeps the mark of a wait worth watching; nothing is wider than the terminal", async () => {
    ui = await twoWaiting({ columns: 80, rows: 24 });
    ui.store.dispatch({ type: "tick", now: T0 + 80 * SECOND });
    await ui.press(KEYS.alt("2"));
    const frame = await ui.waitForFrame((f) => stripSgr(f).includes("Erik Berg [Active]"), "Erik's conversation");
    const rows = stripSgr(frame).split("\n");
    expect(rows[2]).toMatch(/^1\s+△\s*│/);
    expect(rows[3]).toMatch(/^2\s+▲\s*│/);
    expect(rows.some((r) => r.includes("Erik Berg [Active] ▲ waiting 1:30, past first-response target"))).toBe(true);
    for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(80);
  });
});

// ---- the monitor ------------------------------------------------------------------------------------------

/** Dana (Active, answered, asked again 30 s ago), Erik (Open, no answer, 10 s), Lee (answered: owed nothing). */
function floor() {
  return [
    conversation("c1", {
      title: "Dana Kim",
      createdAt: T0 - 120 * SECOND,
      assignedAt: T0 - 100 * SECOND,
      customerWaitingSince: T0 - 30 * SECOND,
      firstResponseAt: T0 - 60 * SECOND,
    }),
    conversation("c2", {
      title: "Erik Berg",
      state: "open",
      ownerId: null,
      ownerName: null,
      lastOwnerId: null,
      createdAt: T0 - 10 * SECOND,
      queuedAt: T0 - 10 * SECOND,
      customerWaitingSince: T0 - 10 * SECOND,
    }),
    conversation("c3", { title: "Lee Park", customerWaitingSince: null, firstResponseAt: T0 - 5 * SECOND }),
  ];
}

async function monitorOfFloor(options: { columns?: number; rows?: number; noColor?: boolean } = {}): Promise<Monitor> {
  const targets = { ...org(), workstreams: orgWithTargets().workstreams };
  return renderMonitor({
    welcome: supervisorWelcome(floor(), { org: targets, users: [ALICE, BOB, CAROL, SAM] }),
    ...(options.columns ? { columns: options.columns, rows: options.rows ?? 24, sized: true } : { columns: 140 }),
    ...(options.noColor ? { theme: makeTheme({ NO_COLOR: "1" }) } : {}),
  });
}

describe("the customer's wait in the monitor", () => {
  it("each row shows the wait with the mark and colour of its level; the header counts those past their target", async () => {
    const monitor = await monitorOfFloor();
    ui = monitor;
    let frame = await monitor.waitForFrame((f) => stripSgr(f).includes("c3"), "the table");
    expect(stripSgr(frame)).toMatch(/^\s+id\s+state.*time↓\s+wait\s+sentiment/m);
    expect(tableRow(frame, "c1")).toMatch(/c1\s+▶ Active.*Dana Kim\s+1:40\s+◦0:30\s/);
    expect(tableRow(frame, "c2")).toMatch(/c2\s+◇ Open.*Erik Berg\s+0:10\s+◦0:10\s/);
    expect(tableRow(frame, "c3")).toMatch(/Lee Park\s+0:00\s+▄ neutral/);
    expect(stripSgr(frame)).toContain("alerts 0 · past target 0 · reps available");

    monitor.store.dispatch({ type: "tick", now: T0 + 80 * SECOND });
    frame = await monitor.waitForFrame((f) => stripSgr(f).includes("past target 1"), "Erik past his target");
    expect(tableRow(frame, "c2")).toContain("▲1:30");
    expect(colourAt(frame, "▲1:30")).toBe(RED);
    expect(colourAt(frame, " · past target 1")).toBe(RED);
    // Dana's row is selected (one plain bar): her colour shows once the selection moves on.
    expect(tableRow(frame, "c1")).toContain("△1:50");
    await monitor.press("j");
    frame = await monitor.waitForFrame((f) => tableRow(f, "c2").startsWith("›"), "c2 selected");
    expect(colourAt(frame, "△1:50")).toBe(YELLOW);

    monitor.store.dispatch({ type: "tick", now: T0 + 90 * SECOND });
    frame = await monitor.waitForFrame((f) => stripSgr(f).includes("past target 2"), "Dana past her target too");
    expect(tableRow(frame, "c1")).toContain("▲2:00");

    // Alice answers Dana: one left past target.
    monitor.store.dispatch({
      type: "event",
      frame: event({ kind: "message", conversationId: "c1", message: repMessage("Here it is", T0 + 90 * SECOND) }),
    });
    frame = await monitor.waitForFrame((f) => stripSgr(f).includes("past target 1"), "Dana answered");
    expect(tableRow(frame, "c1")).not.toMatch(/[◦△▲]/);
  });

  it("NO_COLOR: the marks tell the levels apart; at 80×24 the count and the waits fit, no line wider than the terminal", async () => {
    const monitor = await monitorOfFloor({ columns: 80, rows: 24, noColor: true });
    ui = monitor;
    monitor.store.dispatch({ type: "tick", now: T0 + 80 * SECOND });
    const frame = await monitor.waitForFrame((f) => f.includes("past target 1"), "the table");
    expect(colourCodes(frame)).toEqual([]);
    expect(tableRow(frame, "c1")).toContain("△1:50");
    expect(tableRow(frame, "c2")).toContain("▲1:30");
    for (const line of stripSgr(frame).split("\n")) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
  });

  it("an org without response targets has no count to show", async () => {
    const monitor = await renderMonitor({ welcome: supervisorWelcome(floor()), columns: 140 });
    ui = monitor;
    const frame = await monitor.waitForFrame((f) => stripSgr(f).includes("c3"), "the table");
    expect(stripSgr(frame)).not.toContain("past target");
    expect(tableRow(frame, "c1")).toContain("◦0:30");
  });
});
