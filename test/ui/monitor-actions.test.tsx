// App tests of the monitor's actions (SPEC SV2, SV4–SV8): key presses against a fake client, asserting
// both what the supervisor sees and what went over the wire. Refusals show their reason and send nothing
// when the client already knows (the org's settings, the conversation's state); the server's own refusal
// is shown as the server words it.
import { afterEach, describe, expect, it } from "vitest";
import type { EventFrame } from "../../src/protocol/messages.js";
import type { Change, ConversationView } from "../../src/protocol/views.js";
import { ALICE, BOB, CAROL, MON_KEYS, SAM, org, renderMonitor, rowOf, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";
import { conversation, customerMessage, event, KEYS, refusal, T0 } from "../helpers/ui.js";

let ui: Monitor | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

let seq = 500;
function frameOf(...changes: Change[]): EventFrame {
  return { type: "event", seq: seq++, at: T0 + seq, changes };
}

function active(id: string, overrides: Partial<ConversationView> = {}): ConversationView {
  return conversation(id, {
    title: `Customer ${id}`,
    createdAt: T0 - 60_000,
    messages: [customerMessage(`Hello from ${id}`, T0 - 60_000)],
    ...overrides,
  });
}

function open(id: string, overrides: Partial<ConversationView> = {}): ConversationView {
  return conversation(id, {
    state: "open",
    ownerId: null,
    ownerName: null,
    lastOwnerId: null,
    title: `Customer ${id}`,
    queuedAt: T0 - 30_000,
    createdAt: T0 - 30_000,
    ...overrides,
  });
}

/** c1 Active (Alice), c2 Open, c3 Waiting (Alice's), c4 Wrap-up (Alice), c5 Active (Sam's own). */
function floor(): ConversationView[] {
  return [
    active("c1"),
    open("c2"),
    conversation("c3", {
      state: "waiting",
      mode: "persistent",
      ownerId: null,
      ownerName: null,
      lastOwnerId: "alice",
      title: "Customer c3",
      waitingUntil: T0 + 86_400_000,
    }),
    active("c4", { state: "wrapup", wrapUpBy: ["alice"] }),
    active("c5", { ownerId: "sam", ownerName: "Sam Rivera", lastOwnerId: "sam" }),
  ];
}

async function start(settings: Parameters<typeof org>[0] = {}, conversations = floor()): Promise<Monitor> {
  const monitor = await renderMonitor({ welcome: supervisorWelcome(conversations, { org: org(settings) }) });
  await monitor.waitForFrame((f) => f.includes("ongoing"), "the monitor");
  return monitor;
}

/** Select a row the way a supervisor does: filter on its id, keep the filter. */
async function select(monitor: Monitor, id: string): Promise<void> {
  await monitor.press("/");
  while (monitor.store.getState().filter.length > 0) await monitor.press(KEYS.backspace);
  await monitor.press(`id:${id}`);
  await monitor.press(KEYS.enter);
  await monitor.waitForFrame((f) => rowOf(f, id).startsWith("›") && !f.includes("Enter keep"), `${id} selected`);
}

describe("SV2: each action has its own setting; a disabled one is refused", () => {
  const cases = [
    {
      setting: { monitor: false },
      key: "m",
      on: "c1",
      reason: "Monitoring is turned off for this organisation.",
      hint: "m monitor (off)",
    },
    {
      setting: { monitor: false },
      key: "J",
      on: "c1",
      reason: "Monitoring is turned off for this organisation.",
      hint: "J join (off)",
    },
    {
      setting: { assign: false },
      key: "a",
      on: "c2",
      reason: "Supervisor assign is turned off for this organisation.",
      hint: "a assign (off)",
    },
    {
      setting: { assign: false },
      key: "A",
      on: "c2",
      reason: "Supervisor assign is turned off for this organisation.",
      hint: "A override (off)",
    },
    {
      setting: { transfer: false },
      key: "t",
      on: "c1",
      reason: "Supervisor transfer is turned off for this organisation.",
      hint: "t transfer (off)",
    },
    {
      setting: { forceClose: false },
      key: MON_KEYS.ctrlD,
      on: "c1",
      reason: "Force close is turned off for this organisation.",
      hint: "Ctrl+D force close (off)",
    },
  ];
  for (const c of cases) {
    it(`SPEC SV2: with ${Object.keys(c.setting)[0]} off, the action shows as off in the hints and the header, and its key shows "${c.reason}" and sends nothing`, async () => {
      ui = await start(c.setting);
      await select(ui, c.on);
      let frame = ui.frame();
      expect(frame).toContain(c.hint);
      expect(frame).toContain(
        `turned off: ${Object.keys(c.setting)[0] === "forceClose" ? "force close" : Object.keys(c.setting)[0]}`,
      );
      await ui.press(c.key);
      frame = await ui.waitForFrame((f) => f.includes(`⚠ ${c.reason}`), "the refusal");
      expect(frame).not.toContain("Transfer c1");
      expect(frame).not.toContain("Force close c1");
      expect(ui.client.sent).toEqual([]);
    });
  }

  it("SPEC SV2: when the org's view is stale and the server refuses, its message shows in the flash line for each of monitor, assign, transfer and force close", async () => {
    ui = await start();
    ui.client.responses.monitor = refusal(
      "supervisor/monitor_disabled",
      "Monitoring is turned off for this organisation.",
    );
    ui.client.responses.assign = refusal(
      "supervisor/assign_disabled",
      "Supervisor assign is turned off for this organisation.",
    );
    ui.client.responses.supervisor_transfer = refusal(
      "supervisor/transfer_disabled",
      "Supervisor transfer is turned off for this organisation.",
    );
    ui.client.responses.force_close = refusal(
      "supervisor/force_close_disabled",
      "Force close is turned off for this organisation.",
    );

    await select(ui, "c1");
    await ui.press("m");
    await ui.waitForFrame(
      (f) => f.includes("✗ Monitoring is turned off for this organisation."),
      "the monitor refusal",
    );
    expect(ui.frame()).not.toContain("MONITORING");

    await select(ui, "c2");
    await ui.press("a");
    await ui.waitForFrame((f) => f.includes("Assign c2"), "the assign picker");
    await ui.press("2");
    await ui.waitForFrame(
      (f) => f.includes("✗ Supervisor assign is turned off for this organisation."),
      "the assign refusal",
    );

    await ui.press(KEYS.escape);
    await select(ui, "c1");
    await ui.press("t");
    await ui.waitForFrame((f) => f.includes("Transfer c1"), "the transfer picker");
    await ui.press("2");
    await ui.waitForFrame(
      (f) => f.includes("✗ Supervisor transfer is turned off for this organisation."),
      "the transfer refusal",
    );
    // No transfer is shown as pending after a refusal.
    expect(ui.store.getState().transfers.c1).toBeUndefined();

    await ui.press(KEYS.escape);
    await ui.press(MON_KEYS.ctrlD);
    await ui.press(KEYS.tab);
    await ui.press(KEYS.enter);
    await ui.waitForFrame(
      (f) => f.includes("✗ Force close is turned off for this organisation."),
      "the force-close refusal",
    );

    expect(ui.client.sent.map((b) => b.type)).toEqual(["monitor", "assign", "supervisor_transfer", "force_close"]);
  });
});

describe("SV4: monitor and join", () => {
  it("SPEC SV4: m monitors an Active conversation silently: the request goes out and the live view says the rep and the customer do not see you; Esc goes back, L leaves", async () => {
    ui = await start();
    await select(ui, "c1");
    await ui.press("m");
    let frame = await ui.waitForFrame(
      (f) => f.includes("◉ MONITORING c1 silently — Alice Moreau and the customer do not see you"),
      "the live view",
    );
    expect(ui.client.sent).toEqual([{ type: "monitor", conversationId: "c1" }]);
    expect(frame).toContain("Hello from c1");
    // Silent: no composer.
    expect(frame).not.toContain("Enter writes");
    ui.store.dispatch({
      type: "event",
      frame: frameOf({ kind: "conversation", conversation: active("c1", { supervisors: { sam: "monitor" } }) }),
    });
    ui.store.dispatch({
      type: "event",
      frame: frameOf({
        kind: "message",
        conversationId: "c1",
        message: customerMessage("Are you still there?", T0 + 1000),
      }),
    });
    frame = await ui.waitForFrame((f) => f.includes("Are you still there?"), "live messages in the live view");
    expect(frame).toContain("Supervisors: you (monitoring)");
    // Enter would not write here: it says why, in words, not with the conversation's id.
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("You are monitoring silently: join (J) to write."), "why not");
    expect(ui.client.sent).toEqual([{ type: "monitor", conversationId: "c1" }]);

    await ui.press(KEYS.escape);
    frame = await ui.waitForFrame((f) => f.includes("[All 5]"), "back to the table");
    expect(rowOf(frame, "c1").trimEnd()).toMatch(/mon$/);
    await ui.press("L");
    await ui.waitForFrame((f) => f.includes("You left c1 (Customer c1)."), "left");
    expect(ui.client.sent).toEqual([
      { type: "monitor", conversationId: "c1" },
      { type: "leave", conversationId: "c1" },
    ]);
  });

  it("SPEC SV4: monitor and join only Active or Wrap-up conversations, never one assigned to yourself: refused with the reason, nothing sent; Wrap-up is allowed", async () => {
    ui = await start();
    await select(ui, "c2");
    await ui.press("m");
    await ui.waitForFrame(
      (f) => f.includes("Only Active or Wrap-up conversations can be monitored; c2 is Open."),
      "Open refused",
    );
    await select(ui, "c3");
    await ui.press("J");
    await ui.waitForFrame(
      (f) => f.includes("Only Active or Wrap-up conversations can be joined; c3 is Waiting."),
      "Waiting refused",
    );
    await select(ui, "c5");
    await ui.press("m");
    await ui.waitForFrame((f) => f.includes("You cannot monitor a conversation assigned to yourself."), "own refused");
    expect(ui.client.sent).toEqual([]);

    await select(ui, "c4");
    await ui.press("m");
    await ui.waitForFrame((f) => f.includes("◉ MONITORING c4 silently"), "Wrap-up monitored");
    expect(ui.client.sent).toEqual([{ type: "monitor", conversationId: "c4" }]);
  });

  it("SPEC SV4: a joined conversation that closes takes no more text: the live view's keys again, J says why, one Esc goes back", async () => {
    ui = await start();
    await select(ui, "c1");
    await ui.press("J");
    await ui.waitForFrame((f) => f.includes("✎ JOINED c1"), "joined");
    await ui.press("hello?");
    ui.store.dispatch({
      type: "event",
      frame: event({ kind: "conversation", conversation: active("c1", { state: "closed" }) }),
    });
    const frame = await ui.waitForFrame((f) => f.includes("■ c1 is Closed"), "closed");
    expect(frame).not.toContain("Enter send");
    // Keys are the live view's, not text for a composer that is gone.
    await ui.press("J");
    await ui.waitForFrame((f) => f.includes("c1 is Closed."), "J refused with the reason");
    expect(ui.client.ofType("join")).toHaveLength(1);
    await ui.press(KEYS.escape);
    await ui.waitForFrame((f) => f.includes("ongoing") && !f.includes("■ c1 is Closed"), "back to the table at once");
  });

  it("UX the assign picker's key hints are the picker's own (select, switch, close), never the console's offer keys", async () => {
    ui = await start();
    await select(ui, "c2");
    await ui.press("a");
    const frame = await ui.waitForFrame((f) => f.includes("Assign c2 (Customer c2) to"), "the assign picker");
    const keys = frame.trimEnd().split("\n").at(-1)!;
    expect(keys).toContain("Enter select");
    expect(keys).toContain("Tab switch Queues / Reps");
    expect(keys).toContain("Esc clear the filter");
    expect(frame).not.toContain("Alt+Y");
    expect(frame).not.toContain("pending offer");
  });

  it("UX a skin-toned emoji in the join composer is drawn in its stable form, so the composer's border stays in place; it is sent as typed", async () => {
    ui = await start();
    await select(ui, "c1");
    await ui.press("J");
    await ui.waitForFrame((f) => f.includes("✎ JOINED c1"), "joined");
    await ui.press("Hi 👋🏽 ok");
    const frame = await ui.waitForFrame((f) => f.includes("› Hi 👋 ok"), "the draft drawn");
    // Terminals draw a skin tone as a cell pair of its own: drawn, it pushed the border out and the header off.
    expect(frame).not.toMatch(/[\u{1F3FB}-\u{1F3FF}]/u);
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => !f.includes("› Hi 👋 ok"), "the composer emptied");
    expect(ui.client.ofType("send")).toEqual([
      { type: "send", conversationId: "c1", text: "Hi 👋🏽 ok", clientId: "sup-1" },
    ]);
  });

  it("SPEC SV4: J joins: a composer appears with focus, Enter writes to rep and customer, < and > are refused with the draft kept, the supervisor's message shows in the thread", async () => {
    ui = await start();
    await select(ui, "c1");
    await ui.press("J");
    let frame = await ui.waitForFrame(
      (f) => f.includes("✎ JOINED c1 — Alice Moreau and the customer see what you write"),
      "joined",
    );
    expect(ui.client.sent).toEqual([{ type: "join", conversationId: "c1" }]);
    expect(frame).toContain("Enter send");

    await ui.press("Hi, I am Sam <the supervisor>");
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame((f) => f.includes("< and > are reserved"), "reserved characters refused");
    expect(frame).toContain("› Hi, I am Sam <the supervisor>");
    for (const _ of "<the supervisor>") await ui.press(KEYS.backspace);
    await ui.press("from the team");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => !f.includes("from the team"), "the composer emptied");
    expect(ui.client.ofType("send")).toEqual([
      { type: "send", conversationId: "c1", text: "Hi, I am Sam from the team", clientId: "sup-1" },
    ]);

    ui.store.dispatch({
      type: "event",
      frame: frameOf({ kind: "conversation", conversation: active("c1", { supervisors: { sam: "join" } }) }),
    });
    ui.store.dispatch({
      type: "event",
      frame: frameOf({
        kind: "message",
        conversationId: "c1",
        message: {
          id: "m-sup",
          at: T0 + 2000,
          author: { role: "supervisor", id: "sam", name: "Sam Rivera" },
          text: "Hi, I am Sam from the team",
          clientId: "sup-1",
        },
      }),
    });
    await ui.waitForFrame((f) => f.includes("You (sup): Hi, I am Sam from the team"), "the message in the thread");

    // Esc leaves the composer (draft kept), Esc again goes back to the table; Enter on the row opens the composer again.
    await ui.press("half a thought");
    await ui.press(KEYS.escape);
    await ui.waitForFrame((f) => f.includes("Enter writes to the rep and the customer"), "composer without focus");
    await ui.press(KEYS.escape);
    await ui.waitForFrame((f) => f.includes("[All 5]"), "the table");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("› half a thought"), "the draft kept");
  });
});

describe("SV5: assign", () => {
  it("SPEC SV5: a assigns an Open unassigned conversation to an Available rep with room (Busy or full reps are disabled with their reason) or to a queue", async () => {
    ui = await start();
    await select(ui, "c2");
    await ui.press("a");
    let frame = await ui.waitForFrame((f) => f.includes("Assign c2 (Customer c2) to"), "the assign picker");
    expect(frame).toContain("[Reps] Queues  (Tab)");
    expect(frame).toContain("1. Alice Moreau · ● Available · 1/3");
    expect(frame).toContain("2. Bob Okafor · ● Available · 0/3");
    expect(frame).toContain("3. Carol Tanaka · ◐ Busy · 2/2 (Busy — Esc, then A assigns anyway)");
    await ui.press("3");
    await ui.waitForFrame(
      (f) => f.includes("Carol Tanaka cannot be chosen: Busy — Esc, then A assigns anyway."),
      "Carol disabled",
    );
    expect(ui.client.sent).toEqual([]);

    ui.client.responses.assign = { conversationId: "c2", exceededBy: 0 };
    await ui.press("bob");
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame((f) => f.includes("› Assigned c2 to Bob Okafor."), "assigned");
    expect(frame).not.toContain("Assign c2");
    expect(ui.client.sent).toEqual([
      { type: "assign", conversationId: "c2", target: { kind: "rep", id: "bob" }, override: false },
    ]);

    await ui.press("a");
    await ui.waitForFrame((f) => f.includes("Assign c2"), "the picker again");
    await ui.press(KEYS.tab);
    frame = await ui.waitForFrame((f) => f.includes("Reps [Queues]"), "the queues");
    expect(frame).toContain("1. General · 1 open");
    await ui.press("2");
    await ui.waitForFrame((f) => f.includes("Assigned c2 to queue Billing."), "assigned to a queue");
    expect(ui.client.sent[1]).toEqual({
      type: "assign",
      conversationId: "c2",
      target: { kind: "queue", id: "billing" },
      override: false,
    });
  });

  it("SPEC SV5: an Available rep at capacity assigned with override is not said to have had their presence overridden, though the assignment makes them Busy", async () => {
    const full = { ...BOB, used: 3, conversations: 3 };
    ui = await renderMonitor({ welcome: supervisorWelcome(floor(), { users: [ALICE, full, CAROL, SAM] }) });
    await ui.waitForFrame((f) => f.includes("ongoing"), "the monitor");
    await select(ui, "c2");
    await ui.press("A");
    await ui.waitForFrame((f) => f.includes("2. Bob Okafor · ● Available · 3/3"), "the override picker");
    // The server sets Bob Busy at capacity before it answers (the org's rule).
    ui.client.responses.assign = () => {
      ui!.store.dispatch({
        type: "event",
        frame: event({ kind: "user", user: { ...full, used: 4, presence: "busy" } }),
      });
      return { conversationId: "c2", exceededBy: 1 };
    };
    await ui.press("2");
    const frame = await ui.waitForFrame((f) => f.includes("Assigned c2 to Bob Okafor"), "assigned");
    expect(frame).toContain("Assigned c2 to Bob Okafor — capacity exceeded by 1 unit.");
    expect(frame).not.toContain("overridden)");
  });

  it("SPEC SV5: A overrides presence and capacity: the picker says what it overrides, override goes over the wire, and the units by which capacity is exceeded are shown", async () => {
    ui = await start();
    await select(ui, "c2");
    await ui.press("A");
    const frame = await ui.waitForFrame(
      (f) => f.includes("Assign c2 (Customer c2) with override (presence and capacity) to"),
      "the override picker",
    );
    expect(frame).toContain("3. Carol Tanaka · ◐ Busy · 2/2 · Busy overridden, over capacity");
    ui.client.responses.assign = { conversationId: "c2", exceededBy: 1 };
    await ui.press("3");
    await ui.waitForFrame(
      (f) => f.includes("Assigned c2 to Carol Tanaka (Busy overridden) — capacity exceeded by 1 unit."),
      "the units exceeded",
    );
    expect(ui.client.sent).toEqual([
      { type: "assign", conversationId: "c2", target: { kind: "rep", id: "carol" }, override: true },
    ]);

    ui.client.responses.assign = { conversationId: "c2", exceededBy: 2 };
    await ui.press("A");
    await ui.waitForFrame((f) => f.includes("with override"), "the override picker again");
    await ui.press("3");
    await ui.waitForFrame((f) => f.includes("capacity exceeded by 2 units."), "plural units");
  });

  it("SPEC SV5: only an Open conversation assigned to nobody: assign on an Active one is refused with the reason; the server's refusal keeps the picker open", async () => {
    ui = await start();
    await select(ui, "c1");
    await ui.press("a");
    await ui.waitForFrame(
      (f) => f.includes("Only an Open conversation assigned to nobody can be assigned; c1 is Active."),
      "refused",
    );
    expect(ui.client.sent).toEqual([]);

    await select(ui, "c2");
    ui.client.responses.assign = refusal(
      "rep/at_capacity",
      "Bob Okafor is at capacity (3/3); assign with override to exceed it by 1.",
    );
    await ui.press("a");
    await ui.press("2");
    const frame = await ui.waitForFrame(
      (f) => f.includes("✗ Bob Okafor is at capacity (3/3); assign with override to exceed it by 1."),
      "the server's refusal",
    );
    expect(frame).toContain("Assign c2");
  });
});

describe("SV6, SV7: transfer", () => {
  it("SPEC SV6: t transfers an Active conversation to an Available rep (the rep who has it and busy reps are disabled) or a queue; Waiting is allowed, Open refused", async () => {
    ui = await start();
    await select(ui, "c2");
    await ui.press("t");
    await ui.waitForFrame(
      (f) => f.includes("Only Active or Waiting conversations can be transferred; c2 is Open."),
      "Open refused",
    );
    expect(ui.client.sent).toEqual([]);

    await select(ui, "c1");
    await ui.press("t");
    let frame = await ui.waitForFrame((f) => f.includes("Transfer c1 (Customer c1) to"), "the transfer picker");
    expect(frame).toContain("1. Alice Moreau · ● Available · 1/3 (has it now)");
    expect(frame).toContain("3. Carol Tanaka · ◐ Busy · 2/2 (Busy)");
    expect(frame).toContain("a rep has to accept");
    await ui.press("2");
    frame = await ui.waitForFrame(
      (f) => f.includes("Transfer of c1 to Bob Okafor requested: waiting for Bob Okafor to accept or reject."),
      "requested",
    );
    expect(ui.client.sent).toEqual([
      { type: "supervisor_transfer", conversationId: "c1", target: { kind: "rep", id: "bob" } },
    ]);
    expect(frame).toContain("⇄ transfer to Bob Okafor: waiting for an answer");

    await select(ui, "c3");
    await ui.press("t");
    await ui.press(KEYS.tab);
    await ui.press("billing");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Transferred c3 to queue Billing."), "the Waiting one re-queued");
    expect(ui.client.sent[1]).toEqual({
      type: "supervisor_transfer",
      conversationId: "c3",
      target: { kind: "queue", id: "billing" },
    });
  });

  it("SPEC SV7: the transfer's status shows until the target answers; on accept the new rep has it and the first rep is listed as consultant; on reject it stays where it was", async () => {
    ui = await start();
    await select(ui, "c1");
    await ui.press("t");
    await ui.press("2");
    await ui.waitForFrame((f) => f.includes("requested"), "requested");
    const pending = {
      by: "supervisor" as const,
      fromRepId: "alice",
      target: { kind: "rep" as const, id: "bob", name: "Bob Okafor" },
    };
    ui.store.dispatch({
      type: "event",
      frame: frameOf({ kind: "conversation", conversation: active("c1", { transfer: pending }) }),
    });
    let frame = await ui.waitForFrame((f) => rowOf(f, "c1").includes("⇄ to Bob"), "the pending state in the row");
    expect(frame).toContain("⇄ supervisor transfer to Bob Okafor: waiting for an answer");

    // Bob accepts: he has it, Alice is a consultant.
    ui.store.dispatch({
      type: "event",
      frame: frameOf(
        {
          kind: "conversation",
          conversation: active("c1", {
            ownerId: "bob",
            ownerName: "Bob Okafor",
            lastOwnerId: "bob",
            consultants: ["alice"],
          }),
        },
        { kind: "user", user: { ...BOB, used: 1, conversations: 1 } },
      ),
    });
    frame = await ui.waitForFrame(
      (f) => f.includes("Bob Okafor accepted the transfer of c1; Alice Moreau stays on as consultant."),
      "accepted",
    );
    expect(rowOf(frame, "c1")).toMatch(/▶ Active\s+live\s+General\s+Bob Okafor\s+cons Alice/);
    expect(frame).toContain("⇄ Bob Okafor accepted the transfer; consultant: Alice Moreau");
    expect(frame).toContain("Consultant: Alice Moreau");

    // Another one, rejected.
    ui.client.sent.length = 0;
    ui.store.dispatch({
      type: "event",
      frame: frameOf({ kind: "conversation", conversation: active("c6", { title: "Customer c6" }) }),
    });
    await select(ui, "c6");
    await ui.press("t");
    await ui.press("2");
    await ui.waitForFrame((f) => f.includes("Transfer of c6 to Bob Okafor requested"), "requested again");
    ui.store.dispatch({
      type: "event",
      frame: frameOf({ kind: "conversation", conversation: active("c6", { title: "Customer c6", transfer: pending }) }),
    });
    await ui.waitForFrame((f) => rowOf(f, "c6").includes("⇄ to Bob"), "pending");
    ui.store.dispatch({
      type: "event",
      frame: frameOf(
        { kind: "conversation", conversation: active("c6", { title: "Customer c6" }) },
        {
          kind: "notice",
          code: "transfer_rejected",
          text: "The transfer was rejected; the conversation stays where it was.",
          conversationId: "c6",
        },
      ),
    });
    frame = await ui.waitForFrame(
      (f) => f.includes("⚠ Bob Okafor rejected the transfer of c6; it stays with Alice Moreau."),
      "rejected",
    );
    expect(rowOf(frame, "c6")).toMatch(/▶ Active\s+live\s+General\s+Alice Moreau/);
    expect(frame).toContain("⇄ Bob Okafor rejected the transfer; it stays with Alice Moreau");
  });
});

describe("SV8: force close", () => {
  it("SPEC SV8: Ctrl+D asks first with Cancel as the default; Enter on Cancel sends nothing; Tab then Enter force-closes and the conversation leaves the table as Closed", async () => {
    ui = await start();
    await select(ui, "c1");
    await ui.press(MON_KEYS.ctrlD);
    let frame = await ui.waitForFrame((f) => f.includes("Force close c1 (Customer c1)?"), "the dialog");
    expect(frame).toContain("It is Closed at once for Alice Moreau and the customer; no wrap-up starts.");
    expect(frame).toContain("› Cancel ‹");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => !f.includes("Force close c1"), "cancelled");
    await ui.press(MON_KEYS.ctrlD);
    await ui.press(KEYS.escape);
    await ui.waitForFrame((f) => !f.includes("Force close c1"), "Esc cancels too");
    expect(ui.client.sent).toEqual([]);

    await ui.press(MON_KEYS.ctrlD);
    await ui.press(KEYS.tab);
    await ui.waitForFrame((f) => f.includes("› Force close ‹"), "Force close highlighted");
    await ui.press(KEYS.enter);
    await ui.waitForFrame((f) => f.includes("Force-closed c1 (Customer c1): it is Closed."), "force-closed");
    expect(ui.client.sent).toEqual([{ type: "force_close", conversationId: "c1" }]);
    ui.store.dispatch({
      type: "event",
      frame: frameOf({
        kind: "conversation",
        conversation: active("c1", { state: "closed", closedAt: T0, closedBy: "sam" }),
      }),
    });
    frame = await ui.waitForFrame((f) => !/^.\sc1\s/m.test(f), "c1 gone from the table");
    expect(frame).toContain("ongoing 4");
  });
});

describe("help and quit", () => {
  it("SPEC SV1: ? shows the monitor's keys from the key table, filterable; q leaves what you monitor and quits", async () => {
    ui = await start({}, [...floor().slice(0, 4), active("c9", { supervisors: { sam: "monitor" } })]);
    await ui.press("?");
    let frame = await ui.waitForFrame((f) => f.includes("Help — type to filter"), "help");
    // The monitor's own keys come first; the editing keys every filter and composer shares, after them.
    expect(frame).toContain("select the previous conversation");
    expect(frame).not.toContain("cursor one character left");
    expect(frame).toContain("Ctrl+D");
    expect(frame).toContain("force close (asks first, Cancel is the default)");
    await ui.press("pause");
    frame = await ui.waitForFrame((f) => f.includes("filter: pause"), "filtered");
    expect(frame).toContain("pause or resume live updates");
    expect(frame).not.toContain("Ctrl+D");
    await ui.press(KEYS.escape);
    await ui.press(KEYS.escape);
    await ui.waitForFrame((f) => !f.includes("Help —"), "help closed");
    await ui.press("q");
    await ui.waitForFrame(() => ui!.exited, "quit");
    expect(ui.client.sent).toEqual([{ type: "leave", conversationId: "c9" }]);
  });
});
