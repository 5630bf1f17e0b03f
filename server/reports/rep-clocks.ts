// Each rep's time, for the rep grouping: how long in each presence, and how long holding at least one conversation
// (occupancy). Intervals are counted as they close: at a change, or at the end of the period.
import type { Presence } from "../core/model.js";
import { IN_PRESENCE, OCCUPIED } from "./accumulator.js";
import type { Tally } from "./grouping.js";

interface RepClock {
  presence: Presence;
  since: number;
  /** Conversations held (active or in wrap-up), and since when at least one. */
  held: number;
  heldSince: number;
}

export interface RepClocks {
  presenceChanged: (repId: string, presence: Presence, at: number) => void;
  /** The rep holds one more conversation (assigned, or joined to a conference). */
  hold: (repId: string, at: number) => void;
  /** The rep holds one fewer; occupancy ends with the last. */
  release: (repId: string, at: number) => void;
  /** Close the open presence and occupancy intervals at `end` (the end of the period, or now). */
  finish: (end: number) => void;
}

/** Clocks from `from` (the start of the period), counted with `repTime`; a rep not heard of yet counts as Offline. */
export function createRepClocks(from: number, repTime: Tally["repTime"]): RepClocks {
  const reps = new Map<string, RepClock>();

  const clockOf = (repId: string, at: number): RepClock => {
    let clock = reps.get(repId);
    if (!clock) reps.set(repId, (clock = { presence: "offline", since: Math.min(at, from), held: 0, heldSince: 0 }));
    return clock;
  };

  const presenceChanged = (repId: string, presence: Presence, at: number): void => {
    const clock = clockOf(repId, at);
    const previous = clock.presence;
    repTime(repId, clock.since, at, IN_PRESENCE, previous);
    clock.presence = presence;
    clock.since = at;
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

  return { presenceChanged, hold, release, finish };
}
