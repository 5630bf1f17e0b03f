// The front every event store shares: validation, serialisation, the pending batch, the group commit and the epoch.
// A medium (SQLite, memory; later a database across the network) only stores and reads rows, so that every store
// behaves the same (test/store/contract.ts).
import { randomBytes } from "node:crypto";
import {
  SNAPSHOT_PIECE,
  StoreError,
  transientStorageFailure,
  type AppendOptions,
  type EventStore,
  type Snapshot,
  type StoredEvent,
  type StoreErrorCode,
} from "./store.js";

/** The meta key of the log's epoch (see EventStore.epoch). */
export const EPOCH_KEY = "epoch";
/** Rows fetched per read by eventsAfter() and eventPagesAfter(). */
const PAGE_SIZE = 1_000;
/** The most events one threadPage() reads. */
const MAX_THREAD_PAGE = 10_000;

/** A new random epoch: 16 hex digits. */
export function newEpoch(): string {
  return randomBytes(8).toString("hex");
}

export interface EncodedEvent {
  seq: number;
  at: number;
  type: string;
  body: string;
  /** Its place in a thread (StoreOptions.threadOf), when it has one. */
  thread?: string;
  position?: number;
}

/** Where an event sits in a thread: a key and an order within it (a conversation and a message's number). */
export interface ThreadPosition {
  thread: string;
  position: number;
}

export interface StoreOptions {
  /**
   * Which events belong to a thread, and where: those are indexed when committed (and, once, in a log written without
   * the index), so that `threadPage` reads a thread a page at a time. Without it no event is in a thread.
   */
  threadOf?: (event: StoredEvent) => ThreadPosition | undefined;
  /** Told what the store did at open that an operator may want to know (a log indexed by thread, and how long). */
  log?: (message: string) => void;
}

/** The meta key that says every stored event was indexed by thread (a log from before, once backfilled). */
export const THREADS_KEY = "threads_indexed";

/** A command's outcome to record with a batch (EventStore.recordOutcome): its row id and its JSON. */
export interface EncodedOutcome {
  id: number;
  body: string;
}

export interface EncodedSnapshot {
  seq: number;
  body: string;
}

type MaybePromise<T> = T | Promise<T>;

/** What a storage medium provides. It may answer at once or with a promise. */
export interface Medium {
  /** The data file, for messages; undefined when there is none. */
  readonly file: string | undefined;
  /** The medium stores commands' outcomes (a cluster's shared store): without it, recordOutcome is a no-op. */
  readonly recordsOutcomes?: boolean;
  /**
   * Write the events (and the snapshot, dropping older ones, and the outcomes, with the seq the write ends the log at)
   * atomically: all of it or nothing. Throws a StoreError (code CONFLICT), writing nothing, when the stored log's last
   * seq is not `expectedLast`. `outcomes` is empty unless the medium `recordsOutcomes`.
   */
  write(
    events: readonly EncodedEvent[],
    snapshot: EncodedSnapshot | undefined,
    expectedLast: number,
    outcomes: readonly EncodedOutcome[],
  ): MaybePromise<void>;
  /** Up to `max` committed events with seq > afterSeq, in seq order, as [seq, body]. */
  page(afterSeq: number, max: number): MaybePromise<[number, string][]>;
  /** Up to `max` committed events of `thread` with position < before, the latest first, as [seq, body]. */
  threadPage(thread: string, before: number, max: number): MaybePromise<[number, string][]>;
  /**
   * The backfill of a log written before the index: every stored event indexed by thread (`index` says where a body
   * goes), and meta THREADS_KEY set to "1", in one transaction. Returns how many events went into a thread.
   */
  indexThreads(index: (body: string) => ThreadPosition | undefined): MaybePromise<number>;
  lastSeq(): MaybePromise<number>;
  latestSnapshot(): MaybePromise<EncodedSnapshot | undefined>;
  /** The latest snapshot's seq (-1 when there is none), without reading the snapshot itself. */
  snapshotSeq(): MaybePromise<number>;
  getMeta(key: string): MaybePromise<string | undefined>;
  setMeta(key: string, value: string): MaybePromise<void>;
  /** Write `value` unless `key` has one; what `key` holds after that (the first writer's value wins a race). */
  claimMeta(key: string, value: string): MaybePromise<string>;
  close(): MaybePromise<void>;
}

/** The CONFLICT a medium throws when the log does not end at `expectedLast`. */
export function conflict(file: string | undefined, expectedLast: number, actualLast: number): StoreError {
  return new StoreError(
    "CONFLICT",
    `the event log ends at seq ${actualLast}, not ${expectedLast}: another writer got there first`,
    optionalFile(file),
  );
}

/** An event store over `medium`; reads the log's head, latest snapshot and epoch (creating it for a new log). */
export async function openQueuedStore<S>(medium: Medium, options: StoreOptions = {}): Promise<EventStore<S>> {
  const read = <T>(action: () => MaybePromise<T>): Promise<T> => guard("READ_FAILED", "read from", medium.file, action);
  const lastCommitted = await read(() => medium.lastSeq());
  const snapshotSeq = await read(() => medium.snapshotSeq());
  const epoch = (await read(() => medium.getMeta(EPOCH_KEY))) ?? (await createEpoch(medium));
  const indexed = (await read(() => medium.getMeta(THREADS_KEY))) === "1";
  if (options.threadOf && !indexed) await indexThreads(medium, options.threadOf, options.log);
  // A store without threadOf that writes to an indexed log leaves its events out of the index: the log is then marked
  // as not indexed (once, at its first write), so that the next store with threadOf indexes them.
  return new QueuedStore<S>(medium, lastCommitted, snapshotSeq, epoch, options.threadOf, indexed && !options.threadOf);
}

/**
 * A log written before threads were indexed (or a new one) gets its stored events indexed, once, in one transaction.
 * A storage that refuses the write leaves it for the next start: meanwhile a thread reads what was indexed before.
 */
async function indexThreads(
  medium: Medium,
  threadOf: NonNullable<StoreOptions["threadOf"]>,
  log: StoreOptions["log"],
): Promise<void> {
  const index = (body: string): ThreadPosition | undefined => {
    try {
      return threadOf(JSON.parse(body) as StoredEvent);
    } catch {
      return undefined; // A damaged body is reported where it is read; it is in no thread.
    }
  };
  try {
    const started = Date.now();
    const indexed = await guard("WRITE_FAILED", "write to", medium.file, () => medium.indexThreads(index));
    if (indexed > 0) log?.(`indexed ${indexed} stored events by thread in ${Date.now() - started} ms`);
  } catch (error) {
    if (!(error instanceof StoreError && error.code === "UNAVAILABLE")) throw error;
    log?.(`the stored events were not indexed by thread (${error.message}): the next start tries again`);
  }
}

/**
 * A log without an epoch (a new one, or one written before epochs existed) gets one now. When the storage refuses the
 * write, this run uses one that is not stored: the next start makes another, and clients get a snapshot then.
 */
async function createEpoch(medium: Medium): Promise<string> {
  const epoch = newEpoch();
  try {
    // Claimed, not overwritten: servers starting at once on a new shared log (cluster nodes) all get the same epoch.
    return await guard("WRITE_FAILED", "write to", medium.file, () => medium.claimMeta(EPOCH_KEY, epoch));
  } catch (error) {
    if (!(error instanceof StoreError && error.code === "UNAVAILABLE")) throw error;
  }
  return epoch;
}

class QueuedStore<S> implements EventStore<S> {
  readonly #medium: Medium;
  /** Appended, not yet handed to a write. */
  #queue: EncodedEvent[] = [];
  /** Handed to the write under way. */
  #writing: readonly EncodedEvent[] = [];
  /** Outcomes recorded since the last write was handed its batch: they go with the next one. */
  #outcomes: EncodedOutcome[] = [];
  #lastCommitted: number;
  /** Seq of the latest stored snapshot, -1 when there is none. */
  #snapshotSeq: number;
  /** The last write (commit or snapshot) queued: writes run one after another. */
  #writes: Promise<unknown> = Promise.resolve();
  #writesUnderWay = 0;
  readonly epoch: string;
  readonly #threadOf: StoreOptions["threadOf"];
  /** The log says every event is indexed by thread, and this store (without threadOf) is about to make it untrue. */
  #unmarkIndexed: boolean;
  #closing: Promise<void> | null = null;

  constructor(
    medium: Medium,
    lastCommitted: number,
    snapshotSeq: number,
    epoch: string,
    threadOf: StoreOptions["threadOf"],
    unmarkIndexed: boolean,
  ) {
    this.#medium = medium;
    this.#threadOf = threadOf;
    this.#unmarkIndexed = unmarkIndexed;
    this.#lastCommitted = lastCommitted;
    this.#snapshotSeq = snapshotSeq;
    this.epoch = epoch;
  }

  get pending(): number {
    return this.#writing.length + this.#queue.length;
  }

  append(events: readonly StoredEvent[], options: AppendOptions): void {
    this.#assertOpen();
    const expectedSeq = (options as AppendOptions | undefined)?.expectedSeq;
    if (!Number.isSafeInteger(expectedSeq)) {
      throw new StoreError(
        "INVALID_DATA",
        `append: expectedSeq must be an integer, got ${String(expectedSeq)}`,
        optionalFile(this.#medium.file),
      );
    }
    const head = this.#head();
    if (expectedSeq !== head) throw conflict(this.#medium.file, expectedSeq!, head);
    let previous = head;
    const encoded: EncodedEvent[] = [];
    for (const event of events) {
      const row = encodeEvent(event, previous, this.#medium.file);
      const where = this.#threadOf?.(event);
      if (where) {
        row.thread = where.thread;
        row.position = where.position;
      }
      encoded.push(row);
      previous = row.seq;
    }
    // Only queue once the whole batch is valid.
    for (const row of encoded) this.#queue.push(row);
  }

  recordOutcome(commandId: number, outcome: unknown): void {
    this.#assertOpen();
    if (!Number.isSafeInteger(commandId) || commandId <= 0) {
      throw new StoreError(
        "INVALID_DATA",
        `recordOutcome: the command id must be a positive integer, got ${String(commandId)}`,
        optionalFile(this.#medium.file),
      );
    }
    const body = toJson(outcome, `the outcome of command ${commandId}`);
    if (this.#medium.recordsOutcomes === true) this.#outcomes.push({ id: commandId, body });
  }

  async commit(): Promise<number> {
    this.#assertOpen();
    return this.#serially(() => this.#flush(undefined));
  }

  async loadSnapshot(): Promise<Snapshot<S> | undefined> {
    this.#assertOpen();
    const row = await this.#read(() => this.#medium.latestSnapshot());
    return row === undefined
      ? undefined
      : { seq: row.seq, state: this.#parse(row.body, `the snapshot at seq ${row.seq}`) };
  }

  eventsAfter(afterSeq: number, limit?: number): AsyncIterable<StoredEvent> {
    this.#assertOpen();
    if (typeof afterSeq !== "number" || Number.isNaN(afterSeq)) {
      throw new StoreError("INVALID_DATA", `eventsAfter: afterSeq must be a number, got ${String(afterSeq)}`);
    }
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
      throw new StoreError("INVALID_DATA", `eventsAfter: limit must be a non-negative integer, got ${String(limit)}`);
    }
    return this.#iterate(afterSeq, limit ?? Number.POSITIVE_INFINITY);
  }

  eventPagesAfter(afterSeq: number): AsyncIterable<StoredEvent[]> {
    this.#assertOpen();
    if (typeof afterSeq !== "number" || Number.isNaN(afterSeq)) {
      throw new StoreError("INVALID_DATA", `eventPagesAfter: afterSeq must be a number, got ${String(afterSeq)}`);
    }
    return this.#pages(afterSeq);
  }

  async threadPage(
    thread: string,
    options: { before?: number; limit: number },
  ): Promise<{ events: StoredEvent[]; more: boolean }> {
    this.#assertOpen();
    const { before, limit } = options;
    if (typeof thread !== "string") throw new StoreError("INVALID_DATA", "threadPage: thread must be a string");
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_THREAD_PAGE)) {
      throw new StoreError(
        "INVALID_DATA",
        `threadPage: limit must be an integer 1–${MAX_THREAD_PAGE}, got ${String(limit)}`,
      );
    }
    if (before !== undefined && (typeof before !== "number" || Number.isNaN(before))) {
      throw new StoreError("INVALID_DATA", `threadPage: before must be a number, got ${String(before)}`);
    }
    const rows = await this.#read(() => this.#medium.threadPage(thread, before ?? Number.POSITIVE_INFINITY, limit + 1));
    const page = rows.slice(0, limit).reverse();
    return {
      events: page.map(([seq, body]) => this.#parse<StoredEvent>(body, `event ${seq}`)),
      more: rows.length > limit,
    };
  }

  async lastSeq(): Promise<number> {
    this.#assertOpen();
    return this.#read(() => this.#medium.lastSeq());
  }

  async saveSnapshot(snapshot: Snapshot<S>): Promise<void> {
    this.#assertOpen();
    const { seq } = snapshot;
    if (!Number.isSafeInteger(seq) || seq < 0) {
      throw new StoreError("INVALID_DATA", `snapshot seq must be a non-negative integer, got ${String(seq)}`);
    }
    // Serialised now: the caller goes on changing its state while the write waits its turn.
    const body = toJson(snapshot.state, `snapshot at seq ${seq}`);
    this.#checkSnapshotSeq(seq);
    await this.#serially(() => {
      this.#checkSnapshotSeq(seq);
      return this.#flush({ seq, body });
    });
  }

  async getMeta(key: string): Promise<string | undefined> {
    this.#assertOpen();
    return this.#read(() => this.#medium.getMeta(key));
  }

  async claimMeta(key: string, value: string): Promise<string> {
    this.#assertOpen();
    if (typeof key !== "string" || typeof value !== "string") {
      throw new StoreError("INVALID_DATA", "claimMeta: key and value must be strings");
    }
    return this.#write(() => this.#medium.claimMeta(key, value));
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.#assertOpen();
    if (typeof key !== "string" || typeof value !== "string") {
      throw new StoreError("INVALID_DATA", "setMeta: key and value must be strings");
    }
    await this.#write(() => this.#medium.setMeta(key, value));
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#serially(() => this.#flush(undefined));
      } finally {
        await this.#medium.close();
      }
    })();
    return this.#closing;
  }

  /** The highest seq appended or committed. */
  #head(): number {
    return this.#queue.at(-1)?.seq ?? this.#writing.at(-1)?.seq ?? this.#lastCommitted;
  }

  #checkSnapshotSeq(seq: number): void {
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
  }

  /**
   * Run `write` once every write queued before it has settled: at once when none is under way, so that a commit takes
   * what was appended up to its call.
   */
  #serially<T>(write: () => Promise<T>): Promise<T> {
    const next = this.#writesUnderWay === 0 ? write() : this.#writes.then(write, write);
    this.#writesUnderWay++;
    const settled = next.then(
      () => this.#writesUnderWay--,
      () => this.#writesUnderWay--,
    );
    this.#writes = settled;
    return next;
  }

  async #flush(snapshot: EncodedSnapshot | undefined): Promise<number> {
    const rows = this.#queue;
    const outcomes = this.#outcomes;
    const last = rows.at(-1);
    if (last === undefined && snapshot === undefined && outcomes.length === 0) return 0;
    this.#queue = [];
    this.#outcomes = [];
    this.#writing = rows;
    try {
      if (this.#unmarkIndexed && last !== undefined) {
        await this.#write(() => this.#medium.setMeta(THREADS_KEY, "0"));
        this.#unmarkIndexed = false;
      }
      await this.#write(() => this.#medium.write(rows, snapshot, this.#lastCommitted, outcomes));
    } catch (error) {
      this.#writing = [];
      if (error instanceof StoreError && error.code === "CONFLICT") {
        // Decided on a log that is no more: these events (and those appended since) can never follow it, and the
        // outcomes of the commands that made them are void with them.
        this.#queue = [];
        this.#outcomes = [];
        this.#lastCommitted = await this.#read(() => this.#medium.lastSeq()).catch(() => this.#lastCommitted);
      } else {
        // Nothing was written: the batch stays pending, before what was appended meanwhile, for a retry.
        this.#queue = this.#queue.length === 0 ? rows : [...rows, ...this.#queue];
        this.#outcomes = this.#outcomes.length === 0 ? outcomes : [...outcomes, ...this.#outcomes];
      }
      throw error;
    }
    this.#writing = [];
    if (last !== undefined) this.#lastCommitted = last.seq;
    if (snapshot !== undefined) this.#snapshotSeq = snapshot.seq;
    return rows.length;
  }

  async *#iterate(afterSeq: number, limit: number): AsyncGenerator<StoredEvent, void, undefined> {
    let cursor = afterSeq;
    let remaining = limit;
    while (remaining > 0) {
      // Each page is its own short read: nothing stays locked while the caller holds the iterator (a resuming client
      // may be fed across many event-loop turns while the server keeps committing).
      this.#assertOpen();
      const want = Math.min(PAGE_SIZE, remaining);
      const rows = await this.#read(() => this.#medium.page(cursor, want));
      for (const [seq, body] of rows) {
        cursor = seq;
        remaining -= 1;
        yield this.#parse<StoredEvent>(body, `event ${seq}`);
      }
      // Stop only when nothing is past the cursor, so events committed while the caller was iterating are included.
      if (rows.length === 0) return;
    }
  }

  async *#pages(afterSeq: number): AsyncGenerator<StoredEvent[], void, undefined> {
    let cursor = afterSeq;
    for (;;) {
      // As #iterate: each page its own short read.
      this.#assertOpen();
      const rows = await this.#read(() => this.#medium.page(cursor, PAGE_SIZE));
      if (rows.length === 0) return;
      const page: StoredEvent[] = [];
      for (const [seq, body] of rows) page.push(this.#parse<StoredEvent>(body, `event ${seq}`));
      cursor = rows.at(-1)![0];
      yield page;
    }
  }

  #assertOpen(): void {
    if (this.#closing !== null) {
      const file = this.#medium.file;
      const where = file === undefined ? "" : ` (${file})`;
      throw new StoreError("CLOSED", `the event store is closed${where}`, optionalFile(file));
    }
  }

  /** A stored body that is not JSON any more was damaged in storage. */
  #parse<T>(body: string, what: string): T {
    try {
      return JSON.parse(body) as T;
    } catch (error) {
      throw damaged(this.#medium.file, `${what} is not valid JSON`, error);
    }
  }

  #read<T>(action: () => MaybePromise<T>): Promise<T> {
    return guard("READ_FAILED", "read from", this.#medium.file, action);
  }

  #write<T>(action: () => MaybePromise<T>): Promise<T> {
    return guard("WRITE_FAILED", "write to", this.#medium.file, action);
  }
}

/** Run a medium's operation, turning what it throws into a StoreError that says what went wrong and where. */
async function guard<T>(
  code: StoreErrorCode,
  verb: string,
  file: string | undefined,
  action: () => MaybePromise<T>,
): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    const target = file === undefined ? "the event store" : `data file ${file}`;
    const reason = transientStorageFailure(error);
    if (reason !== undefined) {
      throw new StoreError("UNAVAILABLE", `cannot ${verb} ${target} (${reason}): ${messageOf(error)}`, {
        ...optionalFile(file),
        cause: error,
        reason,
      });
    }
    const sqliteCode = (error as { code?: unknown } | null)?.code;
    if (sqliteCode === "SQLITE_CORRUPT" || sqliteCode === "SQLITE_NOTADB") throw damaged(file, messageOf(error), error);
    throw new StoreError(code, `cannot ${verb} ${target}: ${messageOf(error)}`, {
      ...optionalFile(file),
      cause: error,
    });
  }
}

/** The data file is damaged: say so, and what to do. */
export function damaged(file: string | undefined, detail: string, cause?: unknown): StoreError {
  const target = file === undefined ? "the event store" : `data file ${file}`;
  return new StoreError(
    "DAMAGED",
    `${target} is damaged (${detail}): restore the file from a backup (cc-agent server backup), ` +
      `or move it away to start with an empty one.`,
    { ...optionalFile(file), ...(cause === undefined ? {} : { cause }) },
  );
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
      `event seq ${seq} (${String(type)}) must be greater than ${previousSeq}, the seq before it`,
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

/** A snapshot's text in pieces of at most SNAPSHOT_PIECE characters. */
export function snapshotPieces(body: string): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < body.length; at += SNAPSHOT_PIECE) pieces.push(body.slice(at, at + SNAPSHOT_PIECE));
  return pieces;
}

/**
 * A snapshot's text joined from its stored pieces ([piece no, text] in piece order). A piece gone missing is damage,
 * said like a snapshot that is not JSON any more: a missing middle piece of a long string would still parse.
 */
export function joinSnapshotPieces(
  file: string | undefined,
  seq: number,
  pieces: readonly (readonly [number, string])[],
): EncodedSnapshot {
  pieces.forEach(([piece], i) => {
    if (piece !== i) throw damaged(file, `the snapshot at seq ${seq} is missing piece ${i}`);
  });
  if (pieces.length === 0) throw damaged(file, `the snapshot at seq ${seq} has no pieces`);
  return { seq, body: pieces.map(([, body]) => body).join("") };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function optionalFile(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}
