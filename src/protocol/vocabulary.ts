// The words the server and its clients share: presences, conversation states, offer kinds and statuses, the
// message limit. Defined once here; the routing core, the protocol's schemas, the console, the monitor, the
// widget and the customer's CLI all take them from this file. No imports, so that anything may import it.

/** Largest message, in characters (code points). */
export const MAX_MESSAGE_LENGTH = 1000;

/** CSAT: a rating is a whole number from 1 to 5, with a comment of at most this many characters (code points). */
export const MIN_RATING = 1;
export const MAX_RATING = 5;
export const MAX_RATING_COMMENT_LENGTH = 500;
/** How long after a conversation ended its customer may still rate it. */
export const RATING_WINDOW_MS = 24 * 60 * 60 * 1000;

export const PRESENCES = ["available", "busy", "dnd", "away", "offline", "rona"] as const;
export type Presence = (typeof PRESENCES)[number];
/** A presence as the product names it to people. */
export const PRESENCE_WORD: Readonly<Record<Presence, string>> = {
  available: "Available",
  busy: "Busy",
  dnd: "Busy-DND",
  away: "Away",
  offline: "Offline",
  rona: "RONA",
};
/** The presences a user sets; RONA is only ever set by the server (an offer not answered in time). */
export const SETTABLE_PRESENCES: readonly Presence[] = PRESENCES.filter((p) => p !== "rona");
/** The presences an org may list reasons for (Busy: "Lunch"; Away: "Meeting"): the ones that keep offers away. */
export const REASON_PRESENCES = ["busy", "dnd", "away"] as const;
export type ReasonPresence = (typeof REASON_PRESENCES)[number];
/** A reason a rep gives for a presence, from the org's list. */
export interface PresenceReason {
  id: string;
  label: string;
}
/** The org's reasons per presence (a presence with no list has none). */
export type PresenceReasons = Partial<Record<ReasonPresence, PresenceReason[]>>;

export const CONVERSATION_STATES = ["open", "active", "waiting", "wrapup", "closed"] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];
/** A conversation state as the product names it to people. */
export const STATE_WORD: Readonly<Record<ConversationState, string>> = {
  open: "Open",
  active: "Active",
  waiting: "Waiting",
  wrapup: "Wrap-up",
  closed: "Closed",
};

export const OFFER_KINDS = ["route", "transfer", "conference", "supervisor_transfer", "consult"] as const;
/** Why a rep is offered a conversation (a consult costs no capacity). */
export type OfferKind = (typeof OFFER_KINDS)[number];
export const OFFER_STATUSES = ["pending", "accepted", "rejected", "timed_out", "withdrawn"] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/**
 * The S9 hint. To the rep in the conversation it is SPEC's own sentence; a supervisor watching someone else's is told
 * whose it is (`ownerName`), or that no rep has it yet (null).
 */
export function urgentAttentionText(title: string, watching?: { ownerName: string | null }): string {
  if (!watching) return `${title}. Urgent attention needed in your conversation.`;
  const whose = watching.ownerName ? `${watching.ownerName}'s conversation` : "a conversation no rep has yet";
  return `${title}. Urgent attention needed in ${whose}.`;
}
