/**
 * The routing server's durable event log.
 *
 * The routing core is event-sourced: every change is an event with a strictly increasing `seq` assigned by the core.
 * The server appends the events produced while handling commands, commits once per event-loop turn (group commit)
 * before it acknowledges those commands, and on restart loads the latest snapshot plus every event after it.
 *
 * An append is conditional: it names the seq the log must end at (`expectedSeq`), so a writer never extends a log
 * another writer has moved on. Appending is synchronous and cheap (validation and serialisation, in memory); writing
 * and reading are asynchronous, so that a store may sit on a database across the network.
 *
 * Layout: `./queued-store.ts` is the front every store shares (validation, serialisation, the pending batch, the
 * group commit, the epoch, the thread index's backfill) over a medium: `./sqlite-store.ts` (`openSqliteStore`, durable,
 * one file), `./postgres-store.ts` (`openPostgresStore`) or `./memory-store.ts` (`openMemoryStore`, arrays, nothing
 * survives the process). test/store/contract.ts is what any store must do.
 *
 * Threads: the store option `threadOf` (queued-store.ts StoreOptions) says which events belong to a thread (a
 * conversation's messages) and at which position. They are indexed by (thread, position) as they are committed (in the
 * same write on Postgres; in batches on SQLite, see sqlite-threads.ts, which reads the newest from memory meanwhile),
 * so that a thread is read a page at a time (`threadPage`) instead of being held in memory. A log written
 * before the index (or by a store without `threadOf`) is indexed at open, once, in one transaction. The store knows
 * nothing of what a thread is: the caller's `threadOf` decides.
 *
 * Snapshots are written in pieces of at most SNAPSHOT_PIECE characters (in the same transaction as before, older ones
 * dropped), so that no single row, and no single copy of one, is the whole state; loading joins them and parses once.
 * A snapshot stored whole, before pieces, still loads. A missing piece is reported as damage, like a snapshot that is
 * not JSON any more.
 */

/** The most characters of a snapshot one stored row holds; a bigger snapshot is written in several. */
export const SNAPSHOT_PIECE = 256 * 1024;

/** One event as stored: plain JSON-serialisable data. The whole object is stored and returned as it was appended. */
export interface StoredEvent {
  seq: number;
  at: number;
  type: string;
  [key: string]: unknown;
}

/** The routing state as of `seq` (every event with seq ≤ `seq` applied, none after). */
export interface Snapshot<S> {
  seq: number;
  state: S;
}

export interface AppendOptions {
  /**
   * The seq the log must end at (committed and pending events, 0 when empty) for the events to follow it: the seq of
   * the state the events were decided on.
   */
  expectedSeq: number;
}

export interface EventStore<S = unknown> {
  /**
   * Queue events for the next commit (in memory only; cheap, synchronous).
   *
   * Refused with CONFLICT when the log (committed and pending) does not end at `expectedSeq`: another writer, or
   * another command, got there first. Each event is validated and serialised to JSON here, so a bad event throws a
   * StoreError at the call that produced it and nothing from that call is queued: OUT_OF_ORDER when its seq is not
   * greater than the one before it (or `expectedSeq`), INVALID_DATA when seq is not a safe integer, `at` not a finite
   * number, `type` empty, or the event not JSON-serialisable. Mutating an event object after appending it has no
   * effect.
   */
  append(events: readonly StoredEvent[], options: AppendOptions): void;
  /**
   * Write everything appended so far in one transaction; durable when it resolves. Resolves to how many events were
   * written (0, without touching the storage, when nothing is pending). Commits run one after another; events
   * appended while one is under way wait for the next.
   *
   * On failure it rejects with a StoreError and nothing of the batch is written. UNAVAILABLE (disk full, I/O error)
   * and WRITE_FAILED leave the events pending, in order before any appended since, so the commit can be retried.
   * CONFLICT (the stored log no longer ends where this store's last commit left it: another writer wrote to it) drops
   * every pending event, which can never follow it: the writer must load the log again and decide anew.
   */
  commit(): Promise<number>;
  /**
   * Record the outcome of the command `commandId` (a row of a cluster's command table) with the pending events: it is
   * written in the same transaction as the events appended before it, with the seq that transaction ends the log at,
   * so a command's outcome is stored exactly when its events are (a new leader re-runs exactly the commands without
   * one). Kept with its batch when a commit is refused and retried; dropped with it on CONFLICT. Serialised at the
   * call (INVALID_DATA when not JSON-serialisable, or when the id is not a positive integer). Only a store shared by a
   * cluster (Postgres) writes outcomes; the others, single-node, accept and ignore them. A commit with outcomes and no
   * events still writes (and resolves to 0).
   */
  recordOutcome(commandId: number, outcome: unknown): void;
  /** Events appended but not committed yet (those of a commit under way included). */
  readonly pending: number;
  /** The latest snapshot, or undefined. */
  loadSnapshot(): Promise<Snapshot<S> | undefined>;
  /**
   * Committed events with seq > afterSeq, in seq order (read lazily, a page at a time; used both for boot replay and
   * for resuming a client). Each call returns fresh objects. Nothing stays locked between pages, so commits may run
   * while an iteration is in progress; it ends when no committed event is past the last one yielded, so events
   * committed meanwhile are included. `limit` caps the number of events yielded. Throws INVALID_DATA at once for a
   * bad afterSeq or limit.
   */
  eventsAfter(afterSeq: number, limit?: number): AsyncIterable<StoredEvent>;
  /**
   * The same events as eventsAfter(afterSeq) (to the end of the log, commits made meanwhile included), a page at a
   * time: for a replay, which applies every one and has no use for a turn of the event loop between two. Throws
   * INVALID_DATA at once for a bad afterSeq.
   */
  eventPagesAfter(afterSeq: number): AsyncIterable<StoredEvent[]>;
  /**
   * A page of a thread (the store option `threadOf` says which events belong to which thread, and where): the last
   * `limit` (1–10,000) committed events of `thread` with a position before `before` (any position when undefined), in
   * position order; `more` says whether an earlier one exists. Pending events are not in it. Fresh objects each call.
   */
  threadPage(
    thread: string,
    options: { before?: number; limit: number },
  ): Promise<{ events: StoredEvent[]; more: boolean }>;
  /** The highest committed seq in the log (0 when empty). */
  lastSeq(): Promise<number>;
  /**
   * Store a snapshot of the state at seq, committing pending events first, in the same transaction. The state is
   * serialised at the call: changing it afterwards has no effect. Events at or below the snapshot's seq are kept
   * (they are needed to resume clients); older snapshots are dropped. Rejects with OUT_OF_ORDER if the snapshot is
   * ahead of the last event (committed or pending) or older than the latest stored snapshot, and INVALID_DATA if the
   * state is not JSON-serialisable; nothing is written in either case. A failed write is as for commit().
   */
  saveSnapshot(snapshot: Snapshot<S>): Promise<void>;
  /**
   * The id of this log's history: random, created with the log and stored in it (a copy made by a backup gets its
   * own). A seq means something only together with its epoch: clients send both to resume.
   */
  readonly epoch: string;
  /** Small key/value for server metadata (e.g. the generated demo secret). */
  getMeta(key: string): Promise<string | undefined>;
  /** Written (and durable) once it resolves, independently of the pending events. */
  setMeta(key: string, value: string): Promise<void>;
  /**
   * Write `value` unless `key` already has one, and resolve to what `key` holds then: of stores racing on one log
   * (cluster nodes starting at once), the first to write wins and all get its value.
   */
  claimMeta(key: string, value: string): Promise<string>;
  /**
   * Commit pending events, then close. Idempotent (every call returns the same promise). The store is closed even if
   * that last commit fails (the error is rethrown). Every other member throws or rejects with a StoreError (code
   * CLOSED) once close() was called.
   */
  close(): Promise<void>;
}

export type StoreErrorCode =
  /** The data file exists but is not a SQLite database (or is damaged). */
  | "NOT_A_DATABASE"
  /** The data file is a SQLite database that does not belong to this product. */
  | "FOREIGN_DATABASE"
  /** The data file was written by a newer version of the server. */
  | "NEWER_SCHEMA"
  /** The data file could not be opened or prepared (permissions, a directory, locked, journal mode refused…). */
  | "OPEN_FAILED"
  /** The data file failed its integrity check (pages overwritten, truncated): restore it from a backup. */
  | "DAMAGED"
  /** Another server process holds the data file. */
  | "LOCKED"
  /**
   * The storage refused a write or a read for a reason that may pass (disk full, quota, I/O error, busy): nothing of
   * the operation was done, and it may be retried. `reason` says which.
   */
  | "UNAVAILABLE"
  | "WRITE_FAILED"
  | "READ_FAILED"
  /** The log does not end where the writer expected: another writer got there first. Load it again and decide anew. */
  | "CONFLICT"
  /** A cluster node's commit was refused: another node took the leader's term. This node must stop writing. */
  | "FENCED"
  /** An event or snapshot seq breaks the ordering rules (a programming error in the caller). */
  | "OUT_OF_ORDER"
  /** An event or snapshot is not well formed or not JSON-serialisable (a programming error in the caller). */
  | "INVALID_DATA"
  /** The store was used after close(). */
  | "CLOSED";

export class StoreError extends Error {
  override readonly name = "StoreError";
  readonly code: StoreErrorCode;
  /** The data file concerned, when there is one. */
  readonly file: string | undefined;
  /** UNAVAILABLE: what is wrong, in a few words ("disk full", "storage I/O error", "data file busy"). */
  readonly reason: string | undefined;

  constructor(
    code: StoreErrorCode,
    message: string,
    options: { file?: string; cause?: unknown; reason?: string } = {},
  ) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    this.code = code;
    this.file = options.file;
    this.reason = options.reason;
  }
}

/**
 * Why the storage refused an operation, when that may pass and a retry can succeed (SQLITE_FULL, SQLITE_IOERR_*,
 * SQLITE_BUSY, ENOSPC, EDQUOT, EFBIG, EIO); undefined for every other error (a bug, a damaged file).
 */
export function transientStorageFailure(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  if (code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT" || code === "EFBIG") return "disk full";
  if (code.startsWith("SQLITE_IOERR") || code === "EIO") return "storage I/O error";
  if (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_")) return "data file busy";
  return undefined;
}
