// App tests for the rep's everyday tools (issue 14): quick replies with < > parameters, notes and typing. What the
// screen shows and what goes over the wire.
import chalk from "chalk";
import { afterEach, describe, expect, it } from "vitest";
import type { OrgView } from "../../src/protocol/views.js";
import { conversation, customerMessage, event, KEYS, me, renderConsole, stripSgr, T0, welcome } from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
const chalkLevel = chalk.level;
afterEach(() => {
  chalk.level = chalkLevel;
  ui?.unmount();
  ui = undefined;
});

const REPLIES: NonNullable<OrgView["quickReplies"]> = [
  {
    id: "order",
    title: "Order status",
    text: "Hi <customer.firstName>, order <order number> ships from <context.warehouse> by <date>.",
    tags: ["delivery"],
  },
  { id: "refund", title: "Refund started", text: "Your refund is on its way.", tags: ["money"] },
  { id: "invoice", title: "Invoice copy", text: "Invoice sent.", workstreams: ["persistent"] },
  { id: "card", title: "Card on file", text: "The card <customer.name> has on file ends in <context.card>." },
];

/** Alice in an active chat with Dana Kim (masked card in the context), the org's quick replies and one of her own. */
async function chatWithReplies(typing?: string[]): Promise<Console> {
  const w = welcome([
    conversation("c1", {
      title: "Dana Kim",
      customer: { name: "Dana Kim", authenticated: true },
      context: { warehouse: "Leeds", card: "************1111" },
    }),
  ]);
  w.snapshot!.org = { ...w.snapshot!.org, quickReplies: REPLIES };
  return renderConsole({
    welcome: w,
    controller: {
      quickReplies: [{ id: "mine", title: "My sign-off", text: "Cheers, <rep.firstName>" }],
      ...(typing ? { typing: (id: string) => void typing.push(id) } : {}),
    },
  });
}

const screen = (c: Console) => stripSgr(c.frame());

describe("quick replies", () => {
  it("/q words opens the picker filtered over title, tags and text, with the text previewed and known parameters filled", async () => {
    ui = await chatWithReplies();
    await ui.press(KEYS.alt("1"));
    await ui.press("/q deliv");
    await ui.press(KEYS.enter);
    let frame = await ui.waitForFrame((f) => stripSgr(f).includes("Quick replies"), "the picker");
    expect(stripSgr(frame)).toContain("1. Order status · delivery");
    expect(stripSgr(frame)).not.toContain("Refund started");
    // The preview: customer's first name and the context variable filled, the prompts left.
    expect(stripSgr(frame)).toContain("Hi Dana, order <order number> ships from Leeds by <date>.");
    // Filtering as you type, over the text too; a reply of another workstream is not offered.
    for (let i = 0; i < 5; i++) await ui.press(KEYS.backspace);
    await ui.press("sent");
    await ui.waitForFrame((f) => stripSgr(f).includes("nothing matches"), "invoice is not offered");
    for (let i = 0; i < 4; i++) await ui.press(KEYS.backspace);
    await ui.press("cheers");
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("1. My sign-off"), "the rep's own reply");
    expect(stripSgr(frame)).toContain("Cheers, Alice");
    await ui.press(KEYS.escape);
    await ui.press(KEYS.escape);
  });

  it("Enter inserts at the cursor; Tab goes to each prompt, typing replaces it; unfilled, it is not sent; filled, it is", async () => {
    ui = await chatWithReplies();
    await ui.press(KEYS.alt("1"));
    await ui.press("Thanks! ");
    await ui.press(KEYS.alt("i"));
    await ui.waitForFrame((f) => stripSgr(f).includes("Quick replies"), "the picker");
    await ui.press("order");
    await ui.press(KEYS.enter);
    await ui.waitForFrame(
      (f) => stripSgr(f).includes("› Thanks! Hi Dana, order <order number> ships from Leeds by <date>."),
      "the reply inserted after the typed text",
    );
    // Several in one message: a second one at the cursor, a space apart from the first. The count is the message's:
    // the refund reply has no prompt of its own, the order's two are still to fill.
    await ui.press(KEYS.alt("i"));
    await ui.press("refund");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => stripSgr(f).includes("Your refund is on"), "a second reply");
    expect(screen(ui)).toContain("2 parameters to fill: Tab goes to each.");
    const draft = () => ui!.store.getState().sessions.c1!.draft;
    expect(draft()).toBe(
      "Thanks! Hi Dana, order <order number> ships from Leeds by <date>. Your refund is on its way.",
    );

    // Sending with prompts left: refused on screen, nothing on the wire, everything kept.
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => stripSgr(f).includes("Fill in <order number> first"), "which one is unfilled");
    expect(ui.client.ofType("send")).toEqual([]);
    expect(screen(ui)).toContain("<order number>");

    // The refusal put the cursor on the first prompt: typing replaces it. Tab goes to the next.
    await ui.press("A-1187");
    await ui.press(KEYS.tab);
    await ui.press("Friday");
    await ui.waitForFrame((f) => stripSgr(f).includes("order A-1187 ships from Leeds by"), "the first filled");
    expect(draft()).toBe("Thanks! Hi Dana, order A-1187 ships from Leeds by Friday. Your refund is on its way.");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")).toEqual([
      {
        type: "send",
        conversationId: "c1",
        text: "Thanks! Hi Dana, order A-1187 ships from Leeds by Friday. Your refund is on its way.",
        clientId: "cid-1",
      },
    ]);
  });

  it("Ctrl+Z after filling a prompt brings the prompt back, never a blank that could be sent; Backspace on a prompt clears it", async () => {
    ui = await chatWithReplies();
    await ui.press(KEYS.alt("1"));
    await ui.press(KEYS.alt("i"));
    await ui.press("order");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => stripSgr(f).includes("<order number>"), "the reply inserted");
    const draft = () => ui!.store.getState().sessions.c1!.draft;
    await ui.press(KEYS.tab);
    await ui.press("A-1187");
    await ui.waitForFrame((f) => stripSgr(f).includes("order A-1187 ships"), "filled");
    await ui.press("\x1a"); // Ctrl+Z
    await ui.waitForFrame((f) => stripSgr(f).includes("order <order number> ships"), "the prompt back");
    expect(draft()).toBe("Hi Dana, order <order number> ships from Leeds by <date>.");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => stripSgr(f).includes("Fill in <order number> first"), "still refused");
    expect(ui.client.ofType("send")).toEqual([]);

    // The refusal put the cursor on the prompt: Backspace clears it, the space before it stays.
    await ui.press(KEYS.backspace);
    await ui.waitForFrame((f) => stripSgr(f).includes("order  ships"), "the prompt cleared");
    expect(draft()).toBe("Hi Dana, order  ships from Leeds by <date>.");
  });

  it('a visitor\'s name is no name: <customer.firstName> stays a prompt instead of "Hi Visitor,"', async () => {
    const w = welcome([
      conversation("c1", { title: "Visitor 12", customer: { name: "Visitor 12", authenticated: false } }),
    ]);
    w.snapshot!.org = { ...w.snapshot!.org, quickReplies: REPLIES };
    ui = await renderConsole({ welcome: w });
    await ui.press(KEYS.alt("1"));
    await ui.press(KEYS.alt("i"));
    await ui.press("order");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => stripSgr(f).includes("<order number>"), "the reply inserted");
    expect(ui.store.getState().sessions.c1!.draft).toBe(
      "Hi <customer.firstName>, order <order number> ships from <context.warehouse> by <date>.",
    );
  });

  it("Tab from the end of a draft goes to the first prompt; masked values stay masked (L6)", async () => {
    ui = await chatWithReplies();
    await ui.press(KEYS.alt("1"));
    await ui.press("/q card");
    await ui.press(KEYS.enter);
    await ui.press(KEYS.enter);
    await ui.waitForFrame(
      (f) => stripSgr(f).includes("› The card Dana Kim has on file ends in ************1111."),
      "the masked value as the rep sees it",
    );
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")[0]?.text).toBe("The card Dana Kim has on file ends in ************1111.");
    await ui.press("/q order");
    await ui.press(KEYS.enter);
    await ui.press(KEYS.enter);
    await ui.press(KEYS.tab);
    await ui.press("X");
    await ui.waitForFrame((f) => stripSgr(f).includes("order X ships"), "the first prompt replaced");
  });
});

describe("a prompt is what a quick reply put there", () => {
  /** The composer's row as drawn (colours and all), found by its text. */
  const composerRow = (c: Console, text: string) =>
    c
      .frame()
      .split("\n")
      .find((l) => stripSgr(l).includes(`› ${text}`)) ?? "";
  // SGR 4: the underline the composer draws a prompt with (bold too).
  const UNDERLINE = "\x1b[4m";
  const underlined = (row: string) => row.includes(UNDERLINE);
  const draft = (c: Console) => c.store.getState().sessions.c1!.draft;

  it("<b> typed by hand is text: not highlighted, Tab does not go to it, typing before it and Delete on it act on characters", async () => {
    chalk.level = 1;
    ui = await chatWithReplies();
    await ui.press(KEYS.alt("1"));
    await ui.press("Use <b>");
    await ui.waitForFrame((f) => stripSgr(f).includes("› Use <b>"), "the draft");
    expect(underlined(composerRow(ui, "Use <b>"))).toBe(false);
    await ui.press(KEYS.tab);
    await ui.waitForFrame((f) => stripSgr(f).includes("No <parameter> left to fill."), "nothing for Tab");
    // The cursor on its "<": a letter goes in before it, Delete takes the "<" alone.
    for (let i = 0; i < 3; i++) await ui.press("\x1b[D");
    await ui.press("X");
    expect(draft(ui)).toBe("Use X<b>");
    await ui.press("\x1b[3~");
    expect(draft(ui)).toBe("Use Xb>");
    await ui.press(KEYS.backspace);
    expect(draft(ui)).toBe("Use b>");
  });

  it("x < y > z pasted is text: not highlighted; Enter gives the L8 reason, not a prompt to fill (L8)", async () => {
    chalk.level = 1;
    ui = await chatWithReplies();
    await ui.press(KEYS.alt("1"));
    await ui.press("\x1b[200~x < y > z\x1b[201~");
    await ui.waitForFrame((f) => stripSgr(f).includes("› x < y > z"), "the paste");
    expect(underlined(composerRow(ui, "x < y > z"))).toBe(false);
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => stripSgr(f).includes("< and > are reserved"), "the L8 reason");
    expect(screen(ui)).not.toContain("Fill in");
    expect(ui.client.ofType("send")).toEqual([]);
    expect(draft(ui)).toBe("x < y > z");
  });

  it("beside hand-typed <b>, the count, the highlight and Tab go to the quick reply's prompts only", async () => {
    chalk.level = 1;
    ui = await chatWithReplies();
    await ui.press(KEYS.alt("1"));
    await ui.press("Use <b> ");
    await ui.press(KEYS.alt("i"));
    await ui.press("order");
    await ui.press(KEYS.enter);
    const text = "Use <b> Hi Dana, order <order number> ships from Leeds by <date>.";
    await ui.waitForFrame((f) => stripSgr(f).includes(`› ${text}`), "the reply after the typed text");
    expect(screen(ui)).toContain("2 parameters to fill: Tab goes to each.");
    // The highlight is the first prompt, not <b>: the underlined run starts at "<order number>".
    const row = composerRow(ui, text);
    expect(underlined(row)).toBe(true);
    expect(stripSgr(row.slice(0, row.indexOf(UNDERLINE)))).toContain("Use <b> Hi Dana, order ");
    // From the end, Tab wraps around to <order number>, then <date>, then <order number> again: never <b>.
    await ui.press(KEYS.tab);
    await ui.press("A-1");
    await ui.press(KEYS.tab);
    await ui.press("Friday");
    expect(draft(ui)).toBe("Use <b> Hi Dana, order A-1 ships from Leeds by Friday.");
    await ui.press(KEYS.tab);
    await ui.waitForFrame((f) => stripSgr(f).includes("No <parameter> left to fill."), "none left");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => stripSgr(f).includes("< and > are reserved"), "<b> refused by L8");
    expect(ui.client.ofType("send")).toEqual([]);
  });
});

describe("notes", () => {
  it("/note text goes over the wire as a note; the note shows in the thread in its own style; Alt+O notes the composer", async () => {
    chalk.level = 1; // colours in the frames
    ui = await chatWithReplies();
    await ui.press(KEYS.alt("1"));
    await ui.press("/note Customer <VIP>, refund approved");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("note")).toEqual([
      { type: "note", conversationId: "c1", text: "Customer <VIP>, refund approved" },
    ]);
    expect(ui.client.ofType("send")).toEqual([]);
    await ui.waitForFrame((f) => stripSgr(f).includes("Note saved"), "the confirmation");
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "note",
        conversationId: "c1",
        note: {
          id: "n1",
          at: T0 + 1000,
          author: { role: "rep", id: "alice", name: "Alice Moreau" },
          text: "Customer <VIP>, refund approved",
        },
      }),
    });
    const frame = await ui.waitForFrame((f) => stripSgr(f).includes("✎ note You: Customer <VIP>"), "the note");
    const row = frame.split("\n").find((l) => stripSgr(l).includes("✎ note You:"))!;
    expect(row).toContain("\x1b[33m"); // its own colour (the warning yellow), not the rep's blue

    await ui.press("Called the courier");
    await ui.press(KEYS.alt("o"));
    expect(ui.client.ofType("note")[1]).toEqual({ type: "note", conversationId: "c1", text: "Called the courier" });
    await ui.waitForFrame((f) => !stripSgr(f).includes("› Called the courier"), "the composer emptied");
  });

  it("offline, a note is said to be saved once the connection is back, and is not put back to be saved twice", async () => {
    ui = await chatWithReplies();
    ui.client.responses.note = Object.assign(new Error("No answer to note in time."), { code: "request/timeout" });
    await ui.press(KEYS.alt("1"));
    ui.store.dispatch({ type: "connection", status: "reconnecting" });
    await ui.press("Called the courier");
    await ui.press(KEYS.alt("o"));
    await ui.waitForFrame(
      (f) => stripSgr(f).includes("No answer yet: it goes to the server once the connection"),
      "told",
    );
    expect(ui.client.ofType("note")).toEqual([{ type: "note", conversationId: "c1", text: "Called the courier" }]);
    expect(screen(ui)).not.toContain("› Called the courier");
  });

  it("a refused note stays in the composer", async () => {
    ui = await chatWithReplies();
    ui.client.responses.note = Object.assign(new Error("You are not in conversation c1."), {
      code: "conversation/not_yours",
    });
    await ui.press(KEYS.alt("1"));
    await ui.press("/note keep me");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => stripSgr(f).includes("› /note keep me"), "the line back in the composer");
    expect(screen(ui)).toContain("You are not in conversation c1.");
  });
});

describe("typing", () => {
  it("the rep's typing is reported for the conversation (not a slash command); the customer's shows as a line, never its text", async () => {
    const typed: string[] = [];
    ui = await chatWithReplies(typed);
    await ui.press(KEYS.alt("1"));
    await ui.press("H");
    await ui.press("i");
    expect(typed).toEqual(["c1", "c1"]); // the client spaces them out (one frame per 2 s)
    await ui.press(KEYS.ctrlC);
    await ui.press("/note x");
    expect(typed).toEqual(["c1", "c1"]); // not even for the "/" that starts it: a note is none of the customer's business
    ui.store.dispatch({ type: "typing", conversationId: "c1", until: T0 + 4000 });
    await ui.waitForFrame((f) => stripSgr(f).includes("Dana Kim is typing…"), "the indicator");
    ui.store.dispatch({ type: "tick", now: T0 + 4001 });
    await ui.waitForFrame((f) => !stripSgr(f).includes("is typing"), "the indicator gone");
    expect(me().id).toBe("alice");
  });

  it("the customer's typing line goes as soon as their message arrives, not seconds later", async () => {
    ui = await chatWithReplies([]);
    await ui.press(KEYS.alt("1"));
    ui.store.dispatch({ type: "typing", conversationId: "c1", until: T0 + 4000 });
    await ui.waitForFrame((f) => stripSgr(f).includes("Dana Kim is typing…"), "the indicator");
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "message", conversationId: "c1", message: customerMessage("Any news?", T0 + 500) }),
    });
    const frame = await ui.waitForFrame((f) => stripSgr(f).includes("Any news?"), "the message");
    expect(stripSgr(frame)).not.toContain("is typing");
  });
});
