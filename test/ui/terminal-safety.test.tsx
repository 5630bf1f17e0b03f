// App tests for what reaches the terminal: hostile customer text is sanitised everywhere it is drawn, and
// NO_COLOR removes colour but keeps bold, inverse, glyphs and words.
import chalk from "chalk";
import { afterEach, describe, expect, it } from "vitest";
import type { Presence } from "../../src/protocol/views.js";
import { Notifier } from "../../src/ui/console/notify.js";
import { initialUiState } from "../../src/ui/mirror/state.js";
import { createStore } from "../../src/ui/mirror/store.js";
import { makeTheme } from "../../src/ui/theme/theme.js";
import {
  conversation,
  customerMessage,
  event,
  KEYS,
  me,
  offer,
  renderConsole,
  sgrCodes,
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

const OSC52 = "\x1b]52;c;aGVsbG8=\x07";
const OSC0 = "\x1b]0;pwned title\x07";
const HOSTILE_NAME = `Eve${OSC52} Mallory\u202e`;
const HOSTILE_TEXT = `Hello${OSC0} there\x1b[2J \x1b[31mred words\x1b[0m \x9b31mC1 words\x07 bell \u202eevil tail`;

/** No byte that can drive the terminal is left once Ink's own SGR colour sequences are removed. */
function expectClean(frame: string): void {
  const rest = stripSgr(frame);
  expect(rest).not.toContain("\x1b");
  expect(rest).not.toContain("\x07");
  expect(rest).not.toContain("\x9b");
  expect(rest).not.toContain("\u202e");
  // eslint-disable-next-line no-control-regex -- no control byte other than the line breaks
  expect(rest).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  // The payloads of the removed sequences do not leak as text.
  expect(rest).not.toContain("aGVsbG8=");
  expect(rest).not.toContain("pwned title");
  expect(rest).not.toContain("52;c;");
  expect(rest).not.toContain("[2J");
}

describe("sanitising customer text", () => {
  it("SPEC L6: escape sequences, control bytes and bidi overrides in names, titles, previews, messages, context and notices never reach the terminal; the words survive", async () => {
    chalk.level = 1;
    const o = offer("o1", "c5", {
      customerName: HOSTILE_NAME,
      title: `${OSC0}${HOSTILE_NAME}`,
      queueName: `Billing${OSC52}`,
      preview: [customerMessage(HOSTILE_TEXT)],
    });
    ui = await renderConsole({ welcome: welcome([], [o]) });
    let frame = await ui.waitForFrame(
      (f) => stripSgr(f).includes("◆ New conversation: Eve Mallory · Billing"),
      "the offer",
    );
    expectClean(frame);
    expect(stripSgr(frame)).toContain("Hello there red words C1 words bell evil tail");

    ui.client.responses.accept = () => {
      ui!.store.dispatch({
        type: "event",
        frame: event(
          {
            kind: "conversation",
            conversation: conversation("c5", {
              title: `${OSC0}Eve Mallory\u202e`,
              customer: {
                name: HOSTILE_NAME,
                authenticated: true,
                account: `Acme${OSC52}`,
                caseTitle: `Case\x1b[31m 7`,
              },
              context: { [`order${OSC52}`]: `A-1\x1b[2J\u202e00` },
              messages: [
                customerMessage(HOSTILE_TEXT),
                customerMessage(`multi\x1b[1Aline\r\nsecond\x9b2K line`, T0 + 1000),
              ],
            }),
          },
          { kind: "offer_ended", offerId: "o1", conversationId: "c5", status: "accepted" },
          { kind: "notice", code: "sentiment_alert", text: `Eve${OSC52} needs you\x07`, conversationId: "c5" },
        ),
      });
      return { conversationId: "c5" };
    };
    await ui.press(KEYS.alt("y"));
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("Eve Mallory [Active]"), "the session");
    expectClean(frame);
    const plain = stripSgr(frame);
    expect(plain).toMatch(/1 Eve Mallory/);
    expect(plain).toContain("Eve Mallory · account Acme · case Case 7");
    expect(plain).toContain("order: A-100");
    expect(plain).toContain("Hello there red words C1 words bell evil tail");
    expect(plain).toContain("multiline");
    expect(plain).toContain("second line");
    expect(plain).toContain("Eve needs you");
    // The customer's initials come from the sanitised name.
    expect(plain).toContain("EM: Hello there");
    // Accepting, then reading the signed-in customer's history.
    expect(ui.client.sent.filter((b) => b.type !== "today")).toEqual([
      { type: "accept", offerId: "o1" },
      { type: "history", conversationId: "c5" },
    ]);
  });

  it("SPEC L6: notifications and the window title written to the terminal carry no customer escape sequences", () => {
    const store = createStore(initialUiState(T0));
    store.dispatch({
      type: "welcome",
      now: T0,
      welcome: welcome(
        [conversation("c5", { title: `${OSC0}Eve Mallory\u202e`, alert: true })],
        [offer("o1", "c6", { customerName: HOSTILE_NAME, queueName: `Billing${OSC52}` })],
      ),
    });
    store.dispatch({ type: "terminal-focus", focused: false });
    const writes: string[] = [];
    const notifier = new Notifier((data) => writes.push(data), "osc");
    notifier.update(store.getState());
    const osc = writes.filter((w) => w.startsWith("\x1b]"));
    expect(osc.length).toBeGreaterThanOrEqual(3); // the title, the offer, the alert
    for (const w of osc) {
      // One OSC 0 (title) or OSC 9 (notification) whose payload holds no control byte and no bidi override.
      // eslint-disable-next-line no-control-regex -- matching the notifier's own OSC envelope is the point
      const m = /^\x1b\](0|9);([^\x07\x1b\x9c]*)\x07\x07?$/.exec(w);
      expect(m, JSON.stringify(w)).not.toBeNull();
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      expect(m![2]).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e]/);
    }
    const text = osc.join("");
    expect(text).toContain("Offer: Eve Mallory · Billing");
    expect(text).toContain("Eve Mallory. Urgent attention needed in your conversation.");
    expect(text).not.toContain("aGVsbG8=");
    expect(text).not.toContain("pwned title");
  });
});

describe("NO_COLOR", () => {
  const COLOUR = /^(3[0-9]|4[0-9]|9[0-7]|10[0-7])$/;

  async function busyConsole(theme: ReturnType<typeof makeTheme>): Promise<Console> {
    const console = await renderConsole({
      theme,
      welcome: welcome(
        [
          conversation("c1", {
            title: "Dana Kim",
            alert: true,
            sentiment: -2,
            messages: [customerMessage("this is bad")],
          }),
          conversation("c2", {
            title: "Kenny Smith",
            mode: "persistent",
            workstreamId: "persistent",
            state: "waiting",
            ownerId: null,
            ownerName: null,
          }),
          conversation("c3", { title: "Visitor 3", state: "wrapup", wrapUpBy: ["alice"] }),
        ],
        [offer("o1", "c9")],
        me({ presence: "busy", used: 2 }),
      ),
    });
    await console.press(KEYS.alt("1"));
    // The offer card lies over the top of the pane; the thread shows the session is open.
    await console.waitForFrame((f) => stripSgr(f).includes("this is bad"), "the session");
    return console;
  }

  it("SPEC L3: with colour on the frame is coloured (the NO_COLOR test below is not vacuous)", async () => {
    chalk.level = 1;
    ui = await busyConsole(makeTheme({}));
    const codes = sgrCodes(ui.frame()).flatMap((c) => c.split(";"));
    expect(codes.some((c) => COLOUR.test(c))).toBe(true);
    expect(ui.client.sent).toEqual([]);
  });

  it("SPEC S9: with NO_COLOR there is no colour, bold and inverse remain, and every presence and state still has a glyph or a word", async () => {
    chalk.level = 1;
    ui = await busyConsole(makeTheme({ NO_COLOR: "1" }));
    let frame = ui.frame();
    const codes = sgrCodes(frame).flatMap((c) => c.split(";"));
    expect(codes.filter((c) => COLOUR.test(c) || c === "38" || c === "48")).toEqual([]);
    expect(codes).toContain("1"); // bold
    expect(codes).toContain("7"); // inverse
    const plain = stripSgr(frame);
    // Presence, offer, states, alert: all in glyphs and words.
    expect(plain).toContain("◐ Busy");
    expect(plain).toContain("1 offer");
    expect(plain).toContain("◆ New conversation");
    expect(plain).toMatch(/1 Dana Kim\s+!\s+▶/);
    expect(plain).toMatch(/2 Kenny Smith\s+‖/);
    expect(plain).toMatch(/3 Visitor 3\s+◔/);
    expect(plain).toContain("Dana Kim. Urgent attention needed in your conversation.");
    // The selected session is an inverse bar, the offers pill too.
    expect(frame.split("\n").find((l) => stripSgr(l).startsWith("1 Dana Kim"))).toContain("\x1b[7m");
    // Once the offer is gone, the details under its card: the state and the sentiment in words.
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "offer_ended", offerId: "o1", conversationId: "c9", status: "withdrawn" }),
    });
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("Dana Kim [Active]"), "the details");
    expect(stripSgr(frame)).toContain("sentiment negative !");

    const presences: [Presence, string][] = [
      ["available", "● Available"],
      ["dnd", "⊘ Busy-DND"],
      ["away", "○ Away"],
      ["offline", "✕ Offline"],
      ["rona", "⚠ RONA"],
    ];
    for (const [presence, label] of presences) {
      ui.store.dispatch({ type: "event", frame: event({ kind: "user", user: me({ presence }) }) });
      frame = await ui.waitForFrame((f) => stripSgr(f).includes(label), label);
      expect(
        sgrCodes(frame)
          .flatMap((c) => c.split(";"))
          .filter((c) => COLOUR.test(c)),
      ).toEqual([]);
    }
    expect(ui.client.sent).toEqual([]);
  });
});
