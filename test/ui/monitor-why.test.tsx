// App test of the monitor's `y` (why): the preview shows the routing decisions behind where the selected
// conversation is, as the server answered them (the answer is the protocol fixture, a real answer of the routing
// core), and y again brings the conversation back (SPEC L2, L10).
import { afterEach, describe, expect, it } from "vitest";
import type { ConversationView } from "../../src/protocol/views.js";
import { renderMonitor, rowOf, supervisorWelcome } from "../helpers/monitor.js";
import type { Monitor } from "../helpers/monitor.js";
import { conversation, customerMessage, refusal, T0 } from "../helpers/ui.js";
import ackWhy from "../protocol/fixtures/server.ack-why.json" with { type: "json" };

let ui: Monitor | undefined;
afterEach(() => {
  ui?.unmount();
  ui = undefined;
});

/** c1 Open in general, offered to Bob, as in the fixture. */
function offeredToBob(): ConversationView {
  return conversation("c1", {
    state: "open",
    ownerId: null,
    ownerName: null,
    lastOwnerId: null,
    title: "Customer c1",
    queuedAt: T0 - 30_000,
    createdAt: T0 - 30_000,
    messages: [customerMessage("Hello from c1", T0 - 30_000)],
  });
}

async function start(): Promise<Monitor> {
  const monitor = await renderMonitor({ welcome: supervisorWelcome([offeredToBob()]) });
  await monitor.waitForFrame((f) => rowOf(f, "c1").startsWith("›") && f.includes("Hello from c1"), "c1 previewed");
  return monitor;
}

describe("monitor: y shows why a conversation is where it is", () => {
  it("SPEC L10: y asks the server and the preview shows each decision and every rep's verdict; y again hides it", async () => {
    // given the monitor with c1 selected, and a server that answers why
    ui = await start();
    ui.client.responses.why = ackWhy.result;

    // when the supervisor presses y
    await ui.press("y");

    // then one why request went over the wire, and the preview shows the decisions in place of the thread
    const frame = await ui.waitForFrame((f) => f.includes("Why: c1: Open in queue general"), "the explanation");
    expect(ui.client.sent).toEqual([{ type: "why", conversationId: "c1" }]);
    expect(frame).toContain("queue general: Alice Moreau: idle longest of the eligible reps");
    expect(frame).toContain("✔ Alice Moreau (alice): chosen");
    expect(frame).toContain("· Bob Okafor (bob): eligible, but Alice Moreau was idle longer");
    expect(frame).toContain("queue general: Bob Okafor: idle longest of the eligible reps");
    expect(frame).toContain("✔ Bob Okafor (bob): chosen");
    expect(frame).toContain("· Alice Moreau (alice): declined it");
    expect(frame).toContain("· Carol Tanaka (carol): Offline, not Available");
    expect(frame).not.toContain("Hello from c1");

    // when y is pressed again, the conversation is back and nothing more was asked
    await ui.press("y");
    const back = await ui.waitForFrame((f) => f.includes("Hello from c1"), "the thread back");
    expect(back).not.toContain("Why: c1");
    expect(ui.client.sent).toHaveLength(1);

    // and the help names the key
    await ui.press("?");
    await ui.press("why");
    const help = await ui.waitForFrame((f) => f.includes("why it is where it is"), "the key in the help");
    expect(help).toMatch(/\by\b.*why it is where it is: each routing decision/);
  });

  it("a refusal from the server is shown as the server words it, and the preview keeps the conversation", async () => {
    // given a server that refuses (monitoring turned off for the org)
    ui = await start();
    ui.client.responses.why = refusal("supervisor/monitor_disabled", "Monitoring is turned off for this organisation.");

    // when the supervisor presses y
    await ui.press("y");

    // then the refusal shows, and the thread stays in the preview
    const frame = await ui.waitForFrame(
      (f) => f.includes("Monitoring is turned off for this organisation."),
      "the refusal",
    );
    expect(frame).toContain("Hello from c1");
    expect(frame).not.toContain("Why: c1");
  });
});
