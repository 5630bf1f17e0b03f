// The console's settings, kept with conf: server, identity, theme, notifications, key overrides.
import Conf from "conf";
import { stateDir } from "../../server/credentials.js";

export interface Settings {
  server?: string;
  /** Which user to sign in as (id or name from the local credentials). */
  as?: string;
  /** A token for a server that is not on this machine. */
  token?: string;
  theme: "auto" | "no-color";
  notifications: "bell" | "osc" | "off";
}

const DEFAULTS: Settings = { theme: "auto", notifications: "osc" };
export const SETTING_KEYS = ["server", "as", "token", "theme", "notifications"] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export function openSettings(): Conf<Settings> {
  // CC_AGENT_HOME keeps tests and demos away from the user's real settings.
  return new Conf<Settings>({
    projectName: "cc-agent",
    defaults: DEFAULTS,
    ...(process.env.CC_AGENT_HOME ? { cwd: stateDir() } : {}),
  });
}

export function validateSetting(key: SettingKey, value: string): string | null {
  if (key === "theme" && !["auto", "no-color"].includes(value)) return "theme is auto or no-color";
  if (key === "notifications" && !["bell", "osc", "off"].includes(value)) return "notifications is bell, osc or off";
  if (key === "server" && !/^(wss?|https?):\/\//.test(value)) return "server is a ws:// or wss:// URL";
  return null;
}
