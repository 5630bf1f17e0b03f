// Home's lists (issue 11, item 5): every list scrolls, `/pick N` takes the row shown with N (never one off
// screen) and names what it took; recently closed items open read-only (SPEC S3).
import { afterEach, describe, expect, it } from "vitest";
import type { ConversationView } from "../../src/protocol/views.js";
import { conversation, customerMessage, event, KEYS, renderConsole, stripSgr, T0, welcome } from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

const PGDN = "\x1b[6~";

/** Open items c101…c111, "Waiting 1" … "Waiting 11", oldest first. */
function openItems(): ConversationView[] {
  return Array.from({ length: 11 }, (_, i) =>
    conversation(`c${101 + i}`, {
      title: `Waiting ${i + 1}`,
      state: "open",
      ownerId: null,
      ownerName: null,
      lastOwnerId: null,
      queuedAt: T0 - 60_000 + i * 1000,
    }),
  );
}

async function homeWithOpenItems(): Promise<Console> {
  const console = await renderConsole({ columns: 80, rows: 20, sized: true, welcome: welcome() });
  console.client.responses.open_items = { items: openItems() };
  console.client.responses.pick = (body) => {
    if (body.type === "pick") {
      const view = openItems().find((v) => v.id === body.conversationId)!;
      console.store.dispatch({
        type: "event",
        frame: event({
          kind: "conversation",
          conversation: { ...view, state: "active", ownerId: "alice", ownerName: "Alice Moreau", lastOwnerId: "alice" },
        }),
      });
    }
    return {};
  };
  await console.press(KEYS.alt("0"));
  await console.waitForFrame((f) => f.includes("Open work items to pick (11)"), "the open items");
  return console;
}

async function command(console: Console, text: string): Promise<void> {
  await console.press(text);
  await console.press(KEYS.enter);
}

describe("Home's lists", () => {
  it("the open items list shows what fits with its range, /pick of a row off screen picks nothing and says why", async () => {
    ui = await homeWithOpenItems();
    const frame = stripSgr(ui.frame());
    expect(frame).toMatch(/▸ Open work items to pick \(11\) 1–\d+ · \/pick N/);
    expect(frame).not.toContain("11. Waiting 11");
    await command(ui, "/pick 11");
    await ui.waitForFrame((f) => f.includes("No open item 11 on screen"), "the refusal");
    expect(ui.frame()).toMatch(/No open item 11 on screen: \/pick takes 1–7 \(PgDn shows more\)\./);
    expect(ui.client.ofType("pick")).toEqual([]);
  });

  it("an open item's wait counts from the customer's oldest unanswered line, as its offer card does, not from its last queuing", async () => {
    ui = await renderConsole({ columns: 100, rows: 24, sized: true, welcome: welcome() });
    const transferred = conversation("c201", {
      title: "Visitor 2",
      state: "open",
      ownerId: null,
      ownerName: null,
      lastOwnerId: null,
      queuedAt: T0 - 60_000,
      customerWaitingSince: T0 - 600_000,
    });
    ui.client.responses.open_items = { items: [transferred] };
    await ui.press(KEYS.alt("0"));
    const frame = await ui.waitForFrame((f) => f.includes("1. Visitor 2"), "the open item");
    expect(frame).toMatch(/1\. Visitor 2 · General · waiting 10m/);
  });

  it("PgDn scrolls the list; /pick 11 then takes the row shown with 11 and names it", async () => {
    ui = await homeWithOpenItems();
    await ui.press(PGDN);
    await ui.waitForFrame((f) => f.includes("11. Waiting 11"), "the end of the list");
    expect(ui.frame()).not.toContain(" 1. Waiting 1 ");
    // Numbers right-aligned: the titles start in one column.
    const lines = ui.frame().split("\n");
    const at = (title: string) => lines.find((l) => l.includes(`${title} `))!.indexOf(title);
    expect(at("Waiting 9")).toBe(at("Waiting 11"));
    await command(ui, "/pick 11");
    await ui.waitForFrame((f) => f.includes("Waiting 11 [Active]"), "the picked conversation");
    expect(ui.client.ofType("pick")).toEqual([{ type: "pick", conversationId: "c111" }]);
    expect(ui.frame()).toContain("Picked Waiting 11 (General).");
  });

  it("Tab highlights the next list, and PgDn scrolls that one: my work items scroll too", async () => {
    const mine = Array.from({ length: 12 }, (_, i) => conversation(`c${i + 1}`, { title: `Mine ${i + 1}` }));
    ui = await renderConsole({ columns: 80, rows: 24, sized: true, welcome: welcome(mine) });
    ui.client.responses.open_items = { items: [] };
    await ui.press(KEYS.alt("0"));
    let frame = await ui.waitForFrame((f) => f.includes("My work items (12)"), "Home");
    expect(frame).not.toContain("12. Mine 12");
    await ui.press(KEYS.tab);
    await ui.press(KEYS.tab);
    await ui.waitForFrame((f) => stripSgr(f).includes("▸ My work items (12)"), "my work items highlighted");
    await ui.press(PGDN);
    frame = await ui.waitForFrame((f) => f.includes("12. Mine 12"), "the end of my work items");
    expect(frame).not.toContain("1. Mine 1 ");
  });

  it("SPEC S3: /open N opens a recently closed item read-only: its thread shows, nothing can be sent", async () => {
    const closed = conversation("c3", {
      title: "Visitor 3",
      state: "closed",
      closedAt: T0 - 60_000,
      closedBy: "alice",
      messages: [customerMessage("Thanks, all sorted", T0 - 120_000)],
    });
    ui = await renderConsole({ welcome: welcome([closed]) });
    ui.client.responses.open_items = { items: [] };
    await ui.press(KEYS.alt("0"));
    await ui.waitForFrame((f) => f.includes("1. Visitor 3 · General · Closed"), "the closed item");
    await command(ui, "/open 1");
    const frame = await ui.waitForFrame((f) => f.includes("Visitor 3 [Closed]"), "the closed conversation");
    expect(frame).toContain("Thanks, all sorted");
    expect(frame).toContain("Closed: read-only.");
    await ui.press("hello");
    await ui.press(KEYS.enter);
    expect(ui.client.ofType("send")).toEqual([]);
  });
});

describe("Home stays current", () => {
  it("S3, S7: while Home shows, its open items and today's figures are asked for again every 5 s; not from a conversation", async () => {
    ui = await renderConsole({ columns: 80, rows: 20, sized: true, welcome: welcome() });
    ui.client.responses.open_items = { items: openItems().slice(0, 2) };
    ui.client.responses.today = { today: { since: T0 - 9 * 3_600_000, accepted: 2, ended: 1, transferred: 0 } };
    ui.store.dispatch({ type: "tick", now: T0 + 4_000 });
    await ui.press("");
    expect(ui.client.ofType("open_items")).toHaveLength(0);

    // Another rep picked one, another console of hers ended one: Home shows it within 5 s, without a key pressed.
    ui.store.dispatch({ type: "tick", now: T0 + 5_000 });
    let frame = await ui.waitForFrame((f) => f.includes("Waiting 2") && f.includes("accepted 2 · ended 1"), "Home");
    expect(stripSgr(frame)).toContain("Waiting 1");
    ui.client.responses.open_items = { items: openItems().slice(1, 2) };
    ui.client.responses.today = { today: { since: T0 - 9 * 3_600_000, accepted: 2, ended: 2, transferred: 0 } };
    ui.store.dispatch({ type: "tick", now: T0 + 10_000 });
    frame = await ui.waitForFrame((f) => f.includes("accepted 2 · ended 2"), "Home again");
    expect(stripSgr(frame)).not.toContain("Waiting 1 ");
    expect(ui.client.ofType("open_items")).toHaveLength(2);
    expect(ui.client.ofType("today")).toHaveLength(2);

    // In a conversation nothing is asked for.
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "conversation", conversation: conversation("c1", { title: "Dana Kim" }) }),
    });
    await ui.press(KEYS.alt("1"));
    await ui.waitForFrame((f) => f.includes("Dana Kim [Active]"), "the conversation");
    ui.store.dispatch({ type: "tick", now: T0 + 20_000 });
    await ui.press("");
    expect(ui.client.ofType("open_items")).toHaveLength(2);
  });
});
