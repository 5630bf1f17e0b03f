// What each role sees of the server's state: the view types carried by protocol v1.
// Reps and supervisors get masked customer data when the org enables masking; customers see only their
// own conversation.
import type { QuickReply } from "./quick-replies.js";
import type { ResponseTargets } from "./response-targets.js";

import type {
  ConversationState,
  OfferKind,
  OfferStatus,
  Presence,
  PresenceReason,
  PresenceReasons,
} from "./vocabulary.js";

export type { ConversationState, OfferKind, OfferStatus, Presence, PresenceReason, PresenceReasons };
export type Mode = "live" | "persistent";
export type SentimentStep = -3 | -2 | -1 | 0 | 1 | 2 | 3;

export type AuthorView =
  { role: "customer"; name: string } | { role: "rep" | "supervisor"; id: string; name: string } | { role: "system" };

/** The system messages the server writes into a conversation (MessageView.code): one list for server and clients. */
export type SystemMessageCode =
  | "rep_joined"
  | "rep_left"
  | "queue_position"
  | "average_wait"
  | "outside_hours"
  | "ended"
  | "customer_ended"
  | "force_closed"
  | "waiting_expired"
  | "aborted";

export interface MessageView {
  id: string;
  at: number;
  author: AuthorView;
  text: string;
  clientId?: string;
  /** Customer messages, for reps and supervisors (S9, SV3). */
  sentiment?: SentimentStep;
  /** System messages: a stable code such as "customer_ended" or "queue_position". */
  code?: SystemMessageCode;
}

/** A customer's rating of an ended conversation (CSAT): 1 (poor) to 5 (excellent), and an optional comment. */
export interface RatingView {
  score: number;
  /** Customer text: masked for staff like the customer's messages. */
  comment?: string;
  at: number;
}

/**
 * A staff-only line (never sent to a customer): a note (no `kind`), a consultant's line to the rep (`consult`), or a
 * supervisor's whisper to the rep (`whisper`).
 */
export interface NoteView {
  id: string;
  at: number;
  author: { role: "rep" | "supervisor"; id: string; name: string };
  text: string;
  kind?: "consult" | "whisper";
}

export interface CustomerView {
  name: string;
  authenticated: boolean;
  email?: string;
  phone?: string;
  account?: string;
  caseTitle?: string;
}

/** A conversation as a rep or supervisor sees it. */
export interface ConversationView {
  id: string;
  state: ConversationState;
  mode: Mode;
  workstreamId: string;
  workstreamName: string;
  queueId: string;
  queueName: string;
  title: string;
  customer: CustomerView;
  proactive: boolean;
  context: Record<string, string>;
  ownerId: string | null;
  ownerName: string | null;
  lastOwnerId: string | null;
  participants: string[];
  consultants: string[];
  /** "Conference requested" while the invited rep has not answered (L11). */
  conferenceRequested: { repId: string; repName: string } | null;
  /** An Open conversation's pending routing offer: the rep it is offered to, until they answer or it times out. */
  offeredTo: { repId: string; repName: string; expiresAt: number } | null;
  transfer: {
    by: "rep" | "supervisor";
    fromRepId: string | null;
    target: { kind: "queue" | "rep"; id: string; name: string };
  } | null;
  supervisors: Record<string, "monitor" | "join">;
  /** Reps still choosing a wrap-up reason. */
  wrapUpBy: string[];
  sentiment: SentimentStep;
  alert: boolean;
  createdAt: number;
  queuedAt: number | null;
  /** When its current rep took it: the handle time of an Active or Wrap-up conversation. */
  assignedAt: number | null;
  waitingUntil: number | null;
  /**
   * When the customer's oldest unanswered message was sent (the first customer message after the last rep or
   * supervisor message); null when staff had the last word. A client keeps it up to date as messages arrive
   * (src/protocol/response-targets.ts).
   */
  customerWaitingSince: number | null;
  /** When a rep or supervisor first wrote in it; null until one has (the first-response target applies). */
  firstResponseAt: number | null;
  customerEnded: boolean;
  aborted: string | null;
  closedAt: number | null;
  closedBy: string | null;
  /** The customer's rating, once they gave one (CSAT). */
  rating?: RatingView;
  /** How many messages the conversation has (every author, system messages included). */
  messageCount: number;
  /**
   * Only in snapshots and on first sight: its latest messages (at most RECENT_MESSAGES; none while parked in Waiting,
   * those written since when it comes back), oldest first. Later messages arrive one by one; earlier ones are read a
   * page at a time with the `messages` request.
   */
  messages?: MessageView[];
  /** Staff notes, all of them, with `messages`; later notes arrive one by one (`note` changes). */
  notes?: NoteView[];
}

/**
 * One earlier conversation of a signed-in customer, as the `history` request lists it for a rep or a supervisor:
 * when it was, where, who handled it and how it was wrapped up (the rep opens it read-only with `history_conversation`).
 */
export interface HistoryItemView {
  id: string;
  state: ConversationState;
  mode: Mode;
  createdAt: number;
  closedAt: number | null;
  queueName: string;
  workstreamName: string;
  /** The rep who handled it last, if any rep did. */
  repName: string | null;
  /** The label of its wrap-up reason (that rep's, else the last one submitted); null when none is known. */
  wrapUpReason: string | null;
  /** Masked as every title staff see. */
  title: string;
}

/** A conversation as its customer sees it. */
export interface CustomerConversationView {
  id: string;
  state: ConversationState;
  mode: Mode;
  /** The rep handling it, if any. */
  repName: string | null;
  ended: boolean;
  /** Ended, answered by a rep and not rated yet: the customer may rate it until then (Unix ms). Clients ask for it. */
  rateUntil?: number;
  /** Their rating, once given. */
  rating?: RatingView;
  /** How many messages the conversation has (system messages included). */
  messageCount: number;
  /** As in ConversationView: the latest messages on first sight; earlier ones with the `messages` request. */
  messages?: MessageView[];
}

export interface OfferView {
  id: string;
  conversationId: string;
  kind: OfferKind;
  status: OfferStatus;
  createdAt: number;
  expiresAt: number;
  byName: string | null;
  /** L1: customer name, queue name, thread preview and when the conversation arrived. */
  title: string;
  customerName: string;
  queueName: string;
  proactive: boolean;
  arrivedAt: number;
  preview: MessageView[];
  /** S9: the customer's sentiment so far (-3..3) and whether it is past the workstream's alert threshold. */
  sentiment: number;
  alert: boolean;
  /** A routing offer of a parked chat whose customer came back (P6, P12): not a new conversation. */
  returning?: boolean;
}

export interface UserView {
  id: string;
  name: string;
  role: "rep" | "supervisor";
  presence: Presence;
  /** The org's reason given with the presence ("Lunch"); absent when none was given. */
  presenceReason?: PresenceReason;
  /** Server time the presence (or its reason) was set; absent when not known (set before the server recorded it). */
  presenceSince?: number;
  capacity: number;
  used: number;
  conversations: number;
  queues: string[];
}

export interface OrgView {
  name: string;
  masking: boolean;
  supervisor: { monitor: boolean; assign: boolean; transfer: boolean; forceClose: boolean; setPresence: boolean };
  queues: { id: string; name: string }[];
  workstreams: {
    id: string;
    name: string;
    mode: Mode;
    queueId: string;
    sentimentThreshold: SentimentStep;
    /** How long a customer may wait for an answer (reps and supervisors only); absent: no targets. */
    responseTargets?: ResponseTargets;
  }[];
  wrapUpReasons: { id: string; label: string }[];
  /** Org-wide quick replies (reps and supervisors only). */
  quickReplies?: QuickReply[];
  /** The reasons a rep may give per presence (reps and supervisors only; absent when the org lists none). */
  presenceReasons?: PresenceReasons;
}

export type NoticeCode =
  | "rona"
  | "sentiment_alert"
  | "customer_ended"
  | "aborted"
  | "offer_withdrawn"
  | "transfer_rejected"
  | "transfer_not_accepted"
  | "conference_declined"
  | "consult_declined"
  /** A supervisor transfers (or transferred to a queue) a conversation the rep has. */
  | "supervisor_transfer"
  /** A supervisor force-closed a conversation the rep had. */
  | "force_closed"
  /** The consultant this rep asked for: they accepted, or left of their own accord. */
  | "consult_joined"
  | "consult_left"
  | "consult_ended"
  | "presence_set"
  /** P12: a parked persistent chat was assigned back to this rep because its customer wrote again. */
  | "customer_back";

export type Change =
  | { kind: "conversation"; conversation: ConversationView }
  | { kind: "customer_conversation"; conversation: CustomerConversationView }
  | { kind: "message"; conversationId: string; message: MessageView }
  | { kind: "note"; conversationId: string; note: NoteView }
  | { kind: "offer"; offer: OfferView }
  | { kind: "user"; user: UserView }
  | { kind: "offer_ended"; offerId: string; conversationId: string; status: Exclude<OfferStatus, "pending"> }
  | { kind: "notice"; code: NoticeCode; text: string; conversationId?: string }
  /**
   * Staff only: a conversation you were sent is out of your sight now (your offer ended, you wrapped up your part of a
   * transfer, another console of yours did): nothing more comes of it until you may see it again, when it comes whole.
   */
  | { kind: "gone"; conversationId: string }
  /** The org file was reloaded (staff only): the org as the snapshot's `org` would now carry it. */
  | { kind: "org"; org: OrgView };

export interface Snapshot {
  org: OrgView;
  me: UserView | null;
  users: UserView[];
  conversations: ConversationView[];
  customerConversations: CustomerConversationView[];
  offers: OfferView[];
}

/** A rep's figures for Home's Today (the `today` request): from `since` (their local midnight) until now. */
export interface TodayView {
  since: number;
  /** Offers accepted (routes, transfers, conferences) and open items picked. */
  accepted: number;
  /** Conversations that ended in their hands, by them or by the customer. */
  ended: number;
  /** Conversations taken from them by a transfer (theirs or a supervisor's). */
  transferred: number;
}

/** One queue's live figures (docs/reports.md, "Live figures"). Series are per minute, oldest first. */
export interface QueueFigures {
  queueId: string;
  /** Over the last hour (the minutes of the series). */
  answered: number;
  abandoned: number;
  /** Percent, null when nothing was answered or abandoned. */
  serviceLevel: number | null;
  /** Average speed of answer, seconds; null when nothing was answered. */
  asaSeconds: number | null;
  /** Contacts that entered the queue in each minute; null before the server ran (nothing is known of them). */
  arrivals: (number | null)[];
  /** Customers waiting in the queue at the end of each minute (now, for the running one); null before the server ran. */
  waiting: (number | null)[];
  /** The service level of each minute; null for a minute with nothing answered or abandoned. */
  serviceLevels: (number | null)[];
}

/**
 * Live figures for the monitor, folded by the server from its events (docs/reports.md, "Live figures"): the answer
 * (`result.figures`) to a supervisor's `figures` request.
 */
export interface Figures {
  /** Server time the figures are as of. */
  at: number;
  /** Start of the series' first minute; the last is the minute running at `at`. */
  since: number;
  queues: QueueFigures[];
  /**
   * Occupancy over the last hour, percent; null for a rep not signed in during it. `today`: their figures from the
   * `since` the request gave (absent without it).
   */
  reps: { repId: string; occupancy: number | null; today?: TodayView }[];
}
