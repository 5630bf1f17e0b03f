// App tests for the rep's workspace (SPEC §3, S1–S10): what the rep sees, and what went over the wire.
import chalk from "chalk";
import { afterEach, describe, expect, it } from "vitest";
import {
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
import { localMidnight } from "../../src/ui/text/index.js";

let ui: Console | undefined;
const chalkLevel = chalk.level;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
  chalk.level = chalkLevel;
});

describe("sessions (S)", () => {
  it("SPEC S1: switching between sessions keeps each conversation's thread and customer details", async () => {
    const dana = conversation("c1", {
      title: "Dana Kim",
      customer: { name: "Dana Kim", authenticated: true, account: "Contoso Ltd", caseTitle: "Late order" },
      messages: [
        customerMessage("My order 1234 is late", T0, { author: { role: "customer", name: "Dana Kim" } }),
        repMessage("Let me check that for you"),
      ],
    });
    const kenny = conversation("c2", {
      title: "Kenny Smith",
      customer: { name: "Kenny Smith", authenticated: true, account: "Fabrikam" },
      messages: [
        customerMessage("How do I reset my password?", T0, { author: { role: "customer", name: "Kenny Smith" } }),
      ],
    });
    ui = await renderConsole({ welcome: welcome([dana, kenny]) });

    await ui.press(KEYS.alt("1"));
    let frame = await ui.waitForFrame((f) => f.includes("Dana Kim [Active]"), "session 1");
    expect(frame).toContain("My order 1234 is late");
    expect(frame).toContain("You: Let me check that for you");
    expect(frame).toContain("account Contoso Ltd · case Late order");

    await ui.press(KEYS.alt("2"));
    frame = await ui.waitForFrame((f) => f.includes("Kenny Smith [Active]"), "session 2");
    expect(frame).toContain("How do I reset my password?");
    expect(frame).toContain("account Fabrikam");
    expect(frame).not.toContain("My order 1234 is late");

    // Something arrives on the first session while the rep is on the second: nothing is lost.
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "message",
        conversationId: "c1",
        message: customerMessage("Any news?", T0 + 60_000, { author: { role: "customer", name: "Dana Kim" } }),
      }),
    });
    await ui.press(KEYS.alt("1"));
    frame = await ui.waitForFrame((f) => f.includes("Dana Kim [Active]") && f.includes("Any news?"), "session 1 again");
    expect(frame).toContain("My order 1234 is late");
    expect(frame).toContain("You: Let me check that for you");
    expect(frame).toContain("account Contoso Ltd · case Late order");
    // Switching changes nothing on the server: it only reads each signed-in customer's history.
    expect(ui.client.sent.filter((b) => b.type !== "history")).toEqual([]);
  });

  it("SPEC S2: accepting starts a session whose details show contact, account, case and context variables; presence Busy shows in the header", async () => {
    const o = offer("o1", "c4", { customerName: "Kenny Smith", title: "Kenny Smith" });
    ui = await renderConsole({ welcome: welcome([], [o], me({ used: 2 })) });
    ui.client.responses.accept = () => {
      // The server pushes the conversation and the rep's new presence before it answers.
      ui!.store.dispatch({
        type: "event",
        frame: event(
          {
            kind: "conversation",
            conversation: conversation("c4", {
              title: "Kenny Smith",
              customer: {
                name: "Kenny Smith",
                authenticated: true,
                account: "Fabrikam",
                caseTitle: "Refund #42",
                email: "k****@fabrikam.com",
              },
              context: { orderId: "A-1001", channel: "web" },
              messages: [customerMessage("I want a refund", T0, { author: { role: "customer", name: "Kenny Smith" } })],
            }),
          },
          { kind: "offer_ended", offerId: "o1", conversationId: "c4", status: "accepted" },
          { kind: "user", user: me({ presence: "busy", used: 3 }) },
        ),
      });
      return { conversationId: "c4" };
    };
    await ui.waitForFrame((f) => f.includes("● Available") && f.includes("▮▮▯ 2/3"), "Available before");
    await ui.press(KEYS.alt("y"));
    const frame = await ui.waitForFrame((f) => f.includes("Kenny Smith [Active]"), "the session");
    expect(frame).toContain("Kenny Smith · account Fabrikam · case Refund #42 · k****@fabrikam.com");
    expect(frame).toContain("orderId: A-1001 · channel: web");
    expect(frame).toContain(
      `summary: Live chat · started ${new Date(T0).toTimeString().slice(0, 5)} · 1 message (1 from the customer)`,
    );
    expect(frame).toContain("I want a refund");
    // S2: the org's full-capacity rule set Busy: the status bar says why, as no offer comes until a unit frees.
    expect(frame).toContain("◐ Busy · at capacity");
    expect(frame).toContain("▮▮▮ 3/3");
    expect(ui.client.ofType("accept")).toEqual([{ type: "accept", offerId: "o1" }]);
  });

  it("SPEC S3, SPEC L1: with an offer pending, Home's lists start below the offer card, not under it", async () => {
    ui = await renderConsole({
      welcome: welcome(
        [conversation("c1", { title: "Dana Kim" })],
        [offer("o1", "c9", { customerName: "Kenny Smith" })],
      ),
    });
    const frame = stripSgr(await ui.waitForFrame((f) => f.includes("New conversation"), "the card over Home"));
    const lines = frame.split("\n");
    const cardBottom = lines.findIndex((l) => l.includes("╰"));
    const heading = lines.findIndex((l) => l.includes("My work items (1)"));
    expect(heading).toBeGreaterThan(cardBottom);
    expect(lines.some((l, i) => i > cardBottom && l.includes("1. Dana Kim"))).toBe(true);
  });

  it("SPEC S3: Home lists my work items, open items to pick and closed items; /pick 1 sends pick and opens it", async () => {
    const mine = conversation("c1", { title: "Dana Kim" });
    const waiting = conversation("c2", {
      title: "Kenny Smith",
      mode: "persistent",
      workstreamId: "persistent",
      queueName: "Billing",
      state: "waiting",
      ownerId: null,
      ownerName: null,
      lastOwnerId: "alice",
    });
    const closed = conversation("c3", {
      title: "Visitor 3",
      state: "closed",
      closedAt: T0 - 60_000,
      closedBy: "alice",
    });
    ui = await renderConsole({ welcome: welcome([mine, waiting, closed]) });
    const open = conversation("c9", {
      title: "Visitor 9",
      state: "open",
      ownerId: null,
      ownerName: null,
      lastOwnerId: null,
      queueName: "Billing",
      queuedAt: T0 - 65_000,
    });
    ui.client.responses.open_items = { items: [open] };
    ui.client.responses.pick = (body) => {
      if (body.type === "pick")
        ui!.store.dispatch({
          type: "event",
          frame: event({
            kind: "conversation",
            conversation: {
              ...open,
              state: "active",
              ownerId: "alice",
              ownerName: "Alice Moreau",
              lastOwnerId: "alice",
            },
          }),
        });
      return {};
    };

    await ui.press(KEYS.alt("0"));
    const frame = await ui.waitForFrame((f) => f.includes("Open work items to pick (1)"), "open items");
    // Each list says how to reach its items: Alt+1…9 (not Alt+N, which rejects an offer), /pick N, /open N.
    expect(frame).toContain("My work items (2) · Alt+1…9 opens");
    expect(frame).toContain("Open work items to pick (1) · /pick N");
    expect(frame).toContain("Dana Kim · General · Active");
    expect(frame).toContain("Kenny Smith · Billing · Waiting");
    expect(frame).toContain("1. Visitor 9 · Billing · waiting 1:05");
    expect(frame).toMatch(/Recently closed.*\n.*1\. Visitor 3 · General · Closed 08:59/);
    expect(ui.client.ofType("open_items")).toHaveLength(1);

    await ui.press("/pick 1");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Visitor 9 [Active]"), "the picked conversation");
    expect(ui.client.ofType("pick")).toEqual([{ type: "pick", conversationId: "c9" }]);
    expect(ui.client.ofType("send")).toEqual([]);
  });

  it("SPEC S4: Alt+Y on an offer sends accept and focuses the new session", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")], [offer("o1", "c5")]) });
    ui.client.responses.accept = () => {
      ui!.store.dispatch({
        type: "event",
        frame: event(
          {
            kind: "conversation",
            conversation: conversation("c5", {
              title: "Dana Kim",
              customer: { name: "Dana Kim", authenticated: false },
              messages: [customerMessage("Hi, my order is late")],
            }),
          },
          { kind: "offer_ended", offerId: "o1", conversationId: "c5", status: "accepted" },
        ),
      });
      return { conversationId: "c5" };
    };
    await ui.waitForFrame((f) => f.includes("◆ New conversation: Dana Kim · General"), "the offer");
    await ui.press(KEYS.alt("y"));
    const frame = await ui.waitForFrame((f) => f.includes("Dana Kim [Active]"), "the accepted session focused");
    expect(frame).toContain("Hi, my order is late");
    expect(frame).not.toContain("◆ New conversation");
    expect(frame).toMatch(/2 Dana Kim\s+▶/);
    expect(ui.store.getState().focus).toBe("c5");
    // Then Home's Today figures are asked for again, from the local midnight.
    expect(ui.client.sent).toEqual([
      { type: "accept", offerId: "o1" },
      { type: "today", since: localMidnight(T0) },
    ]);
  });

  it("SPEC S5: a half-typed reply is still there after switching away and back, and was never sent", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1"), conversation("c2")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("I will check your ord");
    await ui.press(KEYS.alt("2"));
    const other = await ui.waitForFrame((f) => f.includes("Visitor 2 [Active]"), "the other session");
    expect(other).not.toContain("I will check your ord");
    // The pane marks the session holding a draft.
    expect(other).toMatch(/1 Visitor 1\s+▶✎/);
    await ui.press(KEYS.alt("1"));
    await ui.waitForFrame((f) => f.includes("› I will check your ord"), "the draft back");
    expect(ui.client.sent).toEqual([]);
  });

  it("SPEC S6: Alt+W on a persistent chat asks first; the default is Cancel and Enter on it sends nothing; Tab then Enter sends close", async () => {
    chalk.level = 1;
    ui = await renderConsole({
      welcome: welcome([
        conversation("c1"),
        conversation("c2", {
          title: "Kenny Smith",
          mode: "persistent",
          workstreamId: "persistent",
          queueName: "Billing",
        }),
      ]),
    });
    await ui.press(KEYS.alt("2"));
    await ui.waitForFrame((f) => stripSgr(f).includes("Kenny Smith [Active]"), "persistent session");
    await ui.press(KEYS.alt("w"));
    let frame = await ui.waitForFrame((f) => stripSgr(f).includes("Close Kenny Smith to Waiting?"), "the confirmation");
    // Cancel is highlighted (inverse), Close is not.
    expect(frame).toContain("\x1b[7m Cancel \x1b[27m");
    expect(frame).not.toContain("\x1b[7m Close to Waiting");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => !stripSgr(f).includes("Close Kenny Smith to Waiting?"), "dialog closed");
    expect(ui.client.ofType("close")).toEqual([]);

    await ui.press(KEYS.alt("w"));
    await ui.waitForFrame((f) => stripSgr(f).includes("Close Kenny Smith to Waiting?"), "the confirmation again");
    await ui.press(KEYS.tab);
    await ui.waitForFrame((f) => f.includes("\x1b[7m Close to Waiting \x1b[27m"), "Close highlighted");
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("Closed to Waiting"), "the confirmation flash");
    expect(stripSgr(frame)).not.toContain("Close Kenny Smith to Waiting?");
    expect(ui.client.sent).toEqual([{ type: "close", conversationId: "c2" }]);
  });

  it("SPEC S6: Alt+W on a live chat explains instead of closing, and sends nothing", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press(KEYS.alt("w"));
    await ui.waitForFrame((f) => f.includes("Only a persistent chat can be closed to Waiting"), "the refusal");
    expect(ui.client.sent).toEqual([]);
  });

  it("SPEC S7: Ctrl+B collapses and expands the session pane; Home stays pinned and cannot be closed", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1", { title: "Dana Kim" })]) });
    await ui.waitForFrame((f) => f.includes("⌂ Home") && /1 Dana Kim/.test(f), "expanded by default");
    await ui.press(MORE_KEYS.ctrlB);
    let frame = await ui.waitForFrame((f) => !f.includes("⌂ Home"), "collapsed");
    expect(frame).toContain("⌂");
    expect(frame).not.toMatch(/1 Dana Kim/);
    expect(frame).toMatch(/^1\s/m);
    await ui.press(MORE_KEYS.ctrlB);
    await ui.waitForFrame((f) => f.includes("⌂ Home") && /1 Dana Kim/.test(f), "expanded again");

    // Home: Alt+W and Alt+Q both refuse; Home stays the first row.
    await ui.press(KEYS.alt("w"));
    await ui.waitForFrame((f) => f.includes("Home is pinned and cannot be closed."), "Alt+W refused");
    await ui.press(KEYS.alt("q"));
    frame = await ui.waitForFrame((f) => f.includes("Home is pinned and cannot be closed."), "Alt+Q refused");
    expect(frame.split("\n")[1]).toMatch(/^⌂ Home/);
    expect(frame).toContain("My work items (1)");
    expect(ui.client.sent).toEqual([]);
  });

  it("SPEC S8: session titles are the customer's name, account or case title, and Visitor N for an unauthenticated customer", async () => {
    ui = await renderConsole({
      welcome: welcome([
        conversation("c1", { title: "Kenny Smith", customer: { name: "Kenny Smith", authenticated: true } }),
        conversation("c2", { title: "Fabrikam", customer: { name: "", authenticated: true, account: "Fabrikam" } }),
        conversation("c3", {
          title: "Refund #42",
          customer: { name: "", authenticated: true, caseTitle: "Refund #42" },
        }),
        conversation("c4", { title: "Visitor 1", customer: { name: "Visitor 1", authenticated: false } }),
      ]),
    });
    let frame = await ui.waitForFrame((f) => f.includes("4 Visitor 1"), "four rows");
    expect(frame).toMatch(/1 Kenny Smith/);
    expect(frame).toMatch(/2 Fabrikam/);
    expect(frame).toMatch(/3 Refund #42/);
    await ui.press(KEYS.alt("4"));
    frame = await ui.waitForFrame((f) => f.includes("Visitor 1 [Active]"), "the visitor's session");
    expect(frame).toContain("Visitor 1 · visitor");
    await ui.press(KEYS.alt("3"));
    await ui.waitForFrame((f) => f.includes("Refund #42 [Active]"), "the case's session");
    // Only the signed-in customers' history is read; nothing for the visitor.
    expect(ui.client.sent).toEqual([{ type: "history", conversationId: "c3" }]);
  });

  it("SPEC S9: when the server raises the sentiment alert, ! shows on the session with its hint, and Alt+A goes there", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { title: "Dana Kim" }), conversation("c7", { title: "Visitor 7" })]),
    });
    let frame = await ui.waitForFrame((f) => /2 Visitor 7/.test(f), "rows");
    expect(frame).not.toMatch(/2 Visitor 7\s+!/);
    ui.store.dispatch({
      type: "event",
      frame: event(
        {
          kind: "message",
          conversationId: "c7",
          message: customerMessage("This is ridiculous, I am very unhappy", T0 + 1000, { sentiment: -2 }),
        },
        { kind: "conversation", conversation: conversation("c7", { title: "Visitor 7", sentiment: -1, alert: true }) },
      ),
    });
    await ui.waitForFrame((f) => /2 Visitor 7\s+1!/.test(f), "! on the session");
    await ui.press(KEYS.alt("a"));
    frame = await ui.waitForFrame((f) => f.includes("Visitor 7 [Active]"), "Alt+A focused it");
    expect(frame).toContain("Visitor 7. Urgent attention needed in your conversation.");
    expect(frame).toContain("sentiment slightly negative !");
    expect(ui.client.sent).toEqual([]);
  });

  it("SPEC S10: unread messages count on the badge (10 or more shows +) with the hint; focusing clears the count", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { title: "Kenny Smith" }), conversation("c2", { title: "Dana Kim" })]),
    });
    await ui.press(KEYS.alt("2"));
    for (let i = 0; i < 5; i++)
      ui.store.dispatch({
        type: "event",
        frame: event({ kind: "message", conversationId: "c1", message: customerMessage(`question ${i}`) }),
      });
    await ui.waitForFrame((f) => /1 Kenny Smith\s+5 /.test(f), "badge 5");
    // The rep's own messages and system messages do not count.
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "message", conversationId: "c1", message: repMessage("from me") }),
    });
    for (let i = 5; i < 10; i++)
      ui.store.dispatch({
        type: "event",
        frame: event({ kind: "message", conversationId: "c1", message: customerMessage(`question ${i}`) }),
      });
    await ui.waitForFrame((f) => /1 Kenny Smith\s+\+/.test(f), "badge +");
    expect(ui.store.getState().sessions.c1?.unread).toBe(10);
    // The hint, shown for the selected session when scrolled up.
    await ui.press(KEYS.alt("1"));
    const frame = await ui.waitForFrame((f) => f.includes("Kenny Smith [Active]"), "focused");
    expect(frame).not.toMatch(/1 Kenny Smith\s+(\+|\d)/);
    ui.store.dispatch({ type: "scroll", delta: 5 });
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "message", conversationId: "c1", message: customerMessage("are you there?") }),
    });
    await ui.waitForFrame((f) => f.includes("Kenny Smith. 1 new update in your conversation."), "the S10 hint");
    expect(ui.client.sent).toEqual([]);
  });

  it("SPEC S10: the hint reads the exact text for five updates", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1", { title: "Kenny Smith" })]) });
    await ui.press(KEYS.alt("1"));
    ui.store.dispatch({ type: "scroll", delta: 5 });
    for (let i = 0; i < 5; i++)
      ui.store.dispatch({
        type: "event",
        frame: event({ kind: "message", conversationId: "c1", message: customerMessage(`q${i}`) }),
      });
    const frame = await ui.waitForFrame(
      (f) => f.includes("Kenny Smith. 5 new updates in your conversation."),
      "exact hint",
    );
    expect(frame).toMatch(/1 Kenny Smith\s+5/);
    // Back to the newest messages (Ctrl+L) clears it.
    await ui.press("\x0c");
    await ui.waitForFrame((f) => !f.includes("new update"), "cleared");
    expect(ui.client.sent).toEqual([]);
  });
});
