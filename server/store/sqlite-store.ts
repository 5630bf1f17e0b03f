import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { StoreError, type EventStore, type Snapshot, type StoredEvent, type StoreErrorCode } from "./store.js";

/** Bumped whenever the table layout changes; an older server refuses a file written by a newer one. */
export const SCHEMA_VERSION = 1;
/** Marks the file as ours (PRAGMA application_id), so another program's SQLite file is refused rather than altered. */
export const APPLICATION_ID = 0x63634147; // "ccAG"
/** How long a statement waits for a lock held by another connection (e.g. a backup or inspection tool). */
const BUSY_TIMEOUT_MS = 5_000;
/** Rows fetched per query by eventsAfter(). */
const PAGE_SIZE = 1_000;

export interface SqliteStoreOptions {
  /**
   * "FULL" (default): a commit is durable when it returns, even across power loss.
   * "NORMAL": survives a crash of the process (kill -9) but the last commits may be lost on power loss or an OS crash.
   */
  synchronous?: "NORMAL" | "FULL";
}

// ---------------------------------------------------------------------------------------------------------------
// The shared front: queueing, validation, serialisation. Both stores use it, so they behave identically.
// ---------------------------------------------------------------------------------------------------------------

interface EncodedEvent {
  seq: number;
  at: number;
  type: string;
  body: string;
}

interface EncodedSnapshot {
  seq: number;
  body: string;
}

/** What a storage medium provides. `write` must be atomic: all of it or nothing. */
interface Backend {
  readonly file: string | undefined;
  write(events: readonly EncodedEvent[], snapshot: EncodedSnapshot | undefined): void;
  /** Up to `max` committed events with seq > afterSeq, in seq order, as [seq, body]. */
  page(afterSeq: number, max: number): [number, string][];
  lastSeq(): number;
  latestSnapshot(): EncodedSnapshot | undefined;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  close(): void;
}

class QueuedStore<S> implements EventStore<S> {
  readonly #backend: Backend;
  #queue: EncodedEvent[] = [];
  #lastCommitted: number;
  /** Seq of the latest stored snapshot, -1 when there is none. */
  #snapshotSeq: number;
  #closed = false;

  constructor(backend: Backend) {
    this.#backend = backend;
    this.#lastCommitted = this.#read(() => backend.lastSeq());
    this.#snapshotSeq = this.#read(() => backend.latestSnapshot()?.seq ?? -1);
  }

  get pending(): number {
    return this.#queue.length;
  }

  append(events: readonly StoredEvent[]): void {
    this.#assertOpen();
    let previous = this.#head();
    const encoded: EncodedEvent[] = [];
    for (const event of events) {
      const row = encodeEvent(event, previous, this.#backend.file);
      encoded.push(row);
      previous = row.seq;
    }
    // Only queue once the whole batch is valid.
    for (const row of encoded) this.#queue.push(row);
  }

  commit(): number {
    this.#assertOpen();
    return this.#flush(undefined);
  }

  loadSnapshot(): Snapshot<S> | undefined {
    this.#assertOpen();
    return this.#read(() => {
      const row = this.#backend.latestSnapshot();
      return row === undefined ? undefined : { seq: row.seq, state: JSON.parse(row.body) as S };
    });
  }

  eventsAfter(afterSeq: number, limit?: number): Iterable<StoredEvent> {
    this.#assertOpen();
    if (typeof afterSeq !== "number" || Number.isNaN(afterSeq)) {
      throw new StoreError("INVALID_DATA", `eventsAfter: afterSeq must be a number, got ${String(afterSeq)}`);
    }
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
      throw new StoreError("INVALID_DATA", `eventsAfter: limit must be a non-negative integer, got ${String(limit)}`);
    }
    return this.#iterate(afterSeq, limit ?? Number.POSITIVE_INFINITY);
  }

  lastSeq(): number {
    this.#assertOpen();
    return this.#lastCommitted;
  }

  saveSnapshot(snapshot: Snapshot<S>): void {
    this.#assertOpen();
    const { seq } = snapshot;
    if (!Number.isSafeInteger(seq) || seq < 0) {
      throw new StoreError("INVALID_DATA", `snapshot seq must be a non-negative integer, got ${String(seq)}`);
    }
    const head = this.#head();
    if (seq > head) {
      throw new StoreError("OUT_OF_ORDER", `snapshot at seq ${seq} is ahead of the last event (seq ${head})`);
    }
    if (seq < this.#snapshotSeq) {
      throw new StoreError(
        "OUT_OF_ORDER",
        `snapshot at seq ${seq} is older than the stored one (seq ${this.#snapshotSeq})`,
      );
    }
    const body = toJson(snapshot.state, `snapshot at seq ${seq}`);
    this.#flush({ seq, body });
  }

  getMeta(key: string): string | undefined {
    this.#assertOpen();
    return this.#read(() => this.#backend.getMeta(key));
  }

  setMeta(key: string, value: string): void {
    this.#assertOpen();
    if (typeof key !== "string" || typeof value !== "string") {
      throw new StoreError("INVALID_DATA", "setMeta: key and value must be strings");
    }
    this.#write(() => this.#backend.setMeta(key, value));
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.#flush(undefined);
    } finally {
      this.#closed = true;
      this.#backend.close();
    }
  }

  /** The highest seq appended or committed. */
  #head(): number {
    return this.#queue.at(-1)?.seq ?? this.#lastCommitted;
  }

  #flush(snapshot: EncodedSnapshot | undefined): number {
    const rows = this.#queue;
    const last = rows.at(-1);
    if (last === undefined && snapshot === undefined) return 0;
    // On failure the transaction is rolled back and the queue is left as it was, so the caller may retry.
    this.#write(() => this.#backend.write(rows, snapshot));
    this.#queue = [];
    if (last !== undefined) this.#lastCommitted = last.seq;
    if (snapshot !== undefined) this.#snapshotSeq = snapshot.seq;
    return rows.length;
  }

  *#iterate(afterSeq: number, limit: number): Generator<StoredEvent, void, undefined> {
    let cursor = afterSeq;
    let remaining = limit;
    while (remaining > 0) {
      // Each page is its own short read: nothing stays locked while the caller holds the iterator (a resuming client
      // may be fed across many event-loop turns while the server keeps committing).
      this.#assertOpen();
      const want = Math.min(PAGE_SIZE, remaining);
      const rows = this.#read(() => this.#backend.page(cursor, want));
      for (const [seq, body] of rows) {
        cursor = seq;
        remaining -= 1;
        yield this.#read(() => JSON.parse(body) as StoredEvent);
      }
      // Stop only when nothing is past the cursor, so events committed while the caller was iterating are included.
      if (rows.length === 0) return;
    }
  }

  #assertOpen(): void {
    if (this.#closed) {
      const where = this.#backend.file === undefined ? "" : ` (${this.#backend.file})`;
      throw new StoreError("CLOSED", `the event store is closed${where}`, optionalFile(this.#backend.file));
    }
  }

  #read<T>(action: () => T): T {
    return guard("READ_FAILED", "read from", this.#backend.file, action);
  }

  #write<T>(action: () => T): T {
    return guard("WRITE_FAILED", "write to", this.#backend.file, action);
  }
}

function guard<T>(code: StoreErrorCode, verb: string, file: string | undefined, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    const target = file === undefined ? "the event store" : `data file ${file}`;
    throw new StoreError(code, `cannot ${verb} ${target}: ${messageOf(error)}`, {
      ...optionalFile(file),
      cause: error,
    });
  }
}

function encodeEvent(event: StoredEvent, previousSeq: number, file: string | undefined): EncodedEvent {
  if (typeof event !== "object" || event === null) {
    throw new StoreError("INVALID_DATA", `an event must be an object, got ${String(event)}`, optionalFile(file));
  }
  const { seq, at, type } = event;
  if (!Number.isSafeInteger(seq)) {
    throw new StoreError("INVALID_DATA", `event seq must be an integer, got ${String(seq)}`, optionalFile(file));
  }
  if (seq <= previousSeq) {
    throw new StoreError(
      "OUT_OF_ORDER",
      `event seq ${seq} (${String(type)}) must be greater than ${previousSeq}, the last seq appended or committed`,
      optionalFile(file),
    );
  }
  if (typeof at !== "number" || !Number.isFinite(at)) {
    throw new StoreError(
      "INVALID_DATA",
      `event ${seq}: at must be a finite number, got ${String(at)}`,
      optionalFile(file),
    );
  }
  if (typeof type !== "string" || type === "") {
    throw new StoreError("INVALID_DATA", `event ${seq}: type must be a non-empty string`, optionalFile(file));
  }
  return { seq, at, type, body: toJson(event, `event ${seq} (${type})`) };
}

function toJson(value: unknown, what: string): string {
  let body: string | undefined;
  try {
    body = JSON.stringify(value);
  } catch (error) {
    throw new StoreError("INVALID_DATA", `${what} is not JSON-serialisable: ${messageOf(error)}`, { cause: error });
  }
  if (body === undefined) throw new StoreError("INVALID_DATA", `${what} is not JSON-serialisable`);
  return body;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function optionalFile(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}

// ---------------------------------------------------------------------------------------------------------------
// SQLite
// ---------------------------------------------------------------------------------------------------------------

/**
 * Open (creating if needed) the event store in a SQLite file. Throws a StoreError naming the file when it is not a
 * SQLite database, belongs to another program, was written by a newer server, or cannot be opened.
 *
 * The file (and its -wal/-shm companions) is made readable by the owner only: it holds customer conversations.
 */
export function openSqliteStore<S>(file: string, options: SqliteStoreOptions = {}): EventStore<S> {
  const synchronous = options.synchronous ?? "FULL";
  if (synchronous !== "FULL" && synchronous !== "NORMAL") {
    throw new StoreError("OPEN_FAILED", `unknown synchronous mode ${String(synchronous)}`, { file });
  }
  const absolute = path.resolve(file);
  prepareFile(absolute);

  let db: Database.Database;
  try {
    db = new Database(absolute);
  } catch (error) {
    throw openError(absolute, error);
  }
  try {
    configure(db, absolute, synchronous);
    const store = new QueuedStore<S>(sqliteBackend(db, absolute));
    restrictPermissions(absolute);
    return store;
  } catch (error) {
    db.close();
    throw openError(absolute, error);
  }
}

function prepareFile(file: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Create it ourselves so a new data file never exists with wider permissions. SQLite creates the -wal and -shm
    // files with the permissions of the database file.
    fs.closeSync(fs.openSync(file, "a", 0o600));
  } catch (error) {
    throw new StoreError("OPEN_FAILED", `cannot open data file ${file}: ${messageOf(error)}`, { file, cause: error });
  }
}

/** Tighten a data file that already existed with wider permissions (only once it is known to be ours). */
function restrictPermissions(file: string): void {
  for (const target of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(target, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || target === file) throw error;
    }
  }
}

function configure(db: Database.Database, file: string, synchronous: "NORMAL" | "FULL"): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // The first read of the header: a file that is not a database fails here (SQLITE_NOTADB), before anything is written.
  const version = Number(db.pragma("user_version", { simple: true }));
  const applicationId = Number(db.pragma("application_id", { simple: true }));
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      "NEWER_SCHEMA",
      `data file ${file} was written by a newer version of the server (schema ${version}; this version reads up to ${SCHEMA_VERSION}). Upgrade the server or use another data file.`,
      { file },
    );
  }
  const foreign =
    (applicationId !== 0 && applicationId !== APPLICATION_ID) ||
    (version === 0 && db.prepare("SELECT count(*) FROM sqlite_schema").pluck().get() !== 0);
  if (foreign) {
    throw new StoreError(
      "FOREIGN_DATABASE",
      `data file ${file} is a SQLite database that was not created by this server`,
      { file },
    );
  }

  // WAL: readers (a second handle, a backup) never block the writer, and a commit appends to one file instead of
  // rewriting pages in place.
  const mode = String(db.pragma("journal_mode = WAL", { simple: true }));
  if (mode !== "wal") {
    throw new StoreError("OPEN_FAILED", `data file ${file}: cannot switch to WAL journal mode (got ${mode})`, { file });
  }
  // WAL + synchronous=FULL fsyncs the WAL at every commit, so a transaction that commit() reported survives kill -9,
  // an OS crash and power loss. (With NORMAL, WAL is only fsynced at checkpoints: safe against a process crash but the
  // last commits can roll back after a power loss.) One fsync per commit is affordable because the server commits
  // once per event-loop turn, for every event that turn produced, before sending the acks (group commit).
  db.pragma(`synchronous = ${synchronous}`);

  if (version < SCHEMA_VERSION) {
    db.transaction(() => {
      db.exec(`
        CREATE TABLE events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL);
        CREATE TABLE snapshots (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        PRAGMA application_id = ${APPLICATION_ID};
        PRAGMA user_version = ${SCHEMA_VERSION};
      `);
    }).immediate();
  }
}

function sqliteBackend(db: Database.Database, file: string): Backend {
  // Prepared once; reused for the life of the store.
  const insertEvent = db.prepare<[number, number, string, string]>(
    "INSERT INTO events (seq, at, type, body) VALUES (?, ?, ?, ?)",
  );
  const selectPage = db
    .prepare<[number, number], [number, string]>("SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?")
    .raw();
  const selectLastSeq = db.prepare<[], number>("SELECT coalesce(max(seq), 0) FROM events").pluck();
  const selectSnapshot = db.prepare<[], EncodedSnapshot>("SELECT seq, body FROM snapshots ORDER BY seq DESC LIMIT 1");
  const insertSnapshot = db.prepare<[number, string]>("INSERT OR REPLACE INTO snapshots (seq, body) VALUES (?, ?)");
  const deleteOlderSnapshots = db.prepare<[number]>("DELETE FROM snapshots WHERE seq < ?");
  const selectMeta = db.prepare<[string], string>("SELECT value FROM meta WHERE key = ?").pluck();
  const upsertMeta = db.prepare<[string, string]>(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );

  const write = db.transaction((events: readonly EncodedEvent[], snapshot: EncodedSnapshot | undefined) => {
    for (const e of events) insertEvent.run(e.seq, e.at, e.type, e.body);
    if (snapshot !== undefined) {
      insertSnapshot.run(snapshot.seq, snapshot.body);
      deleteOlderSnapshots.run(snapshot.seq);
    }
  });

  return {
    file,
    // BEGIN IMMEDIATE: take the write lock up front (waiting up to busy_timeout) rather than failing on upgrade.
    write: (events, snapshot) => write.immediate(events, snapshot),
    page: (afterSeq, max) => selectPage.all(afterSeq, max),
    lastSeq: () => selectLastSeq.get() ?? 0,
    latestSnapshot: () => selectSnapshot.get(),
    getMeta: (key) => selectMeta.get(key),
    setMeta: (key, value) => {
      upsertMeta.run(key, value);
    },
    close: () => db.close(),
  };
}

function openError(file: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new StoreError("NOT_A_DATABASE", `data file ${file} is not an event store database (${messageOf(error)})`, {
      file,
      cause: error,
    });
  }
  return new StoreError("OPEN_FAILED", `cannot open data file ${file}: ${messageOf(error)}`, { file, cause: error });
}

// ---------------------------------------------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------------------------------------------

/**
 * The same store kept in arrays: nothing survives the process. For tests and for running with persistence off.
 * Events and snapshots are still serialised to JSON (on append / save) and parsed on read, so callers see the same
 * copying semantics as with the SQLite store.
 */
export function openMemoryStore<S>(): EventStore<S> {
  const events: [number, string][] = [];
  let snapshot: EncodedSnapshot | undefined;
  const meta = new Map<string, string>();

  /** Index of the first event with seq > afterSeq. */
  const firstAfter = (afterSeq: number): number => {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((events[mid]?.[0] ?? Number.POSITIVE_INFINITY) <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return new QueuedStore<S>({
    file: undefined,
    write: (rows, next) => {
      for (const row of rows) events.push([row.seq, row.body]);
      if (next !== undefined) snapshot = next;
    },
    page: (afterSeq, max) => {
      const start = firstAfter(afterSeq);
      return events.slice(start, start + max);
    },
    lastSeq: () => events.at(-1)?.[0] ?? 0,
    latestSnapshot: () => snapshot,
    getMeta: (key) => meta.get(key),
    setMeta: (key, value) => {
      meta.set(key, value);
    },
    close: () => undefined,
  });
}
