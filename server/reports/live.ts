// Live figures for the monitor: the report's fold (fold.ts) run over the events as they happen, bucketed by
// minute, and the report's figures (figures.ts) computed over the last hour and per minute. Pure: the caller feeds
// the events, the waiting counts and the time. Memory is bounded: the fold drops a conversation when it closes, and
// buckets older than the hour are dropped as time moves on.
import type { DomainEvent, State } from "../core/model.js";
import type { Figures, QueueFigures } from "../../src/protocol/views.js";
import type { Org } from "../core/org.js";
import { addAccumulator, emptyAccumulator } from "./accumulator.js";
import type { Accumulator } from "./accumulator.js";
import { createGroupedFold } from "./fold.js";
import { bucketOf } from "./grouping.js";
import type { Grouping } from "./grouping.js";
import { rowOf } from "./figures.js";

export const MINUTE_MS = 60_000;
/** The live figures cover this many minutes, the running one included. */
export const LIVE_MINUTES = 60;

export interface LiveFigures {
  /** Fold one committed event (in seq order). */
  add(event: DomainEvent): void;
  /** Record how many customers wait in each queue now (the running minute keeps the latest count). */
  sampleWaiting(waiting: ReadonlyMap<string, number>, now: number): void;
  /** The figures as of `now`, for the queues and reps of `org`. */
  figures(now: number, org: Org): Figures;
  /** Buckets held (for the bounded-memory check). */
  readonly buckets: number;
}

/** Customers waiting in each queue of the state: its Open conversations. */
export function waitingByQueue(state: State): Map<string, number> {
  const waiting = new Map<string, number>();
  for (const q of Object.values(state.queues)) if (!q.deleted) waiting.set(q.id, q.open.length);
  return waiting;
}

const minuteOf = (at: number): number => at - (at % MINUTE_MS);

/** Live figures from `since` on (the server's start): nothing before it is counted. */
export function createLiveFigures(since: number, org?: Org): LiveFigures {
  const options = { from: since, to: Number.POSITIVE_INFINITY, utcOffsetMinutes: 0, bucketMs: MINUTE_MS };
  // One fold into both groupings: a conversation is tracked once for the two.
  const fold = createGroupedFold({ ...options, ...(org ? { org } : {}) }, ["queue", "rep"]);
  const [byQueue, byRep] = fold.groupings as [Grouping, Grouping];
  /** Waiting per minute start, then per queue. */
  const waiting = new Map<number, Map<string, number>>();

  /** Drop the buckets that left the hour ending with the minute of `now`. */
  const prune = (now: number): void => {
    const first = minuteOf(now) - (LIVE_MINUTES - 1) * MINUTE_MS;
    for (const { groups } of fold.groupings)
      for (const key of groups.keys()) if (bucketOf(key).start < first) groups.delete(key);
    for (const minute of waiting.keys()) if (minute < first) waiting.delete(minute);
  };

  /** Each group's accumulators by minute start. */
  const byGroup = (grouping: Grouping): Map<string, Map<number, Accumulator>> => {
    const out = new Map<string, Map<number, Accumulator>>();
    for (const [key, acc] of grouping.groups) {
      const { start, group } = bucketOf(key);
      let minutes = out.get(group);
      if (!minutes) out.set(group, (minutes = new Map<number, Accumulator>()));
      minutes.set(start, acc);
    }
    return out;
  };

  const hourOf = (minutes: Map<number, Accumulator> | undefined): Accumulator => {
    const hour = emptyAccumulator();
    for (const acc of minutes?.values() ?? []) addAccumulator(hour, acc);
    return hour;
  };

  return {
    add(event) {
      fold.add(event);
    },
    sampleWaiting(counts, now) {
      waiting.set(minuteOf(now), new Map(counts));
    },
    figures(now, org) {
      // Close the reps' open presence and occupancy intervals up to now, then forget what left the hour.
      fold.finish(now);
      prune(now);
      const first = minuteOf(now) - (LIVE_MINUTES - 1) * MINUTE_MS;
      const minutes = Array.from({ length: LIVE_MINUTES }, (_, i) => first + i * MINUTE_MS);
      const queues = byGroup(byQueue);
      const reps = byGroup(byRep);
      const queueFigures: QueueFigures[] = org.queues.map((q) => {
        const perMinute = queues.get(q.id);
        const hour = rowOf(q.id, q.name, hourOf(perMinute), "queue");
        // Between two samples the count stays what the last one said; before the first, nothing is known.
        let last: number | null = null;
        const waitingSeries = minutes.map((m) => {
          const sample = waiting.get(m)?.get(q.id);
          if (sample !== undefined) last = sample;
          return m < minuteOf(since) ? null : last;
        });
        return {
          queueId: q.id,
          answered: hour.answered,
          abandoned: hour.abandoned ?? 0,
          serviceLevel: hour.serviceLevel,
          asaSeconds: hour.asaSeconds,
          arrivals: minutes.map((m) => (m < minuteOf(since) ? null : (perMinute?.get(m)?.offered ?? 0))),
          waiting: waitingSeries,
          serviceLevels: minutes.map((m) => {
            const acc = perMinute?.get(m);
            return acc ? rowOf(q.id, q.name, acc, "queue").serviceLevel : null;
          }),
        };
      });
      const repFigures = org.users
        .filter((u) => u.role === "rep" || u.capacity > 0)
        .map((u) => ({ repId: u.id, occupancy: rowOf(u.id, u.name, hourOf(reps.get(u.id)), "rep").occupancy }));
      return { at: now, since: first, queues: queueFigures, reps: repFigures };
    },
    get buckets() {
      return byQueue.groups.size + byRep.groups.size + waiting.size;
    },
  };
}
