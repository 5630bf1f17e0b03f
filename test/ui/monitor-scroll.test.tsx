// The monitor's live view pages through a thread as the console does: PgUp and PgDn move by half the rows the
// thread has on screen, whatever the terminal's size (UX: PgUp/PgDn scroll the thread).
import { afterEach, describe, expect, it } from "vitest";
import { alternatingThread, conversation, stripSgr } from "../helpers/ui.js";
import { renderMonitor, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";

let ui: Monitor | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

const PG_UP = "\x1b[5~";
const PG_DN = "\x1b[6~";
const TOTAL = 80;

/** line 1 … line 80, one row each, the customer and the rep in turn; all of them held. */
const THREAD = alternatingThread(TOTAL);

/** The line numbers of the thread on screen, top to bottom. */
const linesShown = (frame: string) => [...stripSgr(frame).matchAll(/line (\d+)\b/g)].map((m) => Number(m[1]));

describe("paging the monitor's live view", () => {
  for (const [columns, rows] of [
    [120, 40],
    [80, 24],
  ] as const) {
    it(`SPEC SV4: at ${columns}×${rows} PgUp and PgDn move the monitored thread by half the rows it shows`, async () => {
      const c1 = conversation("c1", {
        title: "Dana Kim",
        state: "active",
        ownerId: "alice",
        ownerName: "Alice Moreau",
        messageCount: TOTAL,
        messages: THREAD,
      });
      ui = await renderMonitor({ welcome: supervisorWelcome([c1]), columns, rows, sized: true });
      ui.client.responses.monitor = {};
      await ui.waitForFrame((f) => f.includes("c1 · Dana Kim"), "c1 selected");
      await ui.press("m");
      const live = await ui.waitForFrame(
        (f) => f.includes("MONITORING c1") && linesShown(f).at(-1) === TOTAL,
        "the live view at its newest message",
      );
      // As many thread rows as the live view has at this size; a page is half of them.
      const visible = linesShown(live).length;
      expect(visible).toBeGreaterThan(10);
      const page = Math.floor(visible / 2);

      await ui.press(PG_UP);
      const up = await ui.waitForFrame((f) => linesShown(f).at(-1) === TOTAL - page, `${page} messages up`);
      expect(stripSgr(up)).toContain(`${page} more ↓`);
      await ui.press(PG_UP);
      await ui.waitForFrame((f) => linesShown(f).at(-1) === TOTAL - 2 * page, `${2 * page} messages up`);
      await ui.press(PG_DN);
      await ui.waitForFrame((f) => linesShown(f).at(-1) === TOTAL - page, "a page back down");
      await ui.press(PG_DN);
      await ui.waitForFrame((f) => linesShown(f).at(-1) === TOTAL, "the newest message again");
    });
  }
});
