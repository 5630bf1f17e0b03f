/**
 * The routing server's durable event log.
 *
 * The routing core is event-sourced: every change is an event with a strictly increasing `seq` assigned by the core.
 * The server appends the events produced while handling commands, commits once per event-loop turn (group commit)
 * before it acknowledges those commands, and on restart loads the latest snapshot plus every event after it.
 *
 * Implementations: `openSqliteStore` (durable, one file) and `openMemoryStore` (arrays, nothing survives the process),
 * both in `./sqlite-store.ts`. A store has a single writer: one server process per data file.
 */

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

export interface EventStore<S = unknown> {
  /**
   * Queue events for the next commit (in memory only; cheap).
   *
   * Each event is validated and serialised to JSON here, so a bad event throws a StoreError at the call that produced
   * it and nothing from that call is queued: OUT_OF_ORDER when its seq is not greater than every seq appended or
   * committed before it, INVALID_DATA when seq is not a safe integer, `at` not a finite number, `type` empty, or the
   * event not JSON-serialisable. Mutating an event object after appending it has no effect.
   */
  append(events: readonly StoredEvent[]): void;
  /**
   * Write everything appended since the last commit in one transaction; durable when it returns. Returns how many
   * events were written (0, without touching the disk, when nothing is pending). On failure it throws a StoreError
   * (code WRITE_FAILED), nothing of the batch is written, and the events stay pending so the commit can be retried.
   */
  commit(): number;
  /** Events appended but not committed yet. */
  readonly pending: number;
  /** The latest snapshot, or undefined. */
  loadSnapshot(): Snapshot<S> | undefined;
  /**
   * Committed events with seq > afterSeq, in seq order (iterates lazily; used both for boot replay and for resuming a
   * client). Each call returns fresh objects. Iteration is paged and holds no lock between items, so commits may run
   * while an iteration is in progress; it ends when no committed event is past the last one yielded, so events
   * committed meanwhile are included. `limit` caps the number of events yielded.
   */
  eventsAfter(afterSeq: number, limit?: number): Iterable<StoredEvent>;
  /** The highest committed seq (0 when empty). */
  lastSeq(): number;
  /**
   * Store a snapshot of the state at seq (commits pending events first, in the same transaction). Events at or below
   * the snapshot's seq are kept (they are needed to resume clients); older snapshots are dropped. Throws a StoreError
   * (code OUT_OF_ORDER) if the snapshot is ahead of the last event (committed or pending) or older than the latest
   * stored snapshot, and INVALID_DATA if the state is not JSON-serialisable; nothing is written in either case.
   */
  saveSnapshot(snapshot: Snapshot<S>): void;
  /**
   * The id of this log's history: random, created with the log and stored in it (a copy made by a backup gets its
   * own). A seq means something only together with its epoch: clients send both to resume.
   */
  readonly epoch: string;
  /** Small key/value for server metadata (e.g. the generated demo secret). */
  getMeta(key: string): string | undefined;
  /** Written (and durable) immediately, independently of the pending events. */
  setMeta(key: string, value: string): void;
  /**
   * Commit pending events, then close. Idempotent. The store is closed even if that last commit fails (the error is
   * rethrown). Every other member throws a StoreError (code CLOSED) afterwards.
   */
  close(): void;
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
