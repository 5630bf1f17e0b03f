// App tests for the console's own keys: Ctrl+C clear/quit, help, attention routing, the quick switcher.
import { afterEach, describe, expect, it } from "vitest";
import { conversation, customerMessage, event, KEYS, MORE_KEYS, renderConsole, T0, welcome } from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

describe("Ctrl+C", () => {
  it("UX Ctrl+C: clears a non-empty draft without sending it", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("never mind");
    await ui.waitForFrame((f) => f.includes("› never mind"), "the draft");
    await ui.press(KEYS.ctrlC);
    const frame = await ui.waitForFrame((f) => !f.includes("never mind"), "cleared");
    expect(frame).not.toContain("Press Ctrl+C again to quit");
    expect(ui.exited).toBe(false);
    expect(ui.client.sent).toEqual([]);
  });

  it("UX Ctrl+C: on an empty composer the first Ctrl+C asks, the second sets presence Offline and quits", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.ctrlC);
    const frame = await ui.waitForFrame((f) => f.includes("Press Ctrl+C again to quit"), "the warning");
    expect(frame).toContain("(you will be set Offline); any other key goes on.");
    expect(ui.exited).toBe(false);
    expect(ui.client.sent).toEqual([]);
    await ui.press(KEYS.ctrlC);
    expect(ui.client.sent).toEqual([{ type: "presence", presence: "offline", ifLastConsole: true }]);
    expect(ui.exited).toBe(true);
  });

  it("UX Ctrl+C: the warning says a draft left in another session is lost with the console", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1"), conversation("c2")]) });
    await ui.press(KEYS.alt("2"));
    await ui.press("half an answer");
    await ui.press(KEYS.alt("1"));
    await ui.press(KEYS.ctrlC);
    const frame = await ui.waitForFrame((f) => f.includes("Press Ctrl+C again to quit"), "the warning");
    expect(frame).toContain("Press Ctrl+C again to quit — 1 unsent draft is lost (you will be set Offline)");
    await ui.press("x");
    expect(ui.exited).toBe(false);
  });

  it("UX Ctrl+C: a closed session dismissed with Alt+Q takes its draft with it: the warning counts no draft out of sight", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1", { title: "Noah Dubois" })]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("half typed");
    await ui.waitForFrame((f) => f.includes("› half typed"), "the draft");
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "conversation",
        conversation: conversation("c1", { title: "Noah Dubois", state: "closed" }),
      }),
    });
    await ui.waitForFrame((f) => f.includes("Your draft below was not sent."), "closed, the draft in sight");
    await ui.press(KEYS.alt("q"));
    await ui.waitForFrame((f) => !/1 Noah Dubois/.test(f), "out of the pane");
    await ui.press(KEYS.ctrlC);
    const frame = await ui.waitForFrame((f) => f.includes("Press Ctrl+C again to quit"), "the warning");
    expect(frame).toContain("Press Ctrl+C again to quit (you will be set Offline)");
    expect(frame).not.toContain("unsent draft");
  });

  it("UX Ctrl+C: two presses that reach the console in one read still quit (a busy terminal joins them)", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.ctrlC + KEYS.ctrlC);
    await ui.waitForFrame(() => ui!.exited, "the console to quit");
    expect(ui.client.sent).toEqual([{ type: "presence", presence: "offline", ifLastConsole: true }]);
  });

  it("with another console of this rep open, the header says so and quitting leaves the presence to it", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    expect(ui.frame()).not.toContain("consoles open");
    ui.store.dispatch({ type: "consoles", count: 2 });
    await ui.waitForFrame((f) => f.split("\n")[0]!.includes("2 consoles open"), "the header notice");
    expect(ui.frame().split("\n")[0]).toContain("Contoso Demo");
    await ui.press(KEYS.ctrlC);
    await ui.waitForFrame((f) => f.includes("your other console stays signed in"), "the quit warning");
    await ui.press(KEYS.ctrlC);
    // The server sets Offline only when this is the rep's last console.
    expect(ui.client.sent).toEqual([{ type: "presence", presence: "offline", ifLastConsole: true }]);
    expect(ui.exited).toBe(true);
  });

  it("at 80 columns the notice of another console keeps the header on one line (the names after it are cut)", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]), columns: 80, rows: 24 });
    ui.store.dispatch({ type: "consoles", count: 2 });
    const frame = await ui.waitForFrame((f) => f.includes("2 consoles open"), "the header notice");
    const [first, second] = frame.split("\n");
    expect(first).toContain("● Available");
    expect(first).toMatch(/online {2}2 consoles open {2}Alice Moreau {2}Contoso …$/);
    // At 80 columns the session pane keeps Home's glyph, the numbers and badges.
    expect(second).toMatch(/^⌂ +│/);
  });

  it("UX Ctrl+C: typing after the first Ctrl+C disarms the quit", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.ctrlC);
    await ui.waitForFrame((f) => f.includes("Press Ctrl+C again to quit"), "armed");
    await ui.press("/");
    await ui.waitForFrame((f) => !f.includes("Press Ctrl+C again to quit"), "disarmed");
    await ui.press(KEYS.ctrlC);
    await ui.press(KEYS.ctrlC);
    expect(ui.exited).toBe(false);
    expect(ui.client.sent).toEqual([]);
  });

  it("UX Ctrl+C: a key that types nothing (Down, Esc) also disarms the quit: any other key goes on", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    for (const other of [KEYS.down, KEYS.escape]) {
      await ui.press(KEYS.ctrlC);
      await ui.waitForFrame((f) => f.includes("Press Ctrl+C again to quit"), "armed");
      await ui.press(other);
      await ui.waitForFrame((f) => !f.includes("Press Ctrl+C again to quit"), "disarmed");
    }
    await ui.press(KEYS.ctrlC);
    expect(ui.exited).toBe(false);
    expect(ui.client.sent).toEqual([]);
  });
});

describe("help", () => {
  it("UX help: F1 opens help generated from the key table; typing filters it; Esc clears, then closes", async () => {
    // Tall enough for the bindings below on help's first page.
    ui = await renderConsole({ welcome: welcome([conversation("c1")]), rows: 44 });
    await ui.press(KEYS.alt("1"));
    await ui.press(MORE_KEYS.f1);
    let frame = await ui.waitForFrame((f) => f.includes("Help — type to filter, Esc to close"), "help");
    expect(frame).toMatch(/Alt\+Y\s+accept the pending offer \(\/accept\)/);
    expect(frame).toMatch(/Alt\+T\s+transfer to a queue or a rep/);
    expect(frame).toMatch(/Ctrl\+B\s+collapse or expand the session pane/);
    expect(frame).toMatch(/Alt\+Enter, Ctrl\+J\s+add a line break/);

    await ui.press("conference");
    frame = await ui.waitForFrame((f) => f.includes("filter: conference"), "filtered");
    expect(frame).toMatch(/Alt\+C\s+invite a rep to a conference/);
    expect(frame).toMatch(/Alt\+X\s+leave the conference/);
    expect(frame).not.toContain("accept the pending offer");

    await ui.press(KEYS.escape);
    await ui.waitForFrame((f) => f.includes("accept the pending offer"), "filter cleared");
    await ui.press(KEYS.escape);
    frame = await ui.waitForFrame((f) => !f.includes("Help — type to filter"), "closed");
    expect(frame).toContain("Visitor 1 [Active]");
    // Help never typed into the composer or sent anything.
    expect(ui.store.getState().sessions.c1?.draft).toBe("");
    expect(ui.client.sent).toEqual([]);
  });

  it("UX help: ? opens help on Home, but is text in the composer", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press("?");
    await ui.waitForFrame((f) => f.includes("Help — type to filter"), "help from Home");
    await ui.press(KEYS.escape);
    await ui.waitForFrame((f) => !f.includes("Help — type to filter"), "closed");
    await ui.press(KEYS.alt("1"));
    await ui.press("is it late?");
    const frame = await ui.waitForFrame((f) => f.includes("› is it late?"), "? typed");
    expect(frame).not.toContain("Help — type to filter");
    await ui.press(KEYS.enter);
    expect(ui.client.sent).toEqual([{ type: "send", conversationId: "c1", text: "is it late?", clientId: "cid-1" }]);
  });
});

describe("attention", () => {
  it("SPEC S9: Alt+A jumps to the session with the sentiment alert first, then unread ones, oldest first", async () => {
    ui = await renderConsole({
      welcome: welcome([
        conversation("c1", { title: "Dana Kim" }),
        conversation("c2", { title: "Kenny Smith" }),
        conversation("c3", { title: "Visitor 3" }),
      ]),
    });
    ui.store.dispatch({
      type: "event",
      frame: event(
        { kind: "message", conversationId: "c3", message: customerMessage("hello?", T0 + 1_000) },
        { kind: "message", conversationId: "c1", message: customerMessage("anyone?", T0 + 2_000) },
        {
          kind: "message",
          conversationId: "c2",
          message: customerMessage("this is unacceptable", T0 + 3_000, { sentiment: -2 }),
        },
        {
          kind: "conversation",
          conversation: conversation("c2", { title: "Kenny Smith", alert: true, sentiment: -2 }),
        },
      ),
    });
    await ui.waitForFrame((f) => /2 Kenny Smith\s+1!/.test(f), "the alert");
    await ui.press(KEYS.alt("a"));
    const frame = await ui.waitForFrame((f) => f.includes("Kenny Smith [Active]"), "alert first");
    expect(frame).toContain("this is unacceptable");
    // The alert stays until the server clears it, so Alt+A stays there; then the unread ones follow.
    await ui.press(KEYS.alt("a"));
    expect(ui.store.getState().focus).toBe("c2");
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "conversation",
        conversation: conversation("c2", { title: "Kenny Smith", alert: false, sentiment: 0 }),
      }),
    });
    await ui.press(KEYS.alt("a"));
    await ui.waitForFrame((f) => f.includes("Visitor 3 [Active]"), "the oldest unread next");
    await ui.press(KEYS.alt("a"));
    await ui.waitForFrame((f) => f.includes("Dana Kim [Active]"), "then the other unread");
    await ui.press(KEYS.alt("a"));
    await ui.waitForFrame((f) => f.includes("Nothing needs attention."), "nothing left");
    expect(ui.client.sent).toEqual([]);
  });

  it("SPEC S1: Ctrl+K opens the quick switcher; typing filters and Enter switches", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { title: "Dana Kim" }), conversation("c2", { title: "Kenny Smith" })]),
    });
    await ui.press(KEYS.ctrlK);
    let frame = await ui.waitForFrame((f) => f.includes("Switch to"), "the switcher");
    // Sessions first, Home last, numbered as in the pane (the order of attention is tested in attention.test.tsx).
    expect(frame).toContain("0. ⌂ Home");
    await ui.press("kenny");
    frame = await ui.waitForFrame((f) => f.includes("filter: kenny"), "filtered");
    expect(frame).not.toMatch(/│ \d+\. Dana Kim/);
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Kenny Smith [Active]"), "switched");
    expect(ui.client.sent).toEqual([]);
  });
});
