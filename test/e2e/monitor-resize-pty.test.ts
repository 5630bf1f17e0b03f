// End to end: the BUILT `cc-agent monitor` in a real terminal (tmux) that the supervisor shrinks and grows while
// it runs. Every frame after a resize is whole: the header on the first row, the key hints on the last one, and
// no row holding pieces of two lines laid over each other. Every wait polls the screen; nothing sleeps.
import { afterEach, describe, expect, it } from "vitest";
import { EndToEnd, START_MS, STEP_MS, TEST_MS } from "../helpers/e2e.js";

const e2e = new EndToEnd();
afterEach(() => e2e.cleanup());

/** The rows of a captured screen, as many as the terminal has (trailing blank rows included). */
function rowsOf(screen: string, rows: number): string[] {
  const lines = screen.split("\n");
  return [...lines, ...Array<string>(Math.max(0, rows - lines.length)).fill("")].slice(0, rows);
}

describe("the built monitor in a terminal that changes size", () => {
  it(
    "SPEC SV1: shrunk to 80×11, 80×8, then 40×16, then grown back, each frame starts with the header on the first row and ends with the key hints, nothing laid over anything",
    async () => {
      const home = await e2e.startServer("cc-agent-e2e-monitor-resize-");
      const customer = await e2e.connect({ role: "customer" });
      const started = await customer.request({
        type: "start",
        workstream: "live",
        text: "Hi, I'd like to change the delivery address for order 68125, please.",
      });
      const id = started.conversationId as string;
      const term = await e2e.startCli(["monitor"], home, { columns: 120, rows: 40 });
      await term.waitForScreen(
        ["cc-agent monitor · Sam Rivera", `${id} · Visitor 1 [◇ Open]`, "68125"],
        "the table and the preview at 120×40",
        START_MS,
      );

      for (const [columns, rows] of [
        [80, 11],
        [80, 8],
        [40, 16],
        [120, 40],
      ] as const) {
        await term.resize(columns, rows);
        // The first row is the header, the last but one the key hints (the frame is one row shorter than the
        // terminal), once the monitor has drawn at the new size.
        const screen = await term.waitForScreen(
          (s) => {
            const lines = rowsOf(s, rows);
            return lines[0]!.startsWith("cc-agent monitor") && lines[rows - 2]!.includes("? help");
          },
          `the whole frame at ${columns}×${rows}`,
          STEP_MS,
        );
        const lines = rowsOf(screen, rows);
        // The header, the counts and the view tabs, in order, at the top.
        expect(lines[1], screen).toMatch(/^ongoing 1 · open 1/);
        expect(lines[2], screen).toMatch(/^\[All 1\]/);
        // The selected row is the conversation's, under the column titles.
        expect(lines[4], screen).toMatch(new RegExp(`^› ${id}\\s`));
        // No row holds what was drawn over another: each preview line says one thing.
        for (const line of lines) {
          expect(line.match(/ · Live chat · /g)?.length ?? 0, screen).toBeLessThanOrEqual(1);
          expect(line, screen).not.toMatch(/\)\S/);
          expect(line, screen).not.toMatch(/customer\)./);
        }
        if (rows >= 16) expect(screen).toContain(`${id} · Visitor 1 [◇ Open]`);
      }
    },
    TEST_MS,
  );
});
