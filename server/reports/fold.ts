// The report's fold: one pass over the event log, in seq order, into one accumulator per group. Pure: no I/O, no
// clock. Memory holds the groups and, per conversation, only what a later event still needs (its queue visit, its
// handling reps): a conversation's entry is dropped when it closes. docs/reports.md defines every figure.
// Where a fact is counted is grouping.ts, what it adds accumulator.ts, and a rep's time rep-clocks.ts.
import type { DomainEvent } from "../core/model.js";
import { DEFAULT_SERVICE_LEVEL_SECONDS } from "../core/org.js";
import type { Org } from "../core/org.js";
import {
  ABANDONED,
  ANSWERED,
  CONFERENCED,
  FIRST_RESPONSE,
  HANDLED,
  OFFERED,
  RATED,
  RONA,
  SENTIMENT,
  TRANSFERRED,
  WRAPPED_UP,
} from "./accumulator.js";
import type { Accumulator, Fact } from "./accumulator.js";
import { BY_REP, EVERY, NOT_BY_REP, createTally } from "./grouping.js";
import type { GroupBy, Grouping, GroupingOptions } from "./grouping.js";
import { createRepClocks } from "./rep-clocks.js";

export interface ReportOptions extends GroupingOptions {
  by: GroupBy;
  /** The org as it was before the first `configured` event of the log, when known. */
  org?: Org;
}

interface Handling {
  repId: string;
  queueId: string;
  start: number;
  /** When its wrap-up began; null while active. */
  wrapUpAt: number | null;
}

interface Tracked {
  workstreamId: string;
  queueId: string;
  ownerId: string | null;
  lastOwnerId: string | null;
  sentiment: number;
  /** The current queue visit: since when, and whether it was answered (then awaiting its first response). */
  visit: { queueId: string; since: number; answered: boolean; responded: boolean } | null;
  /**
   * The reps handling it now, in the order they took it; null while none is (a conversation queued, or parked in
   * Waiting, holds nothing). A list of exactly their number: a Map for the one or two reps would cost each conversation
   * ~200 bytes more, in each fold.
   */
  handling: Handling[] | null;
  /** Reps in its conference (they hold it too: occupancy); null until the first (it is kept for every conversation). */
  conferenced: Set<string> | null;
  /**
   * Its pending consult offers (null until the first): asking a colleague for help is neither an offer of work nor,
   * unanswered, a RONA. Held with the conversation, so that they are forgotten when it closes even when the reader
   * leaves out `offer_accepted`.
   */
  consults: Set<string> | null;
}

/** How many shared entries of parked conversations a fold keeps for new ones at most (see park). */
const PARKED_ENTRIES_KEPT = 4096;

/**
 * The entry of a conversation nobody handles, built as one literal wherever it is built: every entry has the same
 * shape (a copy by spread, or a frozen one, would get a shape of its own, ~300 bytes each).
 */
function trackedEntry(workstreamId: string, queueId: string, lastOwnerId: string | null, sentiment: number): Tracked {
  return {
    workstreamId,
    queueId,
    ownerId: null,
    lastOwnerId,
    sentiment,
    visit: null,
    handling: null,
    conferenced: null,
    consults: null,
  };
}

function handlingOf(c: Tracked, repId: string): Handling | undefined {
  return c.handling?.find((h) => h.repId === repId);
}

export interface ReportFold {
  readonly options: ReportOptions;
  readonly groups: Map<string, Accumulator>;
  readonly total: Accumulator;
  /** Names of queues, workstreams, reps and wrap-up reasons, from the org. */
  readonly names: Map<string, string>;
  /** Conversations currently tracked (for the constant-memory check). */
  readonly tracked: number;
  add(event: DomainEvent): void;
  /** Close the open presence and occupancy intervals at `end` (the end of the period, or now). */
  finish(end: number): void;
}

/**
 * The event types the fold reads (true) or ignores (false): a reader may leave the others out. Of
 * `conversation_created` it reads the conversation's id, workstreamId, queueId, state, sentiment and queuedAt; of
 * `message_added` only those written by a rep or a supervisor, and of them conversationId and message.author.
 */
export const FOLDED_TYPES: Record<DomainEvent["type"], boolean> = {
  configured: true,
  presence_changed: true,
  conversation_created: true,
  message_added: true,
  sentiment_changed: true,
  queued: true,
  offered: true,
  offer_ended: true,
  offer_accepted: false,
  assigned: true,
  transfer_requested: false,
  transfer_ended: false,
  conference_requested: false,
  conference_joined: true,
  conference_cancelled: false,
  left: true,
  consultant_added: false,
  consultant_left: false,
  waiting: true,
  wrapup_started: true,
  wrapup_submitted: true,
  closed: true,
  aborted: false,
  supervisor_watching: false,
  queue_deleted: false,
  user_deleted: false,
  declines_forgotten: false,
  note_added: false,
  rating_given: true,
};

/** A fold into several groupings at once (the live figures' by queue and by rep), tracking each conversation once. */
export interface GroupedFold extends Omit<ReportFold, "options" | "groups" | "total"> {
  readonly groupings: readonly Grouping[];
}

export function createFold(options: ReportOptions): ReportFold {
  const fold = createGroupedFold(options, [options.by]);
  const { groups, total } = fold.groupings[0]!;
  return {
    options,
    groups,
    total,
    names: fold.names,
    get tracked() {
      return fold.tracked;
    },
    add: fold.add,
    finish: fold.finish,
  };
}

export function createGroupedFold(options: Omit<ReportOptions, "by">, bys: readonly GroupBy[]): GroupedFold {
  const { from } = options;
  const { groupings, into, repTime } = createTally(options, bys);
  const { presenceChanged, hold, release, finish } = createRepClocks(from, repTime);
  const names = new Map<string, string>();
  const targets = new Map<string, number>();
  const conversations = new Map<string, Tracked>();
  /** The shared entries of parked conversations, by their last owner (see park), and how many there are. */
  const parkedEntries = new Map<string | null, Tracked[]>();
  let parkedEntryCount = 0;

  /** The entry of conversation `id`, its own to change (a parked one gets a copy of the entry it shared). */
  const tracked = (id: string): Tracked | undefined => {
    const c = conversations.get(id);
    if (c === undefined || !Object.isFrozen(c)) return c;
    const own = trackedEntry(c.workstreamId, c.queueId, c.lastOwnerId, c.sentiment);
    conversations.set(id, own);
    return own;
  };

  /**
   * A conversation parked in Waiting, nobody handling it, holds only its workstream, queue, last owner and sentiment
   * until its customer comes back (for weeks, in the live figures' fold), and most parked conversations hold the same
   * ones: they share one frozen entry for them instead of ~100 bytes each. The entries are forgotten now and then (no
   * parked conversation loses its own by that), so that those of conversations long gone do not pile up.
   */
  const park = (id: string, c: Tracked): void => {
    if (c.visit !== null || c.ownerId !== null || c.handling !== null) return;
    if ((c.conferenced?.size ?? 0) > 0 || (c.consults?.size ?? 0) > 0) return;
    let shared = parkedEntries
      .get(c.lastOwnerId)
      ?.find((e) => e.workstreamId === c.workstreamId && e.queueId === c.queueId && e.sentiment === c.sentiment);
    if (shared === undefined) {
      if (++parkedEntryCount > PARKED_ENTRIES_KEPT) {
        parkedEntries.clear();
        parkedEntryCount = 1;
      }
      shared = Object.freeze(trackedEntry(c.workstreamId, c.queueId, c.lastOwnerId, c.sentiment));
      const list = parkedEntries.get(c.lastOwnerId);
      if (list) list.push(shared);
      else parkedEntries.set(c.lastOwnerId, [shared]);
    }
    conversations.set(id, shared);
  };

  const configure = (org: Org): void => {
    for (const q of org.queues) names.set(`queue:${q.id}`, q.name);
    for (const w of org.workstreams) {
      names.set(`workstream:${w.id}`, w.name);
      targets.set(w.id, (w.serviceLevelSeconds ?? DEFAULT_SERVICE_LEVEL_SECONDS) * 1000);
    }
    for (const u of org.users) names.set(`rep:${u.id}`, u.name);
    for (const r of org.wrapUpReasons) names.set(`reason:${r.id}`, r.label);
  };
  if (options.org) configure(options.org);

  /** A fact of conversation `c` by `repId`, in its queue now unless `queueId` says which. */
  const intoConversation = (
    c: Tracked,
    repId: string | null,
    at: number,
    fact: Fact,
    queueId = c.queueId,
    x = 0,
    y = 0,
    key = "",
    scope = EVERY,
  ): void => into(queueId, c.workstreamId, repId, at, fact, x, y, key, scope);

  /** A rep's handling of a conversation ends: one handled contact, its active and wrap-up time. */
  const endHandling = (c: Tracked, repId: string, at: number): void => {
    const h = handlingOf(c, repId);
    if (!h) return;
    const others = c.handling!.filter((x) => x !== h);
    c.handling = others.length === 0 ? null : others;
    release(repId, at);
    const wrapFrom = h.wrapUpAt ?? at;
    intoConversation(c, repId, at, HANDLED, h.queueId, wrapFrom - h.start, at - wrapFrom);
  };

  const leaveConference = (c: Tracked, repId: string, at: number): void => {
    if (c.conferenced?.delete(repId)) release(repId, at);
  };

  const startWrapUp = (c: Tracked, repId: string, at: number): void => {
    const h = handlingOf(c, repId);
    if (h && h.wrapUpAt === null) h.wrapUpAt = at;
  };

  /** The conversation enters a queue: one more conversation offered to it. */
  const startVisit = (c: Tracked, queueId: string, at: number): void => {
    c.queueId = queueId;
    c.visit = { queueId, since: at, answered: false, responded: false };
    intoConversation(c, null, at, OFFERED, queueId, 0, 0, "", NOT_BY_REP);
  };

  const add = (event: DomainEvent): void => {
    switch (event.type) {
      case "configured":
        configure(event.org);
        return;
      case "presence_changed":
        presenceChanged(event.userId, event.presence, event.at);
        return;
      case "conversation_created": {
        const c = event.conversation;
        const entry = trackedEntry(c.workstreamId, c.queueId, null, c.sentiment);
        conversations.set(c.id, entry);
        // A conversation is created in its queue (Open) unless it is refused on arrival.
        if (c.state === "open") startVisit(entry, c.queueId, c.queuedAt ?? event.at);
        return;
      }
      case "queued": {
        const c = tracked(event.conversationId);
        if (!c) return;
        // Taken from a rep (a rep's transfer to a queue or a rep, a supervisor's to a queue): a transfer, counted in
        // the queue it leaves.
        const from = event.declinedBy?.[0];
        if (from !== undefined) intoConversation(c, from, event.at, TRANSFERRED);
        c.ownerId = null;
        startVisit(c, event.queueId, event.at);
        return;
      }
      case "offered": {
        const c = tracked(event.offer.conversationId);
        if (c && event.offer.kind === "consult") (c.consults ??= new Set()).add(event.offer.id);
        else if (c && event.offer.kind !== "conference")
          intoConversation(c, event.offer.repId, event.at, OFFERED, c.queueId, 0, 0, "", BY_REP);
        return;
      }
      case "offer_accepted":
        tracked(event.conversationId)?.consults?.delete(event.offerId);
        return;
      case "offer_ended": {
        const c = tracked(event.conversationId);
        if (c?.consults?.delete(event.offerId)) return;
        if (c && event.status === "timed_out") intoConversation(c, event.repId, event.at, RONA);
        return;
      }
      case "assigned": {
        const c = tracked(event.conversationId);
        if (!c) return;
        // Taken from its owner by a supervisor's transfer to a rep, once that rep accepted (one who rejects leaves it
        // where it was: no transfer).
        if (c.ownerId !== null && c.ownerId !== event.repId) intoConversation(c, c.ownerId, event.at, TRANSFERRED);
        const visit = c.visit;
        if (visit && !visit.answered) {
          visit.answered = true;
          const wait = event.at - visit.since;
          const target = targets.get(c.workstreamId) ?? DEFAULT_SERVICE_LEVEL_SECONDS * 1000;
          intoConversation(c, event.repId, event.at, ANSWERED, visit.queueId, wait, wait <= target ? 1 : 0);
        }
        c.ownerId = event.repId;
        c.lastOwnerId = event.repId;
        if (!handlingOf(c, event.repId)) {
          const h: Handling = { repId: event.repId, queueId: c.queueId, start: event.at, wrapUpAt: null };
          c.handling = c.handling ? [...c.handling, h] : [h];
          hold(event.repId, event.at);
        }
        return;
      }
      case "message_added": {
        const author = event.message.author;
        if (author.role !== "rep" && author.role !== "supervisor") return;
        // Read only, unless it has a visit of its own (a parked conversation's shared entry has none).
        const c = conversations.get(event.conversationId);
        const visit = c?.visit;
        if (!c || !visit || !visit.answered || visit.responded) return;
        visit.responded = true;
        const ms = event.at - visit.since;
        intoConversation(c, author.id, event.at, FIRST_RESPONSE, visit.queueId, ms);
        return;
      }
      case "sentiment_changed": {
        const c = tracked(event.conversationId);
        if (c) c.sentiment = event.sentiment;
        return;
      }
      case "conference_joined": {
        const c = tracked(event.conversationId);
        if (!c) return;
        intoConversation(c, c.ownerId, event.at, CONFERENCED);
        if (!c.conferenced?.has(event.repId)) {
          (c.conferenced ??= new Set()).add(event.repId);
          hold(event.repId, event.at);
        }
        return;
      }
      case "left": {
        const c = tracked(event.conversationId);
        if (!c) return;
        if (c.ownerId === event.repId) c.ownerId = null;
        if (event.toWrapUp) startWrapUp(c, event.repId, event.at);
        else {
          endHandling(c, event.repId, event.at);
          leaveConference(c, event.repId, event.at);
        }
        return;
      }
      case "waiting": {
        const c = tracked(event.conversationId);
        if (!c) return;
        c.visit = null;
        c.ownerId = null;
        for (const h of c.handling ?? []) endHandling(c, h.repId, event.at);
        park(event.conversationId, c);
        return;
      }
      case "wrapup_started": {
        const c = tracked(event.conversationId);
        if (c) for (const repId of event.repIds) startWrapUp(c, repId, event.at);
        return;
      }
      case "wrapup_submitted": {
        const c = tracked(event.conversationId);
        if (!c) return;
        // In the queue the rep handled it in (a transfer has moved it on since).
        const queueId = handlingOf(c, event.repId)?.queueId ?? c.queueId;
        intoConversation(c, event.repId, event.at, WRAPPED_UP, queueId, 0, 0, event.reasonId);
        endHandling(c, event.repId, event.at);
        leaveConference(c, event.repId, event.at);
        return;
      }
      case "closed": {
        const c = tracked(event.conversationId);
        if (!c) return;
        conversations.delete(event.conversationId);
        const visit = c.visit;
        if (visit && !visit.answered && event.by === "customer") {
          intoConversation(c, null, event.at, ABANDONED, visit.queueId);
        }
        for (const h of c.handling ?? []) endHandling(c, h.repId, event.at);
        for (const repId of [...(c.conferenced ?? [])]) leaveConference(c, repId, event.at);
        const bucket = c.sentiment < 0 ? "negative" : c.sentiment > 0 ? "positive" : "neutral";
        intoConversation(c, c.ownerId ?? c.lastOwnerId, event.at, SENTIMENT, c.queueId, 0, 0, bucket);
        return;
      }
      case "rating_given":
        // The event says where the conversation was and whose it was: it may have closed (and left the fold) long ago.
        into(event.queueId, event.workstreamId, event.repId, event.at, RATED, event.score);
        return;
      case "conference_requested":
      case "conference_cancelled":
      case "transfer_requested":
      case "transfer_ended":
      case "consultant_added":
      case "consultant_left":
      case "aborted":
      case "supervisor_watching":
      case "queue_deleted":
      case "user_deleted":
      case "declines_forgotten":
      case "note_added":
        return;
    }
  };

  return {
    groupings,
    names,
    get tracked() {
      return conversations.size;
    },
    add,
    finish,
  };
}
