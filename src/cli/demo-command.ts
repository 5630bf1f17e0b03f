// `cc-agent demo`: the whole product in one command — a server on a free port with a temporary data
// file, seeded customers, and the console as the first demo rep. Ctrl+C stops everything it started.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
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
      const token = server.org.users.find(
        (u) => u.id === options.as || u.name.toLowerCase().startsWith(options.as.toLowerCase()),
      )?.token;
      if (!token)
        throw new Error(`no demo user "${options.as}"; one of ${server.org.users.map((u) => u.id).join(", ")}`);
      try {
        await runConsole(
          { url: server.url, token, role: "rep" },
          { available: true, screenReader: options.screenReader === true },
        );
      } finally {
        await stop();
      }
    });
}
