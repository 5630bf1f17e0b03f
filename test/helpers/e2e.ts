// End-to-end scaffolding: the BUILT cc-agent in a real terminal (tmux), a server in the test process
// that writes its credentials file into the program's CC_AGENT_HOME, and scripted ws clients.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { startServer } from "../../server/start-server.js";
import type { RunningServer } from "../../server/start-server.js";
import { tempDir } from "./server.js";
import { requireTmux, TmuxTerminal } from "./tmux.js";
import { TestClient } from "./ws.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin/cc-agent.js");

/** Generous deadlines for a slow shared machine; they only bound how long a failure takes to report. */
export const START_MS = 45_000;
export const STEP_MS = 20_000;
export const TEST_MS = 180_000;

/** One test's world; `cleanup()` in afterEach takes it all down. */
export class EndToEnd {
  server: RunningServer | null = null;
  private tmp: ReturnType<typeof tempDir> | null = null;
  private terminal: TmuxTerminal | null = null;
  private readonly clients: TestClient[] = [];

  /** Fail (never skip) with a clear message when the build or tmux is missing; returns CC_AGENT_HOME. */
  home(prefix: string): string {
    const built = join(ROOT, "dist/bundle/cc-agent.js");
    if (!existsSync(built))
      throw new Error(
        `the built CLI is missing (${built}): run \`npm run build\` first (npm test builds before vitest)`,
      );
    requireTmux();
    this.tmp = tempDir(prefix);
    return join(this.tmp.dir, "home");
  }

  /** A server with its credentials file in a fresh CC_AGENT_HOME; returns that home. */
  async startServer(prefix: string): Promise<string> {
    const home = this.home(prefix);
    this.server = await startServer({ port: 0, dataFile: null, credentialsFile: join(home, "local-server.json") });
    return home;
  }

  /** `cc-agent <args>` in a 120×40 terminal (or `size`) with this home and nothing else of the user's environment (but `env`). */
  async startCli(
    args: string[],
    home: string,
    envOrSize: Record<string, string | null> | { columns: number; rows: number } = {},
  ): Promise<TmuxTerminal> {
    const size =
      "columns" in envOrSize && typeof envOrSize.columns === "number"
        ? (envOrSize as { columns: number; rows: number })
        : { columns: 120, rows: 40 };
    const env = size === envOrSize ? {} : (envOrSize as Record<string, string | null>);
    this.terminal = new TmuxTerminal();
    await this.terminal.start({
      command: [process.execPath, BIN, ...args],
      env: {
        CC_AGENT_HOME: home,
        TERM: "xterm-256color",
        NO_COLOR: null,
        FORCE_COLOR: null,
        CC_AGENT_TOKEN: null,
        ...env,
      },
      cwd: ROOT,
      dir: this.tmp!.dir,
      columns: size.columns,
      rows: size.rows,
    });
    return this.terminal;
  }

  token(id: string): string {
    const user = this.server!.org.users.find((u) => u.id === id);
    if (!user) throw new Error(`no demo user ${id}`);
    return user.token;
  }

  async connect(hello: ConstructorParameters<typeof TestClient>[1]): Promise<TestClient> {
    const client = await new TestClient(this.server!.url, hello).connect();
    this.clients.push(client);
    return client;
  }

  async cleanup(): Promise<void> {
    await this.terminal?.kill();
    this.terminal = null;
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
    await this.server?.close();
    this.server = null;
    this.tmp?.remove();
    this.tmp = null;
  }
}
