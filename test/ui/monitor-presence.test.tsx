// The monitor's team view with presence reasons and the time in each presence, and a supervisor setting a rep's
// presence with `p` (SPEC L2, SV1, SV2): what the supervisor sees and what went over the wire.
import { afterEach, describe, expect, it } from "vitest";
import type { OrgView, UserView } from "../../src/protocol/views.js";
import { ALICE, BOB, CAROL, org, renderMonitor, SAM, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";
import { KEYS, refusal, stripSgr, T0 } from "../helpers/ui.js";

const MINUTE = 60_000;

function reasonsOrg(setPresence: boolean): OrgView {
  return {
    ...org({ setPresence }),
    presenceReasons: {
      busy: [
        { id: "lunch", label: "Lunch" },
        { id: "training", label: "Training" },
      ],
      away: [{ id: "meeting", label: "Meeting" }],
    },
  };
}

/** Alice Available for 2 hours, Bob RONA for 3 minutes, Carol Busy · Lunch for 12 minutes. */
const TEAM: UserView[] = [
  { ...ALICE, presenceSince: T0 - 125 * MINUTE },
  { ...BOB, presence: "rona", presenceSince: T0 - 3 * MINUTE },
  { ...CAROL, presenceReason: { id: "lunch", label: "Lunch" }, presenceSince: T0 - 12 * MINUTE },
  SAM,
];

let ui: Monitor | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

async function teamView(setPresence: boolean): Promise<Monitor> {
  const monitor = await renderMonitor({
    welcome: supervisorWelcome([], { users: TEAM, org: reasonsOrg(setPresence) }),
  });
  await monitor.press("T");
  await monitor.waitForFrame((f) => f.includes("longest wait"), "the team view");
  return monitor;
}

async function type(monitor: Monitor, text: string): Promise<void> {
  for (const ch of text) await monitor.press(ch);
}

describe("the team view's presence reasons and time in presence", () => {
  it("SPEC SV1: each rep's presence shows with its reason and how long they have been in it", async () => {
    ui = await teamView(true);
    const frame = stripSgr(ui.frame());
    expect(frame).toMatch(/Team\s+presence\s+for\s+capacity/);
    expect(frame).toMatch(/Alice Moreau\s+● Available\s+2h05\s+███/);
    expect(frame).toMatch(/Bob Okafor\s+⚠ RONA\s+3:00\s+░/);
    expect(frame).toMatch(/Carol Tanaka\s+◐ Busy · Lunch\s+12m\s+████/);

    // live: Carol comes back from lunch; the reason goes and the time restarts
    ui.store.dispatch({
      type: "event",
      frame: {
        type: "event",
        seq: 50,
        at: T0,
        changes: [{ kind: "user", user: { ...CAROL, presence: "available", presenceSince: T0 } }],
      },
    });
    const next = stripSgr(await ui.waitForFrame((f) => /Carol Tanaka\s+● Available/.test(f), "Carol back"));
    expect(next).toMatch(/Carol Tanaka\s+● Available\s+0:00/);
    expect(next).not.toContain("Lunch");
  });
});

describe("a supervisor sets a rep's presence from the team view", () => {
  it("SPEC L2, SV2: Down selects Bob (RONA), p opens his presence dialog, Enter on Available sends set_presence", async () => {
    ui = await teamView(true);
    expect(stripSgr(ui.frame())).toContain("p presence");

    // when sam selects Bob and presses p
    await ui.press(KEYS.down);
    await ui.press("p");
    const dialog = await ui.waitForFrame((f) => f.includes("Set Bob Okafor's presence to"), "the dialog");

    // then the dialog lists the presences and the org's reasons, and says Bob is told
    expect(dialog).toContain("1. ● Available");
    expect(dialog).toContain("6. ◐ Busy · Lunch");
    expect(dialog).toContain("8. ○ Away · Meeting");
    expect(dialog).toContain("Bob is told who set it");

    // when sam picks Available
    await ui.press(KEYS.enter);

    // then exactly this went over the wire, and the monitor says it is done
    expect(ui.client.sent).toEqual([{ type: "set_presence", userId: "bob", presence: "available" }]);
    await ui.waitForFrame((f) => f.includes("Bob Okafor is now ● Available; Bob is told you set it."), "done");
  });

  it("SPEC SV2: a reason goes with the presence: Alice to Away · Meeting", async () => {
    ui = await teamView(true);
    await ui.press("p");
    const dialog = await ui.waitForFrame((f) => f.includes("Set Alice Moreau's presence to"), "the dialog");
    // One list: no Queues / Reps to switch between.
    expect(dialog).not.toContain("Tab switch");
    await type(ui, "meeting");
    await ui.waitForFrame((f) => f.includes("1. ○ Away · Meeting"), "filtered");
    await ui.press(KEYS.enter);
    expect(ui.client.sent).toEqual([{ type: "set_presence", userId: "alice", presence: "away", reasonId: "meeting" }]);
  });

  it("SPEC SV2: the server's refusal is shown as it words it and the dialog stays open", async () => {
    ui = await teamView(true);
    ui.client.responses.set_presence = refusal("rep/not_found", "There is no rep alice.");
    await ui.press("p");
    await ui.waitForFrame((f) => f.includes("Set Alice Moreau's presence to"), "the dialog");
    await ui.press("5");
    const frame = await ui.waitForFrame((f) => f.includes("There is no rep alice."), "the refusal");
    expect(frame).toContain("Set Alice Moreau's presence to");
    expect(ui.client.sent).toEqual([{ type: "set_presence", userId: "alice", presence: "offline" }]);
  });

  it("SPEC SV2: with the org's setPresence off, the hint says (off) and p says why, sending nothing", async () => {
    ui = await teamView(false);
    expect(stripSgr(ui.frame())).toContain("p presence (off)");
    await ui.press("p");
    const frame = await ui.waitForFrame(
      (f) => f.includes("Setting a rep's presence is turned off for this organisation."),
      "the refusal",
    );
    expect(frame).not.toContain("presence to");
    expect(ui.client.sent).toEqual([]);
  });

  it("a reloaded org file that removed a rep: the rep leaves the team view at once", async () => {
    ui = await teamView(false);
    expect(stripSgr(ui.frame())).toContain("Bob Okafor");
    ui.store.dispatch({
      type: "event",
      frame: {
        type: "event",
        seq: 2,
        at: T0,
        changes: [
          { kind: "org", org: reasonsOrg(false) },
          ...TEAM.filter((u) => u.id !== "bob").map((user) => ({ kind: "user" as const, user })),
        ],
      },
    });
    await ui.waitForFrame((f) => !f.includes("Bob Okafor"), "Bob gone from the team view");
    expect(stripSgr(ui.frame())).toMatch(/Alice Moreau\s+● Available/);
    expect(stripSgr(ui.frame())).toMatch(/Carol Tanaka\s+◐ Busy · Lunch/);
  });
});
