// Keys that reach the app in one read (a busy terminal, a slow SSH link) are each handled, in order, against
// the state the key before them left: nothing is lost, and an action applies to the row the screen shows.
import { afterEach, describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, SAM, renderMonitor, rowOf, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";
import { conversation, KEYS, renderConsole, stripSgr, T0, welcome } from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
let mon: Monitor | undefined;
afterEach(() => {
  ui?.unmount();
  mon?.unmount();
  ui = undefined;
  mon = undefined;
});

function openConversation(id: string, queuedAt: number) {
  return conversation(id, {
    state: "open",
    ownerId: null,
    ownerName: null,
    lastOwnerId: null,
    title: `Customer ${id}`,
    queuedAt,
    createdAt: queuedAt,
  });
}

async function floor(): Promise<Monitor> {
  // c2 waits longest: it is the selected row when the monitor opens.
  const monitor = await renderMonitor({
    welcome: supervisorWelcome([openConversation("c2", T0 - 90_000), openConversation("c18", T0 - 10_000)], {
      users: [ALICE, BOB, CAROL, SAM],
    }),
  });
  await monitor.waitForFrame((f) => rowOf(f, "c2").startsWith("›"), "c2 selected");
  return monitor;
}

describe("keys arriving together", () => {
  it("SPEC P6: in the console, Alt+W, Tab and Enter in one read close the chat to Waiting", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { mode: "persistent", workstreamId: "persistent" })]),
    });
    await ui.press(KEYS.alt("1"));
    await ui.waitForFrame((f) => f.includes("Visitor 1 [Active]"), "the session");
    ui.client.responses.close = {};
    await ui.press(`${KEYS.alt("w")}${KEYS.tab}${KEYS.enter}`);
    await ui.waitForFrame(() => ui!.client.ofType("close").length === 1, "the close request");
    expect(ui.client.sent).toEqual([{ type: "close", conversationId: "c1" }]);
    expect(stripSgr(ui.frame())).not.toContain("to Waiting?");
  });

  it("UX: two Escapes in one read are two: help's filter is cleared, then help closes", async () => {
    ui = await renderConsole({ welcome: welcome([conversation("c1")]) });
    await ui.press("\x1bOP"); // F1
    await ui.press("wrap");
    await ui.waitForFrame((f) => stripSgr(f).includes("filter: wrap"), "help filtered");
    await ui.press(`${KEYS.escape}${KEYS.escape}`);
    await ui.waitForFrame((f) => !stripSgr(f).includes("filter:"), "help closed");
  });

  it("SPEC SV5: in the monitor, /id:c18 and Enter in one read keep the filter; A and Enter then assign c18, the row shown", async () => {
    mon = await floor();
    await mon.press("/id:c18\r");
    const frame = await mon.waitForFrame((f) => stripSgr(f).includes("filter: id:c18"), "the filter kept");
    expect(rowOf(frame, "c18").startsWith("›")).toBe(true);
    expect(stripSgr(frame)).not.toMatch(/^. c2 /m);
    mon.client.responses.assign = { conversationId: "c18", exceededBy: 0 };
    await mon.press("A");
    await mon.waitForFrame((f) => f.includes("Assign c18"), "the assign picker for c18");
    await mon.press(KEYS.enter);
    await mon.waitForFrame(() => mon!.client.ofType("assign").length === 1, "the assign request");
    expect(mon.client.ofType("assign")).toEqual([
      { type: "assign", conversationId: "c18", target: { kind: "rep", id: "alice" }, override: true },
    ]);
  });

  it("UX: a marked paste on the monitor's table is never keys: pasted text with q and A neither quits nor assigns", async () => {
    mon = await floor();
    await mon.press("\x1b[200~quick Assign\r\x1b[201~");
    await mon.press("j");
    await mon.waitForFrame((f) => rowOf(f, "c18").startsWith("›"), "keys still work after the paste");
    expect(mon.exited).toBe(false);
    expect(mon.client.sent).toEqual([]);
    expect(stripSgr(mon.frame())).not.toContain("Assign c");
  });

  it("SPEC SV5: the whole sequence in one read — filter, keep, assign with override, select — acts on c18", async () => {
    mon = await floor();
    mon.client.responses.assign = { conversationId: "c18", exceededBy: 0 };
    await mon.press("/id:c18\rA\r");
    await mon.waitForFrame(() => mon!.client.ofType("assign").length === 1, "the assign request");
    expect(mon.client.ofType("assign")).toEqual([
      { type: "assign", conversationId: "c18", target: { kind: "rep", id: "alice" }, override: true },
    ]);
  });
});
