// End to end, in a real terminal (tmux) with the BUILT cc-agent: a rep inserts a quick reply of the demo org with
// one known parameter (<customer.firstName>) and one prompted (<amount>), fills the prompt with Tab, sends it, and
// the customer (a real WebSocket client) receives the filled text. Every wait polls. Needs `npm run build` and tmux.
import { afterEach, describe, expect, it } from "vitest";
import { signIdentity } from "../../src/protocol/identity.js";
import { EndToEnd, START_MS, STEP_MS, TEST_MS } from "../helpers/e2e.js";

const e2e = new EndToEnd();
afterEach(() => e2e.cleanup());

describe("quick replies in a real terminal", () => {
  it(
    "SPEC L8: /q refund, Enter inserts it with the customer's first name; Tab and a value fill <amount>; the customer gets the filled text",
    async () => {
      const home = await e2e.startServer("cc-agent-e2e-quick-");
      const term = await e2e.startCli(["--as", "alice"], home);
      await term.waitForScreen(["Alice Moreau", "● Available", "online"], "Alice signed in and Available", START_MS);
      const identity = signIdentity(e2e.server!.org.secret, { id: "cust-kenny", name: "Kenny Smith" });
      const customer = await e2e.connect({ role: "customer", identity });
      const started = await customer.request({ type: "start", workstream: "live", text: "I want my money back" });
      const conversationId = started.conversationId as string;
      await term.waitForScreen("New conversation", "the offer", STEP_MS);
      await term.press("M-y");
      await term.waitForScreen("Kenny Smith [Active]", "the conversation open", STEP_MS);

      await term.type("/q refund");
      await term.press("Enter");
      await term.waitForScreen(["Quick replies", "Refund started"], "the picker with the reply", STEP_MS);
      await term.press("Enter");
      await term.waitForScreen("› Kenny, I have started a refund of <amount>", "the reply inserted", STEP_MS);
      // Not sent while <amount> is unfilled.
      await term.press("Enter");
      await term.waitForScreen("Fill in <amount> first", "the unfilled prompt named", STEP_MS);
      await term.press("End");
      await term.press("Tab");
      await term.type("$25.00");
      await term.waitForScreen("› Kenny, I have started a refund of $25.00", "the prompt filled", STEP_MS);
      await term.press("Enter");
      const message = await customer.waitForText(conversationId, "refund of $25.00");
      expect(message.text).toBe(
        "Kenny, I have started a refund of $25.00 to your original payment method; it shows within 5 business days.",
      );
    },
    TEST_MS,
  );
});
