// Pure selectors of the monitor: table rows (filtered, saved view, sorted), counts, timers, the team
// and queues, what each action needs before it is sent, and the transfer status line.
import { sharedStart, startingWith } from "../keys/complete.js";
import { conversationRefusal, setPresenceRefusal, settingRefusal } from "../../protocol/rules.js";
import type { SupervisorAction } from "../../protocol/rules.js";
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { ConversationView, OrgView, SentimentStep, UserView } from "../../protocol/views.js";
import { duration, unreadBadge, waitMark } from "../mirror/selectors.js";
import type { WaitMark } from "../mirror/selectors.js";
import type { Session } from "../mirror/state.js";
import { SENTIMENT_LABEL, STATE_LABEL } from "../theme/theme.js";
import { userPresenceText } from "../components/presence-items.js";
import type { MonitorState, SavedView, SortKey, TransferStatus } from "./state.js";

/** Rows changed this recently carry a change mark (more than colour, UX 10). */
export const CHANGE_MARK_MS = 5000;

/** Server "now" as this terminal estimates it. */
export function liveNow(state: MonitorState): number {
  return state.base.now + state.base.clockSkew;
}

/** What the screen shows: the live data, or the data as it was when paused (timers stand still too). */
export function displayed(state: MonitorState): {
  sessions: Record<string, Session>;
  users: Record<string, UserView>;
  now: number;
} {
  if (state.paused)
    return { sessions: state.paused.base.sessions, users: state.paused.users, now: state.paused.serverNow };
  return { sessions: state.base.sessions, users: state.users, now: liveNow(state) };
}

export { duration };

export function firstName(name: string): string {
  return sanitizeLine(name).split(" ")[0] ?? "";
}

function nameOf(users: Record<string, UserView>, id: string | null): string {
  if (!id) return "";
  return sanitizeLine(users[id]?.name ?? id);
}

/** The state with its glyph and word, and what is going on inside it (transfer, conference, abort). */
export function stateText(view: ConversationView): string {
  if (view.aborted) return "⚠ Aborted";
  if (view.transfer)
    return `⇄ to ${view.transfer.target.kind === "rep" ? firstName(view.transfer.target.name) : sanitizeLine(view.transfer.target.name)}`;
  if (view.state === "active" && view.conferenceRequested) return "▶ Conf. requested";
  if (view.state === "active" && view.participants.length > 0) return "▶ Conference";
  const label = STATE_LABEL[view.state]!;
  return `${label.glyph} ${label.word}`;
}

/** A table row in words, for screen readers: every column, named, without glyphs or padding. */
export function spokenMonitorRow(row: MonitorRow, selected: boolean): string {
  const who =
    row.rep === ""
      ? "unassigned"
      : row.rep.startsWith("→ ")
        ? `offered to ${row.rep.slice(2)}`
        : row.repIsLast
          ? `parked by ${row.rep}`
          : `rep ${row.rep}`;
  const unread = row.unread === "" ? "" : row.unread === "+" ? "10 or more new" : `${row.unread} new`;
  const parts = [
    row.id,
    row.state.replace(/^\S+ /, ""),
    row.mode === "live" ? "live" : "persistent",
    row.queue,
    who,
    row.with,
    row.customer,
    row.time,
    row.wait ? `customer ${row.wait.words}` : "",
    SENTIMENT_LABEL[row.sentiment].word,
    row.alert ? "urgent" : "",
    unread,
    row.you === "mon" ? "you monitor" : row.you === "join" ? "you joined" : "",
    selected ? "selected" : "",
  ];
  return parts.filter((p) => p !== "").join(", ");
}

export function sentimentText(step: SentimentStep): string {
  const label = SENTIMENT_LABEL[step];
  return `${label.glyph} ${label.word}`;
}

/** "conf Bob · cons Carol": conference participants (and an invitation), then consultants (SV7). */
export function withText(view: ConversationView, users: Record<string, UserView>): string {
  const parts: string[] = [];
  if (view.participants.length > 0)
    parts.push(`conf ${view.participants.map((id) => firstName(nameOf(users, id))).join(", ")}`);
  if (view.conferenceRequested) parts.push(`conf? ${firstName(view.conferenceRequested.repName)}`);
  if (view.consultants.length > 0)
    parts.push(`cons ${view.consultants.map((id) => firstName(nameOf(users, id))).join(", ")}`);
  return parts.join(" · ");
}

/** The wait in the queue (Open), the handle time with the current rep (Active, Wrap-up), the time left (Waiting). */
export function timeOf(view: ConversationView, now: number): { ms: number; text: string } {
  switch (view.state) {
    case "open": {
      const ms = Math.max(0, now - (view.queuedAt ?? view.createdAt));
      return { ms, text: duration(ms) };
    }
    case "active":
    case "wrapup": {
      const ms = Math.max(0, now - (view.assignedAt ?? view.createdAt));
      return { ms, text: duration(ms) };
    }
    case "waiting":
      return { ms: 0, text: view.waitingUntil ? `${duration(Math.max(0, view.waitingUntil - now))} left` : "" };
    case "closed":
      return { ms: 0, text: "" };
  }
}

export interface MonitorRow {
  id: string;
  view: ConversationView;
  state: string;
  mode: string;
  queue: string;
  rep: string;
  /** The rep is the one who had it before (Waiting). */
  repIsLast: boolean;
  with: string;
  customer: string;
  timeMs: number;
  time: string;
  /** How long the customer has waited for an answer, against the workstream's targets; null when nobody owes one. */
  wait: WaitMark | null;
  sentiment: SentimentStep;
  sentimentText: string;
  alert: boolean;
  unread: string;
  you: "" | "mon" | "join";
  changed: boolean;
}

export function rowOf(state: MonitorState, session: Session, users: Record<string, UserView>, now: number): MonitorRow {
  const view = session.view;
  const meId = state.base.me?.id ?? "";
  const time = timeOf(view, now);
  // Nobody owns it: who parked it (Waiting) or who it is offered to right now (Open), greyed.
  const rep = view.ownerId
    ? sanitizeLine(view.ownerName ?? nameOf(users, view.ownerId))
    : view.state === "waiting"
      ? nameOf(users, view.lastOwnerId)
      : view.offeredTo
        ? `→ ${sanitizeLine(view.offeredTo.repName)}`
        : "";
  return {
    id: view.id,
    view,
    state: stateText(view),
    mode: view.mode === "live" ? "live" : "pers",
    queue: sanitizeLine(view.queueName),
    rep,
    repIsLast: !view.ownerId && rep !== "",
    with: withText(view, users),
    customer: sanitizeLine(view.title) || sanitizeLine(view.customer.name),
    timeMs: time.ms,
    time: time.text,
    wait: waitMark(state.base.org, view, now),
    sentiment: view.sentiment,
    sentimentText: sentimentText(view.sentiment),
    alert: view.alert,
    unread: unreadBadge(state.unread[view.id] ?? 0),
    you: view.supervisors[meId] === "join" ? "join" : view.supervisors[meId] === "monitor" ? "mon" : "",
    changed: state.touched[view.id] !== undefined && now - state.touched[view.id]! < CHANGE_MARK_MS,
  };
}

function inView(view: ConversationView, saved: SavedView): boolean {
  switch (saved) {
    case "all":
      return true;
    case "open":
      return view.state === "open";
    case "waiting":
      return view.state === "waiting";
    case "alerts":
      return view.alert;
  }
}

const FIELDS = ["state", "queue", "rep", "mode", "id", "customer"] as const;

/** `:queue billing` (the command line) is the filter `queue:billing`. */
function commandAsFilter(filter: string): string {
  const [field, ...value] = filter.trim().slice(1).split(/\s+/);
  return field && value.length > 0 ? `${field}:${value.join(" ")}` : (field ?? "");
}

/** Every word must match: `field:value` words look in that column (`id:` is the whole id), plain words anywhere. */
export function matchesFilter(row: MonitorRow, filter: string): boolean {
  const words = (filter.trimStart().startsWith(":") ? commandAsFilter(filter) : filter)
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return true;
  const state = `${row.view.state} ${STATE_LABEL[row.view.state]!.word} ${row.state}`.toLowerCase();
  const columns: Record<(typeof FIELDS)[number], string> = {
    state,
    queue: row.queue.toLowerCase(),
    rep: `${row.rep} ${row.with}`.toLowerCase(),
    mode: `${row.view.mode} ${row.mode}`.toLowerCase(),
    id: row.id.toLowerCase(),
    customer: row.customer.toLowerCase(),
  };
  const everything = [
    state,
    columns.queue,
    columns.rep,
    columns.mode,
    columns.id,
    columns.customer,
    row.sentimentText.toLowerCase(),
  ].join(" ");
  return words.every((word) => {
    const [field, ...rest] = word.split(":");
    const value = rest.join(":");
    // An id is one conversation: `id:c1` is c1, not c10 to c19 as well.
    if (field === "id" && rest.length > 0) return columns.id === value;
    if (rest.length > 0 && (FIELDS as readonly string[]).includes(field!))
      return columns[field as (typeof FIELDS)[number]].includes(value);
    return everything.includes(word);
  });
}

/** What each column's filter looks for in a row, as the table shows it (for Tab's values). */
const COLUMN_VALUE: Record<(typeof FIELDS)[number], (row: MonitorRow) => string> = {
  state: (row) => row.view.state,
  queue: (row) => row.queue,
  rep: (row) => row.rep,
  mode: (row) => row.view.mode,
  id: (row) => row.id,
  customer: (row) => row.customer,
};

/** The values a column's filter can take among `rows`, sorted. */
function columnValues(rows: readonly MonitorRow[], field: (typeof FIELDS)[number]): string[] {
  return [...new Set(rows.map(COLUMN_VALUE[field]).filter((v) => v && v !== "—"))].sort((a, b) => a.localeCompare(b));
}

/**
 * Tab in the filter: the last word completed, as far as what it may be agrees. A column's name (`:qu` → `:queue `,
 * `sta` → `state:`), or a value of that column among the conversations (`:queue b` → `:queue Billing`, `rep:al` →
 * `rep:Alice Moreau`). Candidates are what it may still be (none: nothing to complete).
 */
export function completeFilter(
  filter: string,
  rows: readonly MonitorRow[],
): { completed: string; candidates: string[] } {
  const none = { completed: filter, candidates: [] };
  const fieldsFrom = (typed: string) => startingWith(typed, FIELDS);
  const valuesFrom = (field: string, typed: string) =>
    (FIELDS as readonly string[]).includes(field)
      ? startingWith(typed, columnValues(rows, field as (typeof FIELDS)[number]))
      : [];
  const command = /^:(\w*)$/.exec(filter) ?? /^:(\w+) (.*)$/.exec(filter);
  if (command) {
    const [, field = "", value] = command;
    if (value === undefined) {
      const candidates = fieldsFrom(field);
      const shared = sharedStart(field, candidates);
      return { completed: `:${shared}${candidates.length === 1 ? " " : ""}`, candidates };
    }
    const candidates = valuesFrom(field.toLowerCase(), value);
    return { completed: `:${field} ${sharedStart(value, candidates)}`, candidates };
  }
  const at = filter.search(/\S*$/);
  const word = filter.slice(at);
  if (word === "" || filter.startsWith(":")) return none;
  const colon = word.indexOf(":");
  if (colon < 0) {
    const candidates = fieldsFrom(word);
    const shared = sharedStart(word, candidates);
    return { completed: filter.slice(0, at) + shared + (candidates.length === 1 ? ":" : ""), candidates };
  }
  const field = word.slice(0, colon).toLowerCase();
  const candidates = valuesFrom(field, word.slice(colon + 1));
  return {
    completed: filter.slice(0, at) + word.slice(0, colon + 1) + sharedStart(word.slice(colon + 1), candidates),
    candidates,
  };
}

const STATE_RANK: Record<string, number> = { open: 0, active: 1, wrapup: 2, waiting: 3, closed: 4 };

function numericId(id: string): number {
  const n = Number(id.replace(/^\D+/, ""));
  return Number.isFinite(n) ? n : 0;
}

function compareIds(a: string, b: string): number {
  return numericId(a) - numericId(b) || a.localeCompare(b);
}

/** The natural order of each column: the longest time, the worst sentiment, Open first, then by name. */
function compare(key: SortKey, a: MonitorRow, b: MonitorRow): number {
  switch (key) {
    case "time":
      return b.timeMs - a.timeMs;
    case "sentiment":
      return Number(b.alert) - Number(a.alert) || a.sentiment - b.sentiment;
    case "state":
      return STATE_RANK[a.view.state]! - STATE_RANK[b.view.state]!;
    case "queue":
      return a.queue.localeCompare(b.queue);
    case "rep":
      return (a.rep || "~").localeCompare(b.rep || "~");
    case "id":
      return compareIds(a.id, b.id);
  }
}

/** All ongoing conversations as rows, before the saved view and the filter. */
export function allRows(state: MonitorState): MonitorRow[] {
  const { sessions, users, now } = displayed(state);
  return Object.values(sessions)
    .filter((s) => s.view.state !== "closed")
    .map((s) => rowOf(state, s, users, now));
}

/** The table: ongoing conversations in the saved view, matching the filter, sorted (ties by id). */
export function tableRows(state: MonitorState): MonitorRow[] {
  const rows = allRows(state).filter((r) => inView(r.view, state.view) && matchesFilter(r, state.filter));
  const direction = state.reversed ? -1 : 1;
  return rows.sort((a, b) => direction * compare(state.sort, a, b) || compareIds(a.id, b.id));
}

export function viewCounts(state: MonitorState): Record<SavedView, number> {
  const rows = allRows(state);
  return {
    all: rows.length,
    open: rows.filter((r) => inView(r.view, "open")).length,
    waiting: rows.filter((r) => inView(r.view, "waiting")).length,
    alerts: rows.filter((r) => inView(r.view, "alerts")).length,
  };
}

/** Whether any workstream sets response targets: without them, nothing can be past one. */
export function hasResponseTargets(org: OrgView | null): boolean {
  return org?.workstreams.some((w) => w.responseTargets !== undefined) ?? false;
}

/** Ongoing conversations whose customer has waited past their workstream's response target. */
export function pastTargetCount(state: MonitorState): number {
  return allRows(state).filter((r) => r.wait?.level === "late").length;
}

// ---- actions: what each needs (SV2, SV4–SV8) --------------------------------------------------------

export type { SupervisorAction };

/** The org setting behind each action (join needs the monitor setting), in the server's own words (SV8). */
export function settingOff(org: OrgView | null, action: SupervisorAction): string | null {
  return org ? (settingRefusal(org.supervisor, action)?.message ?? null) : null;
}

/**
 * Why an action cannot be done on a conversation now (live data, not the paused copy), or null: the server's own
 * rules (src/protocol/rules.ts), so the monitor dims and explains exactly what the server would refuse.
 */
export function refusalFor(
  state: MonitorState,
  action: SupervisorAction,
  conversationId: string | null,
): string | null {
  const off = settingOff(state.base.org, action);
  if (off) return off;
  const view = conversationId ? state.base.sessions[conversationId]?.view : undefined;
  if (!view) return "No conversation is selected.";
  const refusal = conversationRefusal(action, view, state.base.me?.id ?? "");
  return refusal ? sanitizeLine(refusal.message) : null;
}

// ---- team and queues --------------------------------------------------------------------------------

/** The rep selected in the team view (its position is kept within the rows there are), or null. */
export function selectedTeamRow(state: MonitorState): TeamRow | null {
  const rows = teamRows(state);
  return rows.length === 0 ? null : rows[Math.min(state.teamIndex, rows.length - 1)]!;
}

/** Why the supervisor cannot set the selected rep's presence now (the server's words), or null. */
export function presenceRefusalFor(state: MonitorState): string | null {
  const off = state.base.org ? setPresenceRefusal(state.base.org.supervisor) : null;
  if (off) return off.message;
  return selectedTeamRow(state) ? null : "No rep is selected.";
}

export interface TeamRow {
  id: string;
  name: string;
  /** "◐ Busy · Lunch": the presence with the reason given for it. */
  presence: string;
  /** How long in that presence ("12m"), "—" when not known. */
  since: string;
  rona: boolean;
  available: boolean;
  used: number;
  capacity: number;
  over: number;
  conversations: number;
  queues: string;
}

export function teamRows(state: MonitorState): TeamRow[] {
  const { users, now } = displayed(state);
  const queueName = (id: string) => sanitizeLine(state.base.org?.queues.find((q) => q.id === id)?.name ?? id);
  return Object.values(users)
    .filter((u) => u.role === "rep" || u.capacity > 0)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .map((u) => ({
      id: u.id,
      name: sanitizeLine(u.name),
      presence: userPresenceText(u),
      since: u.presenceSince === undefined ? "—" : duration(Math.max(0, now - u.presenceSince)),
      rona: u.presence === "rona",
      available: u.presence === "available",
      used: u.used,
      capacity: u.capacity,
      over: Math.max(0, u.used - u.capacity),
      conversations: u.conversations,
      queues: u.queues.map(queueName).join(", "),
    }));
}

export interface QueueRow {
  id: string;
  name: string;
  open: number;
  longestWait: string;
  longestWaitMs: number;
  active: number;
  waiting: number;
}

export function queueRows(state: MonitorState): QueueRow[] {
  const { sessions, now } = displayed(state);
  const views = Object.values(sessions).map((s) => s.view);
  return (state.base.org?.queues ?? []).map((q) => {
    const inQueue = views.filter((v) => v.queueId === q.id);
    const open = inQueue.filter((v) => v.state === "open");
    const longest = open.reduce((max, v) => Math.max(max, now - (v.queuedAt ?? v.createdAt)), 0);
    return {
      id: q.id,
      name: sanitizeLine(q.name),
      open: open.length,
      longestWaitMs: longest,
      longestWait: open.length > 0 ? duration(Math.max(0, longest)) : "—",
      active: inQueue.filter((v) => v.state === "active" || v.state === "wrapup").length,
      waiting: inQueue.filter((v) => v.state === "waiting").length,
    };
  });
}

// ---- transfer status (SV7) --------------------------------------------------------------------------

/** The status line of a transfer: pending from the conversation itself, then the answer this supervisor saw. */
export function transferLine(
  view: ConversationView,
  mine: TransferStatus | undefined,
  users: Record<string, UserView>,
): string | null {
  if (view.transfer) {
    const by = view.transfer.by === "supervisor" ? "supervisor transfer" : "transfer";
    return `⇄ ${by} to ${sanitizeLine(view.transfer.target.name)}: waiting for an answer`;
  }
  if (!mine) return null;
  const target = sanitizeLine(mine.target.name);
  const consultants = view.consultants.map((id) => nameOf(users, id)).join(", ");
  switch (mine.status) {
    case "pending":
      return `⇄ transfer to ${target}: waiting for an answer`;
    case "accepted":
      return `⇄ ${target} accepted the transfer${consultants ? `; consultant: ${consultants}` : ""}`;
    case "queued":
      return `⇄ transferred to queue ${target}${consultants ? `; consultant: ${consultants}` : ""}`;
    case "rejected":
      return `⇄ ${target} rejected the transfer; it stays with ${mine.fromName ? sanitizeLine(mine.fromName) : "its rep"}`;
    case "withdrawn":
      return `⇄ the transfer to ${target} was withdrawn`;
  }
}
