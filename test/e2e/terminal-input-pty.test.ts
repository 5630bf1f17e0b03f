// The built console in a real terminal (tmux), read as raw bytes where it matters: the terminal's focus
// reports never reach the composer (they still tell the console whether it is watched), and NO_COLOR takes
// the colours away but keeps bold and inverse. Needs `npm run build` (npm test builds before vitest) and tmux.
import { afterEach, describe, expect, it } from "vitest";
import { EndToEnd, START_MS, STEP_MS, TEST_MS } from "../helpers/e2e.js";
import type { TmuxTerminal } from "../helpers/tmux.js";
import type { TestClient } from "../helpers/ws.js";

const e2e = new EndToEnd();
afterEach(() => e2e.cleanup());

const FOCUS_IN = ["1b", "5b", "49"];
const FOCUS_OUT = ["1b", "5b", "4f"];
const hex = (text: string) => [...Buffer.from(text)].map((b) => b.toString(16).padStart(2, "0"));

/** Alice's console (with `env`) with one accepted live chat open; resolves with the terminal and the customer. */
async function aliceInAChat(
  env: Record<string, string | null> = {},
): Promise<{ term: TmuxTerminal; customer: TestClient; conversationId: string }> {
  const home = await e2e.startServer("cc-agent-e2e-input-");
  const term = await e2e.startCli(["--as", "alice"], home, { env });
  await term.waitForScreen(["Alice Moreau", "● Available", "My work items (0)"], "Alice signed in", START_MS);
  const customer = await e2e.connect({ role: "customer" });
  const started = await customer.request({ type: "start", workstream: "live", text: "Hello there", clientId: "k1" });
  await term.waitForScreen("New conversation: Visitor 1 · General", "the offer card", STEP_MS);
  await term.press("M-y");
  await term.waitForScreen(["Visitor 1 [Active]", "V1: Hello there"], "the accepted conversation", STEP_MS);
  return { term, customer, conversationId: started.conversationId as string };
}

/** The session pane's row of the first conversation ("1 Visitor 1 …"). */
const sessionRow = (screen: string) => /^│? ?1 Visitor 1.*$/m.exec(screen)?.[0] ?? "";

describe("the built console's input and output in a real terminal", () => {
  it(
    "UX focus reporting: focus-out and focus-in, alone or joined with typed keys, never reach the composer and still tell the console whether it is watched",
    async () => {
      const { term, customer, conversationId } = await aliceInAChat();

      // Focus-out, then focus-in, each a read of its own: the composer stays empty, no draft mark.
      await term.sendBytes(FOCUS_OUT);
      // While unfocused, a new customer message in the open conversation counts as unread.
      await customer.request({ type: "send", conversationId, text: "Are you there?", clientId: "k2" });
      const away = await term.waitForScreen("V1: Are you there?", "the customer's second message", STEP_MS);
      expect(sessionRow(away)).toMatch(/Visitor 1\s+1\b/);
      await term.sendBytes(FOCUS_IN);
      // Back in focus: the open conversation is read, so its unread count goes. The empty composer is part
      // of the condition: tmux may show a frame drawn only in part, and its bottom lines come last.
      const back = await term.waitForScreen(
        [(s) => /Visitor 1/.test(sessionRow(s)) && !/Visitor 1\s+1\b/.test(sessionRow(s)), /^.*› *│?$/m],
        "the unread count cleared on focus-in, and an empty composer",
        STEP_MS,
      );
      expect(back).not.toMatch(/\[[IO]/);
      expect(sessionRow(back)).not.toContain("✎");

      // The first Ctrl+C is not spent on a phantom draft: it asks to press again.
      await term.press("C-c");
      await term.waitForScreen("Press Ctrl+C again to quit", "the quit warning on the first Ctrl+C", STEP_MS);
      await term.press("Escape");
      // Escape is read once the warning has gone: a letter right behind an Escape would read as Alt+letter.
      await term.waitForScreen((screen) => !screen.includes("Press Ctrl+C again to quit"), "the warning gone", STEP_MS);

      // Reports joined with typed keys in one read: the keys arrive, the reports do not.
      await term.sendBytes([...hex("ok"), ...FOCUS_OUT, ...FOCUS_IN, ...hex("ay")]);
      const typed = await term.waitForScreen("› okay", "the typed word in the composer", STEP_MS);
      expect(typed).not.toMatch(/\[[IO]/);
    },
    TEST_MS,
  );
});

/** Every SGR parameter in a raw screen, one entry per parameter ("1", "7", "38", …). */
function sgrParameters(raw: string): string[] {
  // eslint-disable-next-line no-control-regex -- reading SGR sequences is the point
  return [...raw.matchAll(/\x1b\[([0-9;:]*)m/g)].flatMap((m) => (m[1] === "" ? ["0"] : m[1]!.split(/[;:]/)));
}

/** Whether an SGR parameter list sets a foreground or background colour. */
const COLOUR = (p: string) => /^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(p);

describe("NO_COLOR in a real terminal", () => {
  it.each([
    { noColor: "1", colours: "no colour" },
    { noColor: "", colours: "colours (an empty NO_COLOR is not set)" },
  ])(
    "UX colour and accessibility: NO_COLOR=$noColor draws $colours, and bold and inverse in both (the selected row, the title)",
    async ({ noColor }) => {
      const { term } = await aliceInAChat({ NO_COLOR: noColor });
      const raw = await term.rawScreen();
      const lines = raw.split("\n");
      // The selected session row is inverse; the product name in the header is bold.
      const selected = lines.find((line) => line.replace(/\x1b\[[0-9;]*m/g, "").startsWith("1 Visitor 1")); // eslint-disable-line no-control-regex -- SGR
      expect(sgrParameters(selected ?? "")).toContain("7");
      expect(sgrParameters(lines[0] ?? "")).toContain("1");
      expect(sgrParameters(raw).some(COLOUR)).toBe(noColor === "");
    },
    TEST_MS,
  );
});
