// The report's fold: one pass over the event log, in seq order, into one accumulator per group. Pure: no I/O, no
// clock. Memory holds the groups and, per conversation, only what a later event still needs (its queue visit, its
// handling reps): a conversation's entry is dropped when it closes. docs/reports.md defines every figure.
import type { DomainEvent, Presence } from "../core/model.js";
import { PRESENCES } from "../../src/protocol/vocabulary.js";
import { DEFAULT_SERVICE_LEVEL_SECONDS } from "../core/org.js";
import type { Org } from "../core/org.js";

export type GroupBy = "queue" | "rep" | "workstream" | "day" | "hour";
export const GROUP_BYS: readonly GroupBy[] = ["queue", "rep", "workstream", "day", "hour"];

export interface ReportOptions {
  /** The period, [from, to) in Unix ms. */
  from: number;
  to: number;
  by: GroupBy;
  /** Day and hour labels are in this offset from UTC (minutes). */
  utcOffsetMinutes: number;
  /** The org as it was before the first `configured` event of the log, when known. */
  org?: Org;
  /**
   * Live figures: each group is also split by the time bucket (this many ms, from the epoch) a fact falls in, its
   * key then `<bucket start>:<group>`; a rep's time is split at bucket boundaries. See bucketOf.
   */
  bucketMs?: number;
}

/** What one group adds up. Times in ms. */
export interface Accumulator {
  offered: number;
  answered: number;
  answeredInTarget: number;
  abandoned: number;
  /** Sum of the waits of the answered conversations. */
  waitMs: number;
  firstResponses: number;
  firstResponseMs: number;
  handled: number;
  activeMs: number;
  wrapUpMs: number;
  transfers: number;
  conferences: number;
  ronas: number;
  wrapUps: Record<string, number>;
  /** Customer ratings given (CSAT): their number and the sum of their scores. */
  ratings: number;
  ratingSum: number;
  /** Conversations closed, by their sentiment then: below 0, 0, above 0. */
  sentiment: { negative: number; neutral: number; positive: number };
  /** Reps only: time in each presence within the period. */
  presenceMs: Record<Presence, number>;
  /** Reps only: time holding at least one conversation (active or wrap-up) within the period. */
  occupiedMs: number;
}

export function emptyAccumulator(): Accumulator {
  const presenceMs = {} as Record<Presence, number>;
  for (const p of PRESENCES) presenceMs[p] = 0;
  return {
    offered: 0,
    answered: 0,
    answeredInTarget: 0,
    abandoned: 0,
    waitMs: 0,
    firstResponses: 0,
    firstResponseMs: 0,
    handled: 0,
    activeMs: 0,
    wrapUpMs: 0,
    transfers: 0,
    conferences: 0,
    ronas: 0,
    wrapUps: {},
    ratings: 0,
    ratingSum: 0,
    sentiment: { negative: 0, neutral: 0, positive: 0 },
    presenceMs,
    occupiedMs: 0,
  };
}

/** Where a fact belongs: the group is chosen from these by `by`. */
interface Dims {
  queueId: string;
  workstreamId: string;
  repId: string | null;
  at: number;
}

interface Handling {
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
  handling: Map<string, Handling>;
  /** Reps in its conference (they hold it too: occupancy). */
  conferenced: Set<string>;
}

interface RepClock {
  presence: Presence;
  since: number;
  /** Conversations held (active or in wrap-up), and since when at least one. */
  held: number;
  heldSince: number;
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
  transfer_requested: true,
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

/** `YYYY-MM-DD` and `YYYY-MM-DD HH:00` in the given offset. */
export function dayLabel(at: number, utcOffsetMinutes: number): string {
  return new Date(at + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}
export function hourLabel(at: number, utcOffsetMinutes: number): string {
  const iso = new Date(at + utcOffsetMinutes * 60_000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 13)}:00`;
}

/** A bucketed group key (`bucketMs` set) as its bucket's start and the group. */
export function bucketOf(key: string): { start: number; group: string } {
  const colon = key.indexOf(":");
  return { start: Number(key.slice(0, colon)), group: key.slice(colon + 1) };
}

/** Add one accumulator's counts and times into another (a longer span made of buckets). */
export function addAccumulator(into: Accumulator, from: Accumulator): void {
  into.offered += from.offered;
  into.answered += from.answered;
  into.answeredInTarget += from.answeredInTarget;
  into.abandoned += from.abandoned;
  into.waitMs += from.waitMs;
  into.firstResponses += from.firstResponses;
  into.firstResponseMs += from.firstResponseMs;
  into.handled += from.handled;
  into.activeMs += from.activeMs;
  into.wrapUpMs += from.wrapUpMs;
  into.transfers += from.transfers;
  into.conferences += from.conferences;
  into.ronas += from.ronas;
  for (const [reason, n] of Object.entries(from.wrapUps)) into.wrapUps[reason] = (into.wrapUps[reason] ?? 0) + n;
  into.sentiment.negative += from.sentiment.negative;
  into.sentiment.neutral += from.sentiment.neutral;
  into.sentiment.positive += from.sentiment.positive;
  for (const p of PRESENCES) into.presenceMs[p] += from.presenceMs[p];
  into.occupiedMs += from.occupiedMs;
}

export function createFold(options: ReportOptions): ReportFold {
  const { from, to, by, utcOffsetMinutes, bucketMs } = options;
  const groups = new Map<string, Accumulator>();
  const total = emptyAccumulator();
  const names = new Map<string, string>();
  const targets = new Map<string, number>();
  const conversations = new Map<string, Tracked>();
  const reps = new Map<string, RepClock>();
  /** Pending consult offers: asking a colleague for help is neither an offer of work nor, unanswered, a RONA. */
  const consultOffers = new Set<string>();

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

  const keyOf = (d: Dims): string | null => {
    switch (by) {
      case "queue":
        return d.queueId;
      case "workstream":
        return d.workstreamId;
      case "rep":
        return d.repId;
      case "day":
        return dayLabel(d.at, utcOffsetMinutes);
      case "hour":
        return hourLabel(d.at, utcOffsetMinutes);
    }
  };

  /** The accumulators a fact in the period adds to: its group's and the total; none outside the period. */
  const into = (d: Dims, action: (acc: Accumulator) => void): void => {
    if (d.at < from || d.at >= to) return;
    const group = keyOf(d);
    if (group === null) return;
    const key = bucketMs ? `${d.at - (d.at % bucketMs)}:${group}` : group;
    let acc = groups.get(key);
    if (!acc) groups.set(key, (acc = emptyAccumulator()));
    action(acc);
    action(total);
  };

  const dims = (c: Tracked, repId: string | null, at: number, queueId = c.queueId): Dims => ({
    queueId,
    workstreamId: c.workstreamId,
    repId,
    at,
  });

  /** A rep's interval [start, end) counted into their group (rep grouping) and the total; per bucket when bucketed. */
  const repTime = (repId: string, start: number, end: number, action: (acc: Accumulator, ms: number) => void) => {
    if (by !== "rep") return;
    let at = Math.max(start, from);
    const stop = Math.min(end, to);
    while (at < stop) {
      const next = bucketMs ? Math.min(stop, at - (at % bucketMs) + bucketMs) : stop;
      const ms = next - at;
      into({ queueId: "", workstreamId: "", repId, at }, (acc) => action(acc, ms));
      at = next;
    }
  };

  const clockOf = (repId: string, at: number): RepClock => {
    let clock = reps.get(repId);
    if (!clock) reps.set(repId, (clock = { presence: "offline", since: Math.min(at, from), held: 0, heldSince: 0 }));
    return clock;
  };

  const hold = (repId: string, at: number): void => {
    const clock = clockOf(repId, at);
    if (clock.held++ === 0) clock.heldSince = at;
  };
  const release = (repId: string, at: number): void => {
    const clock = clockOf(repId, at);
    if (clock.held === 0) return;
    if (--clock.held === 0) repTime(repId, clock.heldSince, at, (acc, ms) => (acc.occupiedMs += ms));
  };

  /** A rep's handling of a conversation ends: one handled contact, its active and wrap-up time. */
  const endHandling = (c: Tracked, repId: string, at: number): void => {
    const h = c.handling.get(repId);
    if (!h) return;
    c.handling.delete(repId);
    release(repId, at);
    const wrapFrom = h.wrapUpAt ?? at;
    into(dims(c, repId, at, h.queueId), (acc) => {
      acc.handled += 1;
      acc.activeMs += wrapFrom - h.start;
      acc.wrapUpMs += at - wrapFrom;
    });
  };

  const leaveConference = (c: Tracked, repId: string, at: number): void => {
    if (c.conferenced.delete(repId)) release(repId, at);
  };

  const startWrapUp = (c: Tracked, repId: string, at: number): void => {
    const h = c.handling.get(repId);
    if (h && h.wrapUpAt === null) h.wrapUpAt = at;
  };

  /** The conversation enters a queue: one more conversation offered to it. */
  const startVisit = (c: Tracked, queueId: string, at: number): void => {
    c.queueId = queueId;
    c.visit = { queueId, since: at, answered: false, responded: false };
    if (by !== "rep") into(dims(c, null, at), (acc) => (acc.offered += 1));
  };

  const add = (event: DomainEvent): void => {
    switch (event.type) {
      case "configured":
        configure(event.org);
        return;
      case "presence_changed": {
        const clock = clockOf(event.userId, event.at);
        const previous = clock.presence;
        repTime(event.userId, clock.since, event.at, (acc, ms) => (acc.presenceMs[previous] += ms));
        clock.presence = event.presence;
        clock.since = event.at;
        return;
      }
      case "conversation_created": {
        const c = event.conversation;
        const tracked: Tracked = {
          workstreamId: c.workstreamId,
          queueId: c.queueId,
          ownerId: null,
          lastOwnerId: null,
          sentiment: c.sentiment,
          visit: null,
          handling: new Map(),
          conferenced: new Set(),
        };
        conversations.set(c.id, tracked);
        // A conversation is created in its queue (Open) unless it is refused on arrival.
        if (c.state === "open") startVisit(tracked, c.queueId, c.queuedAt ?? event.at);
        return;
      }
      case "queued": {
        const c = conversations.get(event.conversationId);
        if (!c) return;
        // Taken from a rep (a rep's transfer to a queue or a rep, a supervisor's to a queue): a transfer, counted in
        // the queue it leaves.
        const from = event.declinedBy?.[0];
        if (from !== undefined) into(dims(c, from, event.at), (acc) => (acc.transfers += 1));
        startVisit(c, event.queueId, event.at);
        return;
      }
      case "offered": {
        if (event.offer.kind === "consult") {
          consultOffers.add(event.offer.id);
          return;
        }
        const c = conversations.get(event.offer.conversationId);
        if (c && by === "rep" && event.offer.kind !== "conference")
          into(dims(c, event.offer.repId, event.at), (acc) => (acc.offered += 1));
        return;
      }
      case "offer_accepted":
        consultOffers.delete(event.offerId);
        return;
      case "offer_ended": {
        if (consultOffers.delete(event.offerId)) return;
        const c = conversations.get(event.conversationId);
        if (c && event.status === "timed_out") into(dims(c, event.repId, event.at), (acc) => (acc.ronas += 1));
        return;
      }
      case "assigned": {
        const c = conversations.get(event.conversationId);
        if (!c) return;
        const visit = c.visit;
        if (visit && !visit.answered) {
          visit.answered = true;
          const wait = event.at - visit.since;
          const target = targets.get(c.workstreamId) ?? DEFAULT_SERVICE_LEVEL_SECONDS * 1000;
          into(dims(c, event.repId, event.at, visit.queueId), (acc) => {
            acc.answered += 1;
            acc.waitMs += wait;
            if (wait <= target) acc.answeredInTarget += 1;
          });
        }
        c.ownerId = event.repId;
        c.lastOwnerId = event.repId;
        if (!c.handling.has(event.repId)) {
          c.handling.set(event.repId, { queueId: c.queueId, start: event.at, wrapUpAt: null });
          hold(event.repId, event.at);
        }
        return;
      }
      case "message_added": {
        const author = event.message.author;
        if (author.role !== "rep" && author.role !== "supervisor") return;
        const c = conversations.get(event.conversationId);
        const visit = c?.visit;
        if (!c || !visit || !visit.answered || visit.responded) return;
        visit.responded = true;
        const ms = event.at - visit.since;
        into(dims(c, author.id, event.at, visit.queueId), (acc) => {
          acc.firstResponses += 1;
          acc.firstResponseMs += ms;
        });
        return;
      }
      case "sentiment_changed": {
        const c = conversations.get(event.conversationId);
        if (c) c.sentiment = event.sentiment;
        return;
      }
      case "transfer_requested": {
        const c = conversations.get(event.conversationId);
        // A rep's transfer was counted with its `queued`; a supervisor's to a rep has none.
        if (c && event.transfer.by === "supervisor" && event.transfer.target.kind === "rep")
          into(dims(c, event.transfer.fromRepId, event.at), (acc) => (acc.transfers += 1));
        return;
      }
      case "conference_joined": {
        const c = conversations.get(event.conversationId);
        if (!c) return;
        into(dims(c, c.ownerId, event.at), (acc) => (acc.conferences += 1));
        if (!c.conferenced.has(event.repId)) {
          c.conferenced.add(event.repId);
          hold(event.repId, event.at);
        }
        return;
      }
      case "left": {
        const c = conversations.get(event.conversationId);
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
        const c = conversations.get(event.conversationId);
        if (!c) return;
        c.visit = null;
        c.ownerId = null;
        for (const repId of [...c.handling.keys()]) endHandling(c, repId, event.at);
        return;
      }
      case "wrapup_started": {
        const c = conversations.get(event.conversationId);
        if (c) for (const repId of event.repIds) startWrapUp(c, repId, event.at);
        return;
      }
      case "wrapup_submitted": {
        const c = conversations.get(event.conversationId);
        if (!c) return;
        // In the queue the rep handled it in (a transfer has moved it on since).
        const queueId = c.handling.get(event.repId)?.queueId ?? c.queueId;
        into(dims(c, event.repId, event.at, queueId), (acc) => {
          acc.wrapUps[event.reasonId] = (acc.wrapUps[event.reasonId] ?? 0) + 1;
        });
        endHandling(c, event.repId, event.at);
        leaveConference(c, event.repId, event.at);
        return;
      }
      case "closed": {
        const c = conversations.get(event.conversationId);
        if (!c) return;
        conversations.delete(event.conversationId);
        const visit = c.visit;
        if (visit && !visit.answered && event.by === "customer") {
          into(dims(c, null, event.at, visit.queueId), (acc) => (acc.abandoned += 1));
        }
        for (const repId of [...c.handling.keys()]) endHandling(c, repId, event.at);
        for (const repId of [...c.conferenced]) leaveConference(c, repId, event.at);
        const bucket = c.sentiment < 0 ? "negative" : c.sentiment > 0 ? "positive" : "neutral";
        into(dims(c, c.ownerId ?? c.lastOwnerId, event.at), (acc) => (acc.sentiment[bucket] += 1));
        return;
      }
      case "rating_given":
        // The event says where the conversation was and whose it was: it may have closed (and left the fold) long ago.
        into({ queueId: event.queueId, workstreamId: event.workstreamId, repId: event.repId, at: event.at }, (acc) => {
          acc.ratings += 1;
          acc.ratingSum += event.score;
        });
        return;
      case "conference_requested":
      case "conference_cancelled":
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

  const finish = (end: number): void => {
    for (const [repId, clock] of reps) {
      const presence = clock.presence;
      repTime(repId, clock.since, end, (acc, ms) => (acc.presenceMs[presence] += ms));
      clock.since = end;
      if (clock.held > 0) {
        repTime(repId, clock.heldSince, end, (acc, ms) => (acc.occupiedMs += ms));
        clock.heldSince = end;
      }
    }
  };

  return {
    options,
    groups,
    total,
    names,
    get tracked() {
      return conversations.size;
    },
    add,
    finish,
  };
}
