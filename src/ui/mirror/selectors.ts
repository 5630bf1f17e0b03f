// Pure selectors: rows, badges, hints and timers derived from the state.
import { sanitizeLine } from "../../protocol/sanitize.js";
import { clock, localMidnight } from "../text/index.js";
import type { ConversationView, OfferView, OrgView } from "../../protocol/views.js";
import { customerWait } from "../../protocol/response-targets.js";
import { urgentAttentionText } from "../../protocol/vocabulary.js";
import type { WaitLevel } from "../../protocol/response-targets.js";
import { editorFor } from "../keys/line-editor.js";
import type { LineEditor } from "../keys/line-editor.js";
import type { Session, UiState } from "./state.js";

/** S10: 1–9, then "+" for 10 or more; empty when nothing is unread. */
export function unreadBadge(unread: number): string {
  if (unread <= 0) return "";
  return unread >= 10 ? "+" : String(unread);
}

export function sessionTitle(session: Session): string {
  return sanitizeLine(session.view.title) || session.id;
}

/** S10 hint, verbatim: "<title>. <X> new updates in your conversation." (one: "1 new update"). */
export function unreadHint(session: Session): string | null {
  if (session.unread === 0) return null;
  const updates = session.unread === 1 ? "1 new update" : `${session.unread} new updates`;
  return `${sessionTitle(session)}. ${updates} in your conversation.`;
}

/**
 * S9: whether a session's sentiment alert calls for the rep now: while the conversation is Active, someone can still
 * answer the customer. Ended, closed (a supervisor's force close, say), parked or back in a queue, the `!` stays on
 * its row but nothing urges the rep to it.
 */
export function alertsNow(session: Session): boolean {
  return session.view.alert && session.view.state === "active";
}

/** S9 hint, verbatim: "<title>. Urgent attention needed in your conversation." */
export function alertHint(session: Session): string | null {
  return alertsNow(session) ? urgentAttentionText(sessionTitle(session)) : null;
}

export interface SessionRow {
  id: string;
  number: number;
  title: string;
  badge: string;
  alert: boolean;
  state: string;
  draft: boolean;
  proactive: boolean;
  focused: boolean;
  aborted: boolean;
  label: string;
  /** How long the customer has waited for an answer; null when nobody owes them one. */
  wait: WaitMark | null;
}

/** The customer's wait as the screen shows it: its level, a short clock and the same in words. */
export interface WaitMark {
  level: WaitLevel;
  /** "2:05", "12m", "1h05", "3d". */
  clock: string;
  /** "waiting 2:05, past target": the header and screen readers. */
  words: string;
}

/** The customer's wait in a conversation at `now` (server time), against its workstream's response targets. */
export function waitMark(org: OrgView | null, view: ConversationView, now: number): WaitMark | null {
  const targets = org?.workstreams.find((w) => w.id === view.workstreamId)?.responseTargets;
  const wait = customerWait(view, targets, now);
  if (!wait) return null;
  const clock = duration(wait.ms);
  const past = wait.level === "late" ? (wait.firstResponse ? ", past first-response target" : ", past target") : "";
  return { level: wait.level, clock, words: `waiting ${clock}${past}` };
}

export function sessionRows(state: UiState): SessionRow[] {
  const now = serverNow(state);
  return state.order
    .map((id, index) => {
      const s = state.sessions[id]!;
      return {
        id,
        number: index + 1,
        title: sessionTitle(s),
        badge: unreadBadge(s.unread),
        alert: s.view.alert,
        state: s.view.state,
        draft: s.draft.length > 0 || s.outbox.length > 0,
        proactive: s.view.proactive,
        focused: state.focus === id,
        aborted: s.view.aborted !== null,
        label: stateLabel(s, state.me?.id),
        wait: waitMark(state.org, s.view, now),
      };
    })
    .filter((row) => row !== undefined);
}

/** A session row in words, for screen readers: the glyphs and badges of the row say the same to the eye. */
export function spokenRow(row: SessionRow): string {
  const unread = row.badge === "" ? "" : row.badge === "+" ? ", 10 or more unread" : `, ${row.badge} unread`;
  const extras = [
    row.alert ? "urgent" : "",
    row.wait ? `customer ${row.wait.words}` : "",
    row.draft ? "draft" : "",
    row.proactive ? "proactive" : "",
    row.focused ? "selected" : "",
  ].filter(Boolean);
  return `${row.number} ${row.title}, ${row.label}${unread}${extras.length > 0 ? `, ${extras.join(", ")}` : ""}`;
}

/** The state in words, as the rep needs it: "Conference requested", "Conference", "Customer ended", … */
/** Whether `meId` consults on the conversation (sees it, writes to its rep only) rather than handling it. */
export function isConsulting(view: Session["view"], meId: string | undefined): boolean {
  return (
    meId !== undefined && view.consultants.includes(meId) && view.ownerId !== meId && !view.participants.includes(meId)
  );
}

export function stateLabel(session: Session, meId: string | undefined): string {
  const v = session.view;
  if (v.aborted) return "Aborted";
  if (isConsulting(v, meId) && v.state !== "closed") return "Consulting";
  if (v.state === "active" && v.conferenceRequested) return "Conference requested";
  if (v.state === "active" && v.participants.length > 0) return "Conference";
  if (v.state === "wrapup" && v.customerEnded) return "Customer ended";
  if (meId && v.wrapUpBy.includes(meId)) return "Wrap-up";
  if (v.state === "open" && meId && v.lastOwnerId !== meId) return "Transferred";
  return { open: "Open", active: "Active", waiting: "Waiting", wrapup: "Wrap-up", closed: "Closed" }[v.state];
}

/** The rep was invited into another rep's Active conversation (a conference): they leave it, its owner ends it. */
export function isConferenceGuest(view: ConversationView, meId: string | undefined): boolean {
  return meId !== undefined && view.state === "active" && view.ownerId !== meId && view.participants.includes(meId);
}

/** Lines an offer's preview shows, as the server's offer view does. */
const OFFER_PREVIEW_MESSAGES = 3;

/**
 * The pending offer shown first: the oldest. Its preview, sentiment and alert are the conversation's as it is now: what
 * the customer writes while the offer waits reaches the offered rep (the offer view is as it was when made).
 */
export function currentOffer(state: UiState): OfferView | null {
  const pending = Object.values(state.offers).filter((o) => o.status === "pending");
  pending.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const offer = pending[0];
  if (!offer) return null;
  const session = state.sessions[offer.conversationId];
  if (!session) return offer;
  const lines = session.messages.filter((m) => m.author.role !== "system");
  return {
    ...offer,
    preview: lines.length > 0 ? lines.slice(-OFFER_PREVIEW_MESSAGES) : offer.preview,
    sentiment: session.view.sentiment,
    alert: session.view.alert,
  };
}

/** "0:42", "12m", "1h05" */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 600) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}`;
}

/** "0:42", "12m", "1h05", then "3d" past a day. */
export function duration(ms: number): string {
  if (ms >= 86_400_000) return `${Math.floor(ms / 86_400_000)}d`;
  return elapsed(ms);
}

/** Server "now" as this terminal estimates it. */
export function serverNow(state: UiState): number {
  return state.now + state.clockSkew;
}

export function offerCountdown(state: UiState, offer: OfferView): number {
  // Never more than the offer lasts: the server's clock, estimated from here, may lag it by the welcome's transit.
  const lasts = Math.ceil((offer.expiresAt - offer.createdAt) / 1000);
  return Math.max(0, Math.min(lasts, Math.ceil((offer.expiresAt - serverNow(state)) / 1000)));
}

/** Attention order (Alt+A, switcher): offers first, then sentiment alerts, then unread; oldest first. */
export function attentionOrder(state: UiState): string[] {
  const score = (s: Session) => (alertsNow(s) ? 2 : 0) + (s.unread > 0 ? 1 : 0);
  return [...state.order]
    .map((id) => state.sessions[id]!)
    .filter((s) => score(s) > 0)
    .sort((a, b) => score(b) - score(a) || (a.messages.at(-1)?.at ?? 0) - (b.messages.at(-1)?.at ?? 0))
    .map((s) => s.id);
}

export function totalUnread(state: UiState): number {
  return state.order.reduce((sum, id) => sum + (state.sessions[id]?.unread ?? 0), 0);
}

/** How many messages of a session are known to exist before the oldest one held (0 once the oldest is held). */
export function earlierCount(session: Session): number {
  if (session.earlier && !session.earlier.more) return 0;
  return Math.max(0, session.view.messageCount - session.messages.length);
}

/** Whether earlier messages of a session exist that it does not hold. */
export function hasEarlier(session: Session): boolean {
  return session.earlier ? session.earlier.more : earlierCount(session) > 0;
}

/** S2: the conversation summary under the details: channel, when it started, how much was said. */
export function conversationSummary(session: Session): string {
  const v = session.view;
  const total = Math.max(session.messages.length, earlierCount(session) + session.messages.length);
  const head = `${sanitizeLine(v.workstreamName)} · started ${clock().time(v.createdAt)} · ${total} message${total === 1 ? "" : "s"}`;
  // Who wrote what is known of the messages held only: said once the whole thread is.
  if (hasEarlier(session)) return head;
  const fromCustomer = session.messages.filter((m) => m.author.role === "customer").length;
  return `${head} (${fromCustomer} from the customer)`;
}

/** Where the cursor of a field is: its editor's, or the end of a text set from elsewhere. */
export function cursorIn(text: string, editor: LineEditor | undefined): number {
  return editorFor(text, editor).cursor;
}

/**
 * Home's Today figures: the server's last answer while it is for the day of `state.now`; none (zeros) before it
 * answered and once the local midnight has passed since.
 */
export function todayFigures(state: UiState): { accepted: number; ended: number; transferred: number } {
  const today = state.today;
  return today && today.since >= localMidnight(state.now) ? today : { accepted: 0, ended: 0, transferred: 0 };
}
