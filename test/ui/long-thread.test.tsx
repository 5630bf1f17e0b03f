// A long thread in the console (issue 12, items 4–5): the server sends a conversation with its latest few messages
// and their count; the console reads the earlier ones a page at a time (`messages`) as the rep opens the
// conversation and scrolls up. What the screen shows and what went over the wire.
import { afterEach, describe, expect, it } from "vitest";
import type { RequestBody } from "../../src/client/client.js";
import {
  alternatingThread,
  conversation,
  event,
  KEYS,
  refusal,
  renderConsole,
  stripSgr,
  T0,
  welcome,
} from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";
import { renderMonitor, rowOf, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";

let ui: Console | Monitor | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

const PG_UP = "\x1b[5~";
const TOTAL = 250;

/** m1…m250, the customer and the rep in turn, a second apart. */
const THREAD = alternatingThread(TOTAL);

/** The server's answer to `messages`: the `limit` messages before `before` (the latest of all without it). */
function page(body: RequestBody): Record<string, unknown> {
  if (body.type !== "messages") throw new Error(`unexpected ${body.type}`);
  const end = body.before ? THREAD.findIndex((m) => m.id === body.before) : THREAD.length;
  const start = Math.max(0, end - (body.limit ?? 100));
  return { messages: THREAD.slice(start, end), more: start > 0 };
}

/** c1, active and the rep's, as a snapshot sends it: the latest 3 messages and the count of all 250. */
const LONG = conversation("c1", {
  title: "Dana Kim",
  state: "active",
  ownerId: "alice",
  messageCount: TOTAL,
  messages: THREAD.slice(-3),
});

const screen = (c: Console | Monitor) => stripSgr(c.frame());
/** The line numbers of the thread on screen, top to bottom. */
const linesShown = (frame: string) => [...frame.matchAll(/line (\d+)\b/g)].map((m) => Number(m[1]));

describe("a long thread read a page at a time", () => {
  it("a 250-message conversation shows its latest messages at once; earlier ones appear as the rep scrolls up", async () => {
    ui = await renderConsole({ welcome: welcome([LONG]) });
    ui.client.responses.messages = page;
    await ui.press(KEYS.alt("1"));
    // The latest messages at once, and the page before them read on focus.
    const first = await ui.waitForFrame((f) => f.includes("line 250") && f.includes("line 230"), "the latest page");
    expect(ui.client.ofType("messages")[0]).toMatchObject({ conversationId: "c1", before: "m248", limit: 100 });
    expect(linesShown(stripSgr(first)).at(-1)).toBe(250);
    // Up to the top of the thread: each page before the oldest held is asked for once, until the first message.
    for (let i = 0; i < 80 && linesShown(screen(ui))[0] !== 1; i++) await ui.press(PG_UP);
    const top = await ui.waitForFrame((f) => linesShown(stripSgr(f))[0] === 1, "the first message");
    expect(top).not.toContain("earlier message");
    expect(ui.client.ofType("messages").map((b) => b.before)).toEqual(["m248", "m148", "m48"]);
  });

  it("the top of the thread says how many earlier messages are loading, and the message read stays in place", async () => {
    ui = await renderConsole({ welcome: welcome([LONG]), rows: 24 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const request = ui.client.request.bind(ui.client);
    ui.client.request = (body) => (body.type === "messages" ? gate.then(() => request(body)) : request(body));
    ui.client.responses.messages = page;
    await ui.press(KEYS.alt("1"));
    const loading = await ui.waitForFrame((f) => f.includes("247 earlier messages · loading…"), "the loading line");
    // The thread's first row, dim, right under the details.
    const rows = stripSgr(loading).split("\n");
    const summary = rows.findIndex((l) => l.includes("summary:"));
    expect(rows[summary + 1]).toMatch(/│ ↑ 247 earlier messages · loading…\s*$/);
    expect(rows[summary]).toContain("250 messages");
    release();
    await ui.waitForFrame((f) => !f.includes("loading…") && linesShown(stripSgr(f)).length > 3, "the page");
    // Scrolled up by half the thread (7 at 24 rows): a page arriving keeps the same message at the bottom.
    await ui.press(PG_UP);
    const bottom = linesShown(screen(ui)).at(-1);
    expect(bottom).toBe(243);
    // What lies below was read: "more", not "new".
    expect(screen(ui)).toContain("7 more ↓ (Ctrl+L for the newest)");
    for (let i = 0; i < 30 && ui.client.ofType("messages").length < 2; i++) await ui.press(PG_UP);
    const scrolled = linesShown(screen(ui)).at(-1)!;
    await ui.waitForFrame((f) => !f.includes("loading…"), "the second page");
    expect(linesShown(screen(ui)).at(-1)).toBe(scrolled);
  });

  it("a page that fails shows in the status line; scrolling up again asks again", async () => {
    ui = await renderConsole({ welcome: welcome([LONG]) });
    ui.client.responses.messages = refusal("server/unavailable", "The server is busy");
    await ui.press(KEYS.alt("1"));
    const failed = await ui.waitForFrame((f) => f.includes("could not be loaded"), "the failure");
    expect(stripSgr(failed)).toContain("Earlier messages could not be loaded: The server is busy");
    expect(stripSgr(failed)).toContain("↑ 247 earlier messages · could not load: scroll up to try again");
    ui.client.responses.messages = page;
    await ui.press(PG_UP);
    // The page came: scrolled up by half the thread from the newest, the messages above the 3 held show.
    await ui.waitForFrame((f) => linesShown(stripSgr(f)).includes(230), "the page after retrying");
    expect(ui.client.ofType("messages").map((b) => b.before)).toEqual(["m248", "m248"]);
  });

  it("a conversation new after a resume holds only the missed messages: the customer's count unread, and focusing it reads the ones before", async () => {
    ui = await renderConsole({ welcome: welcome([]) });
    ui.client.responses.messages = page;
    // Transferred to the rep while the console was away: its view without messages, then each missed message.
    const { messages: _latest, ...view } = LONG;
    ui.store.dispatch({ type: "event", frame: event({ kind: "conversation", conversation: view }) });
    for (const message of THREAD.slice(-2))
      ui.store.dispatch({ type: "event", frame: event({ kind: "message", conversationId: "c1", message }) });
    // m249 is the customer's (unread), m250 the rep's own.
    const listed = await ui.waitForFrame((f) => /1 Dana Kim\s+1\b/.test(f), "one unread on the session row");
    expect(ui.client.ofType("messages")).toEqual([]);
    expect(stripSgr(listed)).not.toContain("line 249");
    await ui.press(KEYS.alt("1"));
    await ui.waitForFrame((f) => f.includes("line 230") && f.includes("line 250"), "the page before the missed ones");
    expect(ui.client.ofType("messages")).toEqual([
      { type: "messages", conversationId: "c1", before: "m249", limit: 100 },
    ]);
  });

  it("earlier messages read from the server are never counted unread", async () => {
    ui = await renderConsole({ welcome: welcome([LONG]) });
    ui.client.responses.messages = page;
    await ui.press(KEYS.alt("1"));
    await ui.waitForFrame((f) => f.includes("line 230"), "the page");
    expect(ui.store.getState().sessions.c1!.unread).toBe(0);
  });
});

describe("a long thread in the monitor", () => {
  it("SPEC SV4: a supervisor monitoring a 250-message conversation reads the page before the latest, and more as they scroll up", async () => {
    const monitor = await renderMonitor({ welcome: supervisorWelcome([{ ...LONG, ownerName: "Alice Moreau" }]) });
    ui = monitor;
    monitor.client.responses.monitor = {};
    monitor.client.responses.messages = page;
    await monitor.press("/");
    await monitor.press("id:c1");
    await monitor.press(KEYS.enter);
    const selected = await monitor.waitForFrame(
      (f) => rowOf(f, "c1").startsWith("›") && !f.includes("Enter keep"),
      "c1 selected",
    );
    // The preview holds the latest three and says how many come before them, and which key reads them.
    expect(stripSgr(selected)).toContain("↑ 247 earlier messages · m to read them");
    expect(linesShown(stripSgr(selected))).toEqual([248, 249, 250]);
    await monitor.press("m");
    await monitor.waitForFrame(
      (f) => f.includes("MONITORING c1") && f.includes("line 230"),
      "the page in the live view",
    );
    expect(monitor.client.ofType("messages")).toEqual([
      { type: "messages", conversationId: "c1", before: "m248", limit: 100 },
    ]);
    for (let i = 0; i < 80 && linesShown(screen(monitor))[0] !== 1; i++) await monitor.press(PG_UP);
    const top = await monitor.waitForFrame((f) => linesShown(stripSgr(f))[0] === 1, "the first message");
    expect(top).not.toContain("earlier message");
    expect(monitor.client.ofType("messages").map((b) => b.before)).toEqual(["m248", "m148", "m48"]);
  });
});

describe("a thread sent whole again", () => {
  it("SPEC SV4: the preview of an Open conversation says earlier messages are not shown, without offering m, which is refused for it", async () => {
    const open = { ...LONG, state: "open" as const, ownerId: null, ownerName: null, lastOwnerId: null, queuedAt: T0 };
    const monitor = await renderMonitor({ welcome: supervisorWelcome([open]) });
    ui = monitor;
    const frame = await monitor.waitForFrame((f) => f.includes("c1 · Dana Kim [◇ Open]"), "the Open one previewed");
    expect(stripSgr(frame)).toContain("↑ 247 earlier messages · not shown in the preview");
    expect(frame).not.toContain("m to read them");
  });

  it("SPEC L2, L12: a conversation out of sight for a while comes back whole: what was written meanwhile is read, not skipped", async () => {
    // Offered once: the rep holds its first two lines.
    const first = conversation("c1", { title: "Dana Kim", state: "active", ownerId: "alice", messageCount: 2 });
    ui = await renderConsole({ welcome: welcome([{ ...first, messages: THREAD.slice(0, 2) }]) });
    ui.client.responses.messages = page;
    await ui.press(KEYS.alt("1"));
    await ui.waitForFrame((f) => f.includes("line 2"), "the first two lines");
    // The offer ended, the customer wrote seven lines unseen; offered again, the view comes whole: its latest three.
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "conversation", conversation: { ...first, messageCount: 9, messages: THREAD.slice(6, 9) } }),
    });
    // The lines between are read (the page before the latest three), not left out.
    const frame = await ui.waitForFrame((f) => linesShown(stripSgr(f)).includes(3), "the lines written meanwhile");
    expect(linesShown(stripSgr(frame))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ui.client.ofType("messages").at(-1)).toMatchObject({ conversationId: "c1", before: "m7" });
  });
});
