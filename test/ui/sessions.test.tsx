import chalk from "chalk";
import { afterEach, describe, expect, it } from "vitest";
import { conversation, customerMessage, event, KEYS, refusal, renderConsole, welcome } from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
const chalkLevel = chalk.level;
afterEach(() => {
  chalk.level = chalkLevel;
  ui?.unmount();
});

describe("session pane", () => {
  it("SPEC S10: 12 unread messages on an unfocused session render + and the hint; focusing clears it", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c7", { title: "Visitor 7" }), conversation("c8", { title: "Kenny Smith" })]),
    });
    await ui.press(KEYS.alt("2"));
    for (let i = 0; i < 12; i++)
      ui.store.dispatch({
        type: "event",
        frame: event({ kind: "message", conversationId: "c7", message: customerMessage(`message ${i}`) }),
      });
    await ui.waitForFrame((f) => /1 Visitor 7\s+\+/.test(f), "a + badge on Visitor 7");
    await ui.press(KEYS.alt("1"));
    const focused = await ui.waitForFrame(
      (f) => f.includes("Visitor 7. 12 new updates in your conversation.") || !/Visitor 7\s+\+/.test(f),
    );
    // Focusing clears the count: the badge is gone.
    expect(focused).not.toMatch(/1 Visitor 7\s+\+/);
  });

  it("SPEC S10: the selected row's hint reads the exact text", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c7", { title: "Visitor 7" }), conversation("c8", { title: "Kenny Smith" })]),
    });
    await ui.press(KEYS.alt("1"));
    for (let i = 0; i < 12; i++)
      ui.store.dispatch({
        type: "event",
        frame: event({ kind: "message", conversationId: "c7", message: customerMessage(`m${i}`) }),
      });
    // Scrolled up, the messages stay unread and the hint shows.
    ui.store.dispatch({ type: "scroll", delta: 5 });
    for (let i = 0; i < 12; i++)
      ui.store.dispatch({
        type: "event",
        frame: event({ kind: "message", conversationId: "c7", message: customerMessage(`n${i}`) }),
      });
    await ui.waitForFrame((f) => f.includes("Visitor 7. 12 new updates in your conversation."), "the S10 hint");
  });

  it("UX scrolled back, the rep keeps their place as new messages arrive; the count below grows with them", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c7", { title: "Visitor 7" })]), rows: 24 });
    await ui.press(KEYS.alt("1"));
    for (let i = 0; i < 40; i++)
      ui.store.dispatch({
        type: "event",
        frame: event({ kind: "message", conversationId: "c7", message: customerMessage(`line ${i}`) }),
      });
    ui.store.dispatch({ type: "scroll", delta: 10 });
    const before = await ui.waitForFrame((f) => f.includes("10 more ↓"), "scrolled back");
    const top = (f: string) => /line \d+/.exec(f)?.[0];
    const first = top(before);
    for (let i = 0; i < 5; i++)
      ui.store.dispatch({
        type: "event",
        frame: event({ kind: "message", conversationId: "c7", message: customerMessage(`new ${i}`) }),
      });
    const after = await ui.waitForFrame((f) => f.includes("15 more ↓"), "the count grown");
    expect(top(after)).toBe(first);
    expect(after).not.toContain("new 0");
  });

  it("UX PgUp and PgDn move the thread by half its height, not 5 lines", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c7", { title: "Visitor 7" })]), rows: 40 });
    await ui.press(KEYS.alt("1"));
    for (let i = 0; i < 80; i++)
      ui.store.dispatch({
        type: "event",
        frame: event({ kind: "message", conversationId: "c7", message: customerMessage(`line ${i}`) }),
      });
    await ui.press("\x1b[5~"); // PgUp
    await ui.waitForFrame((f) => f.includes("15 more ↓"), "a page up");
    await ui.press("\x1b[5~");
    await ui.waitForFrame((f) => f.includes("30 more ↓"), "another");
    await ui.press("\x1b[6~"); // PgDn
    await ui.waitForFrame((f) => f.includes("15 more ↓"), "a page down");
  });

  it("SPEC S9: a session past the threshold shows ! and the urgent hint", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c7", { title: "Visitor 7", alert: true, sentiment: -2 })]),
    });
    await ui.press(KEYS.alt("1"));
    const frame = await ui.waitForFrame(
      (f) => f.includes("Visitor 7. Urgent attention needed in your conversation."),
      "S9 hint",
    );
    expect(frame).toMatch(/1 Visitor 7\s+!/);
  });

  it("SPEC S5: a draft survives switching away and back", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1"), conversation("c2")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("half-typed reply");
    await ui.press(KEYS.alt("2"));
    await ui.waitForFrame((f) => !f.includes("› half-typed reply"), "the other session");
    await ui.press(KEYS.alt("1"));
    await ui.waitForFrame((f) => f.includes("› half-typed reply"), "the draft back");
    expect(ui.client.ofType("send")).toHaveLength(0);
  });

  it("SPEC L8: < is refused with a clear message and the draft is kept, <name> typed by hand too (no quick reply asks for it)", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("3 < 4");
    await ui.press(KEYS.enter);
    let frame = await ui.waitForFrame((f) => f.includes("reserved for template parameters"), "the L8 error");
    expect(frame).toContain("› 3 < 4");
    await ui.press(KEYS.ctrlC);
    await ui.press("use <name> here");
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame((f) => f.includes("› use <name> here"), "the draft kept");
    expect(frame).toContain("reserved for template parameters");
    expect(frame).not.toContain("Fill in");
    expect(ui.client.ofType("send")).toHaveLength(0);
  });

  it("SPEC S7: the Home session cannot be closed", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("w"));
    await ui.waitForFrame((f) => f.includes("Home is pinned and cannot be closed."), "refusal");
    expect(ui.frame()).toContain("⌂ Home");
  });

  it("SPEC L7: Enter sends, and a refused message goes back to the composer", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("hello there");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")).toEqual([
      { type: "send", conversationId: "c1", text: "hello there", clientId: "cid-1" },
    ]);
    ui.client.responses.send = refusal("conversation/not_active", "This conversation is not active.");
    await ui.press("second");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("› second") && f.includes("not active"), "draft restored");
  });
});

describe("one cursor on screen", () => {
  /** The composer's row as drawn, colours and all. */
  const composerRow = (frame: string) => frame.split("\n").find((l) => l.includes("› half a reply")) ?? "";
  const INVERSE = "\x1b[7m";

  it("UX a picker or help over the composer has the keys: the composer's cursor is not drawn until it has them back", async () => {
    chalk.level = 1; // SGR in the frames: the cursor is an inverse cell
    ui = await renderConsole({ welcome: welcome([conversation("c1", { title: "Dana Kim" })]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("half a reply");
    let frame = await ui.waitForFrame((f) => f.includes("half a reply"), "the draft");
    expect(composerRow(frame)).toContain(INVERSE);

    await ui.press(KEYS.alt("e"));
    frame = await ui.waitForFrame((f) => f.includes("End the conversation with Dana Kim?"), "the dialog");
    expect(composerRow(frame)).not.toContain(INVERSE);
    await ui.press(KEYS.escape);
    await ui.press(KEYS.alt("t"));
    frame = await ui.waitForFrame((f) => f.includes("Transfer to"), "the picker");
    // The picker's filter has the cursor, the composer none.
    expect(frame.split("\n").find((l) => l.includes("filter:"))).toContain(INVERSE);
    expect(composerRow(frame)).not.toContain(INVERSE);
    await ui.press(KEYS.escape);
    frame = await ui.waitForFrame((f) => !f.includes("Transfer to"), "the picker closed");
    expect(composerRow(frame)).toContain(INVERSE);
    await ui.press("\x1bOP"); // F1
    frame = await ui.waitForFrame((f) => f.includes("Help — type to filter"), "help");
    expect(composerRow(frame)).not.toContain(INVERSE);
  });
});

describe("screen reader mode", () => {
  afterEach(() => {
    delete process.env.INK_SCREEN_READER;
  });

  it("UX colour and accessibility, SPEC S7, SPEC S9, SPEC S10: a linear layout where each session row is said in words, not glyphs", async () => {
    process.env.INK_SCREEN_READER = "true";
    ui = await renderConsole({
      welcome: welcome([
        conversation("c7", { title: "Visitor 7", alert: true, sentiment: -2 }),
        conversation("c8", { title: "Kenny Smith", state: "waiting", mode: "persistent", ownerId: null }),
      ]),
    });
    await ui.press(KEYS.alt("2"));
    for (let i = 0; i < 12; i++)
      ui.store.dispatch({
        type: "event",
        frame: event({ kind: "message", conversationId: "c7", message: customerMessage(`message ${i}`) }),
      });
    const frame = await ui.waitForFrame((f) => f.includes("10 or more unread"), "the spoken rows");
    expect(frame).toContain("1 Visitor 7, Active, 10 or more unread, urgent");
    expect(frame).toContain("2 Kenny Smith, Waiting, selected");
    // The panes come one after the other: the session list, then the conversation.
    expect(frame).toMatch(/^2 Kenny Smith, Waiting, selected$/m);
    // No box drawing reaches a screen reader.
    expect(frame).not.toMatch(/[│╭╮╰╯║╔╗╚╝]/);
  });
});
