// `cc-agent demo`: the whole product in one command — a server on a free port with a temporary data
// file, seeded customers, and the console as the first demo rep. Quitting it stops everything it started, once
// the consoles opened in other terminals have quit too.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import type { RunningServer } from "../../server/start-server.js";
import { runConsole } from "./console-command.js";
import { requireTerminal } from "./terminal-app.js";

/** bin/cc-agent.js, found upwards from this module: it runs from src/cli/, dist/src/cli/ or the bundle in dist/bundle/. */
function binPath(): string {
  const here = fileURLToPath(import.meta.url);
  for (let dir = dirname(here); ; dir = dirname(dir)) {
    const bin = join(dir, "bin", "cc-agent.js");
    if (existsSync(bin)) return bin;
    if (dirname(dir) === dir) throw new Error(`bin/cc-agent.js not found above ${here}`);
  }
}

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("start a server, seed demo customers and open the console as the first demo rep")
    .option("--count <n>", "demo customers to seed", "16")
    .option("--rate <per-min>", "arrivals per minute", "20")
    .option("--as <user>", "demo user to sign in as", "alice")
    .option("--screen-reader", "a linear, worded layout for screen readers")
    .action(async (options: { count: string; rate: string; as: string; screenReader?: boolean }) => {
      // The demo ends in the console: without a terminal, nothing is started.
      requireTerminal("the demo");
      // The server's modules load only when the demo runs, not for every cc-agent command.
      const [{ createLogger }, { startServer }] = await Promise.all([
        import("../../server/logger.js"),
        import("../../server/start-server.js"),
      ]);
      const dir = mkdtempSync(join(tmpdir(), "cc-agent-demo-"));
      const logger = createLogger({ level: "info", file: join(dir, "server.log") });
      // The demo page's sign-in (/demo/identity) signs an identity for anyone: fine for a demo on loopback only.
      const server = await startServer({
        port: 0,
        dataFile: join(dir, "demo.db"),
        logger,
        credentialsFile: true,
        demoIdentities: true,
      });
      const seedLog = openSync(join(dir, "seed.log"), "a");
      const seed = spawn(
        process.execPath,
        [binPath(), "seed", "--server", server.url, "--count", options.count, "--rate", options.rate, "--seed", "7"],
        {
          stdio: ["ignore", seedLog, seedLog],
          env: { ...process.env, NO_COLOR: "1" },
        },
      );
      seed.on("error", () => undefined);
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        seed.kill("SIGINT");
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      };
      process.stdout.write(
        [
          `cc-agent demo: server on ${server.url} (data and logs in ${dir}), seeding ${options.count} customers.`,
          "In another terminal:  npx cc-agent --as bob     (a second rep)",
          "                      npx cc-agent monitor      (the supervisor, Sam)",
          "                      npx cc-agent customer     (chat as a customer)",
          "",
        ].join("\n"),
      );
      const user = server.org.users.find(
        (u) => u.id === options.as || u.name.toLowerCase().startsWith(options.as.toLowerCase()),
      );
      if (!user?.token)
        throw new Error(`no demo user "${options.as}"; one of ${server.org.users.map((u) => u.id).join(", ")}`);
      try {
        await runConsole(
          { url: server.url, token: user.token, role: "rep" },
          { available: true, screenReader: options.screenReader === true },
        );
        // Consoles opened in other terminals keep their server until they quit too.
        await whileOthersSignedIn(() => others(server, user.id));
      } finally {
        await stop();
      }
    });
}

/** The names of the staff signed in to the demo's server other than its own console's user. */
function others(server: RunningServer, me: string): string[] {
  return server.hub.gateway
    .staffOnline()
    .filter((id) => id !== me)
    .map((id) => server.org.users.find((u) => u.id === id)?.name ?? id);
}

const OTHERS_EVERY_MS = 500;

/**
 * After the demo's console quits: while consoles in other terminals are signed in, the server keeps serving them,
 * until they have all quit or Ctrl+C.
 */
async function whileOthersSignedIn(signedIn: () => string[]): Promise<void> {
  const names = signedIn();
  if (names.length === 0) return;
  process.stdout.write(
    `cc-agent demo: the server keeps running for ${names.join(", ")} (signed in elsewhere). It stops when they quit, or now with Ctrl+C.\n`,
  );
  await new Promise<void>((resolve) => {
    const done = () => {
      clearInterval(timer);
      process.off("SIGINT", done);
      resolve();
    };
    const timer = setInterval(() => {
      if (signedIn().length === 0) done();
    }, OTHERS_EVERY_MS);
    process.once("SIGINT", done);
  });
  process.stdout.write("cc-agent demo: stopping the server.\n");
}
