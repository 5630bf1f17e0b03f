// Proactive invitation rules (SPEC PC1) as the widget reads them from GET /widget/config: pure functions of
// the rule, the clock and the page URL.

export interface InvitationRule {
  id: string;
  workstream: string;
  audience: "all" | "authenticated" | "returning";
  days: number[];
  from: string;
  to: string;
  utcOffsetMinutes?: number;
  urlPattern: string;
  timeOnPageSeconds: number;
  message: string;
}

function minutesOf(hhmm: string): number {
  const parts = String(hhmm).split(":");
  return Number(parts[0]) * 60 + Number(parts[1]);
}

/** `*` matches anything; everything else literally; the whole page URL must match. */
export function urlMatches(pattern: string, url: string): boolean {
  const regex =
    "^" +
    String(pattern)
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*") +
    "$";
  return new RegExp(regex).test(url);
}

/**
 * PC1, time frame: the rule's days and hours, in its own UTC offset. A frame across midnight (22:00–02:00) runs
 * from "from" on a listed day until midnight, then on the next morning until "to".
 */
export function inTimeFrame(rule: InvitationRule, now: number): boolean {
  const local = new Date(now + (rule.utcOffsetMinutes || 0) * 60000);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const day = local.getUTCDay();
  const from = minutesOf(rule.from);
  const to = minutesOf(rule.to);
  if (from < to) return rule.days.indexOf(day) !== -1 && minute >= from && minute < to;
  if (minute >= from) return rule.days.indexOf(day) !== -1;
  return minute < to && rule.days.indexOf((day + 6) % 7) !== -1;
}
