// The organisation's configuration as the routing core sees it: queues, workstreams, users, settings.
// Secrets and tokens are the shell's business and never reach the core.
import type { QuickReply } from "../../src/protocol/quick-replies.js";
import type { ResponseTargets } from "../../src/protocol/response-targets.js";
import type { PresenceReasons } from "../../src/protocol/vocabulary.js";

export type Mode = "live" | "persistent";

export interface OperatingHours {
  /** Days of the week it is open, 0 = Sunday. */
  days: number[];
  /** "HH:MM" local opening time. */
  open: string;
  /**
   * "HH:MM" local closing time; "24:00" for midnight. Earlier than `open` for hours across midnight (22:00–06:00):
   * each listed day is then open from `open` until midnight and on the next morning until `close`.
   */
  close: string;
  /** Offset of local time from UTC in minutes (e.g. 60 for UTC+1). */
  utcOffsetMinutes: number;
}

/** System-message texts a workstream may override. `{position}` and `{minutes}` are filled in. */
export interface SystemTexts {
  queuePosition: string;
  averageWait: string;
  outsideHours: string;
  customerEnded: string;
  repJoined: string;
  repLeft: string;
  waitingExpired: string;
  ended: string;
  aborted: string;
}

export const DEFAULT_TEXTS: SystemTexts = {
  queuePosition: "You are number {position} in the queue.",
  averageWait: "The average wait is about {minutes} min.",
  outsideHours: "We are closed right now. Please come back during our opening hours.",
  customerEnded: "Customer ended the conversation",
  repJoined: "{name} joined the conversation",
  repLeft: "{name} left the conversation",
  waitingExpired: "This conversation was closed after {days} days without activity.",
  ended: "The conversation has ended.",
  aborted: "This conversation was aborted: {reason}. It can only be ended.",
};

export interface Workstream {
  id: string;
  name: string;
  mode: Mode;
  /** Queue new conversations of this workstream enter. */
  queueId: string;
  /** Keep the same rep for the whole conversation (P10, P11). */
  affinity: boolean;
  /** Assign a returning conversation straight to its rep, without an offer (P12). */
  autoAssignReturning: boolean;
  offerTimeoutSeconds: number;
  capacityCost: number;
  waitingExpiryDays: number;
  /** The conversation's sentiment at or below this step raises an alert (S9). */
  sentimentThreshold: number;
  operatingHours: OperatingHours | null;
  texts: SystemTexts;
  /**
   * Service-level target: a conversation answered within this many seconds of entering the queue counts as answered
   * in time (reports). Absent: DEFAULT_SERVICE_LEVEL_SECONDS.
   */
  serviceLevelSeconds?: number;
  /** How long a customer may wait for an answer before the wait is shown as one to watch, or past target. */
  responseTargets?: ResponseTargets;
}

/** The service-level target of a workstream that sets none. */
export const DEFAULT_SERVICE_LEVEL_SECONDS = 60;

export interface Queue {
  id: string;
  name: string;
}

export type Role = "rep" | "supervisor";

export interface User {
  id: string;
  name: string;
  role: Role;
  /** Units of capacity; a supervisor who takes conversations has some too. */
  capacity: number;
  queues: string[];
}

export interface SupervisorSettings {
  monitor: boolean;
  assign: boolean;
  transfer: boolean;
  forceClose: boolean;
  /** A supervisor may set a rep's presence (absent in configurations recorded before it: not allowed). */
  setPresence?: boolean;
}

export interface WrapUpReason {
  id: string;
  label: string;
}

export interface Org {
  name: string;
  /** Set a rep Busy while their capacity is full, and back to Available when it frees (S2). */
  autoBusyAtCapacity: boolean;
  /** Mask payment and personal data in what reps and supervisors see (L6). */
  masking: boolean;
  /**
   * ISO 3166 regions whose national phone number formats masking knows ("070-123 45 67" for "SE"); international
   * forms are masked for every country. Absent in configurations recorded before regions existed: the US.
   */
  maskingRegions?: readonly string[];
  supervisor: SupervisorSettings;
  queues: Queue[];
  workstreams: Workstream[];
  users: User[];
  wrapUpReasons: WrapUpReason[];
  /** Org-wide quick replies for the rep console (absent in configurations recorded before them: none). */
  quickReplies?: QuickReply[];
  /** Reasons a rep may give per presence (absent in configurations recorded before them: none). */
  presenceReasons?: PresenceReasons;
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether the workstream takes live customers at `at` (P2). No hours means always open. */
export function isOpenAt(hours: OperatingHours | null, at: number): boolean {
  if (!hours) return true;
  const local = at + hours.utcOffsetMinutes * MINUTE;
  const day = new Date(local).getUTCDay();
  const minute = Math.floor((((local % DAY) + DAY) % DAY) / MINUTE);
  const open = minutesOf(hours.open);
  const close = minutesOf(hours.close);
  if (open < close) return hours.days.includes(day) && minute >= open && minute < close;
  // Across midnight (22:00–06:00): a listed day's hours run from its opening to midnight, then on into the next
  // morning until the closing; the morning belongs to the day before.
  if (minute >= open) return hours.days.includes(day);
  return minute < close && hours.days.includes((day + 6) % 7);
}

/**
 * The next instant at or after `at` when the hours open, or null if they never do. Hours only ever start at an
 * opening time (a morning after midnight carries on the night before), so those are the candidates.
 */
export function nextOpening(hours: OperatingHours | null, at: number): number | null {
  if (!hours) return at;
  if (isOpenAt(hours, at)) return at;
  const offset = hours.utcOffsetMinutes * MINUTE;
  const localMidnight = Math.floor((at + offset) / DAY) * DAY;
  for (let d = 0; d <= 7; d++) {
    const candidate = localMidnight + d * DAY + minutesOf(hours.open) * MINUTE - offset;
    if (candidate >= at && isOpenAt(hours, candidate)) return candidate;
  }
  return null;
}

/** The next instant after `at` when open hours end, or null if they never do (no hours, or never open). */
export function nextClosing(hours: OperatingHours | null, at: number): number | null {
  if (!hours) return null;
  const offset = hours.utcOffsetMinutes * MINUTE;
  const localMidnight = Math.floor((at + offset) / DAY) * DAY;
  for (let d = 0; d <= 8; d++) {
    const candidate = localMidnight + d * DAY + minutesOf(hours.close) * MINUTE - offset;
    if (candidate > at && isOpenAt(hours, candidate - 1) && !isOpenAt(hours, candidate)) return candidate;
  }
  return null;
}

/** Fill `{name}` placeholders with `values`; a placeholder it has no own value for (`{constructor}`) stays as it is. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.hasOwn(values, key) ? String(values[key]) : whole,
  );
}
