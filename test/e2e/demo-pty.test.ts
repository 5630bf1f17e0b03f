// The README's main command, as a new user runs it: `cc-agent demo` in a real terminal shows seeded
// conversations within seconds, and Ctrl+C twice stops everything it started.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EndToEnd } from "../helpers/e2e.js";
import { waitFor } from "../helpers/ws.js";

const e2e = new EndToEnd();
afterEach(() => e2e.cleanup());

describe("cc-agent demo", () => {
  it("SPEC S4: starts a server, seeds customers and opens Alice's console with an offer within seconds", async () => {
    const home = e2e.home("cc-agent-demo-e2e-");
    const terminal = await e2e.startCli(["demo", "--rate", "120"], home);
    await terminal.waitForScreen(["Alice Moreau", "● Available", "online"], "Alice signed in", 45_000);
    // Seeded customers arrive: an offer card with a customer and a queue.
    const OFFER = /New conversation: (.+?) · (General|Billing)/;
    const offered = OFFER.exec(await terminal.waitForScreen(OFFER, "a seeded offer", 20_000))![1]!;
    // The demo's server is found by the other commands through the local credentials file.
    const credentials = JSON.parse(readFileSync(join(home, "local-server.json"), "utf8")) as {
      url: string;
      users: { id: string }[];
    };
    expect(credentials.users.map((u) => u.id)).toEqual(["alice", "bob", "carol", "sam"]);
    await terminal.press("M-y");
    // The accepted conversation is the first row of the session pane (the next offer's card may cover its header).
    await terminal.waitForScreen(new RegExp(`^1 ${offered}\\b`, "m"), "the accepted seeded conversation", 20_000);
    await terminal.press("C-c");
    await terminal.press("C-c");
    const after = await terminal.waitForScreen("[program exited with status 0]", "the demo to stop", 20_000);
    // The console drew on the alternate screen: the terminal shows again what it showed before, no last frame.
    expect(after).not.toContain("Press Ctrl+C again to quit");
    expect(after).not.toContain("● Available");
    // Everything it started is gone: the credentials file is removed with the server.
    await waitFor(() => !existsSync(join(home, "local-server.json")), "the credentials file removed");
  }, 120_000);

  it("keeps its server for a console opened in another terminal after its own quits, and stops once that one quits", async () => {
    const home = e2e.home("cc-agent-demo-others-");
    const demo = await e2e.startCli(["demo", "--count", "0"], home);
    await demo.waitForScreen(["Alice Moreau", "online"], "Alice signed in", 45_000);
    const bob = await e2e.startCli(["--as", "bob"], home);
    await bob.waitForScreen(["Bob", "online"], "Bob signed in", 30_000);

    await demo.press("C-c");
    await demo.press("C-c");
    await demo.waitForScreen("the server keeps running for Bob", "the demo waiting for Bob", 20_000);
    // Bob's console still has its server: Home's lists are answered, nothing reconnects.
    await bob.press("M-0");
    const screen = await bob.waitForScreen("online", "Bob still online");
    expect(screen).not.toContain("reconnecting");
    expect(existsSync(join(home, "local-server.json"))).toBe(true);

    await bob.press("C-c");
    await bob.press("C-c");
    await demo.waitForScreen("[program exited with status 0]", "the demo to stop after Bob quit", 20_000);
    await waitFor(() => !existsSync(join(home, "local-server.json")), "the credentials file removed");
  }, 120_000);
});
