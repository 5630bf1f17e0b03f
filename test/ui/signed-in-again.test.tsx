// A console that signs in again (a reconnect whose resume was refused, a new server history, a restarted
// console) gets a snapshot: it shows what the server holds now, nothing of before, and says what needs the
// rep as loudly as the live notice did.
import { afterEach, describe, expect, it } from "vitest";
import type { Welcome } from "../../src/protocol/messages.js";
import { KEYS, T0, conversation, customerMessage, renderConsole, repMessage, welcome } from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

let ui: Console | undefined;
afterEach(() => ui?.unmount());

/** The welcome of a new history (another data file, a restored backup): another epoch, a whole snapshot. */
function newHistory(...args: Parameters<typeof welcome>): Welcome {
  return { ...welcome(...args), epoch: "e2", snapshotReason: "epoch" };
}

describe("signing in again", () => {
  it("a new history replaces what the console showed: conversations of the old one leave the pane, drafts of those that remain stay", async () => {
    ui = await renderConsole({
      welcome: welcome([
        conversation("c1", { title: "Old Conversation" }),
        conversation("c2", { title: "Kenny Smith" }),
      ]),
    });
    await ui.press(KEYS.alt("2"));
    await ui.waitForFrame((f) => f.includes("Kenny Smith [Active]"), "the second session");
    await ui.press("half a reply");
    await ui.waitForFrame((f) => f.includes("half a reply"), "the draft");

    ui.store.dispatch({
      type: "welcome",
      welcome: newHistory([conversation("c2", { title: "Kenny Smith" }), conversation("c7", { title: "Dana Kim" })]),
      now: T0,
    });
    const frame = await ui.waitForFrame((f) => f.includes("Dana Kim"), "the new history's conversation");
    expect(frame).not.toContain("Old Conversation");
    expect(frame).toMatch(/1 Kenny Smith/);
    expect(frame).toMatch(/2 Dana Kim/);
    expect(frame).toContain("Kenny Smith [Active]");
    expect(frame).toContain("half a reply");
  });

  it("a restarted console does not list a closed conversation in the session pane: it is under Recently closed, with no unread count", async () => {
    ui = await renderConsole();
    ui.store.dispatch({
      type: "welcome",
      welcome: welcome([
        conversation("c1", { title: "Still Talking" }),
        conversation("c3", {
          title: "Done Already",
          state: "closed",
          closedAt: T0 - 60_000,
          closedBy: "alice",
          messages: [customerMessage("thanks", T0 - 90_000), customerMessage("bye", T0 - 80_000)],
        }),
      ]),
      now: T0,
    });
    const frame = await ui.waitForFrame((f) => f.includes("Done Already"), "Home");
    expect(frame).toMatch(/1 Still Talking/);
    expect(frame).not.toMatch(/\d Done Already/);
    expect(frame).toMatch(/Recently closed.*\n.*1\. Done Already · General · Closed/);
    expect(frame).not.toContain("2 new updates");
  });

  it("a restarted console counts as unread only what came after the rep's own last message: what they answered they read (S10)", async () => {
    ui = await renderConsole();
    ui.store.dispatch({
      type: "welcome",
      welcome: welcome([
        conversation("c1", {
          title: "Dana Kim",
          messages: [
            customerMessage("my parcel never came", T0 - 90_000),
            customerMessage("order 40134", T0 - 80_000),
            repMessage("Let me check", T0 - 70_000),
            customerMessage("thanks", T0 - 60_000),
          ],
        }),
        conversation("c2", {
          title: "Kenny Smith",
          messages: [customerMessage("hello?", T0 - 50_000), customerMessage("anyone?", T0 - 40_000)],
        }),
      ]),
      now: T0,
    });
    const frame = await ui.waitForFrame((f) => f.includes("Kenny Smith"), "the pane");
    // Dana Kim: one message after the rep's answer; Kenny Smith, never answered: both of his.
    expect(frame).toMatch(/1 Dana Kim +1 /);
    expect(frame).toMatch(/2 Kenny Smith +2 /);
  });

  it("a reconnect whose snapshot finds a conversation closed while away takes it out of the pane, with no unread count", async () => {
    ui = await renderConsole({
      welcome: welcome([conversation("c1", { title: "Still Talking" }), conversation("c3", { title: "Done Already" })]),
    });
    await ui.waitForFrame((f) => /2 Done Already/.test(f), "both sessions");
    ui.store.dispatch({
      type: "welcome",
      welcome: welcome([
        conversation("c1", { title: "Still Talking" }),
        conversation("c3", {
          title: "Done Already",
          state: "closed",
          closedAt: T0,
          closedBy: "alice",
          messages: [customerMessage("thanks"), customerMessage("bye")],
        }),
      ]),
      now: T0,
    });
    const frame = await ui.waitForFrame((f) => f.includes("Recently closed") && !/\d Done Already/.test(f), "pane");
    expect(frame).toMatch(/1 Still Talking/);
    expect(frame).not.toContain("2 new updates");
  });

  it("SPEC S9: a sentiment alert held by the snapshot is said as loudly as its live notice: the ⚠ flash, not only the hint line", async () => {
    ui = await renderConsole();
    ui.store.dispatch({
      type: "welcome",
      welcome: welcome([conversation("c1", { title: "Angry Customer", alert: true, sentiment: -3 })]),
      now: T0,
    });
    const frame = await ui.waitForFrame((f) => f.includes("⚠"), "the alert flash");
    expect(frame).toContain("⚠ Angry Customer. Urgent attention needed in your conversation.");
    expect(ui.store.getState().flash).toMatchObject({ level: "warn" });
  });
});
