// The built customer CLI (`cc-agent customer`) in a real terminal (tmux): Tab completes the command being typed, as in
// the rep's console. Needs `npm run build` and tmux.
import { afterEach, describe, expect, it } from "vitest";
import { EndToEnd, START_MS, STEP_MS, TEST_MS } from "../helpers/e2e.js";

const e2e = new EndToEnd();
afterEach(() => e2e.cleanup());

/** A server with Alice Available, and the customer CLI at its greeting in a terminal `columns` wide. */
async function customerWithAlice(columns: number) {
  const home = await e2e.startServer("cc-agent-e2e-customer-");
  const alice = await e2e.connect({ role: "rep", token: e2e.token("alice") });
  await alice.request({ type: "presence", presence: "available" });
  const term = await e2e.startCli(["customer"], home, { columns, rows: 20 });
  await term.waitForScreen("/help lists the commands", "the greeting", START_MS);
  return { alice, term };
}

describe("the built customer CLI in a real terminal", () => {
  it(
    "UX Tab completes a command being typed (/h → /help); a message is left as it is",
    async () => {
      const home = await e2e.startServer("cc-agent-e2e-customer-");
      const term = await e2e.startCli(["customer"], home, { columns: 100, rows: 20 });
      const greeting = await term.waitForScreen("/help lists the commands", "the customer CLI's greeting", START_MS);
      // Leaving a live chat ends it: the greeting says so of /quit too.
      expect(greeting).toContain("/end or /quit ends the chat");

      await term.type("/h");
      await term.press("Tab");
      await term.waitForScreen(/^> \/help\s*$/m, "the command completed", STEP_MS);
      await term.press("Enter");
      await term.waitForScreen("/end ends a live chat · /quit leaves", "the commands listed", STEP_MS);

      // A message is not a command: Tab adds nothing, and Enter sends it as typed.
      await term.type("Hello");
      await term.press("Tab");
      await term.press("Enter");
      await term.waitForScreen(/You: Hello$/m, "the message sent as typed", STEP_MS);
    },
    TEST_MS,
  );

  it(
    "UX Backspace and Delete remove a whole grapheme (an emoji with its skin tone, a flag, a CJK character, e and its accent) and a step back never stops inside one",
    async () => {
      const { alice, term } = await customerWithAlice(100);

      // Four graphemes of two to four code points each, then one Backspace for each of them.
      await term.type("ok 👍🏽🇫🇷你e\u0301");
      await term.waitForScreen(/^> ok 👍/m, "the line typed", STEP_MS);
      for (let i = 0; i < 4; i++) await term.press("BSpace");
      await term.type("!");
      await term.waitForScreen(/^> ok !$/m, "four graphemes deleted", STEP_MS);
      await term.press("Enter");
      await term.waitForScreen(/You: ok !$/m, "the message sent", STEP_MS);
      const offer = await alice.waitForOffer();
      await alice.request({ type: "accept", offerId: offer.id });
      await alice.waitForText(offer.conversationId, "ok !");

      // A step back (Ctrl+B, as Left) goes over a flag whole, Delete takes the flag after the cursor whole. One key at
      // a time, each seen on screen before the next.
      await term.type("x🇫🇷y🇯🇵");
      await term.waitForScreen(/^> x🇫🇷y🇯🇵$/m, "the second line typed", STEP_MS);
      await term.press("C-b");
      await term.press("DC");
      await term.waitForScreen(/^> x🇫🇷y$/m, "the flag after the cursor deleted", STEP_MS);
      await term.press("C-b");
      await term.press("C-b");
      await term.type("_");
      await term.waitForScreen(/^> x_🇫🇷y$/m, "a character typed before the flag", STEP_MS);
      await term.press("Enter");
      await alice.waitForText(offer.conversationId, "x_🇫🇷y");
      expect(alice.texts(offer.conversationId)).toContain("x_🇫🇷y");
    },
    TEST_MS,
  );

  for (const [what, draft, edit] of [
    ["two and a half rows", `${"abcdefghi ".repeat(14)}END`, false],
    ["two and a half rows, redrawn by a Backspace", `${"abcdefghi ".repeat(14)}END`, true],
    ["exactly one row", `${"abcdefghi ".repeat(5)}abcdeEND`, false],
  ] as const)
    it(
      `a line printed while a long message is being typed (${what}) leaves no piece of that message above it: the message stays whole on the prompt`,
      async () => {
        const { alice, term } = await customerWithAlice(60);
        await term.type("Hello");
        await term.press("Enter");
        const offer = await alice.waitForOffer();

        // Rows of a 60-column terminal (with the prompt), not sent yet.
        await term.type(edit ? `${draft}X` : draft);
        if (edit) await term.press("BSpace");
        await term.waitForScreen(/END$/m, "the draft typed", STEP_MS);
        await alice.request({ type: "accept", offerId: offer.id });
        const screen = await term.waitForScreen("Alice Moreau joined the chat", "the rep joined", STEP_MS);
        const lines = screen.split("\n");
        const joined = lines.findIndex((l) => l.includes("Alice Moreau joined the chat"));
        // Above the line: the chat so far, no piece of the draft; below it: the prompt with the whole draft.
        for (const line of lines.slice(0, joined)) expect(line, screen).not.toContain("abcdefghi");
        expect(lines.slice(joined + 1).join(""), screen).toBe(`> ${draft}`);
      },
      TEST_MS,
    );

  it(
    'the rep\'s "is typing…" leaves the prompt as soon as their message arrives',
    async () => {
      const { alice, term } = await customerWithAlice(100);
      await term.type("Hello");
      await term.press("Enter");
      const offer = await alice.waitForOffer();
      await alice.request({ type: "accept", offerId: offer.id });
      await term.waitForScreen("Alice Moreau joined the chat", "the rep joined", STEP_MS);

      expect(alice.typing(offer.conversationId)).toBe(true);
      await term.waitForScreen("(Alice Moreau is typing…) >", "the rep typing", STEP_MS);
      await alice.request({ type: "send", conversationId: offer.conversationId, text: "Hi, how can I help?" });
      // The first screen with the message has the plain prompt already (the indicator would last 4 s more).
      const screen = await term.waitForScreen("Alice Moreau: Hi, how can I help?", "the message", STEP_MS);
      expect(screen).not.toContain("is typing");
      expect(screen).toMatch(/^>\s*$/m);
    },
    TEST_MS,
  );

  it(
    "SPEC P8: a persistent chat's greeting offers leaving, not /end, which only the rep may do",
    async () => {
      const home = await e2e.startServer("cc-agent-e2e-customer-");
      const args = ["customer", "--workstream", "persistent", "--name", "Kenny Smith", "--email", "kenny@example.com"];
      const term = await e2e.startCli(args, home, { columns: 100, rows: 20 });
      const screen = await term.waitForScreen("/help lists the commands", "the greeting", START_MS);
      expect(screen).toContain("/quit leaves (the chat stays open)");
      expect(screen).not.toContain("/end ends the chat");
    },
    TEST_MS,
  );

  it(
    "a line over the limit is refused with the reason and comes back on the prompt to be shortened: nothing typed is lost",
    async () => {
      const home = await e2e.startServer("cc-agent-e2e-customer-");
      const term = await e2e.startCli(["customer"], home, { columns: 100, rows: 20 });
      await term.waitForScreen("/help lists the commands", "the greeting", START_MS);
      await term.type(`${"a".repeat(995)}bcdefgh`);
      await term.press("Enter");
      await term.waitForScreen("at most 1000 characters (this one has 1002)", "the refusal", STEP_MS);
      // Back on the line: two Backspaces and it goes.
      await term.press("BSpace");
      await term.press("BSpace");
      await term.press("Enter");
      // Sent, wrapped over the screen's lines: it ends in "bcdef", the two last characters gone.
      await term.waitForScreen(
        (screen) => /You: a/.test(screen) && /^a*bcdef\s*$/m.test(screen),
        "the line sent",
        STEP_MS,
      );
    },
    TEST_MS,
  );
});
