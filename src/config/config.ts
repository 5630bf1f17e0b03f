// The console's settings, kept with conf: server, identity, theme, notifications, key overrides.
import Conf from "conf";
import { stateDir } from "../../server/credentials.js";
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
