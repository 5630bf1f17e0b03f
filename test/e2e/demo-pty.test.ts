// The README's main command, as a new user runs it: `cc-agent demo` in a real terminal shows seeded
// conversations within seconds, and Ctrl+C twice stops everything it started.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/server.js";
import { requireTmux, TmuxTerminal } from "../helpers/tmux.js";
import { waitFor } from "../helpers/ws.js";

const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "bin/cc-agent.js");

let tmp: ReturnType<typeof tempDir> | null = null;
let terminal: TmuxTerminal | null = null;
afterEach(async () => {
  await terminal?.kill();
  terminal = null;
  tmp?.remove();
  tmp = null;
});

describe("cc-agent demo", () => {
  it("SPEC S4: starts a server, seeds customers and opens Alice's console with an offer within seconds", async () => {
    if (!existsSync(join(root, "dist/src/cli/program.js"))) throw new Error("the built CLI is missing: run `npm run build` first");
    requireTmux();
    tmp = tempDir("cc-agent-demo-e2e-");
    const home = join(tmp.dir, "home");
    terminal = new TmuxTerminal();
    await terminal.start({
      command: [process.execPath, bin, "demo", "--rate", "120"],
      env: { CC_AGENT_HOME: home, TERM: "xterm-256color", NO_COLOR: null, FORCE_COLOR: null },
      cwd: root,
      dir: tmp.dir,
      columns: 120,
      rows: 40,
    });
    await terminal.waitForScreen(["Alice Moreau", "● Available", "online"], "Alice signed in", 45_000);
    // Seeded customers arrive: an offer card with a customer and a queue.
    await terminal.waitForScreen(/New conversation: .+ · (General|Billing)/, "a seeded offer", 20_000);
    // The demo's server is found by the other commands through the local credentials file.
    const credentials = JSON.parse(readFileSync(join(home, "local-server.json"), "utf8")) as { url: string; users: { id: string }[] };
    expect(credentials.users.map((u) => u.id)).toEqual(["alice", "bob", "carol", "sam"]);
    await terminal.press("M-y");
    await terminal.waitForScreen(/\[Active\]/, "the accepted seeded conversation", 20_000);
    await terminal.press("C-c");
    await terminal.press("C-c");
    await terminal.waitForScreen("[program exited with status 0]", "the demo to stop", 20_000);
    // Everything it started is gone: the credentials file is removed with the server.
    await waitFor(() => !existsSync(join(home, "local-server.json")), "the credentials file removed");
  }, 120_000);
});
