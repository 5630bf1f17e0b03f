// The memory medium: the log kept in arrays, nothing survives the process. For tests and for running with
// persistence off. Bodies are still JSON (serialised on append, parsed on read), so callers see the same copying
// semantics as with SQLite.
import { conflict, openQueuedStore, type EncodedSnapshot, type Medium } from "./queued-store.js";
import type { EventStore } from "./store.js";

/** A log in memory. Several stores may be opened on one, one after another or side by side, like on a file. */
export class MemoryLog {
  readonly events: [number, string][] = [];
  snapshot: EncodedSnapshot | undefined;
  readonly meta = new Map<string, string>();

  /** Index of the first event with seq > afterSeq. */
  firstAfter(afterSeq: number): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.events[mid]?.[0] ?? Number.POSITIVE_INFINITY) <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  lastSeq(): number {
    return this.events.at(-1)?.[0] ?? 0;
  }
}

/** An event store on `log` (a new, empty one by default). */
export function openMemoryStore<S>(log: MemoryLog = new MemoryLog()): Promise<EventStore<S>> {
  return openQueuedStore<S>(memoryMedium(log));
}

/** The medium alone, for a store of one's own making (tests wrap it to make writes fail). */
export function memoryMedium(log: MemoryLog): Medium {
  return {
    file: undefined,
    write: (rows, next, expectedLast) => {
      const last = log.lastSeq();
      if (last !== expectedLast) throw conflict(undefined, expectedLast, last);
      for (const row of rows) log.events.push([row.seq, row.body]);
      if (next !== undefined) log.snapshot = next;
    },
    page: (afterSeq, max) => {
      const start = log.firstAfter(afterSeq);
      return log.events.slice(start, start + max);
    },
    lastSeq: () => log.lastSeq(),
    latestSnapshot: () => log.snapshot,
    getMeta: (key) => log.meta.get(key),
    setMeta: (key, value) => {
      log.meta.set(key, value);
    },
    close: () => undefined,
  };
}
