// Presence reasons in the console: the presence dialog offers the org's reasons, the status bar shows
// "Busy · Lunch", and a presence a supervisor set is said with who did it (SPEC L2, S2).
import { afterEach, describe, expect, it } from "vitest";
import type { OrgView } from "../../src/protocol/views.js";
import { windowTitle } from "../../src/ui/console/notify.js";
import { event, KEYS, me, ORG, renderConsole, welcome } from "../helpers/ui.js";
import type { Console } from "../helpers/ui.js";

const REASONS: OrgView = {
  ...ORG,
  presenceReasons: {
    busy: [
      { id: "lunch", label: "Lunch" },
      { id: "training", label: "Training" },
    ],
    away: [{ id: "meeting", label: "Meeting" }],
  },
};

function withReasons(user = me()) {
  const w = welcome([], [], user);
  return { ...w, snapshot: { ...w.snapshot!, org: REASONS } };
}

let ui: Console | undefined;
afterEach(() => ui?.unmount());

async function type(console: Console, text: string): Promise<void> {
  for (const ch of text) await console.press(ch);
}

describe("presence reasons in the console", () => {
  it("SPEC S2: Alt+P offers each presence and then the org's reasons; Busy · Lunch is sent with its reason and shown in the status bar", async () => {
    // given alice Available, in an org with reasons for Busy and Away
    ui = await renderConsole({ welcome: withReasons() });
    await ui.waitForFrame((f) => f.includes("● Available"), "the status bar");

    // when she opens the presence dialog
    await ui.press(KEYS.alt("p"));
    let frame = await ui.waitForFrame((f) => f.includes("6. ◐ Busy · Lunch"), "the dialog with reasons");

    // then the presences keep 1–5, and the reasons follow with their presence
    expect(frame).toContain("1. ● Available · now");
    expect(frame).toContain("5. ✕ Offline");
    expect(frame).toContain("7. ◐ Busy · Training");
    expect(frame).toContain("8. ○ Away · Meeting");

    // when she types "lunch" and presses Enter
    await type(ui, "lunch");
    frame = await ui.waitForFrame((f) => f.includes("filter: lunch"), "the filter");
    expect(frame).toContain("1. ◐ Busy · Lunch");
    expect(frame).not.toContain("Training");
    await ui.press(KEYS.enter);

    // then the presence goes over the wire with the reason's id
    expect(ui.client.sent).toEqual([{ type: "presence", presence: "busy", reasonId: "lunch" }]);

    // and when the server confirms it, the status bar says Busy · Lunch
    ui.store.dispatch({
      type: "event",
      frame: event({
        kind: "user",
        user: me({ presence: "busy", presenceReason: { id: "lunch", label: "Lunch" }, presenceSince: 0 }),
      }),
    });
    frame = await ui.waitForFrame((f) => f.includes("◐ Busy · Lunch"), "Busy · Lunch in the status bar");
    expect(frame.split("\n")[0]).toContain("◐ Busy · Lunch");
    expect(windowTitle(ui.store.getState())).toBe("cc-agent · ◐ Busy · Lunch");
  });

  it("SPEC S2: more presences than nine rows: the arrows reach every one, the list scrolls, and the footer says how many", async () => {
    const many: OrgView = {
      ...REASONS,
      presenceReasons: {
        ...REASONS.presenceReasons,
        away: ["Meeting", "Break", "Technical issue", "Coaching", "Team huddle"].map((label) => ({
          id: label.toLowerCase().replace(" ", "-"),
          label,
        })),
      },
    };
    const w = welcome([], [], me());
    ui = await renderConsole({ welcome: { ...w, snapshot: { ...w.snapshot!, org: many } } });
    await ui.press(KEYS.alt("p"));
    let frame = await ui.waitForFrame((f) => f.includes("↓ 3 more"), "the first nine, and how many below");
    expect(frame).toContain("12 in all: ↑↓ or type to filter");
    for (let i = 0; i < 11; i++) await ui.press(KEYS.down);
    frame = await ui.waitForFrame((f) => f.includes("12. ○ Away · Team huddle"), "the last one, scrolled to");
    expect(frame).toContain("↑ 3 more");
    expect(frame).not.toContain("1. ● Available");
    await ui.press(KEYS.enter);
    expect(ui.client.sent).toEqual([{ type: "presence", presence: "away", reasonId: "team-huddle" }]);
  });

  it("SPEC S2: /status away meeting from Home sends Away with the reason; an unknown reason opens the dialog filtered", async () => {
    ui = await renderConsole({ welcome: withReasons() });
    await ui.waitForFrame((f) => f.includes("● Available"), "the status bar");
    await type(ui, "/status away meeting");
    await ui.press(KEYS.enter);
    expect(ui.client.sent).toEqual([{ type: "presence", presence: "away", reasonId: "meeting" }]);

    await type(ui, "/status busy gym");
    await ui.press(KEYS.enter);
    const frame = await ui.waitForFrame((f) => f.includes("filter: busy gym"), "the dialog, filtered");
    expect(frame).toContain("nothing matches");
    expect(ui.client.sent).toHaveLength(1);
  });

  it("SPEC L2: a presence a supervisor set shows at once, with who set it", async () => {
    // given alice in RONA
    ui = await renderConsole({ welcome: withReasons(me({ presence: "rona" })) });
    await ui.waitForFrame((f) => f.includes("⚠ RONA"), "RONA");

    // when the supervisor sets her Available
    ui.store.dispatch({
      type: "event",
      frame: event(
        { kind: "notice", code: "presence_set", text: "Sam Rivera set your presence to Available." },
        { kind: "user", user: me({ presence: "available", presenceSince: 0 }) },
      ),
    });

    // then the status bar says Available and the console says who did it
    const frame = await ui.waitForFrame(
      (f) => f.includes("Sam Rivera set your presence to Available.") && !f.includes("RONA"),
      "the notice",
    );
    expect(frame.split("\n")[0]).toContain("● Available");
    expect(ui.client.sent).toEqual([]);
  });

  it("a reason's label is sanitised before it reaches the terminal", async () => {
    const hostile = me({ presence: "busy", presenceReason: { id: "lunch", label: "Lunch\u001b]0;pwned\u0007" } });
    ui = await renderConsole({ welcome: withReasons(hostile) });
    const frame = await ui.waitForFrame((f) => f.includes("◐ Busy · Lunch"), "the status bar");
    expect(frame).not.toContain("\u001b]0;");
    expect(frame).not.toContain("\u0007");
  });
});
