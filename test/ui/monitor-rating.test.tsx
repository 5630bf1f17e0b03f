// The monitor's preview shows the customer's rating (CSAT) of a conversation that ended: the score in stars and as a
// number, and the comment as the server sent it (masked), sanitised before it reaches the terminal.
import { afterEach, describe, expect, it } from "vitest";
import { renderMonitor, rowOf, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";
import { conversation, customerMessage, repMessage, stripSgr, T0 } from "../helpers/ui.js";

let ui: Monitor | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

/** Ana's chat: Alice ended it and is wrapping up. */
const ended = conversation("c5", {
  state: "wrapup",
  title: "Ana Ruiz",
  customer: { name: "Ana Ruiz", authenticated: true },
  wrapUpBy: ["alice"],
  customerEnded: true,
  messages: [customerMessage("Where is my parcel?", T0 - 60_000), repMessage("It arrives tomorrow.", T0 - 30_000)],
});

describe("monitor preview: the customer's rating", () => {
  it("appears in the preview when the customer rates the conversation, with the comment masked as sent", async () => {
    ui = await renderMonitor({ welcome: supervisorWelcome([ended]) });
    let frame = await ui.waitForFrame((f) => f.includes("c5 · Ana Ruiz"), "the preview of c5");
    expect(frame).not.toContain("Customer rating");

    const rated = {
      ...ended,
      rating: { score: 4, comment: "Quick help, call me on *********7542", at: T0 + 1000 },
    };
    ui.store.dispatch({
      type: "event",
      frame: { type: "event", seq: 2, at: T0 + 1000, changes: [{ kind: "conversation", conversation: rated }] },
    });
    frame = stripSgr(await ui.waitForFrame((f) => f.includes("Customer rating"), "the rating in the preview"));
    const lines = frame.split("\n");
    const line = lines.find((l) => l.includes("Customer rating"))!;
    expect(line.trim()).toBe("Customer rating: ★★★★☆ 4/5 · “Quick help, call me on *********7542”");
    // Right under the conversation's status, above its thread.
    const at = lines.indexOf(line);
    expect(lines[at - 1]).toContain("Wrapping up: Alice Moreau");
    expect(lines.findIndex((l) => l.includes("It arrives tomorrow."))).toBeGreaterThan(at);
  });

  it("a rating without a comment is the stars alone; a hostile comment cannot drive the terminal", async () => {
    const hostile = "\u001b]52;c;aGVsbG8=\u0007Awful\u001b[2J\u202e\nservice";
    ui = await renderMonitor({
      welcome: supervisorWelcome([
        { ...ended, rating: { score: 1, comment: hostile, at: T0 } },
        conversation("c7", {
          state: "wrapup",
          title: "Ben Ode",
          wrapUpBy: ["alice"],
          createdAt: T0 - 5_000,
          rating: { score: 5, at: T0 },
        }),
      ]),
    });
    // Ben's has waited longer: it comes first, selected.
    const frame = stripSgr(await ui.waitForFrame((f) => f.includes("c7 · Ben Ode"), "the preview of c7"));
    expect(frame).toMatch(/^Customer rating: ★★★★★ 5\/5\s*$/m);

    // Ana's, selected: the comment's escapes, bell, bidi override and line break are gone.
    for (let i = 0; i < 20 && !rowOf(ui.frame(), "c5").startsWith("›"); i++) await ui.press("j");
    const raw = await ui.waitForFrame((f) => f.includes("c5 · Ana Ruiz"), "the preview of c5");
    expect(stripSgr(raw)).toContain("Customer rating: ★☆☆☆☆ 1/5 · “Awful service”");
    for (const control of ["\u001b]", "\u001b[2J", "\u0007", "\u202e"]) expect(raw).not.toContain(control);
  });
});
