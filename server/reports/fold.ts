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

/**
 * A fact added to an accumulator, with its figures (x, y) and key (a wrap-up reason, a sentiment bucket, a presence).
 * The facts are functions of nothing else, made once: counting a fact allocates nothing, which over a log of a
 * million events is a good part of the garbage a report would make.
 */
type Fact = (acc: Accumulator, x: number, y: number, key: string) => void;

const OFFERED: Fact = (acc) => void (acc.offered += 1);
const ABANDONED: Fact = (acc) => void (acc.abandoned += 1);
const TRANSFERRED: Fact = (acc) => void (acc.transfers += 1);
const CONFERENCED: Fact = (acc) => void (acc.conferences += 1);
const RONA: Fact = (acc) => void (acc.ronas += 1);
/** x: the wait, y: 1 when within the service-level target. */
const ANSWERED: Fact = (acc, wait, inTarget) => {
  acc.answered += 1;
  acc.waitMs += wait;
  acc.answeredInTarget += inTarget;
};
const FIRST_RESPONSE: Fact = (acc, ms) => {
  acc.firstResponses += 1;
  acc.firstResponseMs += ms;
};
const HANDLED: Fact = (acc, activeMs, wrapUpMs) => {
  acc.handled += 1;
  acc.activeMs += activeMs;
  acc.wrapUpMs += wrapUpMs;
};
const WRAPPED_UP: Fact = (acc, _x, _y, reasonId) => void (acc.wrapUps[reasonId] = (acc.wrapUps[reasonId] ?? 0) + 1);
const SENTIMENT: Fact = (acc, _x, _y, bucket) => void (acc.sentiment[bucket as keyof Accumulator["sentiment"]] += 1);
const IN_PRESENCE: Fact = (acc, ms, _y, presence) => void (acc.presenceMs[presence as Presence] += ms);
const OCCUPIED: Fact = (acc, ms) => void (acc.occupiedMs += ms);
const RATED: Fact = (acc, score) => {
  acc.ratings += 1;
  acc.ratingSum += score;
};

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

function handlingOf(c: Tracked, repId: string): Handling | undefined {
  return c.handling?.find((h) => h.repId === repId);
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
  into.ratings += from.ratings;
  into.ratingSum += from.ratingSum;
  into.sentiment.negative += from.sentiment.negative;
  into.sentiment.neutral += from.sentiment.neutral;
  into.sentiment.positive += from.sentiment.positive;
  for (const p of PRESENCES) into.presenceMs[p] += from.presenceMs[p];
  into.occupiedMs += from.occupiedMs;
}

/** One grouping of a fold's facts: its groups and its total. */
export interface Grouping {
  readonly by: GroupBy;
  readonly groups: Map<string, Accumulator>;
  readonly total: Accumulator;
}

/** A fold into several groupings at once (the live figures' by queue and by rep), tracking each conversation once. */
export interface GroupedFold extends Omit<ReportFold, "options" | "groups" | "total"> {
  readonly groupings: readonly Grouping[];
}

/** Which groupings a fact goes to: most go to every one; an offer and a rep's time are counted differently by rep. */
type Scope = (by: GroupBy) => boolean;
const EVERY: Scope = () => true;
const BY_REP: Scope = (by) => by === "rep";
const NOT_BY_REP: Scope = (by) => by !== "rep";

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
  const { from, to, utcOffsetMinutes, bucketMs } = options;
  const groupings: Grouping[] = bys.map((by) => ({ by, groups: new Map(), total: emptyAccumulator() }));
  const byRep = bys.includes("rep");
  const names = new Map<string, string>();
  const targets = new Map<string, number>();
  const conversations = new Map<string, Tracked>();
  const reps = new Map<string, RepClock>();

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

  // A label is the same for every instant of its day or hour: it is formatted once per day or hour, not once per fact.
  const labelled = (unitMs: number, label: (at: number, utcOffsetMinutes: number) => string) => {
    let unit = Number.NaN;
    let text = "";
    return (at: number): string => {
      const u = Math.floor((at + utcOffsetMinutes * 60_000) / unitMs);
      if (u !== unit) {
        unit = u;
        text = label(at, utcOffsetMinutes);
      }
      return text;
    };
  };
  const dayOf = labelled(24 * 3600_000, dayLabel);
  const hourOf = labelled(3600_000, hourLabel);

  /** The group of a fact in queue `queueId` of workstream `workstreamId`, by rep `repId`, at `at`. */
  const keyOf = (
    by: GroupBy,
    queueId: string,
    workstreamId: string,
    repId: string | null,
    at: number,
  ): string | null => {
    switch (by) {
      case "queue":
        return queueId;
      case "workstream":
        return workstreamId;
      case "rep":
        return repId;
      case "day":
        return dayOf(at);
      case "hour":
        return hourOf(at);
    }
  };

  // Bucketed, a group's key is `<bucket start>:<group>`: made once per bucket and group, not once per fact.
  let keysBucket = Number.NaN;
  const bucketKeys = new Map<string, string>();
  const bucketed = (group: string, at: number): string => {
    if (!bucketMs) return group;
    const start = at - (at % bucketMs);
    if (start !== keysBucket) {
      keysBucket = start;
      bucketKeys.clear();
    }
    let key = bucketKeys.get(group);
    if (key === undefined) bucketKeys.set(group, (key = `${start}:${group}`));
    return key;
  };

  /**
   * A fact in the period adds, in each grouping of its scope, to its group's accumulator (its bucket's, when bucketed)
   * and the grouping's total; outside the period, to none.
   */
  const into = (
    queueId: string,
    workstreamId: string,
    repId: string | null,
    at: number,
    fact: Fact,
    x = 0,
    y = 0,
    key = "",
    scope = EVERY,
  ): void => {
    if (at < from || at >= to) return;
    for (const { by, groups, total } of groupings) {
      if (!scope(by)) continue;
      const group = keyOf(by, queueId, workstreamId, repId, at);
      if (group === null) continue;
      const groupKey = bucketed(group, at);
      let acc = groups.get(groupKey);
      if (!acc) groups.set(groupKey, (acc = emptyAccumulator()));
      fact(acc, x, y, key);
      fact(total, x, y, key);
    }
  };

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

  /** A rep's interval [start, end) counted into their group (rep grouping) and the total; per bucket when bucketed. */
  const repTime = (repId: string, start: number, end: number, fact: Fact, key = "") => {
    if (!byRep) return;
    let at = Math.max(start, from);
    const stop = Math.min(end, to);
    while (at < stop) {
      const next = bucketMs ? Math.min(stop, at - (at % bucketMs) + bucketMs) : stop;
      into("", "", repId, at, fact, next - at, 0, key, BY_REP);
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
    if (--clock.held === 0) repTime(repId, clock.heldSince, at, OCCUPIED);
  };

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
      case "presence_changed": {
        const clock = clockOf(event.userId, event.at);
        const previous = clock.presence;
        repTime(event.userId, clock.since, event.at, IN_PRESENCE, previous);
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
          handling: null,
          conferenced: null,
          consults: null,
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
        if (from !== undefined) intoConversation(c, from, event.at, TRANSFERRED);
        startVisit(c, event.queueId, event.at);
        return;
      }
      case "offered": {
        const c = conversations.get(event.offer.conversationId);
        if (c && event.offer.kind === "consult") (c.consults ??= new Set()).add(event.offer.id);
        else if (c && event.offer.kind !== "conference")
          intoConversation(c, event.offer.repId, event.at, OFFERED, c.queueId, 0, 0, "", BY_REP);
        return;
      }
      case "offer_accepted":
        conversations.get(event.conversationId)?.consults?.delete(event.offerId);
        return;
      case "offer_ended": {
        const c = conversations.get(event.conversationId);
        if (c?.consults?.delete(event.offerId)) return;
        if (c && event.status === "timed_out") intoConversation(c, event.repId, event.at, RONA);
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
        const c = conversations.get(event.conversationId);
        const visit = c?.visit;
        if (!c || !visit || !visit.answered || visit.responded) return;
        visit.responded = true;
        const ms = event.at - visit.since;
        intoConversation(c, author.id, event.at, FIRST_RESPONSE, visit.queueId, ms);
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
          intoConversation(c, event.transfer.fromRepId, event.at, TRANSFERRED);
        return;
      }
      case "conference_joined": {
        const c = conversations.get(event.conversationId);
        if (!c) return;
        intoConversation(c, c.ownerId, event.at, CONFERENCED);
        if (!c.conferenced?.has(event.repId)) {
          (c.conferenced ??= new Set()).add(event.repId);
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
        for (const h of c.handling ?? []) endHandling(c, h.repId, event.at);
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
        const queueId = handlingOf(c, event.repId)?.queueId ?? c.queueId;
        intoConversation(c, event.repId, event.at, WRAPPED_UP, queueId, 0, 0, event.reasonId);
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
      repTime(repId, clock.since, end, IN_PRESENCE, presence);
      clock.since = end;
      if (clock.held > 0) {
        repTime(repId, clock.heldSince, end, OCCUPIED);
        clock.heldSince = end;
      }
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
