// Attention wherever a conversation is listed (issue 11, item 4): unread badges and the sentiment `!` in the
// session pane, the Ctrl+K switcher and Home's work items; the switcher ordered by what needs the rep first;
// each session's S9/S10 hint readable without opening it.
import chalk from "chalk";
import { afterEach, describe, expect, it } from "vitest";
import {
  colourAt,
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

/** c1 quiet, c2 with three unread messages, c3 with a sentiment alert. */
function sessions() {
  return [
    conversation("c1", { title: "Dana Kim" }),
    conversation("c2", {
      title: "Kenny Smith",
      messages: [
        customerMessage("Hello?", T0 - 30_000),
        customerMessage("Anyone there?", T0 - 20_000),
        customerMessage("Please answer", T0 - 10_000),
      ],
    }),
    conversation("c3", { title: "Visitor 7", alert: true, sentiment: -2 }),
  ];
}

const footer = (frame: string) => frame.split("\n").slice(-3).join("\n");

describe("attention", () => {
  it("SPEC S10: the unread hint of a session the rep is not in is in the footer", async () => {
    ui = await renderConsole({ welcome: welcome(sessions().slice(0, 2)) });
    await ui.press(KEYS.alt("1"));
    const frame = await ui.waitForFrame((f) => f.includes("Dana Kim [Active]"), "Dana's session");
    expect(footer(frame)).toContain("Kenny Smith. 3 new updates in your conversation.");
  });

  it("SPEC S9: on Home, the footer says which session needs urgent attention", async () => {
    ui = await renderConsole({ welcome: welcome(sessions()) });
    expect(footer(ui.frame())).toContain("Visitor 7. Urgent attention needed in your conversation.");
  });

  it("SPEC S9, SV3: an alerted conversation a supervisor force-closed urges nothing: no hint, Alt+A passes it by", async () => {
    ui = await renderConsole({ welcome: welcome([sessions()[0]!, sessions()[2]!]) });
    expect(footer(ui.frame())).toContain("Visitor 7. Urgent attention needed in your conversation.");
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "conversation", conversation: { ...sessions()[2]!, state: "closed", messages: [] } }),
    });
    // Its flash (said loudly at sign-in) goes after 5 s; the hint does not come back.
    ui.store.dispatch({ type: "tick", now: T0 + 6_000 });
    await ui.waitForFrame((f) => !footer(f).includes("Urgent attention"), "the hint gone");
    await ui.press(KEYS.alt("a"));
    const frame = await ui.waitForFrame((f) => f.includes("Nothing needs attention."), "Alt+A");
    expect(ui.store.getState().focus).toBe("home");
    expect(footer(frame)).not.toContain("Visitor 7");
  });

  it("SPEC S9: the urgent-attention hint is red and bold like an error, and the quit warning does not hide it", async () => {
    chalk.level = 1;
    ui = await renderConsole({ welcome: welcome(sessions()) });
    await ui.press(KEYS.ctrlC);
    const frame = await ui.waitForFrame((f) => f.includes("Press Ctrl+C again to quit"), "the quit warning");
    const [hint, keys] = frame.split("\n").slice(-2);
    expect(stripSgr(hint!)).toContain("⚠ Visitor 7. Urgent attention needed in your conversation.");
    expect(colourAt(hint!, "Visitor 7. Urgent")).toBe("31");
    expect(sgrCodes(hint!)).toContain("1");
    // The quit warning is yellow: a caution, quieter than the alert.
    expect(colourAt(keys!, "Press Ctrl+C again to quit")).toBe("33");
  });

  it("SPEC L2: the RONA hint is as loud as an error", async () => {
    chalk.level = 1;
    ui = await renderConsole({ welcome: welcome([conversation("c1")], [], me({ presence: "rona" })) });
    const hint = ui.frame().split("\n").at(-2)!;
    // One warning sign, the footer's: the text does not bring a second.
    expect(stripSgr(hint)).toMatch(/^⚠ RONA: Alt\+P or \/status available/);
    expect(colourAt(hint, "RONA: Alt+P")).toBe("31");
  });

  it("SPEC S9: the offer card says how the customer feels before the rep accepts, red with ! past the threshold", async () => {
    chalk.level = 1;
    ui = await renderConsole({
      welcome: welcome([], [offer("o1", "c9", { sentiment: -2, alert: true })]),
    });
    const frame = await ui.waitForFrame((f) => f.includes("New conversation"), "the offer card");
    const line = frame.split("\n").find((l) => stripSgr(l).includes("for Alice Moreau"))!;
    expect(stripSgr(line)).toMatch(/│ ▂ negative ! · waiting \d+:\d\d · for Alice Moreau · /);
    expect(colourAt(line, "▂ negative !")).toBe("31");
    ui.unmount();
    ui = await renderConsole({ welcome: welcome([], [offer("o2", "c8", { sentiment: 1 })]) });
    const calm = await ui.waitForFrame((f) => f.includes("New conversation"), "the other card");
    expect(stripSgr(calm)).toMatch(/│ ▅ slightly positive · waiting \d+:\d\d · for Alice Moreau · /);
    expect(stripSgr(calm)).not.toContain("▂ negative");
  });

  it("the switcher lists sessions by attention (alert, then unread, then the rest), Home last, with badges and their pane numbers, and says the highlighted row's hint", async () => {
    ui = await renderConsole({ welcome: welcome(sessions()) });
    await ui.press(KEYS.ctrlK);
    let frame = await ui.waitForFrame((f) => f.includes("Switch to"), "the switcher");
    const rows = frame.split("\n").filter((l) => /│ \d\. /.test(l));
    // Each keeps the number it has in the session pane (Home 0, as Alt+0): a digit means one session everywhere.
    expect(rows[0]).toMatch(/3\. Visitor 7\s+!/);
    expect(rows[1]).toMatch(/2\. Kenny Smith 3/);
    expect(rows[2]).toMatch(/1\. Dana Kim/);
    expect(rows[3]).toMatch(/0\. ⌂ Home/);
    // The hint of the highlighted row, under the list.
    const under = (f: string) => {
      const lines = f.split("\n");
      return lines[lines.findIndex((l) => /0\. ⌂ Home/.test(l)) + 1];
    };
    expect(under(frame)).toContain("Visitor 7. Urgent attention needed in your conversation.");
    await ui.press(KEYS.down);
    frame = await ui.waitForFrame((f) => under(f)?.includes("Kenny Smith. 3 new updates") ?? false, "the hint");
    expect(under(frame)).not.toContain("Visitor 7");
  });

  it("a digit in the switcher opens the session with that number in the pane, 0 Home", async () => {
    ui = await renderConsole({ welcome: welcome(sessions()) });
    await ui.press(KEYS.ctrlK);
    await ui.waitForFrame((f) => f.includes("Switch to"), "the switcher");
    await ui.press("1");
    await ui.waitForFrame((f) => f.includes("Dana Kim [Active]") && !f.includes("Switch to"), "Dana's session");
    await ui.press(KEYS.ctrlK);
    await ui.waitForFrame((f) => f.includes("Switch to"), "the switcher again");
    await ui.press("0");
    await ui.waitForFrame((f) => !f.includes("Switch to") && !f.includes("Dana Kim [Active]"), "Home");
    expect(ui.store.getState().focus).toBe("home");
  });

  it("Home's work items show the unread badge and the alert", async () => {
    ui = await renderConsole({ welcome: welcome(sessions()) });
    const frame = ui.frame();
    expect(frame).toMatch(/2\. Kenny Smith · General · Active 3/);
    expect(frame).toMatch(/3\. Visitor 7 · General · Active\s+!/);
    expect(frame).toMatch(/1\. Dana Kim · General · Active\s*$/m);
  });
});
