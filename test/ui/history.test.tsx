// The customer's history in the console (issue 14, item 7): the details list a signed-in customer's earlier
// conversations, Alt+H lists them all and opens one read-only (from a session and from Home's closed items), and a
// parked chat assigned back tells the rep that the customer is back (SPEC P12). What the screen shows and what went
// over the wire.
import { afterEach, describe, expect, it } from "vitest";
import type { ConversationView, HistoryItemView } from "../../src/protocol/views.js";
import { clock } from "../../src/ui/text/index.js";
import {
  conversation,
  customerMessage,
  event,
  KEYS,
  refusal,
  renderConsole,
  repMessage,
  stripSgr,
  T0,
  welcome,
} from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

const DAY = 24 * 3600_000;
const KENNY = { name: "Kenny Smith", authenticated: true, account: "Fabrikam Ltd" };

const EARLIER: HistoryItemView[] = [
  {
    id: "c5",
    state: "closed",
    mode: "persistent",
    createdAt: T0 - 2 * DAY,
    closedAt: T0 - 2 * DAY + 1800_000,
    queueName: "Billing",
    workstreamName: "Persistent chat",
    repName: "Bob Okafor",
    wrapUpReason: "Needs follow-up",
    title: "Kenny Smith",
  },
  {
    id: "c2",
    state: "closed",
    mode: "live",
    createdAt: T0 - 9 * DAY,
    closedAt: T0 - 9 * DAY + 900_000,
    queueName: "General",
    workstreamName: "Live chat",
    repName: "Alice Moreau",
    wrapUpReason: "Resolved",
    title: "Kenny Smith",
  },
];

/** c2 as `history_conversation` answers it: Closed, whole, masked. */
const C2: ConversationView = conversation("c2", {
  state: "closed",
  title: "Kenny Smith",
  customer: KENNY,
  createdAt: T0 - 9 * DAY,
  closedAt: T0 - 9 * DAY + 900_000,
  closedBy: "alice",
  messages: [
    customerMessage("My card ************1111 was charged twice", T0 - 9 * DAY, {
      author: { role: "customer", name: "Kenny Smith" },
    }),
    repMessage("I have refunded the second charge.", T0 - 9 * DAY + 60_000),
  ],
});

function withoutMessages(view: ConversationView): ConversationView {
  const { messages: _messages, ...rest } = view;
  return rest;
}
const screen = (c: Console) => stripSgr(c.frame());
/** An event frame the server sent at `time`. */
const at = (time: number, ...changes: Parameters<typeof event>) => ({ ...event(...changes), at: time });
const when = (item: HistoryItemView) => clock().dateTime(item.createdAt);

/** Alice in an Active chat (c7) with Kenny Smith, signed in; the server answers history and history_conversation. */
async function chatWithKenny(): Promise<Console> {
  const c = await renderConsole({
    columns: 200,
    sized: true,
    welcome: welcome([
      conversation("c7", {
        title: "Kenny Smith",
        customer: KENNY,
        messages: [customerMessage("Me again about that charge", T0, { author: { role: "customer", name: "Kenny" } })],
      }),
    ]),
  });
  c.client.responses.history = { items: EARLIER };
  c.client.responses.history_conversation = { conversation: C2 };
  return c;
}

describe("the customer's history", () => {
  it("the details of a signed-in customer's conversation list their earlier ones: when, queue, rep, wrap-up reason", async () => {
    ui = await chatWithKenny();

    await ui.press(KEYS.alt("1"));

    const frame = await ui.waitForFrame((f) => stripSgr(f).includes("Earlier conversations (2"), "the history line");
    expect(ui.client.ofType("history")).toEqual([{ type: "history", conversationId: "c7" }]);
    const line = stripSgr(frame)
      .split("\n")
      .find((l) => l.includes("Earlier conversations"))!;
    expect(line).toContain(
      `Earlier conversations (2, Alt+H opens): ${when(EARLIER[0]!)} · Billing · Bob Okafor · Needs follow-up | ${when(EARLIER[1]!)} · General`,
    );
    // Under the details, above the thread.
    expect(stripSgr(frame).indexOf("Fabrikam Ltd")).toBeLessThan(stripSgr(frame).indexOf("Earlier conversations"));
    expect(stripSgr(frame).indexOf("Earlier conversations")).toBeLessThan(stripSgr(frame).indexOf("Me again"));
  });

  it("switching back and forth asks the server again only after 10 s (a held key does not flood it)", async () => {
    ui = await chatWithKenny();
    ui.client.responses.open_items = { items: [] };
    for (let i = 0; i < 3; i++) {
      await ui.press(KEYS.alt("1"));
      await ui.press(KEYS.alt("0"));
    }
    expect(ui.client.ofType("history")).toHaveLength(1);
    ui.store.dispatch({ type: "tick", now: T0 + 10_000 });
    await ui.press(KEYS.alt("1"));
    expect(ui.client.ofType("history")).toHaveLength(2);
  });

  it("Alt+H lists them all; Enter opens one read-only, out of the pane: nothing can be sent in it", async () => {
    ui = await chatWithKenny();
    await ui.press(KEYS.alt("1"));
    await ui.waitForFrame((f) => stripSgr(f).includes("Earlier conversations (2"), "the history line");

    await ui.press(KEYS.alt("h"));
    let frame = await ui.waitForFrame(
      (f) => stripSgr(f).includes("Earlier conversations of this customer"),
      "the history picker",
    );
    expect(stripSgr(frame)).toContain(`1. ${when(EARLIER[0]!)} · Billing`);
    expect(stripSgr(frame)).toContain("Bob Okafor · Needs follow-up");
    expect(stripSgr(frame)).toContain(`2. ${when(EARLIER[1]!)} · General`);
    expect(stripSgr(frame)).toContain("Alice Moreau · Resolved");
    expect(stripSgr(frame)).toContain("Enter opens it read-only");

    await ui.press(KEYS.down);
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("charged twice"), "the earlier conversation");
    expect(ui.client.ofType("history_conversation")).toEqual([
      { type: "history_conversation", conversationId: "c7", earlierId: "c2" },
    ]);
    expect(stripSgr(frame)).toContain("Kenny Smith [Closed]");
    expect(stripSgr(frame)).toContain("My card ************1111 was charged twice");
    expect(stripSgr(frame)).toContain("An earlier conversation of this customer: read-only.");
    expect(stripSgr(frame)).toContain(
      `Earlier conversation of this customer, read-only: ${when(EARLIER[1]!)} · General · Alice Moreau · Resolved · Alt+H lists the 1 other`,
    );
    expect(stripSgr(frame)).toContain(`Opened the conversation of ${when(EARLIER[1]!)} · General · Alice Moreau`);
    // The pane still holds Kenny's chat alone.
    expect(ui.store.getState().order).toEqual(["c7"]);

    await ui.press("hello");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")).toEqual([]);

    // Its history is asked through the conversation it was opened from.
    await ui.press(KEYS.alt("h"));
    await ui.waitForFrame((f) => stripSgr(f).includes("Earlier conversations of this customer"), "the picker again");
    expect(ui.client.ofType("history").at(-1)).toEqual({ type: "history", conversationId: "c7" });
  });

  it("SPEC S3: from Home's recently closed items too: /open N, then its own earlier conversations", async () => {
    const closed = conversation("c5", {
      state: "closed",
      title: "Kenny Smith",
      customer: KENNY,
      closedAt: T0 - DAY,
      closedBy: "alice",
      messages: [customerMessage("Is the refund through?", T0 - DAY - 60_000)],
    });
    ui = await renderConsole({ welcome: welcome([closed]) });
    ui.client.responses.open_items = { items: [] };
    ui.client.responses.history = { items: [EARLIER[1]!] };
    ui.client.responses.history_conversation = { conversation: C2 };
    await ui.press(KEYS.alt("0"));
    await ui.press("/open 1");
    await ui.press(KEYS.enter);

    await ui.waitForFrame((f) => stripSgr(f).includes("Earlier conversations (1"), "the closed item's history");
    expect(ui.client.ofType("history")).toEqual([{ type: "history", conversationId: "c5" }]);
    await ui.press("/history");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => stripSgr(f).includes("Earlier conversations of this customer"), "the picker");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => stripSgr(f).includes("charged twice"), "the earlier conversation");
    expect(ui.client.ofType("history_conversation")).toEqual([
      { type: "history_conversation", conversationId: "c5", earlierId: "c2" },
    ]);
  });

  it("a refusal is said, and nothing opens", async () => {
    ui = await chatWithKenny();
    ui.client.responses.history_conversation = refusal(
      "conversation/not_found",
      "There is no earlier conversation c2 of this customer.",
    );
    await ui.press(KEYS.alt("1"));
    await ui.waitForFrame((f) => stripSgr(f).includes("Earlier conversations (2"), "the history line");
    await ui.press(KEYS.alt("h"));
    await ui.waitForFrame((f) => stripSgr(f).includes("Earlier conversations of this customer"), "the picker");
    await ui.press("2");
    await ui.waitForFrame((f) => stripSgr(f).includes("There is no earlier conversation c2"), "the refusal");
    expect(ui.store.getState().focus).toBe("c7");
    expect(screen(ui)).not.toContain("charged twice");
  });

  it("SPEC L6: escape sequences in what the history names never reach the terminal; the words survive", async () => {
    ui = await chatWithKenny();
    const hostile: HistoryItemView = {
      ...EARLIER[1]!,
      queueName: "Gen\x1b[2Jeral",
      repName: "Alice\x1b]0;owned\x07 Moreau",
      wrapUpReason: "Resol\u202eved",
    };
    ui.client.responses.history = { items: [hostile] };
    await ui.press(KEYS.alt("1"));
    const line = await ui.waitForFrame((f) => stripSgr(f).includes("Earlier conversations (1"), "the history line");
    await ui.press(KEYS.alt("h"));
    const picker = await ui.waitForFrame(
      (f) => stripSgr(f).includes("Earlier conversations of this customer"),
      "the picker",
    );
    for (const plain of [stripSgr(line), stripSgr(picker)]) {
      // eslint-disable-next-line no-control-regex -- control bytes are what must not be there
      expect(plain).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]/);
      expect(plain).toContain("Alice");
      expect(plain).toContain("Moreau");
    }
  });

  it("a visitor has no history: nothing is asked, and Alt+H says why", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.waitForFrame((f) => stripSgr(f).includes("Visitor 1 ["), "the chat");
    await ui.press(KEYS.alt("h"));
    await ui.waitForFrame((f) => stripSgr(f).includes("a visitor, not signed in"), "the reason");
    expect(ui.client.ofType("history")).toEqual([]);
    expect(screen(ui)).not.toContain("Earlier conversations");
  });
});

describe("SPEC P12: the customer is back", () => {
  it("SPEC P12: a parked chat assigned back: a notice in the flash line and a line in the session's thread", async () => {
    const parked = conversation("c7", {
      state: "waiting",
      mode: "persistent",
      title: "Kenny Smith",
      customer: KENNY,
      ownerId: null,
      ownerName: null,
      lastOwnerId: "alice",
      waitingUntil: T0 + 28 * DAY,
      messages: [customerMessage("My invoice shows the old address", T0 - DAY)],
    });
    ui = await renderConsole({ welcome: welcome([parked]) });
    ui.client.responses.history = { items: [] };
    const text = "Kenny Smith is back: their conversation is assigned to you again.";

    ui.store.dispatch({
      type: "event",
      frame: at(
        T0 + 2000,
        { kind: "conversation", conversation: { ...withoutMessages(parked), state: "active", ownerId: "alice" } },
        { kind: "message", conversationId: "c7", message: customerMessage("Hello again", T0 + 1000) },
        { kind: "notice", code: "customer_back", text, conversationId: "c7" },
      ),
    });

    let frame = await ui.waitForFrame((f) => stripSgr(f).includes(text), "the notice");
    const footer = stripSgr(frame).split("\n").slice(-3).join("\n");
    expect(footer).toContain(text);
    await ui.press(KEYS.alt("1"));
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("Hello again"), "the thread");
    // The line sits in the thread, after the message that brought the customer back.
    const lines = stripSgr(frame).split("\n");
    const back = lines.findIndex((l) => l.includes(`* ${text}`));
    expect(back).toBeGreaterThan(lines.findIndex((l) => l.includes("Hello again")));
    expect(ui.client.ofType("send")).toEqual([]);
  });
});
