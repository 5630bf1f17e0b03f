// App tests for handling a live chat (SPEC §4, L1–L3, L5–L9): the frame the rep sees and the requests sent.
import chalk from "chalk";
import { afterEach, describe, expect, it } from "vitest";
import {
  colourAt,
  conversation,
  customerMessage,
  event,
  KEYS,
  me,
  MORE_KEYS,
  offer,
  renderConsole,
  repMessage,
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

const dana = { role: "customer" as const, name: "Dana Kim" };

describe("live chat (L)", () => {
  it("SPEC L1: the offer shows customer, queue, preview, rep name and date, time since arrival and a countdown from the server's deadline", async () => {
    const o = offer("o1", "c5", {
      customerName: "Dana Kim",
      queueName: "Billing",
      arrivedAt: T0 - 5_000,
      expiresAt: T0 + 30_000,
      preview: [customerMessage("Hi, my order is late", T0 - 5_000), customerMessage("Order 1234", T0 - 4_000)],
    });
    ui = await renderConsole({ welcome: welcome([], [o]) });
    let frame = await ui.waitForFrame((f) => f.includes("◆ New conversation: Dana Kim · Billing"), "the offer card");
    expect(frame).toContain("Hi, my order is late");
    expect(frame).toContain("Order 1234");
    expect(frame).toContain("for Alice Moreau");
    expect(frame).toContain(String(new Date(T0).getFullYear()));
    expect(frame).toContain("waiting 0:05");
    expect(frame).toContain("30s left");
    expect(frame).toMatch(/Alt\+Y accept ·[\s║│]*Alt\+N reject/);
    expect(frame).toContain("1 offer");

    ui.store.dispatch({ type: "tick", now: T0 + 12_000 });
    frame = await ui.waitForFrame((f) => f.includes("18s left"), "the countdown ticking");
    expect(frame).toContain("waiting 0:17");
    ui.store.dispatch({ type: "tick", now: T0 + 26_000 });
    frame = await ui.waitForFrame((f) => f.includes("4s left"), "near expiry");
    expect(frame).toContain("waiting 0:31");
    // Nothing but Home's lists asked for again as time passes (HOME_EVERY_MS).
    const homeLists = new Set(["open_items", "today"]);
    expect(ui.client.sent.filter((b) => !homeLists.has(b.type))).toEqual([]);

    await ui.press(KEYS.alt("n"));
    await ui.waitForFrame(
      (f) => f.includes("Offer rejected: another rep is offered it, or you again once no other rep is free."),
      "rejected",
    );
    expect(ui.client.sent.filter((b) => !homeLists.has(b.type))).toEqual([{ type: "reject", offerId: "o1" }]);
  });

  it("SPEC L1: what the customer writes while the offer waits shows in its preview, with their sentiment now", async () => {
    const lines = [
      customerMessage("Hi, my order is late", T0 - 5_000),
      customerMessage("Order 1234", T0 - 4_000),
      customerMessage("It was due Monday", T0 - 3_000),
    ];
    const o = offer("o1", "c5", { customerName: "Dana Kim", preview: lines });
    // The offered rep is sent the conversation whole, and its messages as they come (server/core/audience.ts).
    const c5 = conversation("c5", { title: "Dana Kim", state: "open", messages: lines, messageCount: 3 });
    ui = await renderConsole({ welcome: welcome([c5], [o]) });
    await ui.waitForFrame((f) => f.includes("Hi, my order is late"), "the offer card");

    const angry = customerMessage("Hello?? Is anyone there? This is terrible", T0 + 1_000, { sentiment: -3 });
    ui.store.dispatch({ type: "event", frame: event({ kind: "message", conversationId: "c5", message: angry }) });
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "conversation", conversation: { ...c5, sentiment: -3, alert: true, messageCount: 4 } }),
    });
    const frame = await ui.waitForFrame((f) => f.includes("Hello?? Is anyone there?"), "the new line in the card");
    // Three lines, the latest: the oldest made room.
    expect(frame).not.toContain("Hi, my order is late");
    expect(frame).toContain("Order 1234");
    expect(frame).toMatch(/▁ very negative !/);
  });

  it("SPEC P12: a parked persistent chat routed back because its customer wrote again is offered as the customer back, not as new", async () => {
    const o = offer("o1", "c7", {
      customerName: "Pat Persist",
      returning: true,
      preview: [
        customerMessage("My invoice is wrong"),
        repMessage("Let me look", T0 + 1000, { id: "bob", name: "Bob Okafor" }),
        customerMessage("Any news?", T0 + 2000),
      ],
    });
    const c7 = conversation("c7", {
      title: "Pat Persist",
      state: "open",
      mode: "persistent",
      ownerId: null,
      ownerName: null,
      lastOwnerId: "bob",
    });
    ui = await renderConsole({ welcome: welcome([c7], [o]) });
    const frame = await ui.waitForFrame((f) => f.includes("Pat Persist ·"), "the offer card");
    expect(frame).toContain("◆ Customer back: Pat Persist");
    expect(frame).not.toContain("New conversation");
    // The preview says who wrote a line that is not the customer's.
    expect(frame).toMatch(/│ {3}My invoice is wrong/);
    expect(frame).toMatch(/│ {3}Bob Okafor: Let me look/);
    ui.unmount();

    // Handled before but not come back (a supervisor moved it to a queue): the server does not say returning.
    ui = await renderConsole({ welcome: welcome([c7], [offer("o2", "c7", { customerName: "Pat Persist" })]) });
    const moved = await ui.waitForFrame((f) => f.includes("Pat Persist ·"), "the other card");
    expect(moved).toContain("◆ New conversation: Pat Persist");
  });

  it("SPEC L1: the countdown follows the server's clock, not the terminal's", async () => {
    // The server's clock is 10 s ahead of this terminal.
    ui = await renderConsole({
      welcome: { ...welcome([], [offer("o1", "c5", { expiresAt: T0 + 30_000 })]), serverTime: T0 + 10_000 },
    });
    const frame = await ui.waitForFrame((f) => f.includes("20s left"), "countdown from the server deadline");
    expect(frame).toContain("waiting 0:15");
    expect(ui.client.sent).toEqual([]);
  });

  it("SPEC L1: the countdown never shows more than the offer lasts, though the server's clock seems behind", async () => {
    // The welcome took its time: the server's clock, estimated from it, is half a second behind the offer's start.
    ui = await renderConsole({ welcome: { ...welcome([], [offer("o1", "c5")]), serverTime: T0 - 500 } });
    const frame = await ui.waitForFrame((f) => f.includes("s left"), "the countdown");
    expect(frame).toContain("30s left");
    expect(frame).not.toContain("31s left");
  });

  it("SPEC L2: RONA is shown in words with the way back; choosing Available in the presence picker sends presence", async () => {
    // At 80 columns: the way back is whole on the hint line.
    ui = await renderConsole({ welcome: welcome([], [], me({ presence: "rona" })), columns: 80, rows: 24 });
    let frame = await ui.waitForFrame((f) => f.includes("⚠ RONA"), "RONA in the header");
    expect(frame).toContain("RONA: Alt+P or /status available to get offers again (you missed one).");
    await ui.press(KEYS.alt("p"));
    frame = await ui.waitForFrame((f) => f.includes("Presence") && f.includes("1. ● Available"), "the presence picker");
    expect(frame).toContain("◐ Busy");
    expect(frame).toContain("○ Away");
    expect(frame).toContain("✕ Offline");
    await ui.press(KEYS.enter);
    expect(ui.client.sent).toEqual([{ type: "presence", presence: "available" }]);
    ui.store.dispatch({ type: "event", frame: event({ kind: "user", user: me({ presence: "available" }) }) });
    frame = await ui.waitForFrame((f) => f.includes("● Available") && !f.includes("RONA"), "Available again");
    expect(frame).not.toContain("1. ● Available");
  });

  it("SPEC L2: /status available from Home is the way back too, and a RONA notice from the server is shown", async () => {
    ui = await renderConsole({ welcome: welcome([], [offer("o1", "c5")]) });
    ui.store.dispatch({
      type: "event",
      frame: event(
        { kind: "offer_ended", offerId: "o1", conversationId: "c5", status: "timed_out" },
        { kind: "user", user: me({ presence: "rona" }) },
        {
          kind: "notice",
          code: "rona",
          text: "You did not answer an offer in time: you are RONA until you set yourself Available.",
        },
      ),
    });
    let frame = await ui.waitForFrame(
      (f) => f.includes("⚠ RONA") && f.includes("you are RONA until you set yourself Available"),
      "RONA notice",
    );
    expect(frame).not.toContain("◆ New conversation");
    await ui.press("/status available");
    await ui.press(KEYS.enter);
    expect(ui.client.sent).toEqual([{ type: "presence", presence: "available" }]);
    ui.store.dispatch({ type: "event", frame: event({ kind: "user", user: me({ presence: "available" }) }) });
    frame = await ui.waitForFrame((f) => f.includes("● Available"), "Available");
    expect(frame).not.toContain("⚠ RONA");
  });

  it("SPEC L3: customer and rep messages are told apart — initials for the customer, You for the rep, names in green versus blue, text in the normal foreground", async () => {
    chalk.level = 1;
    const c = conversation("c1", {
      title: "Dana Kim",
      customer: { name: "Dana Kim", authenticated: true },
      messages: [
        customerMessage("Hi, my order is late", T0, { author: dana }),
        repMessage("Bob here, one moment", T0 + 1000, { id: "bob", name: "Bob Martin" }),
      ],
    });
    ui = await renderConsole({ welcome: welcome([c]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("Sure, checking now");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")).toEqual([
      { type: "send", conversationId: "c1", text: "Sure, checking now", clientId: "cid-1" },
    ]);
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "message",
        conversationId: "c1",
        message: repMessage("Sure, checking now", T0 + 2000, undefined, { clientId: "cid-1" }),
      }),
    });
    const frame = await ui.waitForFrame((f) => stripSgr(f).includes("You: Sure, checking now"), "the rep's message");
    const plain = stripSgr(frame);
    expect(plain).toContain("DK: Hi, my order is late");
    expect(plain).toContain("BM: Bob here, one moment");
    // Speakers by colour: the customer green (SGR 32), reps blue (SGR 34); every message's text in the
    // terminal's normal foreground (the most readable), the time dim grey (SGR 90).
    expect(colourAt(frame, "DK: ")).toBe("32");
    expect(colourAt(frame, "Hi, my order is late")).toBeNull();
    expect(colourAt(frame, "You: ")).toBe("34");
    expect(colourAt(frame, "Sure, checking now")).toBeNull();
    expect(colourAt(frame, "BM: ")).toBe("34");
    expect(colourAt(frame, "Bob here, one moment")).toBeNull();
    const time = new Date(T0).toTimeString().slice(0, 5);
    expect(colourAt(frame, `${time} `)).toBe("90");
  });

  it("SPEC L5: the counter shows near 1000 characters; past 1000 sending is blocked with the reason and the draft is kept", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("a".repeat(700));
    // The composer shows the tail of a long draft and never grows past its rows.
    let frame = await ui.waitForFrame((f) => /… \d+ more lines/.test(f) && f.includes("aaaaaaaaaa"), "the draft");
    expect(frame).not.toContain("/1000");
    await ui.press("b".repeat(150));
    await ui.waitForFrame((f) => f.includes("850/1000"), "the counter near the limit");
    await ui.press("c".repeat(151));
    await ui.waitForFrame((f) => f.includes("1001/1000 — 1 over the limit, shorten it to send"), "over the limit");
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame((f) => f.includes("At most 1000 characters: shorten it by 1 to send."), "the reason");
    expect(frame).toContain("1001/1000");
    expect(ui.store.getState().sessions.c1?.draft).toBe(`${"a".repeat(700)}${"b".repeat(150)}${"c".repeat(151)}`);
    expect(ui.client.ofType("send")).toEqual([]);

    await ui.press(KEYS.backspace);
    await ui.waitForFrame((f) => f.includes("1000/1000") && !f.includes("over the limit"), "at the limit");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")).toEqual([
      {
        type: "send",
        conversationId: "c1",
        text: `${"a".repeat(700)}${"b".repeat(150)}${"c".repeat(150)}`,
        clientId: "cid-1",
      },
    ]);
    await ui.waitForFrame((f) => !f.includes("/1000"), "the counter gone with the sent draft");
  });

  it("SPEC L6: masked values from the server are shown as they are in the offer, title, messages and context", async () => {
    const o = offer("o1", "c5", {
      title: "**********7890",
      customerName: "**********7890",
      preview: [customerMessage("my e-mail is m******@gmail.com")],
    });
    ui = await renderConsole({ welcome: welcome([], [o]) });
    let frame = await ui.waitForFrame(
      (f) => f.includes("◆ New conversation: **********7890 · General"),
      "masked offer",
    );
    expect(frame).toContain("my e-mail is m******@gmail.com");
    ui.client.responses.accept = () => {
      ui!.store.dispatch({
        type: "event",
        frame: event(
          {
            kind: "conversation",
            conversation: conversation("c5", {
              title: "**********7890",
              customer: { name: "**********7890", authenticated: false },
              context: { phone: "*********7542", email: "m******@gmail.com" },
              messages: [
                customerMessage("my e-mail is m******@gmail.com"),
                customerMessage("call me on *********7542", T0 + 1000),
              ],
            }),
          },
          { kind: "offer_ended", offerId: "o1", conversationId: "c5", status: "accepted" },
        ),
      });
      return { conversationId: "c5" };
    };
    await ui.press(KEYS.alt("y"));
    frame = await ui.waitForFrame((f) => f.includes("**********7890 [Active]"), "masked session title");
    expect(frame).toMatch(/1 \*{10}7890/);
    expect(frame).toContain("my e-mail is m******@gmail.com");
    expect(frame).toContain("call me on *********7542");
    expect(frame).toContain("phone: *********7542 · email: m******@gmail.com");
    expect(ui.client.ofType("accept")).toEqual([{ type: "accept", offerId: "o1" }]);
  });

  it("SPEC L1: the card's Alt+Y accepts over an open picker too, which closes; Alt+N rejects from there", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")], [offer("o1", "c5"), offer("o2", "c6")]) });
    ui.client.responses.accept = () => {
      ui!.store.dispatch({
        type: "event",
        frame: event(
          { kind: "conversation", conversation: conversation("c5", { title: "Kenny Smith" }) },
          { kind: "offer_ended", offerId: "o1", conversationId: "c5", status: "accepted" },
        ),
      });
      return { conversationId: "c5" };
    };
    await ui.press(KEYS.ctrlK);
    const frame = await ui.waitForFrame((f) => f.includes("Switch to"), "the switcher over the card");
    expect(frame).toContain("Alt+Y accept");
    await ui.press(KEYS.alt("y"));
    // The next offer's card lies over the conversation's title: the pane has its row, and it has the focus.
    await ui.waitForFrame((f) => /2 Kenny Smith/.test(f) && !f.includes("Switch to"), "accepted, closed");
    expect(ui.store.getState().focus).toBe("c5");
    expect(ui.client.ofType("accept")).toEqual([{ type: "accept", offerId: "o1" }]);

    await ui.press(KEYS.ctrlK);
    await ui.waitForFrame((f) => f.includes("Switch to"), "the switcher again");
    await ui.press(KEYS.alt("n"));
    await ui.waitForFrame((f) => f.includes("Offer rejected"), "rejected");
    expect(ui.client.ofType("reject")).toEqual([{ type: "reject", offerId: "o2" }]);
  });

  it("SPEC L7: Enter sends with a clientId; the message shows as sending until the server echoes it", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    // Enter on an empty composer sends nothing.
    await ui.press(KEYS.enter);
    expect(ui.client.sent).toEqual([]);
    await ui.press("hello there");
    await ui.press(KEYS.enter);
    const frame = await ui.waitForFrame((f) => f.includes("sending 1…"), "in the outbox");
    expect(frame).not.toContain("› hello there");
    expect(ui.client.ofType("send")).toEqual([
      { type: "send", conversationId: "c1", text: "hello there", clientId: "cid-1" },
    ]);
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "message",
        conversationId: "c1",
        message: repMessage("hello there", T0, undefined, { clientId: "cid-1" }),
      }),
    });
    await ui.waitForFrame((f) => f.includes("You: hello there") && !f.includes("sending"), "echoed");
    await ui.press("second one");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send").map((s) => s.clientId)).toEqual(["cid-1", "cid-2"]);
  });

  it("SPEC L8: < and > are refused with a clear error and nothing is lost from the composer", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("price > 10");
    await ui.press(KEYS.enter);
    const frame = await ui.waitForFrame(
      (f) => f.includes("< and > are reserved for template parameters"),
      "the L8 error",
    );
    expect(frame).toContain("› price > 10");
    expect(ui.client.ofType("send")).toEqual([]);
    // Both signs typed by hand read as the same refusal, not as a quick reply's prompt to fill in.
    for (const typed of ["price is < 5 and > 2", "if a<b and c>d then", "use the <br> tag"]) {
      await ui.press(KEYS.ctrlC);
      await ui.press(typed);
      await ui.press(KEYS.enter);
      await ui.waitForFrame((f) => f.includes(`› ${typed}`), "the draft kept");
      expect(ui.frame()).toContain("< and > are reserved for template parameters");
      expect(ui.frame()).not.toContain("Fill in");
    }
    await ui.press(KEYS.ctrlC);
    await ui.press("price > 10");
    for (let i = 0; i < 4; i++) await ui.press(KEYS.backspace);
    await ui.press("over 10");
    await ui.waitForFrame((f) => f.includes("› price over 10"), "edited draft");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")).toEqual([
      { type: "send", conversationId: "c1", text: "price over 10", clientId: "cid-1" },
    ]);
  });

  it("SPEC L9: Ctrl+J and Alt+Enter add line breaks; a pasted chunk with \\r or \\n never sends by itself", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("Dear Dana,");
    await ui.press(KEYS.ctrlJ);
    await ui.press("your order");
    await ui.press(MORE_KEYS.altEnter);
    await ui.press("shipped today.\rTracking:\r\n1Z999\nThanks\r");
    const frame = await ui.waitForFrame((f) => f.includes("Thanks"), "the multi-line draft");
    // The composer shows the tail of a long draft.
    expect(frame).toContain("… 3 more lines");
    expect(frame).toMatch(/Tracking:\s*│\n.*1Z999\s*│\n.*Thanks\s*│/);
    expect(ui.client.sent).toEqual([]);
    expect(ui.store.getState().sessions.c1?.draft).toBe(
      "Dear Dana,\nyour order\nshipped today.\nTracking:\n1Z999\nThanks\n",
    );
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")).toEqual([
      {
        type: "send",
        conversationId: "c1",
        // The line break the paste ended with is not sent.
        text: "Dear Dana,\nyour order\nshipped today.\nTracking:\n1Z999\nThanks",
        clientId: "cid-1",
      },
    ]);
  });

  it("SPEC L7, SPEC L9: keys joined in one read are still keys — typed text then Enter sends, Backspace deletes", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("thanks, bye!!\x7f\x7f\r");
    await ui.waitForFrame(() => ui!.client.ofType("send").length === 1, "the reply sent");
    expect(ui.client.ofType("send")).toEqual([
      { type: "send", conversationId: "c1", text: "thanks, bye", clientId: "cid-1" },
    ]);
  });

  it("SPEC L9: a bracketed paste is text, even one line ending in a line break: it never sends by itself", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("\x1b[200~order 1Z999\r\x1b[201~");
    await ui.waitForFrame((f) => f.includes("› order 1Z999"), "the pasted line");
    expect(ui.client.sent).toEqual([]);
    await ui.press("ships today");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")).toEqual([
      { type: "send", conversationId: "c1", text: "order 1Z999\nships today", clientId: "cid-1" },
    ]);
  });

  it("SPEC L9: a paste ending in a line break, then Enter, sends the text without the empty line after it", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("\x1b[200~Thanks, your refund is on its way.\r\x1b[201~");
    await ui.waitForFrame((f) => f.includes("› Thanks, your refund is on its way."), "the pasted line");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")).toEqual([
      { type: "send", conversationId: "c1", text: "Thanks, your refund is on its way.", clientId: "cid-1" },
    ]);
  });

  it("SPEC L9: a pasted tab is two spaces in the composer, as in the message sent: the frame keeps its lines", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    const before = ui.frame().split("\n");
    await ui.press("\x1b[200~Name:\tLee\tWong\x1b[201~");
    const frame = await ui.waitForFrame((f) => f.includes("› Name:  Lee  Wong"), "the pasted line");
    expect(frame).not.toContain("\t");
    const lines = frame.split("\n");
    expect(lines.length).toBe(before.length);
    expect(lines[0]).toBe(before[0]); // the status bar stays on the first line
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")).toEqual([
      { type: "send", conversationId: "c1", text: "Name:  Lee  Wong", clientId: "cid-1" },
    ]);
  });
});
