// End to end: a customer named and writing in emoji, CJK and right-to-left text, as Alice's BUILT console shows
// it in a real terminal (tmux) at 80×24 and 150×45. tmux draws each character at its own width (👋🏽 in four
// cells), so this is where a line too wide for the terminal would wrap, push the header off the first line
// and break the offer card's border. Needs `npm run build` and tmux.
import stringWidth from "string-width";
import { afterEach, describe, expect, it } from "vitest";
import { signIdentity } from "../../src/protocol/identity.js";
import { EndToEnd, START_MS, STEP_MS, TEST_MS } from "../helpers/e2e.js";

const e2e = new EndToEnd();
afterEach(() => e2e.cleanup());

const FAMILY = "👨\u200d👩\u200d👧\u200d👦";
const MIXED = `שלום, مرحبا 你好世界 👋🏽${FAMILY}`;
const FSI = "\u2068";

/** Cell columns of a character in a screen line. */
function cellsOf(line: string, char: string): number[] {
  const at: number[] = [];
  let cells = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(line)) {
    if (segment === char) at.push(cells);
    cells += stringWidth(segment);
  }
  return at;
}

/** The header on the first line, and the card (when shown) whole: both borders at the same cells on every row. */
function expectIntact(screen: string, columns: number, card: boolean): void {
  const lines = screen.split("\n");
  expect(lines[0]).toMatch(/^cc-agent {2}● Available {2}[▮▯]+ \d\/\d {2}.*online/);
  for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(columns);
  if (!card) return;
  // The card lies over the top of the pane, right under the status bar, in the overlays' round border.
  const top = lines.findIndex((l) => l.includes("╭"));
  const bottom = lines.findIndex((l) => l.includes("╰"));
  expect(top).toBe(1);
  expect(bottom).toBeGreaterThan(top + 2);
  const left = cellsOf(lines[top]!, "╭")[0]!;
  const right = cellsOf(lines[top]!, "╮")[0]!;
  expect(cellsOf(lines[bottom]!, "╰")).toEqual([left]);
  expect(cellsOf(lines[bottom]!, "╯")).toEqual([right]);
  for (const line of lines.slice(top + 1, bottom)) expect(cellsOf(line, "│").slice(-2)).toEqual([left, right]);
}

/**
 * As a screen check: the layout is whole. A capture can land while the console is rewriting the screen (the
 * countdown ticks every second), so the wait polls until a whole screen is seen, and fails with the last one.
 */
function whole(columns: number, card: boolean): (screen: string) => boolean {
  return (screen) => {
    try {
      expectIntact(screen, columns, card);
      return true;
    } catch {
      return false;
    }
  };
}

describe("customer text in emoji, CJK and right-to-left scripts, in a real terminal", () => {
  for (const [columns, rows] of [
    [80, 24],
    [150, 45],
  ] as const) {
    it(
      `at ${columns}×${rows}: the header stays on the first line and the offer card's border stays whole`,
      async () => {
        const home = await e2e.startServer("cc-agent-e2e-text-");
        const term = await e2e.startCli(["--as", "alice"], home, { columns, rows });
        await term.waitForScreen(["● Available", "online", "My work items (0)"], "Alice signed in", START_MS);

        // A signed-in customer whose name is the same mixed text, so it is in the card's title line too.
        const identity = signIdentity(e2e.server!.org.secret, { id: "cust-mixed", name: MIXED });
        const customer = await e2e.connect({ role: "customer", identity });
        const started = await customer.request({ type: "start", workstream: "live", text: MIXED, clientId: "k1" });

        const offered = await term.waitForScreen(
          ["New conversation:", /\d+s left/, whole(columns, true)],
          "the offer card, whole, under the header",
          STEP_MS,
        );
        // The right-to-left name reaches the terminal isolated, the family emoji whole.
        expect(offered).toContain(`${FSI}שלום`);
        expect(offered).toContain("👨\u200d👩");

        await term.press("M-y");
        await term.waitForScreen(
          [/\[Active\]/, whole(columns, false)],
          "the accepted conversation under the header",
          STEP_MS,
        );
        await customer.request({
          type: "send",
          conversationId: started.conversationId as string,
          text: `${MIXED} ${MIXED}\nand a second line`,
          clientId: "k2",
        });
        await term.waitForScreen(
          ["and a second line", whole(columns, false)],
          "the customer's second message, the header still on the first line",
          STEP_MS,
        );
      },
      TEST_MS,
    );
  }
});
