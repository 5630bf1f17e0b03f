// `cc-agent` (the rep console) and `cc-agent config`.
import type { Command } from "commander";
import { createElement } from "react";
import { openSettings, personalReplies, SETTING_KEYS, validateSetting } from "../config/config.js";
import type { SettingKey } from "../config/config.js";
import { App } from "../ui/console/App.js";
import { ConsoleController } from "../ui/console/controller.js";
import { Notifier } from "../ui/console/notify.js";
import type { NotifyStyle } from "../ui/console/notify.js";
import { initialUiState } from "../ui/mirror/state.js";
import { createStore } from "../ui/mirror/store.js";
import { wire } from "../ui/mirror/wire.js";
import { connectClient, findLocalServer, parseServerUrl } from "./local-server.js";
import { requireTerminal, runTerminalApp } from "./terminal-app.js";

export interface ConsoleTarget {
  url: string;
  token: string;
  role: "rep" | "supervisor";
}

/** Who to sign in as: --token, then CC_AGENT_TOKEN, then the saved token, then the local credentials (--as, else the first user of the role). */
export function resolveIdentity(
  options: { server?: string; as?: string; token?: string },
  role: "rep" | "supervisor",
): ConsoleTarget {
  const settings = openSettings();
  const local = findLocalServer(options.server ?? settings.get("server"));
  const token = options.token ?? process.env.CC_AGENT_TOKEN ?? (options.as ? undefined : settings.get("token"));
  if (token) return { url: local.url, token, role };
  const users = local.credentials?.users ?? [];
  const matches = (u: { id: string; name: string }, name: string) =>
    u.id.toLowerCase() === name || u.name.toLowerCase() === name || u.name.toLowerCase().split(" ")[0] === name;
  // The saved `as` is the console's user: the monitor uses it only when it names a supervisor.
  const saved = settings.get("as")?.toLowerCase();
  const savedFits = saved !== undefined && (role === "rep" || users.some((u) => u.role === role && matches(u, saved)));
  const wanted = (options.as ?? (savedFits ? saved : undefined))?.toLowerCase();
  const user = wanted ? users.find((u) => matches(u, wanted)) : users.find((u) => u.role === role);
  if (!user) {
    const known = users.map((u) => u.id).join(", ");
    throw new Error(
      wanted
        ? `no user "${wanted}" in the local credentials${known ? ` (known: ${known})` : ""}; pass --token for a remote server`
        : `no local server credentials found; start one with \`cc-agent server\` (or \`cc-agent demo\`), or pass --server URL --token TOKEN`,
    );
  }
  return { url: local.url, token: user.token, role };
}

/** Run the rep console until the rep quits; resolves after the terminal is restored. */
export async function runConsole(
  target: ConsoleTarget,
  options: { onExit?: () => void; available?: boolean; screenReader?: boolean } = {},
): Promise<void> {
  requireTerminal("the console");
  const settings = openSettings();
  const own = personalReplies(settings.get("quickReplies"));
  for (const problem of own.problems) process.stderr.write(`cc-agent: settings: ${problem} (skipped)\n`);
  const { client, welcome } = await connectClient(target.url, {
    role: target.role,
    token: target.token,
    client: "cc-agent console",
  });
  const store = createStore(
    initialUiState(Date.now(), { columns: process.stdout.columns || 100, rows: process.stdout.rows || 30 }),
  );
  wire(client, store, welcome);

  const notifier = new Notifier(
    (data) => process.stdout.write(data),
    (settings.get("notifications") as NotifyStyle) ?? "osc",
  );
  let controller!: ConsoleController;
  const running = runTerminalApp({
    client,
    store,
    settings: { theme: settings.get("theme") },
    ...(options.screenReader ? { screenReader: true } : {}),
    create(exit, theme) {
      controller = new ConsoleController(store, client, {
        exit,
        quickReplies: own.replies,
        typing: (conversationId) => void client.typing(conversationId),
      });
      notifier.start();
      return { element: createElement(App, { store, controller, theme }), quit: () => controller.quit() };
    },
    // Focus reports from the terminal (CSI I / CSI O) tell whether notifications should ring.
    onFocus: (focused) => store.dispatch({ type: "terminal-focus", focused }),
    onStop() {
      notifier.stop();
      options.onExit?.();
    },
  });
  store.subscribe(() => notifier.update(store.getState()));
  notifier.update(store.getState());
  // Signing in means going Available (quitting sets Offline); the demo always does.
  if (options.available || welcome.snapshot?.me?.presence === "offline")
    void client.request({ type: "presence", presence: "available" }).catch(() => undefined);
  void controller.loadHome();
  // A snapshot replaces the mirror, open items with it: ask for them (and today's figures) again after each welcome.
  client.on("welcome", () => void controller.loadHome());
  await running;
}

/** A key `config` knows, or an error naming the ones it does. */
function checkSettingKey(key: string): asserts key is SettingKey {
  if (!SETTING_KEYS.includes(key as SettingKey))
    throw new Error(`unknown setting ${key}; one of ${SETTING_KEYS.join(", ")}`);
}

export function registerConsoleCommand(program: Command): void {
  program
    .option("--server <url>", "routing server (default: the local one)", parseServerUrl)
    .option("--as <user>", "sign in as this user from the local credentials (id or name)")
    .option("--token <token>", "sign in with this token (a remote server)")
    .option("--screen-reader", "a linear, worded layout for screen readers")
    .action(async (options: { server?: string; as?: string; token?: string; screenReader?: boolean }) => {
      requireTerminal("the console");
      await runConsole(resolveIdentity(options, "rep"), { screenReader: options.screenReader === true });
    });

  const config = program.command("config").description("show or change the console's settings");
  config
    .command("get [key]")
    .description(`show settings (${SETTING_KEYS.join(", ")})`)
    .action((key?: string) => {
      if (key !== undefined) checkSettingKey(key);
      const settings = openSettings();
      if (key) process.stdout.write(`${String(settings.get(key as SettingKey) ?? "")}\n`);
      else
        for (const k of SETTING_KEYS)
          process.stdout.write(`${k}=${k === "token" && settings.get(k) ? "(set)" : String(settings.get(k) ?? "")}\n`);
    });
  config
    .command("set <key> <value>")
    .description("change a setting")
    .action((key: string, value: string) => {
      checkSettingKey(key);
      const problem = validateSetting(key as SettingKey, value);
      if (problem) throw new Error(problem);
      openSettings().set(key as SettingKey, value);
      process.stdout.write(`${key} saved\n`);
    });
  config
    .command("unset <key>")
    .description("forget a setting")
    .action((key: string) => {
      checkSettingKey(key);
      const settings = openSettings();
      const had = settings.get(key as SettingKey) !== undefined;
      settings.delete(key as SettingKey);
      process.stdout.write(had ? `${key} removed\n` : `${key} was not set\n`);
    });
  config
    .command("path")
    .description("where the settings live")
    .action(() => {
      process.stdout.write(`${openSettings().path}\n`);
    });
}
