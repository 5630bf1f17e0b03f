// What each role sees of the server's state: the view types carried by protocol v1.
// Reps and supervisors get masked customer data when the org enables masking; customers see only their
// own conversation.
import type { QuickReply } from "./quick-replies.js";

import type { ConversationState, OfferKind, OfferStatus, Presence } from "./vocabulary.js";

export type { ConversationState, OfferKind, OfferStatus, Presence };
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

/** A staff note (never sent to a customer). */
export interface NoteView {
  id: string;
  at: number;
  author: { role: "rep" | "supervisor"; id: string; name: string };
  text: string;
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
  customerEnded: boolean;
  aborted: string | null;
  closedAt: number | null;
  closedBy: string | null;
  /** Only in snapshots and on first sight; later messages arrive one by one. */
  messages?: MessageView[];
  /** Staff notes, with `messages`; later notes arrive one by one (`note` changes). */
  notes?: NoteView[];
}

/** A conversation as its customer sees it. */
export interface CustomerConversationView {
  id: string;
  state: ConversationState;
  mode: Mode;
  /** The rep handling it, if any. */
  repName: string | null;
  ended: boolean;
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
}

export interface UserView {
  id: string;
  name: string;
  role: "rep" | "supervisor";
  presence: Presence;
  capacity: number;
  used: number;
  conversations: number;
  queues: string[];
}

export interface OrgView {
  name: string;
  masking: boolean;
  supervisor: { monitor: boolean; assign: boolean; transfer: boolean; forceClose: boolean };
  queues: { id: string; name: string }[];
  workstreams: { id: string; name: string; mode: Mode; queueId: string; sentimentThreshold: SentimentStep }[];
  wrapUpReasons: { id: string; label: string }[];
  /** Org-wide quick replies (reps and supervisors only). */
  quickReplies?: QuickReply[];
}

export type NoticeCode =
  | "rona"
  | "sentiment_alert"
  | "customer_ended"
  | "aborted"
  | "offer_withdrawn"
  | "transfer_rejected"
  | "transfer_not_accepted"
  | "conference_declined";

export type Change =
  | { kind: "conversation"; conversation: ConversationView }
  | { kind: "customer_conversation"; conversation: CustomerConversationView }
  | { kind: "message"; conversationId: string; message: MessageView }
  | { kind: "note"; conversationId: string; note: NoteView }
  | { kind: "offer"; offer: OfferView }
  | { kind: "user"; user: UserView }
  | { kind: "offer_ended"; offerId: string; conversationId: string; status: Exclude<OfferStatus, "pending"> }
  | { kind: "notice"; code: NoticeCode; text: string; conversationId?: string };

export interface Snapshot {
  org: OrgView;
  me: UserView | null;
  users: UserView[];
  conversations: ConversationView[];
  customerConversations: CustomerConversationView[];
  offers: OfferView[];
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
  /** Contacts that entered the queue in each minute. */
  arrivals: number[];
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
  /** Occupancy over the last hour, percent; null for a rep not signed in during it. */
  reps: { repId: string; occupancy: number | null }[];
}
