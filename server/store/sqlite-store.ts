// The SQLite medium: the event log in one file, in WAL mode, fsynced at every commit (see configure()).
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import {
  conflict,
  damaged,
  joinSnapshotPieces,
  messageOf,
  openQueuedStore,
  snapshotPieces,
  THREADS_KEY,
  type EncodedEvent,
  type EncodedSnapshot,
  type Medium,
  type StoreOptions,
  type ThreadPosition,
} from "./queued-store.js";
import { accessRemedy } from "./access.js";
import { SqliteThreads, THREAD_INDEX_SCHEMA } from "./sqlite-threads.js";
import { StoreError, transientStorageFailure, type EventStore } from "./store.js";

/** Bumped whenever the table layout changes; an older server refuses a file written by a newer one. */
export const SCHEMA_VERSION = 3;
/** Marks the file as ours (PRAGMA application_id), so another program's SQLite file is refused rather than altered. */
export const APPLICATION_ID = 0x63634147; // "ccAG"
/** How long a statement waits for a lock held by another connection (e.g. a backup or inspection tool). */
const BUSY_TIMEOUT_MS = 5_000;
/** Events read per page by the backfill of the thread index. */
const INDEX_PAGE = 1_000;

export interface SqliteStoreOptions extends StoreOptions {
  /**
   * "FULL" (default): a commit is durable when it resolves, even across power loss.
   * "NORMAL": survives a crash of the process (kill -9) but the last commits may be lost on power loss or an OS crash.
   */
  synchronous?: "NORMAL" | "FULL";
  /**
   * Called with the open connection once it is configured, before the store reads anything: the place for
   * connection-level settings (tests set `PRAGMA max_page_count` there, which makes writes fail with SQLITE_FULL as a
   * full disk does).
   */
  onOpen?: (db: Database.Database) => void;
}

/**
 * Open (creating if needed) the event store in a SQLite file. Rejects with a StoreError naming the file when it is not a
 * SQLite database, belongs to another program, was written by a newer server, or cannot be opened.
 *
 * The file (and its -wal/-shm companions) is made readable by the owner only: it holds customer conversations.
 */
export async function openSqliteStore<S>(file: string, options: SqliteStoreOptions = {}): Promise<EventStore<S>> {
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
    options.onOpen?.(db);
    const store = await openQueuedStore<S>(sqliteMedium(db, absolute), options);
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
    throw new StoreError(
      "OPEN_FAILED",
      `cannot open data file ${file}: ${messageOf(error)}${accessRemedy(file, error)}`,
      {
        file,
        cause: error,
      },
    );
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

/** The page cache's size (negative: in KiB). */
const CACHE_KIB = -2000;

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
  if (version > 0) checkIntegrity(db, file);

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
  // SQLite's page cache as SQLite itself sizes it (2 MB), not better-sqlite3's 16 MB: the log is appended and read a
  // page of a thread at a time, which the OS's file cache serves as well; 16 MB filled as the log grew, and the server's
  // memory with it, up to 14 MB more than what routing holds.
  db.pragma(`cache_size = ${CACHE_KIB}`);

  if (version < SCHEMA_VERSION) {
    db.transaction(() => {
      if (version < 1) {
        db.exec(`
          CREATE TABLE events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL);
          CREATE TABLE snapshots (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
          CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
          PRAGMA application_id = ${APPLICATION_ID};
        `);
      }
      if (version < 2) {
        // 2: events know their thread, snapshots in pieces.
        db.exec(`
          ALTER TABLE events ADD COLUMN thread TEXT;
          ALTER TABLE events ADD COLUMN position INTEGER;
          CREATE TABLE snapshot_pieces (seq INTEGER NOT NULL, piece INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (seq, piece));
        `);
      }
      // 3: threads indexed in a table of their own, in batches (sqlite-threads.ts), not by an index on events.
      db.exec(THREAD_INDEX_SCHEMA);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  }
}

/**
 * PRAGMA quick_check: every page of every table and index is read and its structure checked (not the cross-checks of
 * integrity_check between tables and indexes, which cost several times more). A file with overwritten or truncated
 * pages fails here instead of losing events silently later.
 */
export function checkIntegrity(db: Database.Database, file: string): void {
  let problems: string[];
  try {
    problems = (db.pragma("quick_check(5)") as { quick_check: string }[]).map((row) => row.quick_check);
  } catch (error) {
    throw damaged(file, messageOf(error), error);
  }
  if (problems.length !== 1 || problems[0] !== "ok") throw damaged(file, problems.join("; ").slice(0, 300));
}

function sqliteMedium(db: Database.Database, file: string): Medium {
  // Prepared once; reused for the life of the store.
  const insertEvent = db.prepare<[number, number, string, string, string | null, number | null]>(
    "INSERT INTO events (seq, at, type, body, thread, position) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const updateThread = db.prepare<[string, number, number]>("UPDATE events SET thread = ?, position = ? WHERE seq = ?");
  const selectPage = db
    .prepare<[number, number], [number, string]>("SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?")
    .raw();
  const selectLastSeq = db.prepare<[], number>("SELECT coalesce(max(seq), 0) FROM events").pluck();
  const selectSnapshot = db.prepare<[], EncodedSnapshot>("SELECT seq, body FROM snapshots ORDER BY seq DESC LIMIT 1");
  const selectPieces = db
    .prepare<[number], [number, string]>("SELECT piece, body FROM snapshot_pieces WHERE seq = ? ORDER BY piece")
    .raw();
  const selectSnapshotSeq = db.prepare<[], number>("SELECT coalesce(max(seq), -1) FROM snapshots").pluck();
  const insertSnapshot = db.prepare<[number, string]>("INSERT OR REPLACE INTO snapshots (seq, body) VALUES (?, ?)");
  const insertPiece = db.prepare<[number, number, string]>(
    "INSERT INTO snapshot_pieces (seq, piece, body) VALUES (?, ?, ?)",
  );
  const deleteOlderSnapshots = db.prepare<[number]>("DELETE FROM snapshots WHERE seq < ?");
  const deletePiecesUpTo = db.prepare<[number]>("DELETE FROM snapshot_pieces WHERE seq <= ?");
  const selectMeta = db.prepare<[string], string>("SELECT value FROM meta WHERE key = ?").pluck();
  const insertMeta = db.prepare<[string, string]>(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
  );
  const upsertMeta = db.prepare<[string, string]>(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  const threads = new SqliteThreads(db);
  const indexThreads = db.transaction((index: (body: string) => ThreadPosition | undefined): number => {
    let indexed = 0;
    for (let cursor = 0; ;) {
      const rows = selectPage.all(cursor, INDEX_PAGE);
      if (rows.length === 0) break;
      for (const [seq, body] of rows) {
        cursor = seq;
        const where = index(body);
        if (where === undefined) continue;
        updateThread.run(where.thread, where.position, seq);
        indexed++;
      }
    }
    threads.indexAll(selectLastSeq.get() ?? 0);
    upsertMeta.run(THREADS_KEY, "1");
    return indexed;
  });

  const write = db.transaction(
    (events: readonly EncodedEvent[], snapshot: EncodedSnapshot | undefined, expectedLast: number) => {
      // Inside the transaction, so nothing can come between the check and the writes (a lookup in the primary key).
      const last = selectLastSeq.get() ?? 0;
      if (last !== expectedLast) throw conflict(file, expectedLast, last);
      for (const e of events) insertEvent.run(e.seq, e.at, e.type, e.body, e.thread ?? null, e.position ?? null);
      const chunk = threads.writeChunk(snapshot !== undefined);
      if (snapshot !== undefined) {
        // The snapshot's own row says it is in pieces (an empty body: no JSON is empty); its text is in the pieces.
        // Pieces of a snapshot saved again at the same seq go too: the new one may have fewer.
        deletePiecesUpTo.run(snapshot.seq);
        insertSnapshot.run(snapshot.seq, "");
        snapshotPieces(snapshot.body).forEach((piece, i) => insertPiece.run(snapshot.seq, i, piece));
        deleteOlderSnapshots.run(snapshot.seq);
      }
      return chunk;
    },
  );

  return {
    file,
    // BEGIN IMMEDIATE: take the write lock up front (waiting up to busy_timeout) rather than failing on upgrade.
    write: (events, snapshot, expectedLast) => {
      threads.committed(events, write.immediate(events, snapshot, expectedLast));
    },
    page: (afterSeq, max) => selectPage.all(afterSeq, max),
    lastSeq: () => selectLastSeq.get() ?? 0,
    threadPage: (thread, before, max) => threads.page(thread, before, max),
    indexThreads: (index) => {
      const indexed = indexThreads.immediate(index);
      threads.allIndexed(selectLastSeq.get() ?? 0);
      return indexed;
    },
    latestSnapshot: () => {
      const row = selectSnapshot.get();
      // A snapshot written before pieces existed is one row with its whole body.
      return row === undefined || row.body !== "" ? row : joinSnapshotPieces(file, row.seq, selectPieces.all(row.seq));
    },
    snapshotSeq: () => selectSnapshotSeq.get() ?? -1,
    getMeta: (key) => selectMeta.get(key),
    setMeta: (key, value) => {
      upsertMeta.run(key, value);
    },
    claimMeta: (key, value) => {
      insertMeta.run(key, value);
      return selectMeta.get(key)!;
    },
    close: () => {
      db.close();
    },
  };
}

function openError(file: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const reason = transientStorageFailure(error);
  if (reason !== undefined) {
    return new StoreError("OPEN_FAILED", `cannot open data file ${file} (${reason}): ${messageOf(error)}`, {
      file,
      cause: error,
    });
  }
  if (code === "SQLITE_CORRUPT") return damaged(file, messageOf(error), error);
  if (code === "SQLITE_NOTADB") {
    return new StoreError(
      "NOT_A_DATABASE",
      `data file ${file} is not an event store database (${messageOf(error)}): check the --data path; if it was the ` +
        `data file, its first page is damaged — restore it from a backup (cc-agent server backup), or move it away to ` +
        `start with an empty one`,
      {
        file,
        cause: error,
      },
    );
  }
  return new StoreError(
    "OPEN_FAILED",
    `cannot open data file ${file}: ${messageOf(error)}${accessRemedy(file, error)}`,
    {
      file,
      cause: error,
    },
  );
}
