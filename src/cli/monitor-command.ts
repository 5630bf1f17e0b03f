// `cc-agent monitor`: the supervisor monitor (SPEC §5). Same identity resolution as the console, as a
// supervisor; the server refuses a rep's credentials (4003) and the refusal is printed before exiting 1.
import type { Command } from "commander";
import { createElement } from "react";
import { openSettings } from "../config/config.js";
import { MonitorController } from "../ui/monitor/controller.js";
import type { MonitorStore } from "../ui/monitor/controller.js";
import { MonitorApp } from "../ui/monitor/MonitorApp.js";
import { reduceMonitor } from "../ui/monitor/reducer.js";
import type { MonitorAction } from "../ui/monitor/reducer.js";
import { initialMonitorState } from "../ui/monitor/state.js";
import type { MonitorState } from "../ui/monitor/state.js";
import { createStore } from "../ui/mirror/store.js";
import { wire } from "../ui/mirror/wire.js";
import { resolveIdentity } from "./console-command.js";
import type { ConsoleTarget } from "./console-command.js";
import { connectClient, parseServerUrl } from "./local-server.js";
import { requireTerminal, runTerminalApp } from "./terminal-app.js";

export function createMonitorStore(now: number, size: { columns: number; rows: number }): MonitorStore {
  return createStore<MonitorState, MonitorAction>(initialMonitorState(now, size), reduceMonitor);
}

/** Run the monitor until the supervisor quits; resolves after the terminal is restored. */
export async function runMonitor(target: ConsoleTarget, options: { screenReader?: boolean } = {}): Promise<void> {
  requireTerminal("the monitor");
  const settings = openSettings();
  const { client, welcome } = await connectClient(target.url, {
    role: "supervisor",
    token: target.token,
    client: "cc-agent monitor",
  });
  const store = createMonitorStore(Date.now(), {
    columns: process.stdout.columns || 120,
    rows: process.stdout.rows || 40,
  });
  wire(client, store, welcome);

  await runTerminalApp({
    client,
    store,
    settings: { theme: settings.get("theme") },
    ...(options.screenReader ? { screenReader: true } : {}),
    create(exit, theme) {
      const controller = new MonitorController(store, client, { exit });
      return { element: createElement(MonitorApp, { store, controller, theme }), quit: () => controller.quit() };
    },
  });
}

export function registerMonitorCommand(program: Command): void {
  program
    .command("monitor")
    .description("the supervisor monitor: live conversations, monitor, join, assign, transfer, force close")
    .option("--server <url>", "routing server (default: the local one)", parseServerUrl)
    .option(
      "--as <user>",
      "sign in as this supervisor from the local credentials (id or name; default: the first supervisor)",
    )
    .option("--token <token>", "sign in with this supervisor's token (a remote server)")
    .option("--screen-reader", "a linear, worded layout for screen readers")
    .action(async (options: { server?: string; as?: string; token?: string; screenReader?: boolean }) => {
      requireTerminal("the monitor");
      await runMonitor(resolveIdentity(options, "supervisor"), { screenReader: options.screenReader === true });
    });
}
