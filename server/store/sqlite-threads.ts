// The SQLite medium's index of threads (a conversation's messages by position), kept off the commit's pages.
//
// A B-tree keyed by thread takes each new message into the leaf of its own conversation: with many conversations
// talking at once, every event of a group commit dirtied a page of its own, which SQLite writes whole to the WAL at the
// commit and again at the checkpoint (4 KB a message), and the index outgrew the page cache as the log grew: a server
// under steady load spent more on each message the longer it ran. Committed events now go into the index in batches,
// sorted by thread, so that the messages of a conversation since the last batch share a page write; until then reads
// find them in the tail kept here (at most about a batch of events). The events table keeps each event's thread and
// position, so nothing depends on the tail surviving: at open it is read back from the events after the watermark.
import type Database from "better-sqlite3";
import type { EncodedEvent } from "./queued-store.js";

/** Thread events in the tail before a batch of them goes into the index. */
const BATCH = 8192;
/** Index entries written with each commit while a batch is under way (whole threads: a chunk ends after a thread's). */
const CHUNK = 512;
/** The meta key: every thread event with seq ≤ its value is in thread_index; later ones are in the tail. */
export const INDEXED_THROUGH_KEY = "threads_indexed_through";

/** Every event that has a thread into the index (at the migration, and after the backfill of an older log). */
const INDEX_EVERY_THREAD_EVENT = `INSERT OR IGNORE INTO thread_index (thread, position, seq)
  SELECT thread, position, seq FROM events WHERE thread IS NOT NULL ORDER BY thread, position`;

/** The tables of the index: created by the migration to schema 3, filled from the events that have a thread. */
export const THREAD_INDEX_SCHEMA = `
  CREATE TABLE thread_index (thread TEXT NOT NULL, position INTEGER NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (thread, position)) WITHOUT ROWID;
  ${INDEX_EVERY_THREAD_EVENT};
  DROP INDEX IF EXISTS events_by_thread;
  INSERT OR REPLACE INTO meta (key, value) VALUES ('${INDEXED_THROUGH_KEY}', (SELECT coalesce(max(seq), 0) FROM events));
`;

/** A batch under way: the tail's entries up to `through`, thread by thread in key order, from `threads[next]` on. */
interface Batch {
  through: number;
  threads: string[];
  next: number;
}

/** What writeChunk wrote inside a transaction, applied by committed() once the transaction is durable. */
export interface ChunkWritten {
  next: number;
  done: boolean;
}

export class SqliteThreads {
  /** Thread → [position, seq, position, seq, …] of its committed events after `through`, in seq order. */
  readonly #tail = new Map<string, number[]>();
  #tailEntries = 0;
  /** Every thread's tail is in position order (see #add). */
  #ordered = true;
  #lastSeq = 0;
  #through: number;
  #batch: Batch | undefined;
  readonly #insertEntry: Database.Statement<[string, number, number]>;
  readonly #setThrough: Database.Statement<[string, string]>;
  readonly #selectIndexed: Database.Statement<[string, number, number, number], [number, number, string]>;
  readonly #selectBody: Database.Statement<[number], string>;
  readonly #indexAll: Database.Statement<[]>;
  readonly #selectTail: Database.Statement<[number], [number, string, number]>;

  constructor(db: Database.Database) {
    this.#insertEntry = db.prepare("INSERT OR IGNORE INTO thread_index (thread, position, seq) VALUES (?, ?, ?)");
    this.#setThrough = db.prepare(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    this.#selectIndexed = db
      .prepare<[string, number, number, number], [number, number, string]>(
        `SELECT i.position, i.seq, e.body FROM thread_index i JOIN events e ON e.seq = i.seq
         WHERE i.thread = ? AND i.position < ? AND i.seq <= ? ORDER BY i.position DESC LIMIT ?`,
      )
      .raw();
    this.#selectBody = db.prepare<[number], string>("SELECT body FROM events WHERE seq = ?").pluck();
    this.#indexAll = db.prepare(INDEX_EVERY_THREAD_EVENT);
    this.#selectTail = db
      .prepare<[number], [number, string, number]>(
        "SELECT seq, thread, position FROM events WHERE seq > ? AND thread IS NOT NULL ORDER BY seq",
      )
      .raw();
    const stored = db
      .prepare<[string], string>("SELECT value FROM meta WHERE key = ?")
      .pluck()
      .get(INDEXED_THROUGH_KEY);
    this.#through = stored === undefined ? 0 : Number(stored);
    this.#lastSeq = this.#through;
    for (const [seq, thread, position] of this.#selectTail.iterate(this.#through)) this.#add(thread, position, seq);
    this.#startBatchWhenDue();
  }

  /**
   * Inside a write's transaction: the next chunk of the batch under way into the index (and, at its end, the
   * watermark); with `all`, the whole tail, which a snapshot's write carries so that what the server holds after a
   * snapshot does not depend on where the tail stood.
   */
  writeChunk(all: boolean): ChunkWritten | undefined {
    if (all && this.#tailEntries > 0) this.#batch = this.#newBatch();
    const batch = this.#batch;
    if (batch === undefined) return undefined;
    let written = 0;
    let next = batch.next;
    while (next < batch.threads.length && (all || written < CHUNK)) {
      const thread = batch.threads[next++]!;
      const entries = this.#tail.get(thread) ?? [];
      for (let i = 0; i < entries.length && entries[i + 1]! <= batch.through; i += 2, written++)
        this.#insertEntry.run(thread, entries[i]!, entries[i + 1]!);
    }
    const done = next === batch.threads.length;
    if (done) this.#setThrough.run(INDEXED_THROUGH_KEY, String(batch.through));
    return { next, done };
  }

  /** After a write's transaction committed: its thread events into the tail, and the chunk it carried kept. */
  committed(events: readonly EncodedEvent[], chunk: ChunkWritten | undefined): void {
    for (const e of events)
      if (e.thread !== undefined && e.position !== undefined) this.#add(e.thread, e.position, e.seq);
    const batch = this.#batch;
    if (chunk !== undefined && batch !== undefined) {
      batch.next = chunk.next;
      if (chunk.done) this.#finish(batch);
    }
    this.#startBatchWhenDue();
  }

  /** Inside the backfill's transaction (rows given their thread): every thread event into the index. */
  indexAll(lastSeq: number): void {
    this.#indexAll.run();
    this.#setThrough.run(INDEXED_THROUGH_KEY, String(lastSeq));
  }

  /** After the backfill committed: the index holds everything up to `lastSeq`. */
  allIndexed(lastSeq: number): void {
    this.#tail.clear();
    this.#tailEntries = 0;
    this.#batch = undefined;
    this.#through = this.#lastSeq = Math.max(this.#lastSeq, lastSeq);
  }

  /** Up to `max` committed events of `thread` with position < before, the latest first, as [seq, body]. */
  page(thread: string, before: number, max: number): [number, string][] {
    const fromTail = this.#tailBefore(this.#tail.get(thread) ?? [], before, max);
    const indexed = this.#selectIndexed.all(thread, before, this.#through, max);
    const rows: [number, string][] = [];
    let t = 0;
    let x = 0;
    while (rows.length < max && (t < fromTail.length || x < indexed.length)) {
      if (x === indexed.length || (t < fromTail.length && fromTail[t]![0] > indexed[x]![0])) {
        const seq = fromTail[t++]![1];
        rows.push([seq, this.#selectBody.get(seq)!]);
      } else {
        const [, seq, body] = indexed[x++]!;
        rows.push([seq, body]);
      }
    }
    return rows;
  }

  /** Up to `max` [position, seq] of a thread's tail entries with position < before, the latest first. */
  #tailBefore(entries: readonly number[], before: number, max: number): [number, number][] {
    const found: [number, number][] = [];
    if (!this.#ordered) {
      for (let i = 0; i < entries.length; i += 2) if (entries[i]! < before) found.push([entries[i]!, entries[i + 1]!]);
      return found.sort((a, b) => b[0] - a[0]).slice(0, max);
    }
    // In position order (a busy conversation can hold most of the tail): the first pair at or after `before`, by halves.
    let low = 0;
    let high = entries.length / 2;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (entries[middle * 2]! < before) low = middle + 1;
      else high = middle;
    }
    for (let pair = low - 1; pair >= 0 && found.length < max; pair--)
      found.push([entries[pair * 2]!, entries[pair * 2 + 1]!]);
    return found;
  }

  #add(thread: string, position: number, seq: number): void {
    const entries = this.#tail.get(thread);
    if (entries === undefined) this.#tail.set(thread, [position, seq]);
    else {
      // Positions grow with seq in a thread (message numbers): when they do not, reads sort the tail instead.
      if (position <= entries[entries.length - 2]!) this.#ordered = false;
      entries.push(position, seq);
    }
    this.#tailEntries++;
    this.#lastSeq = seq;
  }

  #startBatchWhenDue(): void {
    if (this.#batch === undefined && this.#tailEntries >= BATCH) this.#batch = this.#newBatch();
  }

  #newBatch(): Batch {
    return { through: this.#lastSeq, threads: [...this.#tail.keys()].sort(), next: 0 };
  }

  /** The batch is in the index: its entries leave the tail, and the watermark moves to its end. */
  #finish(batch: Batch): void {
    for (const thread of batch.threads) {
      const entries = this.#tail.get(thread);
      if (entries === undefined) continue;
      let indexed = 0;
      while (indexed < entries.length && entries[indexed + 1]! <= batch.through) indexed += 2;
      this.#tailEntries -= indexed / 2;
      if (indexed === entries.length) this.#tail.delete(thread);
      else entries.splice(0, indexed);
    }
    this.#through = batch.through;
    this.#batch = undefined;
  }
}
