// What the footer, help and the flash line tell a user: only what is true now, whole, and reachable.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { renderMonitor, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";
import {
  conversation,
  event,
  KEYS,
  me,
  MORE_KEYS,
  offer,
  renderConsole,
  stripSgr,
  T0,
  welcome,
} from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
let mon: Monitor | undefined;
afterEach(() => {
  ui?.unmount();
  mon?.unmount();
  ui = undefined;
  mon = undefined;
});

const PG_DOWN = "\x1b[6~";

/** The last line of the frame: the footer's key hints. */
function footer(frame: string): string {
  const lines = stripSgr(frame).trimEnd().split("\n");
  return lines[lines.length - 1]!;
}

describe("the footer", () => {
  it("UX footer: Alt+Y accept shows only while an offer is pending", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    let frame = await ui.waitForFrame((f) => f.includes("My work items"), "Home");
    expect(footer(frame)).not.toContain("Alt+Y accept");
    ui.store.dispatch({ type: "event", frame: event({ kind: "offer", offer: offer("o1", "c5") }) });
    frame = await ui.waitForFrame((f) => f.includes("New conversation"), "the offer");
    expect(footer(frame)).toContain("Alt+Y accept");
    expect(footer(frame)).toContain("Alt+N reject");
  });

  it("UX footer: at 80 columns with a session open it holds whole hints only, at most seven, and F1 more last", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]), columns: 80, rows: 24 });
    await ui.press(KEYS.alt("1"));
    const frame = await ui.waitForFrame((f) => f.includes("Visitor 1 [Active]"), "the session");
    const line = footer(frame);
    // Not every hint fits: the help key says there are more.
    expect(line.endsWith("F1 more")).toBe(true);
    expect([...line].length).toBeLessThanOrEqual(80);
    // Each hint is a key and a short word, whole: "Alt+T transfer", never "Alt+T tra".
    const hints = line.split("  ");
    expect(hints.length).toBeLessThanOrEqual(7);
    for (const hint of hints) expect(hint).toMatch(/^\S+ [a-z]+( [a-z]+)?$/);
    expect(hints).toContain("Alt+T transfer");
    // What would not act is not offered: no pending offer, nothing to dismiss.
    expect(line).not.toContain("accept");
    expect(line).not.toContain("dismiss");
  });

  it("UX footer: while the composer holds text the switcher's hint is Alt+K (Ctrl+K then deletes to the end of the line)", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]), columns: 150 });
    await ui.press(KEYS.alt("1"));
    let frame = await ui.waitForFrame((f) => f.includes("Visitor 1 [Active]"), "the session");
    expect(footer(frame)).toContain("Ctrl+K switch");
    await ui.press("half a thought");
    frame = await ui.waitForFrame((f) => footer(f).includes("Alt+K switch"), "the key that acts while typing");
    expect(footer(frame)).not.toContain("Ctrl+K");
  });

  it("UX footer: no quick reply offered in wrap-up, where nothing can be sent", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { state: "wrapup", wrapUpBy: ["alice"] })]),
      columns: 150,
    });
    await ui.press(KEYS.alt("1"));
    const frame = await ui.waitForFrame((f) => f.includes("[Wrap-up]"), "the session in wrap-up");
    expect(footer(frame)).not.toContain("quick reply");
  });

  it("UX footer: a rep in another rep's conference is offered Alt+X leave, not Alt+E end, which says whose it is", async () => {
    const bob = me({ id: "bob", name: "Bob Okafor" });
    const c1 = conversation("c1", {
      state: "active",
      ownerId: "alice",
      ownerName: "Alice Moreau",
      participants: ["bob"],
    });
    ui = await renderConsole({ welcome: welcome([c1], [], bob), columns: 150 });
    await ui.press(KEYS.alt("1"));
    const frame = await ui.waitForFrame((f) => f.includes("[Conference]"), "the conference");
    expect(footer(frame)).toContain("Alt+X leave");
    expect(footer(frame)).not.toContain("Alt+E end");
    await ui.press(KEYS.alt("e"));
    await ui.waitForFrame(
      (f) => f.includes("You are in Alice Moreau's conference: they end it; Alt+X leaves it (then your wrap-up)."),
      "whose it is to end",
    );
    expect(ui.client.ofType("end")).toEqual([]);
  });

  it("UX help: F1 is reachable while a picker is open, and in the monitor while typing a filter", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("p"));
    await ui.waitForFrame((f) => f.includes("Presence"), "the presence picker");
    await ui.press(MORE_KEYS.f1);
    await ui.waitForFrame((f) => f.includes("Help — type to filter"), "help over the picker");

    mon = await renderMonitor({ welcome: supervisorWelcome([conversation("c1")]) });
    await mon.press("/");
    await mon.waitForFrame((f) => footer(f).includes("Enter keep"), "the filter prompt");
    await mon.press(MORE_KEYS.f1);
    await mon.waitForFrame((f) => f.includes("Help — type to filter"), "help from the filter");
    expect(mon.store.getState().filter).toBe("");
  });
});

describe("help at 80×24", () => {
  it("UX help: help scrolls — PgDn shows the bindings below, with where you are", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]), columns: 80, rows: 24 });
    await ui.press(KEYS.alt("1"));
    await ui.press(MORE_KEYS.f1);
    let frame = await ui.waitForFrame((f) => f.includes("Help — type to filter"), "help");
    expect(stripSgr(frame)).toMatch(/1–\d+ of \d+/);
    expect(frame).not.toContain("undo the last edit");
    for (let i = 0; i < 8; i++) await ui.press(PG_DOWN);
    frame = await ui.waitForFrame((f) => f.includes("undo the last edit"), "the last bindings");
    expect(stripSgr(frame)).toMatch(/\d+–(\d+) of \1/);
  });
});

describe("slash commands come from the key table", () => {
  it("UX help: /pick is listed in help, and an unknown command says how to find them", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(MORE_KEYS.f1);
    await ui.press("pick");
    const frame = await ui.waitForFrame((f) => f.includes("(/pick)"), "/pick in help");
    expect(frame).toContain("pick open work item N from Home's list");
    await ui.press(KEYS.escape);
    await ui.press(KEYS.escape);
    await ui.press("/nope");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Unknown command /nope; /help lists them"), "the unknown command");
  });

  it("UX nothing lost: a mistyped command stays in the composer to be corrected, and nothing is sent", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1", { state: "active", ownerId: "alice" })]) });
    await ui.press(KEYS.alt("1"));
    await ui.press("/tarnsfer billing, the customer asked twice");
    await ui.press(KEYS.enter);
    const frame = await ui.waitForFrame((f) => f.includes("Unknown command /tarnsfer"), "the unknown command");
    expect(frame).toContain("your text is still in the composer");
    expect(frame).toContain("/tarnsfer billing, the customer asked twice");
    expect(ui.client.sent.filter((b) => b.type !== "open_items" && b.type !== "today")).toEqual([]);
  });
});

describe("the flash line", () => {
  it("UX flash: a message clears on the next key press", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("y"));
    await ui.waitForFrame((f) => f.includes("There is no pending offer."), "the message");
    await ui.press("/");
    await ui.waitForFrame((f) => !f.includes("There is no pending offer."), "the message gone");
  });

  it("UX flash: a message clears by itself after a few seconds", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press(KEYS.alt("y"));
    await ui.waitForFrame((f) => f.includes("There is no pending offer."), "the message");
    ui.store.dispatch({ type: "tick", now: T0 + 6_000 });
    await ui.waitForFrame((f) => !f.includes("There is no pending offer."), "the message gone");
  });
});

describe("what a user reads", () => {
  it("UX: no requirement id (L5, P6, SV8…) in any string of the console, the monitor, the CLI, the widget or the server", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|tsx|js)$/.test(name)) files.push(path);
      }
    };
    for (const dir of ["src", "server"]) walk(new URL(`../../${dir}`, import.meta.url).pathname);
    const found: string[] = [];
    for (const file of files) {
      // Comments may cite the spec; strings are what a user can read.
      const code = readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "")
        .replace(/\s\/\/ .*$/gm, "");
      for (const literal of code.match(/(["'`])(?:\\.|(?!\1)[^\\\n])*\1/g) ?? [])
        if (/\((?:SPEC )?(?:L|P|PC|S|SV)\d+\b/.test(literal)) found.push(`${file}: ${literal}`);
    }
    expect(found).toEqual([]);
  });
});
