// App tests of the supervisor monitor's live table, preview, team and queue views (SPEC SV1, SV3), and
// what reaches the terminal (sanitising, NO_COLOR). Frames are read as the supervisor sees them.
import chalk from "chalk";
import { afterEach, describe, expect, it } from "vitest";
import type { EventFrame } from "../../src/protocol/messages.js";
import type { Change } from "../../src/protocol/views.js";
import { makeTheme } from "../../src/ui/theme/theme.js";
import { ALICE, BOB, CAROL, org, renderMonitor, rowOf, SAM, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";
import { conversation, customerMessage, KEYS, repMessage, sgrCodes, stripSgr, T0 } from "../helpers/ui.js";

let ui: Monitor | undefined;
const chalkLevel = chalk.level;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
  chalk.level = chalkLevel;
});

let seq = 100;
function frameAt(at: number, ...changes: Change[]): EventFrame {
  return { type: "event", seq: seq++, at, changes };
}

const DAY = 86_400_000;

/** Five ongoing conversations in every state, and a closed one. */
function dashboard() {
  return [
    conversation("c1", {
      title: "Dana Kim",
      customer: { name: "Dana Kim", authenticated: true },
      sentiment: -2,
      alert: true,
      createdAt: T0 - 90_000,
      messages: [
        customerMessage("This is terrible, I am very angry", T0 - 80_000, { sentiment: -2 }),
        repMessage("I am sorry, let me fix it", T0 - 70_000),
      ],
    }),
    conversation("c2", {
      state: "open",
      ownerId: null,
      ownerName: null,
      lastOwnerId: null,
      title: "*********7542",
      customer: { name: "*********7542", authenticated: false },
      queuedAt: T0 - 42_000,
      createdAt: T0 - 42_000,
    }),
    conversation("c3", {
      state: "waiting",
      mode: "persistent",
      workstreamId: "persistent",
      workstreamName: "Persistent chat",
      queueId: "billing",
      queueName: "Billing",
      ownerId: null,
      ownerName: null,
      lastOwnerId: "alice",
      title: "Kenny Smith",
      waitingUntil: T0 + 27 * DAY,
    }),
    conversation("c4", {
      title: "Lee Park",
      participants: ["bob"],
      consultants: ["carol"],
      createdAt: T0 - 30_000,
      sentiment: 1,
    }),
    conversation("c5", { state: "wrapup", title: "Ana Ruiz", wrapUpBy: ["alice"], createdAt: T0 - 10_000 }),
    conversation("c6", { state: "closed", title: "Gone Already", closedAt: T0, closedBy: "alice" }),
  ];
}

/** Move the selection with j/k until the row of `id` carries the selection mark. */
async function selectRow(monitor: Monitor, id: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if (rowOf(monitor.frame(), id).startsWith("›")) return;
    const ids = monitor.controller.rows().map((r) => r.id);
    await monitor.press(ids.indexOf(id) < ids.indexOf(monitor.store.getState().selectedId ?? "") ? "k" : "j");
  }
  throw new Error(`could not select ${id}`);
}

describe("the live table (SV1)", () => {
  it("SPEC SV1: every ongoing conversation is a row with id, state, mode, queue, rep, conference and consultants, customer (masked as the server sent it), wait or handle time, sentiment with the alert marker and unread; Closed ones are left out", async () => {
    ui = await renderMonitor({ welcome: supervisorWelcome(dashboard()), columns: 160 });
    const frame = await ui.waitForFrame((f) => f.includes("c5"), "the table");
    expect(frame).toContain("ongoing 5 · open 1 · waiting 1 · alerts 1");
    // Columns with nothing in them (new, you) are left out until a row has something to show there.
    expect(frame).toMatch(/id\s+state\s+mode\s+queue\s+rep\s+with\s+customer\s+time↓\s+sentiment\s+!$/m);

    expect(rowOf(frame, "c1")).toMatch(
      /c1\s+▶ Active\s+live\s+General\s+Alice Moreau\s+Dana Kim\s+1:30\s+▂ negative\s+!/,
    );
    // The server masks personal data before it reaches a supervisor; the monitor shows it as it came.
    expect(rowOf(frame, "c2")).toMatch(/c2\s+◇ Open\s+live\s+General\s+—\s+\*{9}7542\s+0:42\s+▄ neutral/);
    expect(rowOf(frame, "c3")).toMatch(/c3\s+‖ Waiting\s+pers\s+Billing\s+Alice Moreau\s+Kenny Smith\s+27d left/);
    expect(rowOf(frame, "c4")).toMatch(
      /c4\s+▶ Conference\s+live\s+General\s+Alice Moreau\s+conf Bob · cons Carol\s+Lee Park\s+0:30\s+▅ slightly positive/,
    );
    expect(rowOf(frame, "c5")).toMatch(/c5\s+◔ Wrap-up\s+live\s+General\s+Alice Moreau/);
    expect(frame).not.toContain("Gone Already");
    expect(frame).not.toMatch(/^.\sc6\s/m);

    // Timers tick from server time: the wait and the handle time grow.
    ui.store.dispatch({ type: "tick", now: T0 + 60_000 });
    const later = await ui.waitForFrame((f) => rowOf(f, "c2").includes("1:42"), "the wait ticking");
    expect(rowOf(later, "c1")).toContain("2:30");

    // Unread: a message on a row that is not selected counts on that row.
    expect(ui.store.getState().selectedId).toBe("c1");
    ui.store.dispatch({
      type: "event",
      frame: frameAt(T0 + 61_000, {
        kind: "message",
        conversationId: "c4",
        message: customerMessage("Any news?", T0 + 61_000),
      }),
    });
    const unread = await ui.waitForFrame((f) => /1\s*$/.test(rowOf(f, "c4").trimEnd()), "the unread count on c4");
    expect(unread).toMatch(/sentiment\s+!\s+new$/m);
    // ... and a change mark (more than colour) shows the row just changed.
    expect(rowOf(unread, "c4").startsWith("•")).toBe(true);
    await selectRow(ui, "c4");
    expect(rowOf(ui.frame(), "c4").trimEnd()).not.toMatch(/\s1$/);
  });

  it("SPEC SV1, SPEC L1: an Open conversation being offered shows the rep it is offered to, greyed, until they answer", async () => {
    const offered = conversation("c2", {
      state: "open",
      ownerId: null,
      ownerName: null,
      lastOwnerId: null,
      title: "Omar Smith",
      queuedAt: T0 - 5_000,
      createdAt: T0 - 5_000,
    });
    ui = await renderMonitor({
      welcome: supervisorWelcome([
        { ...offered, offeredTo: { repId: "bob", repName: "Bob Okafor", expiresAt: T0 + 25_000 } },
      ]),
      columns: 160,
    });
    let frame = await ui.waitForFrame((f) => f.includes("Omar Smith"), "the table");
    expect(rowOf(frame, "c2")).toMatch(/c2\s+◇ Open\s+live\s+General\s+→ Bob Okafor\s+Omar Smith/);
    expect(frame).toContain("Unassigned, in General, offered to Bob Okafor");
    // Bob lets it time out: the offer is gone from the row.
    ui.store.dispatch({ type: "event", frame: frameAt(T0 + 30_000, { kind: "conversation", conversation: offered }) });
    frame = await ui.waitForFrame((f) => !f.includes("Bob Okafor"), "the offer gone");
    expect(rowOf(frame, "c2")).toMatch(/c2\s+◇ Open\s+live\s+General\s+—\s+Omar Smith/);
  });

  it("SPEC SV1: handle time counts from when the current rep took the conversation, not from when the customer arrived", async () => {
    const taken = conversation("c1", { title: "Dana Kim", createdAt: T0 - 600_000, assignedAt: T0 - 120_000 });
    ui = await renderMonitor({ welcome: supervisorWelcome([taken]), columns: 160 });
    const frame = await ui.waitForFrame((f) => f.includes("Dana Kim"), "the table");
    expect(rowOf(frame, "c1")).toMatch(/Dana Kim\s+2:00\s/);
  });

  it("SPEC SV1, UX colour and accessibility: with a screen reader each row is said in words, column by column", async () => {
    process.env.INK_SCREEN_READER = "true";
    try {
      ui = await renderMonitor({ welcome: supervisorWelcome(dashboard()), columns: 160 });
      const frame = await ui.waitForFrame((f) => f.includes("Kenny Smith"), "the spoken table");
      expect(frame).toContain(
        "c1, Active, live, General, rep Alice Moreau, Dana Kim, 1:30, negative, urgent, selected",
      );
      expect(frame).toContain(
        "c3, Waiting, persistent, Billing, parked by Alice Moreau, Kenny Smith, 27d left, neutral",
      );
      const rows = frame.split("\n").filter((line) => /^c\d+, /.test(line));
      expect(rows).toHaveLength(5);
      for (const line of rows) expect(line).not.toMatch(/[▶◇‖▁▂▃▄▅▆▇]/);
    } finally {
      delete process.env.INK_SCREEN_READER;
    }
  });

  it("SPEC L4, SPEC SV8: an aborted conversation tells the supervisor nobody can continue it and how to close it", async () => {
    ui = await renderMonitor({
      welcome: supervisorWelcome([conversation("c1", { title: "Dana Kim", aborted: "queue General was deleted" })]),
      columns: 160,
    });
    const frame = await ui.waitForFrame((f) => f.includes("Dana Kim"), "the table");
    expect(frame).toContain(
      "⚠ Aborted: queue General was deleted. Nobody can continue it — the rep ends it, or force close it (Ctrl+D).",
    );
    expect(frame).not.toContain("Alt+E");
  });

  it("SPEC L4, SPEC SV2: with force close off, the advice for an aborted conversation does not offer it", async () => {
    ui = await renderMonitor({
      welcome: supervisorWelcome([conversation("c1", { title: "Dana Kim", aborted: "rep Bob Okafor was removed" })], {
        org: org({ forceClose: false }),
      }),
      columns: 160,
    });
    const frame = await ui.waitForFrame((f) => f.includes("Dana Kim"), "the table");
    expect(frame).toContain(
      "⚠ Aborted: rep Bob Okafor was removed. Nobody can continue it — the rep ends it (force close is off in this org).",
    );
    expect(frame).not.toContain("Ctrl+D)");
  });

  it("SPEC L4: when the aborted conversation's rep is the one removed, the advice names its customer, not the rep", async () => {
    const removed = conversation("c1", { title: "Dana Kim", ownerId: "dan", aborted: "rep Dan Ray was removed" });
    ui = await renderMonitor({
      welcome: supervisorWelcome([removed], { org: org({ forceClose: false }) }),
      columns: 160,
    });
    const frame = await ui.waitForFrame((f) => f.includes("⚠ Aborted"), "the warning");
    expect(frame).toContain(
      "⚠ Aborted: rep Dan Ray was removed. Nobody can continue it — its customer can end it (force close is off in this org).",
    );
  });

  it("SPEC SV1: the table is live: new conversations appear, the selection follows its conversation through a re-sort, a closed one leaves and the selection takes the row at its place", async () => {
    ui = await renderMonitor({ welcome: supervisorWelcome(dashboard()) });
    await ui.waitForFrame((f) => f.includes("c5"), "the table");
    await selectRow(ui, "c4");
    const before = ui.controller.rows().map((r) => r.id);

    // A customer who has waited longer than anyone arrives (resumed from elsewhere): it sorts first.
    const c7 = conversation("c7", {
      state: "open",
      ownerId: null,
      ownerName: null,
      lastOwnerId: null,
      title: "New Person",
      queuedAt: T0 - 600_000,
      createdAt: T0 - 600_000,
    });
    ui.store.dispatch({ type: "event", frame: frameAt(T0 + 1000, { kind: "conversation", conversation: c7 }) });
    let frame = await ui.waitForFrame((f) => f.includes("New Person"), "the new conversation");
    const after = ui.controller.rows().map((r) => r.id);
    expect(after[0]).toBe("c7");
    expect(after.indexOf("c4")).toBe(before.indexOf("c4") + 1);
    expect(rowOf(frame, "c4").startsWith("›")).toBe(true);
    expect(frame).toContain("ongoing 6 · open 2");

    // The selected conversation closes: it leaves, and the row now at its place is selected.
    const index = ui.controller.rows().findIndex((r) => r.id === "c4");
    ui.store.dispatch({
      type: "event",
      frame: frameAt(T0 + 2000, {
        kind: "conversation",
        conversation: conversation("c4", { title: "Lee Park", state: "closed", closedAt: T0 + 2000 }),
      }),
    });
    frame = await ui.waitForFrame((f) => !f.includes("Lee Park"), "c4 gone");
    const next = ui.controller.rows()[index]!.id;
    expect(rowOf(frame, next).startsWith("›")).toBe(true);
  });

  it("SPEC SV1: id:c1 is conversation c1 alone, not c10 and the others whose ids start the same", async () => {
    const many = [conversation("c1", { title: "Dana Kim" }), conversation("c10", { title: "Kenny Smith" })];
    ui = await renderMonitor({ welcome: supervisorWelcome(many) });
    await ui.waitForFrame((f) => f.includes("Kenny Smith"), "the table");
    await ui.press("/");
    await ui.press("id:c1");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => !f.includes("Kenny Smith"), "c1 alone");
    expect(ui.controller.rows().map((r) => r.id)).toEqual(["c1"]);
  });

  it("SPEC SV1: : opens a command line — :queue billing, :state active — that filters by one column", async () => {
    ui = await renderMonitor({ welcome: supervisorWelcome(dashboard()) });
    await ui.waitForFrame((f) => f.includes("c5"), "the table");
    await ui.press(":");
    await ui.press("queue billing");
    const frame = await ui.waitForFrame((f) => f.includes(":queue billing"), "the command line");
    expect(frame).not.toContain("filter: :");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => !f.includes("Dana Kim"), "only Billing");
    expect(ui.controller.rows().map((r) => r.id)).toEqual(["c3"]);
    await ui.press(":");
    await ui.press("state active");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Dana Kim") && !f.includes("Kenny Smith"), "only Active");
    expect(
      ui.controller
        .rows()
        .map((r) => r.id)
        .sort(),
    ).toEqual(["c1", "c4"]);
  });

  it("UX Tab in the filter completes a column's name, then one of its values among the conversations", async () => {
    ui = await renderMonitor({ welcome: supervisorWelcome(dashboard()) });
    await ui.waitForFrame((f) => f.includes("c5"), "the table");
    const filter = () => ui!.store.getState().filter;

    // The command line: a column, then a value as the table shows it.
    await ui.press(":");
    await ui.press("qu");
    await ui.press(KEYS.tab);
    expect(filter()).toBe(":queue ");
    await ui.press("b");
    await ui.press(KEYS.tab);
    await ui.waitForFrame((f) => f.includes(":queue Billing"), "the value completed");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => !f.includes("Dana Kim"), "only Billing");
    expect(ui.controller.rows().map((r) => r.id)).toEqual(["c3"]);

    // A field:value word: several states start with "w", so Tab lists them and leaves the word as it is.
    await ui.press("/");
    await ui.press(KEYS.escape);
    expect(filter()).toBe("");
    await ui.press("/");
    await ui.press("sta");
    await ui.press(KEYS.tab);
    expect(filter()).toBe("state:");
    await ui.press("w");
    await ui.press(KEYS.tab);
    await ui.waitForFrame((f) => f.includes("waiting · wrapup"), "the states it may be");
    expect(filter()).toBe("state:w");
    await ui.press("r");
    await ui.press(KEYS.tab);
    expect(filter()).toBe("state:wrapup");

    // Nothing to complete: said, the filter unchanged.
    await ui.press(" zz");
    await ui.press(KEYS.tab);
    await ui.waitForFrame((f) => f.includes("Nothing to complete"), "the notice");
    expect(filter()).toBe("state:wrapup zz");
  });

  it("SPEC SV1: / filters the table (plain words, or state: queue: rep: fields), v cycles the saved views all, Open, Waiting, alerts, s and S sort", async () => {
    ui = await renderMonitor({ welcome: supervisorWelcome(dashboard()) });
    await ui.waitForFrame((f) => f.includes("c5"), "the table");

    await ui.press("/");
    await ui.press("billing");
    let frame = await ui.waitForFrame((f) => f.includes("filter: billing"), "the filter prompt");
    expect(frame).toContain("Kenny Smith");
    expect(frame).not.toContain("Dana Kim");
    expect(frame).toContain("Enter keep");
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame((f) => f.includes("m monitor"), "back to the table, filter kept");
    expect(frame).toContain("filter: billing");
    expect(frame).not.toContain("Dana Kim");

    await ui.press("/");
    await ui.press(KEYS.escape);
    await ui.waitForFrame((f) => f.includes("Dana Kim") && !f.includes("filter: billing"), "the filter cleared");

    await ui.press("/");
    await ui.press("state:wrap");
    await ui.waitForFrame((f) => f.includes("filter: state:wrap"), "a field filter");
    expect(ui.controller.rows().map((r) => r.id)).toEqual(["c5"]);
    await ui.press(KEYS.escape);
    await ui.press("/");
    await ui.press("rep:carol");
    await ui.waitForFrame((f) => f.includes("filter: rep:carol"), "a rep filter");
    // Carol is a consultant on c4.
    expect(ui.controller.rows().map((r) => r.id)).toEqual(["c4"]);
    await ui.press(KEYS.escape);

    // Saved views.
    await ui.press("v");
    await ui.waitForFrame((f) => f.includes("[Open 1]"), "the Open view");
    expect(ui.controller.rows().map((r) => r.id)).toEqual(["c2"]);
    await ui.press("v");
    await ui.waitForFrame((f) => f.includes("[Waiting 1]"), "the Waiting view");
    expect(ui.controller.rows().map((r) => r.id)).toEqual(["c3"]);
    await ui.press("v");
    await ui.waitForFrame((f) => f.includes("[Alerts 1]"), "the alerts view");
    expect(ui.controller.rows().map((r) => r.id)).toEqual(["c1"]);
    await ui.press("v");
    await ui.waitForFrame((f) => f.includes("[All 5]"), "back to all");

    // Sort: time (longest first) by default, then sentiment (alerts and the worst first), reversible.
    expect(ui.controller.rows().map((r) => r.id)).toEqual(["c1", "c2", "c4", "c5", "c3"]);
    await ui.press("s");
    await ui.waitForFrame((f) => f.includes("sort sentiment ↓") && f.includes("sentiment↓"), "sorted by sentiment");
    expect(ui.controller.rows().map((r) => r.id)).toEqual(["c1", "c2", "c3", "c5", "c4"]);
    await ui.press("S");
    await ui.waitForFrame((f) => f.includes("sentiment↑"), "reversed");
    // Ties keep their order by id.
    expect(ui.controller.rows().map((r) => r.id)).toEqual(["c4", "c2", "c3", "c5", "c1"]);
    for (const column of ["state", "queue", "rep", "id"]) {
      await ui.press("s");
      await ui.waitForFrame((f) => f.includes(`sort ${column} ↓`), `sorted by ${column}`);
    }
    expect(ui.controller.rows().map((r) => r.id)).toEqual(["c1", "c2", "c3", "c4", "c5"]);
  });

  it("SPEC SV1: Z pauses with a visible banner: rows and timers hold still and the held updates are counted; Z resumes", async () => {
    ui = await renderMonitor({ welcome: supervisorWelcome(dashboard()) });
    await ui.waitForFrame((f) => f.includes("c5"), "the table");
    await ui.press("Z");
    let frame = await ui.waitForFrame(
      (f) => f.includes("⏸ PAUSED — the screen holds still; 0 updates held back · Z resumes"),
      "the pause banner",
    );
    expect(frame).toContain("⏸ PAUSED · online");

    ui.store.dispatch({ type: "tick", now: T0 + 60_000 });
    ui.store.dispatch({
      type: "event",
      frame: frameAt(T0 + 60_000, {
        kind: "conversation",
        conversation: conversation("c8", { title: "Late Arrival" }),
      }),
    });
    ui.store.dispatch({
      type: "event",
      frame: frameAt(T0 + 60_000, {
        kind: "conversation",
        conversation: conversation("c5", { state: "closed", title: "Ana Ruiz" }),
      }),
    });
    frame = await ui.waitForFrame((f) => f.includes("2 updates held back"), "held updates counted");
    expect(frame).not.toContain("Late Arrival");
    expect(frame).toContain("Ana Ruiz");
    expect(rowOf(frame, "c2")).toContain("0:42");

    await ui.press("Z");
    frame = await ui.waitForFrame((f) => f.includes("Late Arrival"), "resumed");
    expect(frame).not.toContain("PAUSED");
    expect(frame).not.toContain("Ana Ruiz");
    expect(rowOf(frame, "c2")).toContain("1:42");
  });
});

describe("team and queue views (SV1)", () => {
  it("SPEC SV1: T shows reps with presence (RONA visible), capacity used/total (over capacity marked) and conversation count, and queues with open conversations and the longest wait; it stays live", async () => {
    const users = [ALICE, { ...BOB, presence: "rona" as const }, { ...CAROL, used: 3, conversations: 3 }, SAM];
    const convs = [
      ...dashboard(),
      conversation("c9", {
        state: "open",
        ownerId: null,
        ownerName: null,
        lastOwnerId: null,
        queueId: "billing",
        queueName: "Billing",
        queuedAt: T0 - 125_000,
        title: "Billing Waiter",
      }),
    ];
    ui = await renderMonitor({ welcome: supervisorWelcome(convs, { users }) });
    await ui.waitForFrame((f) => f.includes("c5"), "the table");
    expect(ui.frame()).toContain("⚠ RONA 1");
    await ui.press("T");
    let frame = await ui.waitForFrame((f) => f.includes("longest wait"), "the team view");
    // Capacity as a meter (full blocks for what is used, light shade for the rest) and its numbers.
    expect(frame).toMatch(/Alice Moreau\s+● Available\s+—\s+███░░░░░ 1\/3\s+1\s+General, Billing/);
    expect(frame).toMatch(/Bob Okafor\s+⚠ RONA\s+—\s+░░░░░░░░ 0\/3\s+0/);
    expect(frame).toMatch(/Carol Tanaka\s+◐ Busy · at capacity\s+—\s+████████ 3\/2 ▲ 1 over\s+3\s+General/);
    // The supervisor without capacity is not a row of the team.
    expect(frame).not.toMatch(/Sam Rivera\s+✕/);
    // The longest wait as a meter that is full at five minutes.
    expect(frame).toMatch(/General\s+1\s+█░░░░░░░ 0:42\s+3\s+0/);
    expect(frame).toMatch(/Billing\s+1\s+███░░░░░ 2:05\s+0\s+1/);

    // Live: Bob sets himself Available again.
    ui.store.dispatch({
      type: "event",
      frame: frameAt(T0 + 1000, { kind: "user", user: { ...BOB, presence: "available" } }),
    });
    frame = await ui.waitForFrame((f) => /Bob Okafor\s+● Available/.test(f), "Bob Available");
    expect(frame).not.toContain("RONA");

    await ui.press("T");
    await ui.waitForFrame((f) => f.includes("[All 6]"), "back to the table");
  });
});

describe("preview: sentiment and the reps' responses (SV3)", () => {
  it("SPEC SV3: the preview of the selected conversation shows the thread with the customer's sentiment per message, the reps' responses and the conversation's sentiment with its alert; it follows new messages", async () => {
    ui = await renderMonitor({ welcome: supervisorWelcome(dashboard()) });
    let frame = await ui.waitForFrame((f) => f.includes("c1 · Dana Kim [▶ Active]"), "the preview of c1");
    expect(frame).toContain("DK: This is terrible, I am very angry [▂ negative]");
    expect(frame).toContain("AM: I am sorry, let me fix it");
    expect(frame).toContain("sentiment negative !");
    expect(frame).toContain("Rep: Alice Moreau");
    expect(frame).toContain("! Dana Kim: negative — urgent attention needed.");

    ui.store.dispatch({
      type: "event",
      frame: frameAt(T0 + 5000, {
        kind: "message",
        conversationId: "c1",
        message: customerMessage("Thanks, that is great, you are wonderful", T0 + 5000, { id: "m-live", sentiment: 3 }),
      }),
    });
    frame = await ui.waitForFrame(
      (f) => f.includes("Thanks, that is great, you are wonderful [▇ very positive]"),
      "the live message with its sentiment",
    );
    // Read as it arrives: the selected row counts no unread.
    expect(rowOf(frame, "c1").trimEnd()).toMatch(/!$/);

    // Selecting another row previews it.
    await selectRow(ui, "c4");
    frame = await ui.waitForFrame((f) => f.includes("c4 · Lee Park [▶ Conference]"), "the preview of c4");
    expect(frame).toContain("Conference: Bob Okafor");
    expect(frame).toContain("Consultant: Carol Tanaka");
  });
});

describe("what reaches the terminal", () => {
  const OSC52 = "\x1b]52;c;aGVsbG8=\x07";
  it("SPEC SV3: hostile names, titles, queue names and messages are sanitised in the table, the preview and the team view", async () => {
    chalk.level = 1;
    const hostile = conversation("c1", {
      title: `Eve${OSC52} Mallory\u202e`,
      customer: { name: `Eve${OSC52} Mallory`, authenticated: true },
      queueName: `Bill\x1b[2Jing`,
      ownerName: `Al\x1b]0;pwned\x07ice`,
      messages: [customerMessage(`Hello\x1b[31m there\x9b31m \u202eevil`, T0, { sentiment: -1 })],
    });
    ui = await renderMonitor({
      welcome: supervisorWelcome([hostile], { users: [{ ...ALICE, name: `Alice\x1b]0;x\x07 M` }, SAM] }),
    });
    let frame = await ui.waitForFrame((f) => stripSgr(f).includes("c1 · Eve Mallory"), "the preview");
    const clean = (text: string) => {
      const rest = stripSgr(text);
      expect(rest).not.toContain("\x1b");
      expect(rest).not.toContain("\x07");
      expect(rest).not.toContain("\x9b");
      expect(rest).not.toContain("\u202e");
      expect(rest).not.toContain("aGVsbG8=");
      expect(rest).not.toContain("pwned");
    };
    clean(frame);
    expect(stripSgr(frame)).toContain("Hello there evil [▃ slightly negative]");
    await ui.press("T");
    frame = await ui.waitForFrame((f) => f.includes("longest wait"), "the team view");
    clean(frame);
  });

  it("SPEC SV1: with NO_COLOR the selection, alert and change marks stay readable without colour (inverse and glyphs, no colour codes)", async () => {
    chalk.level = 1;
    ui = await renderMonitor({ welcome: supervisorWelcome(dashboard()), theme: makeTheme({ NO_COLOR: "1" }) });
    const frame = await ui.waitForFrame((f) => f.includes("c5"), "the table");
    const codes = sgrCodes(frame).flatMap((c) => c.split(";"));
    expect(codes.filter((c) => /^(3[0-7]|9[0-7]|38)$/.test(c))).toEqual([]);
    expect(codes).toContain("7");
    expect(rowOf(frame, "c1")).toMatch(/^›.*▂ negative\s+!/);
  });
});
