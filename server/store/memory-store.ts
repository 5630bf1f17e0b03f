// The memory medium: the log kept in arrays, nothing survives the process. For tests and for running with
// persistence off. Bodies are still JSON (serialised on append, parsed on read), so callers see the same copying
// semantics as with SQLite.
import {
  conflict,
  openQueuedStore,
  THREADS_KEY,
  type EncodedSnapshot,
  type Medium,
  type StoreOptions,
} from "./queued-store.js";
import type { EventStore } from "./store.js";

/** A log in memory. Several stores may be opened on one, one after another or side by side, like on a file. */
export class MemoryLog {
  readonly events: [number, string][] = [];
  snapshot: EncodedSnapshot | undefined;
  readonly meta = new Map<string, string>();
  /** Each thread's events in position order, as [position, seq, body]. */
  readonly threads = new Map<string, [number, number, string][]>();

  /** Add an event to its thread, keeping the thread in position order. */
  addToThread(thread: string, position: number, seq: number, body: string): void {
    let list = this.threads.get(thread);
    if (!list) this.threads.set(thread, (list = []));
    let i = list.length;
    while (i > 0 && list[i - 1]![0] > position) i--;
    list.splice(i, 0, [position, seq, body]);
  }

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
export function openMemoryStore<S>(
  log: MemoryLog = new MemoryLog(),
  options: StoreOptions = {},
): Promise<EventStore<S>> {
  return openQueuedStore<S>(memoryMedium(log), options);
}

/** The medium alone, for a store of one's own making (tests wrap it to make writes fail). */
export function memoryMedium(log: MemoryLog): Medium {
  return {
    file: undefined,
    write: (rows, next, expectedLast) => {
      const last = log.lastSeq();
      if (last !== expectedLast) throw conflict(undefined, expectedLast, last);
      for (const row of rows) {
        log.events.push([row.seq, row.body]);
        if (row.thread !== undefined) log.addToThread(row.thread, row.position!, row.seq, row.body);
      }
      if (next !== undefined) log.snapshot = next;
    },
    page: (afterSeq, max) => {
      const start = log.firstAfter(afterSeq);
      return log.events.slice(start, start + max);
    },
    threadPage: (thread, before, max) => {
      const list = log.threads.get(thread) ?? [];
      const found: [number, string][] = [];
      for (let i = list.length - 1; i >= 0 && found.length < max; i--) {
        const [position, seq, body] = list[i]!;
        if (position < before) found.push([seq, body]);
      }
      return found;
    },
    indexThreads: (index) => {
      log.threads.clear();
      let indexed = 0;
      for (const [seq, body] of log.events) {
        const where = index(body);
        if (where === undefined) continue;
        log.addToThread(where.thread, where.position, seq, body);
        indexed++;
      }
      log.meta.set(THREADS_KEY, "1");
      return indexed;
    },
    lastSeq: () => log.lastSeq(),
    latestSnapshot: () => log.snapshot,
    snapshotSeq: () => log.snapshot?.seq ?? -1,
    getMeta: (key) => log.meta.get(key),
    setMeta: (key, value) => {
      log.meta.set(key, value);
    },
    claimMeta: (key, value) => {
      if (!log.meta.has(key)) log.meta.set(key, value);
      return log.meta.get(key)!;
    },
    close: () => undefined,
  };
}
