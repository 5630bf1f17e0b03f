// End to end, in a real terminal (tmux) with the BUILT cc-agent: the composer is a line editor, and keys that
// reach the program in one write — a busy terminal, a slow SSH link — are each handled, in order, in a dialog
// of the console and in the monitor's filter. Every wait polls; nothing sleeps. Needs `npm run build` and tmux.
import { afterEach, describe, expect, it } from "vitest";
import { signIdentity } from "../../src/protocol/identity.js";
import { EndToEnd, START_MS, STEP_MS, TEST_MS } from "../helpers/e2e.js";
import type { TmuxTerminal } from "../helpers/tmux.js";
import { waitFor } from "../helpers/ws.js";

const e2e = new EndToEnd();
afterEach(() => e2e.cleanup());
const connect = (hello: Parameters<EndToEnd["connect"]>[0]) => e2e.connect(hello);

async function startAliceConsole(): Promise<TmuxTerminal> {
  const home = await e2e.startServer("cc-agent-e2e-edit-");
  const terminal = await e2e.startCli(["--as", "alice"], home);
  await terminal.waitForScreen(["Alice Moreau", "● Available", "online"], "Alice signed in and Available", START_MS);
  return terminal;
}

describe("editing and keys arriving together, in a real terminal", () => {
  it(
    "SPEC L9: hello world, Left ×5, X reads hello Xworld on screen and reaches the customer so",
    async () => {
      const term = await startAliceConsole();
      const customer = await connect({ role: "customer" });
      const started = await customer.request({ type: "start", workstream: "live", text: "Hi there", clientId: "k1" });
      const conversationId = started.conversationId as string;
      await term.waitForScreen("New conversation", "the offer", STEP_MS);
      await term.press("M-y");
      await term.waitForScreen("[Active]", "the conversation open", STEP_MS);
      await term.type("hello world");
      await term.waitForScreen("› hello world", "the typed text", STEP_MS);
      await term.press("Left", "Left", "Left", "Left", "Left");
      await term.type("X");
      await term.waitForScreen("› hello Xworld", "X inserted at the cursor", STEP_MS);
      await term.press("Enter");
      await customer.waitForText(conversationId, "hello Xworld");
      expect(customer.texts(conversationId)).toContain("hello Xworld");
    },
    TEST_MS,
  );

  it(
    "SPEC P6: Alt+W, Tab and Enter in one write close a persistent chat to Waiting",
    async () => {
      const term = await startAliceConsole();
      const identity = signIdentity(e2e.server!.org.secret, { id: "cust-kenny", name: "Kenny Smith" });
      const customer = await connect({ role: "customer", identity });
      const started = await customer.request({
        type: "start",
        workstream: "persistent",
        text: "My invoice is wrong",
        clientId: "k1",
      });
      const conversationId = started.conversationId as string;
      await term.waitForScreen("New conversation", "the offer", STEP_MS);
      await term.press("M-y");
      await term.waitForScreen("Kenny Smith [Active]", "the conversation open", STEP_MS);
      await term.sendTogether("\x1bw\t\r");
      const screen = await term.waitForScreen(
        ["Closed to Waiting", "Kenny Smith [Waiting]"],
        "the chat closed to Waiting",
        STEP_MS,
      );
      expect(screen).not.toContain("to Waiting?");
      await waitFor(
        () => customer.customerConversations.get(conversationId)?.state === "waiting",
        "Waiting for the customer too",
        STEP_MS,
      );
    },
    TEST_MS,
  );

  it(
    "SPEC SV5: in the monitor, /id:<id> and Enter in one write keep the filter; A and Enter assign that row",
    async () => {
      const home = await e2e.startServer("cc-agent-e2e-edit-mon-");
      const first = await connect({ role: "customer" });
      const older = (await first.request({ type: "start", workstream: "live", text: "First in line" }))
        .conversationId as string;
      const second = await connect({ role: "customer" });
      const target = (await second.request({ type: "start", workstream: "live", text: "Second in line" }))
        .conversationId as string;
      const bob = await connect({ role: "rep", token: e2e.token("bob") });
      const term = await e2e.startCli(["monitor"], home);
      await term.waitForScreen(
        ["cc-agent monitor", new RegExp(`^› ${older}\\s`, "m")],
        "the older row selected",
        START_MS,
      );

      await term.sendTogether(`/id:${target}\r`);
      await term.waitForScreen(
        [`filter: id:${target}`, new RegExp(`^› ${target}\\s`, "m"), (s) => !s.includes("Enter keep")],
        "the filter kept and its row selected",
        STEP_MS,
      );
      await term.press("A");
      await term.waitForScreen(`Assign ${target}`, "the assign picker for the row shown", STEP_MS);
      await term.type("bob");
      await term.waitForScreen("1. Bob Okafor", "Bob in the picker", STEP_MS);
      await term.press("Enter");
      await term.waitForScreen(`Assigned ${target} to Bob Okafor`, "the assign result", STEP_MS);
      await waitFor(() => bob.conversations.get(target)?.ownerId === "bob", "Bob owns the filtered row", STEP_MS);
      expect(bob.conversations.get(older)?.ownerId ?? null).toBeNull();
    },
    TEST_MS,
  );
});
