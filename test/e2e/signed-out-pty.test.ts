// End to end: a rep removed from the org file while their console is open (the file reloaded, docs/org-file.md) is
// signed out, and the BUILT console, in a real terminal (tmux), ends saying why instead of staying on screen offline.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_USER_IDS, demoOrgFile } from "../../server/org-file.js";
import type { OrgFile } from "../../server/org-file.js";
import { startServer } from "../../server/start-server.js";
import type { RunningServer } from "../../server/start-server.js";
import { EndToEnd } from "../helpers/e2e.js";

const e2e = new EndToEnd();
let server: RunningServer | null = null;
afterEach(async () => {
  await e2e.cleanup();
  await server?.close();
  server = null;
});

const ORG: OrgFile = demoOrgFile({
  secret: "s".repeat(64),
  tokens: Object.fromEntries(DEMO_USER_IDS.map((id) => [id, `${id}-token-0123456789abcdef`])),
});

describe("a console signed out by the server", () => {
  it("SPEC L4: a rep removed from the org file sees why, and the console ends with exit status 1", async () => {
    const home = e2e.home("cc-agent-signed-out-");
    const orgPath = join(home, "..", "org.json");
    writeFileSync(orgPath, JSON.stringify(ORG), { mode: 0o600 });
    server = await startServer({ port: 0, dataFile: null, orgFile: orgPath });
    const bob = ORG.users.find((u) => u.id === "bob")!;
    const terminal = await e2e.startCli(["--server", server.url, "--token", bob.token], home);
    await terminal.waitForScreen(["Bob", "online"], "Bob signed in", 30_000);

    writeFileSync(orgPath, JSON.stringify({ ...ORG, users: ORG.users.filter((u) => u.id !== "bob") }));
    expect(await server.reloadOrg()).toMatchObject({ ok: true, removed: ["user bob"] });
    const screen = await terminal.waitForScreen("[program exited with status 1]", "the console to end", 20_000);
    expect(screen).toContain("cc-agent: You were removed from the org: this console is signed out.");
  }, 60_000);
});
