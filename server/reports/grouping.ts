// Where a fold's facts are counted: each grouping (by queue, rep, workstream, day or hour) finds a fact's group, per
// time bucket for the live figures, and adds the fact to that group's accumulator and to the grouping's total.
import { emptyAccumulator } from "./accumulator.js";
import type { Accumulator, Fact } from "./accumulator.js";

export type GroupBy = "queue" | "rep" | "workstream" | "day" | "hour";
export const GROUP_BYS: readonly GroupBy[] = ["queue", "rep", "workstream", "day", "hour"];

/** What the groupings need of a report's options. */
export interface GroupingOptions {
  /** The period, [from, to) in Unix ms. */
  from: number;
  to: number;
  /** Day and hour labels are in this offset from UTC (minutes). */
  utcOffsetMinutes: number;
  /**
   * Live figures: each group is also split by the time bucket (this many ms, from the epoch) a fact falls in, its
   * key then `<bucket start>:<group>`; a rep's time is split at bucket boundaries. See bucketOf.
   */
  bucketMs?: number;
}

/** One grouping of a fold's facts: its groups and its total. */
export interface Grouping {
  readonly by: GroupBy;
  readonly groups: Map<string, Accumulator>;
  readonly total: Accumulator;
}

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

/** Which groupings a fact goes to: most go to every one; an offer and a rep's time are counted differently by rep. */
export type Scope = (by: GroupBy) => boolean;
export const EVERY: Scope = () => true;
export const BY_REP: Scope = (by) => by === "rep";
export const NOT_BY_REP: Scope = (by) => by !== "rep";

/** The groupings of a fold, and how a fact is counted into them. */
export interface Tally {
  readonly groupings: readonly Grouping[];
  /**
   * A fact in the period adds, in each grouping of its scope, to its group's accumulator (its bucket's, when bucketed)
   * and the grouping's total; outside the period, to none.
   */
  into: (
    queueId: string,
    workstreamId: string,
    repId: string | null,
    at: number,
    fact: Fact,
    x?: number,
    y?: number,
    key?: string,
    scope?: Scope,
  ) => void;
  /** A rep's interval [start, end) counted into their group (rep grouping) and the total; per bucket when bucketed. */
  repTime: (repId: string, start: number, end: number, fact: Fact, key?: string) => void;
}

export function createTally(options: GroupingOptions, bys: readonly GroupBy[]): Tally {
  const { from, to, utcOffsetMinutes, bucketMs } = options;
  const groupings: Grouping[] = bys.map((by) => ({ by, groups: new Map(), total: emptyAccumulator() }));
  const byRep = bys.includes("rep");

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

  return { groupings, into, repTime };
}
