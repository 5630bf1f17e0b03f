// The routing domain's data: state, commands, events and errors. Everything here is plain JSON (a queue's open
// conversations, an OpenQueue, are written as their ids) so that the state can be snapshotted and events stored and
// replayed as they are. Records keyed by ids (`Dict`) are dictionaries without a prototype in memory (dict.ts), so
// that any string is an id.
import type { Dict } from "./dict.js";
import type { Mode, Org, Role } from "./org.js";
import type { SentimentStep } from "./sentiment.js";
import type { OpenQueue } from "./open-queue.js";
import type { RecentClientIds } from "./thread.js";
import type { SystemMessageCode } from "../../src/protocol/views.js";

import type { ConversationState, OfferKind, OfferStatus, Presence } from "../../src/protocol/vocabulary.js";

// The shared vocabulary (presences, states, offers) is the protocol's: one definition for the server and its clients.
export type { ConversationState, OfferKind, OfferStatus, Presence };

/** What a rep holds of a conversation, and the capacity it costs them. */
export type ItemRole = "offer" | "owner" | "conference" | "wrapup";
export interface WorkItem {
  role: ItemRole;
  units: number;
  /** A supervisor assigned it past the rep's presence or capacity (SV5). */
  override?: boolean;
}

export interface UserState {
  id: string;
  name: string;
  role: Role;
  capacity: number;
  queues: string[];
  presence: Presence;
  /** Busy was set by the org's full-capacity rule, so it lifts when capacity frees (S2). */
  autoBusy: boolean;
  /** The org's reason given with the presence ("lunch"), if any. Absent in states stored before reasons: none. */
  presenceReasonId?: string | null;
  /** When the presence (or its reason) last changed. Absent in states stored before it: unknown. */
  presenceSince?: number;
  /** When the rep last got or finished work; the longest idle rep is offered first. */
  idleSince: number;
  items: Dict<WorkItem>;
  deleted: boolean;
  /** Reps: their work of the last two days per quarter hour (in the order counted), for Home's Today (tally.ts). */
  tally?: TallyBucket[];
}

/** What a rep did in one quarter hour (starting at `at`): conversations taken, ended in their hands, handed over. */
export interface TallyBucket {
  at: number;
  accepted: number;
  ended: number;
  transferred: number;
}

export interface Customer {
  /** Stable identity key: `auth:<id>` for an authenticated customer, `visitor:<n>` otherwise. */
  key: string;
  authenticated: boolean;
  name: string;
  email?: string;
  phone?: string;
  account?: string;
  caseTitle?: string;
}

export type Author =
  { role: "customer" } | { role: "rep" | "supervisor"; id: string; name: string } | { role: "system" };

export interface Message {
  id: string;
  at: number;
  author: Author;
  text: string;
  /** Client-chosen id: a retry with the same id is the same message. */
  clientId?: string;
  /** Customer messages only (S9). */
  sentiment?: SentimentStep;
  /** System messages: a stable code for clients (e.g. "customer_ended"). */
  code?: SystemMessageCode;
}

/**
 * What a staff-only line is: a note (absent), a consultant writing to the rep (`consult`), or a supervisor whispering
 * to the rep (`whisper`). All three are notes: stored with the conversation, never shown to the customer.
 */
export type NoteKind = "consult" | "whisper";

/** The customer's satisfaction rating of an ended conversation (CSAT): 1 (poor) to 5 (excellent). */
export interface Rating {
  score: number;
  /** Sanitised, trimmed; absent when the customer wrote none. */
  comment?: string;
  at: number;
}

/** A note: written by staff for staff, never shown to the customer. */
export interface Note {
  id: string;
  at: number;
  author: { role: "rep" | "supervisor"; id: string; name: string };
  text: string;
  kind?: NoteKind;
}

export type TransferTarget = { kind: "queue"; id: string } | { kind: "rep"; id: string };

export interface PendingTransfer {
  by: "rep" | "supervisor";
  fromRepId: string | null;
  target: TransferTarget;
  offerId: string | null;
}

export interface Conversation {
  id: string;
  workstreamId: string;
  queueId: string;
  mode: Mode;
  state: ConversationState;
  customer: Customer;
  title: string;
  proactive: boolean;
  context: Dict<string>;
  ownerId: string | null;
  /** The rep who had it before it went to Waiting (affinity, P11). */
  lastOwnerId: string | null;
  participants: string[];
  consultants: string[];
  conference: { repId: string; offerId: string } | null;
  transfer: PendingTransfer | null;
  /** Supervisors watching (monitor) or writing (join). */
  supervisors: Dict<"monitor" | "join">;
  /** Reps who must submit a wrap-up reason before the conversation is Closed. */
  wrapUpBy: string[];
  /**
   * The wrap-up reasons submitted, in order (the customer's history shows them). Absent in conversations stored
   * before it existed: none known.
   */
  wrapUps?: { repId: string; reasonId: string }[];
  /** The pending routing offer, if any. */
  offerId: string | null;
  /** Reps who declined it while in the queue; skipped until it leaves the queue. */
  declinedBy: string[];
  /** Its customer came back to it from Waiting and it waits for a rep (P6): its offers say so. Absent: no. */
  returning?: true | undefined;
  /**
   * Its latest messages (at most RECENT_MESSAGES), oldest first; the whole thread is in the event log (thread.ts).
   * Conversations stored by earlier versions carried every message here: upgradeThread keeps the latest.
   */
  messages: Message[];
  /** How many messages it has had (absent in conversations stored before: upgradeThread counts them). */
  messageCount: number;
  /** The client ids of its latest messages, for retries (thread.ts); absent until a message carries one. */
  recentClientIds?: RecentClientIds;
  /** The sentiment steps of the customer's latest messages, oldest first (S9); absent until the customer writes. */
  recentSentiments?: SentimentStep[];
  /** When the customer's oldest unanswered message was sent; null (or absent) when staff had the last word. */
  customerWaitingSince?: number | null;
  /** When staff first wrote in it; null (or absent) until they have. */
  firstResponseAt?: number | null;
  /** When the customer was last told the opening hours are closed (outside_hours), if ever. */
  outsideHoursAt?: number;
  /** Staff notes (absent in conversations stored before notes existed: none). */
  notes?: Note[];
  sentiment: SentimentStep;
  alert: boolean;
  createdAt: number;
  queuedAt: number | null;
  /** When its current owner took it (the handle time). Absent in conversations stored by earlier versions. */
  assignedAt?: number | null;
  waitingUntil: number | null;
  customerEnded: boolean;
  aborted: string | null;
  closedAt: number | null;
  closedBy: string | null;
  /** When it ended (wrap-up began, or it closed): the customer may rate it for a while after. Absent before it ends. */
  endedAt?: number | null;
  /** The customer's rating, once given (at most one). */
  rating?: Rating;
}

export interface Offer {
  id: string;
  conversationId: string;
  repId: string;
  kind: OfferKind;
  status: OfferStatus;
  createdAt: number;
  expiresAt: number;
  /** Who asked for it (transferring rep, inviting rep, supervisor). */
  byId: string | null;
}

export interface QueueState {
  id: string;
  name: string;
  deleted: boolean;
  /** Open conversations in arrival order (in a snapshot, their ids). */
  open: OpenQueue;
}

export interface State {
  org: Org;
  seq: number;
  counters: { conversation: number; visitor: number; offer: number; message: number };
  users: Dict<UserState>;
  queues: Dict<QueueState>;
  conversations: Dict<Conversation>;
  offers: Dict<Offer>;
  /** Mean wait in each workstream's queue, for the live wait message (P4). */
  waitStats: Dict<{ meanMs: number; samples: number }>;
}

// ---- commands -------------------------------------------------------------------------------------

export type Actor =
  | { role: "customer"; key: string; conversationId?: string }
  | { role: "rep"; id: string }
  | { role: "supervisor"; id: string }
  | { role: "admin" }
  | { role: "system" };

export interface CustomerIdentity {
  /** Set for an authenticated customer (signed by the org, P9). */
  id?: string;
  name?: string;
  email?: string;
  phone?: string;
  account?: string;
  caseTitle?: string;
}

export type Command =
  | { type: "configure"; org: Org }
  | { type: "tick" }
  | {
      type: "customer.start";
      workstreamId: string;
      identity: CustomerIdentity;
      text?: string;
      clientId?: string;
      proactive?: boolean;
      context?: Record<string, string>;
    }
  | { type: "customer.message"; conversationId: string; text: string; clientId?: string }
  | { type: "customer.end"; conversationId: string }
  | { type: "customer.rate"; conversationId: string; score: number; comment?: string }
  | { type: "presence"; presence: Presence; reasonId?: string }
  | { type: "set_presence"; userId: string; presence: Presence; reasonId?: string }
  | { type: "accept"; offerId: string }
  | { type: "reject"; offerId: string }
  | { type: "pick"; conversationId: string }
  | { type: "message"; conversationId: string; text: string; clientId?: string }
  | { type: "note"; conversationId: string; text: string }
  | { type: "transfer"; conversationId: string; target: TransferTarget }
  | { type: "conference"; conversationId: string; repId: string }
  | { type: "end_conference"; conversationId: string }
  /** Ask a rep or supervisor to consult: they see the thread and write to the rep only, at no capacity. */
  | { type: "consult"; conversationId: string; repId: string }
  /** A consultant leaves (no `repId`, or their own), or the rep ends a consult or withdraws its request. */
  | { type: "end_consult"; conversationId: string; repId?: string }
  | { type: "close"; conversationId: string }
  | { type: "end"; conversationId: string }
  | { type: "wrapup"; conversationId: string; reasonId: string }
  | { type: "monitor"; conversationId: string; mode: "monitor" | "join" }
  | { type: "leave"; conversationId: string }
  /** A supervisor writes to the rep of a conversation they monitor or joined; the customer never sees it. */
  | { type: "whisper"; conversationId: string; text: string }
  | { type: "assign"; conversationId: string; target: TransferTarget; override?: boolean }
  | { type: "supervisor_transfer"; conversationId: string; target: TransferTarget }
  | { type: "force_close"; conversationId: string }
  | { type: "delete_queue"; queueId: string }
  | { type: "delete_workstream"; workstreamId: string }
  | { type: "delete_user"; userId: string };

export interface Envelope {
  at: number;
  actor: Actor;
  command: Command;
}

// ---- events ---------------------------------------------------------------------------------------

export type EventBody =
  | { type: "configured"; org: Org }
  | {
      type: "presence_changed";
      userId: string;
      presence: Presence;
      auto: boolean;
      reason: "manual" | "rona" | "capacity";
      /** The org's reason the rep (or supervisor) gave for it. Absent: none. */
      reasonId?: string;
      /** The supervisor who set it for the rep. Absent: the rep, or the system. */
      by?: string;
    }
  | { type: "conversation_created"; conversation: Conversation }
  | { type: "message_added"; conversationId: string; message: Message }
  | { type: "note_added"; conversationId: string; note: Note }
  | { type: "sentiment_changed"; conversationId: string; sentiment: SentimentStep; alert: boolean }
  /**
   * `declinedBy`: reps who count as having declined it in this queue from the start (routing skips them): the rep a
   * transfer took it from (L10, SV7). Absent in events stored before it existed: nobody.
   */
  | {
      type: "queued";
      conversationId: string;
      queueId: string;
      declinedBy?: string[];
      /** Its customer came back to it from Waiting (P6), so that its rep is told (absent in earlier events). */
      returning?: boolean;
    }
  /** Every rep of its queue who could take it had declined it: the declines are forgotten and routing starts over. */
  | { type: "declines_forgotten"; conversationId: string }
  | { type: "offered"; offer: Offer }
  | {
      type: "offer_ended";
      offerId: string;
      repId: string;
      conversationId: string;
      status: Exclude<OfferStatus, "pending" | "accepted">;
      /** The offer's kind and who asked for it, to tell them (absent in events stored before: nobody is told). */
      kind?: OfferKind;
      byId?: string | null;
    }
  | { type: "offer_accepted"; offerId: string; repId: string; conversationId: string }
  | {
      type: "assigned";
      conversationId: string;
      repId: string;
      units: number;
      by: "offer" | "auto" | "supervisor" | "pick";
      override: boolean;
      exceededBy: number;
    }
  | { type: "transfer_requested"; conversationId: string; transfer: PendingTransfer }
  /**
   * `fromRepId`, `notAcceptedBy`: a rep's transfer to a rep who rejected it or let it time out, so that the sender is
   * told (absent in events stored before they existed, and for every other ending).
   */
  | {
      type: "transfer_ended";
      conversationId: string;
      outcome: "accepted" | "rejected" | "withdrawn" | "queued";
      fromRepId?: string | null;
      notAcceptedBy?: string;
    }
  | { type: "conference_requested"; conversationId: string; repId: string; offerId: string }
  | { type: "conference_joined"; conversationId: string; repId: string }
  | { type: "conference_cancelled"; conversationId: string; repId: string }
  | { type: "left"; conversationId: string; repId: string; toWrapUp: boolean }
  | { type: "consultant_added"; conversationId: string; repId: string }
  /** A consultant left (`by` is them) or was let go by the rep (`by` is the rep). */
  | { type: "consultant_left"; conversationId: string; repId: string; by: string }
  | { type: "waiting"; conversationId: string; byRepId: string; until: number }
  | { type: "wrapup_started"; conversationId: string; repIds: string[]; customerEnded: boolean }
  | { type: "wrapup_submitted"; conversationId: string; repId: string; reasonId: string }
  | { type: "closed"; conversationId: string; by: string }
  /**
   * The customer rated the conversation they ended or a rep ended (CSAT). `queueId`, `workstreamId` and `repId` (the
   * rep who had it last) are where it was then, so that a report can count it without the conversation's history.
   */
  | {
      type: "rating_given";
      conversationId: string;
      score: number;
      comment?: string;
      queueId: string;
      workstreamId: string;
      repId: string;
    }
  | { type: "aborted"; conversationId: string; reason: string }
  | { type: "supervisor_watching"; conversationId: string; supervisorId: string; mode: "monitor" | "join" | null }
  | { type: "queue_deleted"; queueId: string }
  | { type: "user_deleted"; userId: string };

export type DomainEvent = EventBody & { seq: number; at: number };

// ---- errors ---------------------------------------------------------------------------------------

/** Stable error codes, shared with the wire protocol. */
export type ErrorCode =
  | "conversation/not_found"
  | "conversation/not_active"
  | "conversation/not_open"
  | "conversation/wrong_state"
  | "conversation/not_yours"
  | "conversation/aborted"
  | "conversation/persistent_only"
  | "conversation/live_only"
  | "conversation/customer_cannot_end"
  | "offer/not_found"
  | "offer/not_pending"
  | "presence/invalid"
  | "presence/unknown_reason"
  | "rep/not_found"
  | "rep/unavailable"
  | "rep/at_capacity"
  | "rep/not_in_queue"
  | "queue/not_found"
  | "workstream/not_found"
  | "workstream/closed"
  | "workstream/authentication_required"
  | "message/empty"
  | "message/too_long"
  | "message/reserved_characters"
  | "wrapup/not_in_wrapup"
  | "wrapup/unknown_reason"
  | "wrapup/pending"
  | "transfer/pending"
  | "transfer/invalid_target"
  | "conference/pending"
  | "conference/not_in_conference"
  | "consult/not_consulting"
  | "supervisor/monitor_disabled"
  | "supervisor/assign_disabled"
  | "supervisor/transfer_disabled"
  | "supervisor/force_close_disabled"
  | "supervisor/set_presence_disabled"
  | "supervisor/own_conversation"
  | "supervisor/not_joined"
  | "rating/not_ended"
  | "rating/not_answered"
  | "rating/already_given"
  | "rating/expired"
  | "rating/invalid"
  | "auth/forbidden";

export interface DomainError {
  code: ErrorCode;
  message: string;
}

export type Outcome =
  { ok: true; events: DomainEvent[]; result?: Record<string, unknown> } | { ok: false; error: DomainError };
