// One server per data file. The lock is an operating-system lock on a file next to the data file
// (`cc-agent.db.lock`, empty), taken through SQLite: a dedicated connection holds an exclusive transaction on it
// for the life of the server (SQLite's POSIX advisory locks, which also exclude a second connection in the same
// process). The kernel releases it when the process ends in any way (a clean stop, kill -9, a
// crash), so a lock is never left behind, whatever the pid or host name of the next server. Taking it writes
// nothing, so it works on a full disk too. Who holds it is written beside it (`cc-agent.db.lock-owner`, JSON), for
// the message a second server shows.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { accessRemedy } from "./access.js";
import { StoreError } from "./store.js";

/** Who holds a data file. */
export interface LockOwner {
  pid: number;
  host: string;
  /** Where the holder listens, once it does. */
  url?: string;
}

export interface DataFileLock {
  readonly path: string;
  /** Record where this server listens, for the message another server shows. */
  update(url: string): void;
  /** Let the lock go. Idempotent. */
  release(): void;
}

export function lockPathOf(dataFile: string): string {
  return `${path.resolve(dataFile)}.lock`;
}

/** Take the lock of a data file, or throw a StoreError (code LOCKED) naming the process that holds it. */
export function lockDataFile(dataFile: string): DataFileLock {
  const file = path.resolve(dataFile);
  const lockPath = lockPathOf(file);
  const ownerPath = `${lockPath}-owner`;
  let db: Database.Database;
  try {
    fs.mkdirSync(path.dirname(lockPath), { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(lockPath, "a", 0o600));
    db = new Database(lockPath, { timeout: 0 });
  } catch (error) {
    throw lockError(file, lockPath, error);
  }
  try {
    // A transaction that is never committed: EXCLUSIVE takes the file lock at once and keeps it. With the journal
    // in memory, nothing is written (no journal file either).
    db.pragma("journal_mode = MEMORY");
    db.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code !== "SQLITE_BUSY") throw lockError(file, lockPath, error);
    throw new StoreError("LOCKED", heldMessage(file, ownerPath), { file });
  }
  const me: LockOwner = { pid: process.pid, host: os.hostname() };
  writeOwner(ownerPath, me);
  let released = false;
  return {
    path: lockPath,
    update(url) {
      if (!released) writeOwner(ownerPath, { ...me, url });
    },
    release() {
      if (released) return;
      released = true;
      const owner = readOwner(ownerPath);
      if (owner?.pid === me.pid && owner.host === me.host) fs.rmSync(ownerPath, { force: true });
      db.close();
    },
  };
}

function heldMessage(file: string, ownerPath: string): string {
  const owner = readOwner(ownerPath);
  let who = "another cc-agent server";
  if (owner) {
    const host = owner.host === os.hostname() ? "" : ` on host ${owner.host}`;
    const where = owner.url ? ` listening on ${owner.url}` : "";
    who += ` (pid ${owner.pid}${host}${where})`;
  }
  return `data file ${file} is in use by ${who}. Stop that server first, or start this one with another --data file.`;
}

/** The owner written beside a lock; undefined when there is none or it cannot be read. */
export function readOwner(ownerPath: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(ownerPath, "utf8")) as Partial<LockOwner>;
    return typeof owner.pid === "number" && typeof owner.host === "string" ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** Replace the owner file atomically. On a full disk it may fail: only the message another server shows suffers. */
function writeOwner(ownerPath: string, owner: LockOwner): void {
  const next = `${ownerPath}.${process.pid}`;
  try {
    fs.writeFileSync(next, JSON.stringify(owner), { mode: 0o600 });
    fs.renameSync(next, ownerPath);
  } catch {
    fs.rmSync(next, { force: true });
  }
}

function lockError(file: string, lockPath: string, error: unknown): StoreError {
  return new StoreError(
    "OPEN_FAILED",
    `cannot lock data file ${file} (${lockPath}): ${error instanceof Error ? error.message : String(error)}` +
      accessRemedy(file, error),
    { file, cause: error },
  );
}
