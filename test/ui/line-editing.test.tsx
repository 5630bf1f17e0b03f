// App tests for the line editor in the console's composer and filters and the monitor's: what the screen
// shows (the cursor is the inverse cell) and what goes over the wire.
import chalk from "chalk";
import stringWidth from "string-width";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, SAM, renderMonitor, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";
import { conversation, KEYS, renderConsole, stripSgr, welcome } from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
let mon: Monitor | undefined;
const chalkLevel = chalk.level;
// The cursor is drawn inverse: the frames keep their SGR codes.
beforeEach(() => {
  chalk.level = 1;
});
afterEach(() => {
  chalk.level = chalkLevel;
  ui?.unmount();
  mon?.unmount();
  ui = undefined;
  mon = undefined;
});

const LEFT = "\x1b[D";
const RIGHT = "\x1b[C";
const UP = "\x1b[A";
const DOWN = "\x1b[B";
const HOME = "\x1b[H";
const CTRL = { a: "\x01", e: "\x05", k: "\x0b", u: "\x15", w: "\x17", z: "\x1a", undo: "\x1f" };
const ALT = { b: "\x1bb", f: "\x1bf", backspace: "\x1b\x7f" };
const INVERSE = "\x1b[7m";

/** The character the cursor is on: the (last) cell drawn inverse on the line of the field. */
function cursorCell(frame: string, line: string): string {
  const row = frame.split("\n").find((l) => stripSgr(l).includes(line));
  if (!row) throw new Error(`no line with ${JSON.stringify(line)} in:\n${frame}`);
  const at = row.lastIndexOf(INVERSE);
  if (at < 0) throw new Error(`no cursor on ${JSON.stringify(line)}`);
  return stripSgr(row.slice(at)).slice(0, 1);
}

async function typed(console: Console, keys: string[]): Promise<void> {
  for (const key of keys) await console.press(key);
}

describe("the console's composer is a line editor", () => {
  it("SPEC L9: hello world, Left ×5, X gives hello Xworld on screen (cursor on the w) and on the wire", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("hello world");
    await typed(ui, [LEFT, LEFT, LEFT, LEFT, LEFT]);
    await ui.press("X");
    const frame = await ui.waitForFrame((f) => stripSgr(f).includes("› hello Xworld"), "the insertion");
    expect(cursorCell(frame, "› hello Xworld")).toBe("w");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")).toEqual([
      { type: "send", conversationId: "c1", text: "hello Xworld", clientId: "cid-1" },
    ]);
  });

  it("UX a long line of CJK and Latin wraps in terminal cells: every row fits the box, no character is hidden", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]), columns: 80, rows: 24, sized: true });
    await ui.press(KEYS.alt("1"));
    const draft = "日本語のテキスト abc def ghi jkl mno pqr stu vwx yz 0123456789 这是一个很长的中文句子 end";
    await ui.press(draft);
    const frame = stripSgr(await ui.waitForFrame((f) => stripSgr(f).includes(" end"), "the draft"));
    const lines = frame.split("\n");
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(80);
    const top = lines.findLastIndex((l) => l.includes("╭"));
    const rows = lines.slice(
      top + 1,
      lines.findIndex((l, i) => i > top && l.includes("╰")),
    );
    expect(rows.length).toBeGreaterThan(1);
    // Each row ends at the box's right border, one column from the terminal's edge.
    for (const row of rows) expect(stringWidth(row.trimEnd())).toBe(stringWidth(lines[top]!.trimEnd()));
    const text = rows.map((row) => row.replace(/^.*?│(?:› | {2})/, "").replace(/\s*│\s*$/, "")).join("");
    expect(text.replace(/ /g, "")).toBe(draft.replace(/ /g, ""));
  });

  it("UX the composer wraps after the last word that fits, as the thread does; a word longer than a row is cut", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]), columns: 80, rows: 24, sized: true });
    await ui.press(KEYS.alt("1"));
    const words = "Thanks for waiting, I have checked your order and the parcel left our warehouse this morning";
    const long = "https://example.com/" + "x".repeat(80);
    await ui.press(`${words} ${long} ok`);
    const frame = stripSgr(await ui.waitForFrame((f) => stripSgr(f).includes(" ok"), "the draft"));
    const lines = frame.split("\n");
    const top = lines.findLastIndex((l) => l.includes("╭"));
    const rows = lines
      .slice(
        top + 1,
        lines.findIndex((l, i) => i > top && l.includes("╰")),
      )
      .map((row) => row.replace(/^.*?│(?:› | {2})/, "").replace(/\s*│\s*$/, ""));
    // No word of the sentence is split across two rows.
    for (const word of words.split(" ")) expect(rows.some((row) => row.split(" ").includes(word))).toBe(true);
    // The address, longer than a row, fills rows whole.
    expect(rows.join("").replace(/ /g, "")).toBe(`${words}${long}ok`.replace(/ /g, ""));
    expect(rows.filter((row) => row.includes("xxxx")).length).toBeGreaterThan(1);
  });

  it("moves by word and to either end; deletes by word, to either end; undo brings text back", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("see you at ten");
    await typed(ui, [ALT.b, ALT.b]);
    await ui.waitForFrame((f) => cursorCell(f, "› see you at ten") === "a", "Alt+B twice");
    await typed(ui, [CTRL.a]);
    await ui.waitForFrame((f) => cursorCell(f, "› see you at ten") === "s", "Ctrl+A");
    await typed(ui, [ALT.f, RIGHT]);
    await ui.waitForFrame((f) => cursorCell(f, "› see you at ten") === "y", "Alt+F, Right");
    await typed(ui, [CTRL.k]);
    await ui.waitForFrame(
      (f) => stripSgr(f).includes("› see ") && !stripSgr(f).includes("you at"),
      "Ctrl+K kills to the end",
    );
    // Ctrl+K deleted text: it did not open the quick switcher.
    expect(stripSgr(ui.frame())).not.toContain("Switch to");
    await typed(ui, [CTRL.z]);
    await ui.waitForFrame((f) => stripSgr(f).includes("› see you at ten"), "Ctrl+Z undoes");
    await typed(ui, [CTRL.e, CTRL.w]);
    await ui.waitForFrame((f) => /› see you at +│/.test(stripSgr(f)), "Ctrl+W");
    await typed(ui, [ALT.backspace]);
    await ui.waitForFrame((f) => /› see you +│/.test(stripSgr(f)), "Alt+Backspace");
    await typed(ui, [CTRL.u]);
    await ui.waitForFrame((f) => /› +│/.test(stripSgr(f)), "Ctrl+U");
    await typed(ui, [CTRL.undo]);
    await ui.waitForFrame((f) => stripSgr(f).includes("› see you "), "Ctrl+_ undoes");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send").map((b) => b.text)).toEqual(["see you "]);
  });

  it("Ctrl+K on an empty composer still opens the quick switcher", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press(CTRL.k);
    await ui.waitForFrame((f) => f.includes("Switch to"), "the switcher");
  });

  it("Up and Down move between the lines of a message; Up on an empty composer recalls what was sent", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("first line");
    await ui.press(KEYS.ctrlJ);
    await ui.press("second");
    await ui.press(UP);
    await ui.press("!");
    await ui.waitForFrame((f) => stripSgr(f).includes("› first !line"), "typed on the first line");
    await ui.press(DOWN);
    await ui.press(HOME);
    await ui.press("-");
    await ui.waitForFrame((f) => stripSgr(f).includes("-second"), "typed at the start of the second line");
    await ui.press(KEYS.enter);
    await ui.waitForFrame(() => ui!.client.ofType("send").length === 1, "sent");
    await ui.press("thanks");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send").map((b) => b.text)).toEqual(["first !line\n-second", "thanks"]);
    await ui.press(UP);
    await ui.waitForFrame((f) => stripSgr(f).includes("› thanks"), "the last message recalled");
    await ui.press(UP);
    await ui.waitForFrame((f) => stripSgr(f).includes("› first !line"), "the one before");
    await ui.press(DOWN);
    await ui.press(DOWN);
    await ui.waitForFrame(
      (f) => !stripSgr(f).includes("› thanks") && !stripSgr(f).includes("first !line"),
      "back to empty",
    );
  });

  it("SPEC S5: each session keeps its own draft and cursor", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1"), conversation("c2", { title: "Other" })]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("abcdef");
    await typed(ui, [LEFT, LEFT]);
    await ui.press(KEYS.alt("2"));
    await ui.press("xyz");
    await ui.press(HOME);
    await ui.press(KEYS.alt("1"));
    let frame = await ui.waitForFrame((f) => stripSgr(f).includes("› abcdef"), "c1's draft");
    expect(cursorCell(frame, "› abcdef")).toBe("e");
    await ui.press(KEYS.alt("2"));
    frame = await ui.waitForFrame((f) => stripSgr(f).includes("› xyz"), "c2's draft");
    expect(cursorCell(frame, "› xyz")).toBe("x");
  });

  it("a picker's filter edits the same way: Left and insert", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1"), conversation("c2", { title: "Dana" })]) });
    await ui.press(KEYS.alt("k"));
    await ui.waitForFrame((f) => f.includes("Switch to"), "the switcher");
    await ui.press("Dn");
    await ui.press(LEFT);
    await ui.press("a");
    const frame = await ui.waitForFrame((f) => stripSgr(f).includes("filter: Dan"), "the edited filter");
    expect(cursorCell(frame, "filter: Dan")).toBe("n");
    // The row keeps its number in the session pane, whatever the filter leaves.
    expect(stripSgr(frame)).toContain("2. Dana");
  });
});

describe("the monitor's filter and composer are line editors", () => {
  it("SPEC SV1: the filter takes Left, Ctrl+A and insertion at the cursor", async () => {
    mon = await renderMonitor({
      welcome: supervisorWelcome(
        [conversation("c2", { title: "Customer c2" }), conversation("c18", { title: "Customer c18" })],
        { users: [ALICE, BOB, CAROL, SAM] },
      ),
    });
    await mon.waitForFrame((f) => f.includes("ongoing"), "the monitor");
    await mon.press("/");
    await mon.press("d:c18");
    await mon.press(CTRL.a);
    await mon.press("i");
    const frame = await mon.waitForFrame((f) => stripSgr(f).includes("filter: id:c18"), "the edited filter");
    expect(cursorCell(frame, "filter: id:c18")).toBe("d");
    await mon.press(KEYS.enter);
    await mon.waitForFrame(
      (f) => mon!.store.getState().selectedId === "c18" && !f.includes("Customer c2 "),
      "c18 only",
    );
  });
});
