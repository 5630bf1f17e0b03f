// The console's settings: server, identity, theme, notifications, the rep's own quick replies. One JSON file
// where `conf` kept it before (so an existing file is still found), read once per command, written whole.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import envPaths from "env-paths";
import { stateDir, writePrivateFile } from "../../server/credentials.js";
import { checkReplyText } from "../protocol/quick-replies.js";
import type { QuickReply } from "../protocol/quick-replies.js";

export interface Settings {
  server?: string;
  /** Which user to sign in as (id or name from the local credentials). */
  as?: string;
  /** A token for a server that is not on this machine. */
  token?: string;
  theme: "auto" | "no-color";
  notifications: "bell" | "osc" | "off";
  /** The rep's own quick replies (edit the settings file, `cc-agent config path`), beside the org's. */
  quickReplies?: QuickReply[];
}

const DEFAULTS: Settings = { theme: "auto", notifications: "osc" };
export const SETTING_KEYS = ["server", "as", "token", "theme", "notifications"] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** The settings file: get, set and delete a key; every change is written at once. */
export interface SettingsFile {
  readonly path: string;
  get<K extends keyof Settings>(key: K): Settings[K];
  set(key: SettingKey, value: string): void;
  delete(key: SettingKey): void;
}

export function settingsPath(): string {
  // CC_AGENT_HOME keeps tests and demos away from the user's real settings.
  const dir = process.env.CC_AGENT_HOME ? stateDir() : envPaths("cc-agent", { suffix: "nodejs" }).config;
  return join(dir, "config.json");
}

export function openSettings(path = settingsPath()): SettingsFile {
  const stored = readStored(path);
  const write = () => writePrivateFile(path, `${JSON.stringify(stored, null, "\t")}\n`);
  return {
    path,
    get: (key) => (stored[key] ?? DEFAULTS[key]) as never,
    set(key, value) {
      stored[key] = value;
      write();
    },
    delete(key) {
      delete stored[key];
      write();
    },
  };
}

/** What the file holds: nothing when it does not exist; a clear error naming it when it cannot be read. */
function readStored(path: string): Partial<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new Error(`cannot read the settings file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`the settings file ${path} is not valid JSON (${(error as Error).message}); fix or delete it`, {
      cause: error,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`the settings file ${path} must hold a JSON object; fix or delete it`);
  return value as Record<string, unknown>;
}

export function validateSetting(key: SettingKey, value: string): string | null {
  if (key === "theme" && !["auto", "no-color"].includes(value)) return "theme is auto or no-color";
  if (key === "notifications" && !["bell", "osc", "off"].includes(value)) return "notifications is bell, osc or off";
  if (key === "server" && !/^(wss?|https?):\/\//.test(value)) return "server is a ws:// or wss:// URL";
  return null;
}

/** The rep's own quick replies from the settings: the valid ones, and what is wrong with the others. */
export function personalReplies(value: unknown): { replies: QuickReply[]; problems: string[] } {
  const replies: QuickReply[] = [];
  const problems: string[] = [];
  if (value === undefined) return { replies, problems };
  if (!Array.isArray(value)) return { replies, problems: ["quickReplies is a list of {id, title, text, tags?}"] };
  value.forEach((item: unknown, i) => {
    const r = item as Partial<QuickReply> | null;
    const where = `quickReplies[${i}]`;
    if (!r || typeof r.id !== "string" || typeof r.title !== "string" || typeof r.text !== "string" || !r.text) {
      problems.push(`${where}: needs an id, a title and a text`);
      return;
    }
    const problem = checkReplyText(r.text);
    if (problem) {
      problems.push(`${where} (${r.id}): ${problem}`);
      return;
    }
    const reply: QuickReply = { id: r.id, title: r.title, text: r.text };
    if (Array.isArray(r.tags)) reply.tags = r.tags.filter((t): t is string => typeof t === "string");
    replies.push(reply);
  });
  return { replies, problems };
}
