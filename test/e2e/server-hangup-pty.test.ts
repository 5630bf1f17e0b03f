// The built `cc-agent server` started in a terminal (tmux) stops when that terminal goes away, as any program in a
// terminal does: the hangup's SIGHUP is not taken for "reload the org file", and the log, with nowhere left to go, does
// not hold the process at exit. (SIGHUP with the terminal still there reloads: test/cli/server-reload.test.ts.)
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EndToEnd, START_MS, STEP_MS, TEST_MS } from "../helpers/e2e.js";
import { TestClient, waitFor } from "../helpers/ws.js";
import { readCredentials } from "../../server/credentials.js";

const e2e = new EndToEnd();
const clients: TestClient[] = [];
let leftOver: number | null = null;
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  if (leftOver !== null) {
    try {
      process.kill(leftOver, "SIGKILL");
    } catch {
      // Gone, as it should be.
    }
    leftOver = null;
  }
  await e2e.cleanup();
});

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a server whose terminal goes away", () => {
  it(
    "stops, with a rep still connected, instead of running on (and hanging at exit) with nowhere to log",
    async () => {
      const home = e2e.home("cc-agent-hangup-");
      const data = join(home, "..", "cc.db");
      const term = await e2e.startCli(["server", "--port", "0", "--data", data], home);
      await term.waitForScreen("cc-agent server listening on", "the server up", START_MS);
      const credentials = await waitFor(() => readCredentials(join(home, "local-server.json")), "its credentials");
      const pid = credentials.pid;
      leftOver = pid;
      const bob = await new TestClient(credentials.url, {
        role: "rep",
        token: credentials.users.find((u) => u.id === "bob")!.token,
      }).connect();
      clients.push(bob);

      await term.kill();
      await waitFor(() => !running(pid), "the server to stop", STEP_MS);
      leftOver = null;
      // It stopped cleanly: the data file is free for the next server, which starts on it.
      const next = await e2e.startCli(["server", "--port", "0", "--data", data], home);
      const screen = await next.waitForScreen("cc-agent server listening on", "a server on the same file", START_MS);
      expect(screen).not.toContain("is in use by");
    },
    TEST_MS,
  );
});
