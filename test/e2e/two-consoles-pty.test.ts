// End to end: two BUILT consoles for one rep, each in its own real terminal (tmux), against a server in this
// process. Both say another console is open, both show the same session, and quitting one leaves the rep
// Available in the other, which still gets offers. Needs `npm run build` (npm test builds before vitest) and tmux.
import { afterEach, describe, expect, it } from "vitest";
import { EndToEnd, START_MS, STEP_MS, TEST_MS } from "../helpers/e2e.js";
import { monitorSnapshot } from "../helpers/server.js";
import { waitFor } from "../helpers/ws.js";

const e2e = new EndToEnd();
afterEach(() => e2e.cleanup());

describe("two consoles for one rep", () => {
  it(
    "both say another console is open and show the same session; quitting one keeps Alice Available in the other",
    async () => {
      const home = await e2e.startServer("cc-agent-e2e-two-");
      const first = await e2e.startCli(["--as", "alice"], home);
      await first.waitForScreen(["Alice Moreau", "● Available", "My work items (0)"], "the first console", START_MS);
      const second = await e2e.startCli(["--as", "alice"], home);
      await second.waitForScreen(["Alice Moreau", "● Available", "2 consoles open"], "the second console", START_MS);
      const firstHeader = await first.waitForScreen("2 consoles open", "the first console's notice", STEP_MS);
      // The notice is in the header, on the first line.
      expect(firstHeader.split("\n")[0]).toContain("2 consoles open");

      // An offer reaches both; accepted in the second, the session is active in the first too.
      const customer = await e2e.connect({ role: "customer" });
      const started = await customer.request({ type: "start", workstream: "live", text: "Hello from Kenny" });
      const conversationId = started.conversationId as string;
      await first.waitForScreen("New conversation: Visitor 1", "the offer in the first console", STEP_MS);
      await second.waitForScreen("New conversation: Visitor 1", "the offer in the second console", STEP_MS);
      await second.press("M-y");
      await second.waitForScreen("Visitor 1 [Active]", "the session open in the second console", STEP_MS);
      await first.waitForScreen(
        [(s) => !s.includes("New conversation: Visitor 1"), "Visitor 1"],
        "the same session listed in the first console",
        STEP_MS,
      );
      await first.press("M-1");
      await first.waitForScreen(
        ["Visitor 1 [Active]", "V1: Hello from Kenny"],
        "the session open in the first console",
        STEP_MS,
      );

      // Quit the second console: Ctrl+C twice on an empty composer.
      await second.press("C-c");
      await second.waitForScreen("your other console stays signed in", "the quit warning", STEP_MS);
      await second.press("C-c");
      await second.waitForScreen("[program exited with status 0]", "the second console to quit", STEP_MS);
      await first.waitForScreen(
        [(s) => !s.includes("consoles open"), "● Available"],
        "the first console alone and still Available",
        STEP_MS,
      );
      expect((await monitorSnapshot(e2e.server!)).users.find((u) => u.id === "alice")?.presence).toBe("available");

      // Still Available: the next customer is offered to Alice in the first console.
      const next = await e2e.connect({ role: "customer" });
      await next.request({ type: "start", workstream: "live", text: "Another question" });
      await first.waitForScreen("New conversation: Visitor 2", "the next offer in the remaining console", STEP_MS);
      await waitFor(
        () => customer.customerConversations.get(conversationId)?.repName === "Alice Moreau",
        "the first customer is still with Alice",
        STEP_MS,
      );
    },
    TEST_MS,
  );
});
