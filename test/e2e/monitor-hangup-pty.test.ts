// End to end: the BUILT `cc-agent monitor` and `cc-agent` in a real terminal (tmux) that goes away (closed, its ssh
// session dropped): the hangup ends each as quitting does — the monitor leaves the conversation it joined, the console
// sets its rep Offline — as the others see it on the wire.
import { afterEach, describe, expect, it } from "vitest";
import { EndToEnd, START_MS, STEP_MS, TEST_MS } from "../helpers/e2e.js";
import { waitFor } from "../helpers/ws.js";

const e2e = new EndToEnd();
afterEach(() => e2e.cleanup());

describe("a monitor or console whose terminal goes away", () => {
  it(
    "SPEC SV4: leaves the conversation it joined, as quitting does, instead of staying joined for ever",
    async () => {
      const home = await e2e.startServer("cc-agent-e2e-monitor-hangup-");
      const alice = await e2e.connect({ role: "rep", token: e2e.token("alice") });
      await alice.request({ type: "presence", presence: "available" });
      const customer = await e2e.connect({ role: "customer" });
      const { conversationId } = (await customer.request({
        type: "start",
        workstream: "live",
        text: "Hello, I need help with my order",
      })) as { conversationId: string };
      const offer = await alice.waitForOffer(conversationId);
      await alice.request({ type: "accept", offerId: offer.id });

      const term = await e2e.startCli(["monitor"], home, { columns: 120, rows: 40 });
      await term.waitForScreen(conversationId, "the conversation in the table", START_MS);
      await term.press("J");
      await waitFor(
        () => alice.conversations.get(conversationId)?.supervisors.sam === "join",
        "Sam joined, as the rep sees it",
        STEP_MS,
      );
      // And as the monitor itself knows it (quitting leaves what it knows it joined).
      await term.waitForScreen("you (joined)", "the monitor showing Sam joined", STEP_MS);

      await term.kill();
      await waitFor(
        () => alice.conversations.get(conversationId)?.supervisors.sam === undefined,
        "Sam gone from the conversation, as the rep sees it",
        STEP_MS,
      );
      expect(alice.conversations.get(conversationId)?.supervisors).toEqual({});
    },
    TEST_MS,
  );

  it(
    "the console sets its rep Offline at once, as quitting does, instead of after the disconnect grace",
    async () => {
      const home = await e2e.startServer("cc-agent-e2e-console-hangup-");
      const sam = await e2e.connect({ role: "supervisor", token: e2e.token("sam") });
      const term = await e2e.startCli(["--as", "alice"], home);
      await term.waitForScreen(["Alice Moreau", "● Available"], "Alice signed in and Available", START_MS);
      await waitFor(() => sam.users.get("alice")?.presence === "available", "Alice Available, as Sam sees it", STEP_MS);

      await term.kill();
      // The grace for a dropped console is a minute: Offline within this step is the console's own quitting.
      await waitFor(() => sam.users.get("alice")?.presence === "offline", "Alice Offline, as Sam sees it", STEP_MS);
    },
    TEST_MS,
  );
});
