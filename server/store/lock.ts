// One server per data file. The lock is a symbolic link next to the file (`cc-agent.db.lock`) whose target says who
// holds it: creating a link is atomic (it fails if one exists), its target needs no data block (it is written even
// on a full disk), and anyone can read it to name the holder. A lock left by a process that died (kill -9, a crash)
// is stale: its process is gone, so the next server takes it over.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { StoreError } from "./store.js";

/** Who holds a data file. */
export interface LockHolder {
  pid: number;
  host: string;
  /** Process start time (Linux: clock ticks since boot), to tell the holder from a later process with its pid. */
  start?: number;
  /** Where the holder listens, once it does. */
  url?: string;
}

export interface DataFileLock {
  readonly path: string;
  /** Record where this server listens, for the message another server shows. */
  update(url: string): void;
  /** Remove the lock (if it is still ours). Idempotent. */
  release(): void;
}

export function lockPathOf(dataFile: string): string {
  return `${path.resolve(dataFile)}.lock`;
}

/**
 * Take the lock of a data file, or throw a StoreError (code LOCKED) naming the process that holds it. A stale lock
 * (its process is gone) is taken over.
 */
export function lockDataFile(dataFile: string): DataFileLock {
  const file = path.resolve(dataFile);
  const lockPath = lockPathOf(file);
  fs.mkdirSync(path.dirname(lockPath), { recursive: true, mode: 0o700 });
  const me: LockHolder = { pid: process.pid, host: os.hostname(), ...startOf(process.pid) };
  for (let attempt = 0; ; attempt++) {
    try {
      fs.symlinkSync(encode(me), lockPath);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 2) throw lockError(file, lockPath, error);
    }
    const holder = readHolder(lockPath);
    if (holder === undefined) continue; // released meanwhile
    if (holder !== null && isAlive(holder)) {
      const where = holder.url ? ` listening on ${holder.url}` : "";
      const host = holder.host === os.hostname() ? "" : ` on host ${holder.host}`;
      throw new StoreError(
        "LOCKED",
        `data file ${file} is in use by another cc-agent server (pid ${holder.pid}${host}${where}). ` +
          `Stop that server first, or start this one with another --data file.`,
        { file },
      );
    }
    // Stale: its process is gone (or the lock is unreadable). Two servers starting at the same instant after a crash
    // could both get here; the second one's symlink then fails with EEXIST and it reads the first one's lock.
    fs.rmSync(lockPath, { force: true });
  }
  let current = me;
  let released = false;
  return {
    path: lockPath,
    update(url) {
      if (released) return;
      current = { ...current, url };
      // Replace the link atomically: a reader sees the old target or the new one, never none.
      const next = `${lockPath}.${process.pid}`;
      try {
        fs.rmSync(next, { force: true });
        fs.symlinkSync(encode(current), next);
        fs.renameSync(next, lockPath);
      } catch {
        // Only the message another server shows is less precise.
        fs.rmSync(next, { force: true });
      }
    },
    release() {
      if (released) return;
      released = true;
      const holder = readHolder(lockPath);
      if (holder && holder.pid === process.pid && holder.host === me.host) fs.rmSync(lockPath, { force: true });
    },
  };
}

/** The holder written in a lock; undefined when there is no lock, null when it cannot be read. */
export function readHolder(lockPath: string): LockHolder | null | undefined {
  let target: string;
  try {
    target = fs.readlinkSync(lockPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    return null;
  }
  try {
    const holder = JSON.parse(target) as Partial<LockHolder>;
    if (typeof holder.pid !== "number" || typeof holder.host !== "string") return null;
    return holder as LockHolder;
  } catch {
    return null;
  }
}

function encode(holder: LockHolder): string {
  return JSON.stringify(holder);
}

/** Is the lock's process still running? A holder on another host is taken to be (its pid means nothing here). */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // The pid runs, but after a kill -9 and a reboot or a wrap-around it may be another process now.
  const now = startOf(holder.pid).start;
  return holder.start === undefined || now === undefined || now === holder.start;
}

/** A process's start time from /proc (Linux); nothing elsewhere. */
function startOf(pid: number): { start?: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, starttime field 22.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const start = Number(fields[19]);
    return Number.isSafeInteger(start) ? { start } : {};
  } catch {
    return {};
  }
}

function lockError(file: string, lockPath: string, error: unknown): StoreError {
  return new StoreError(
    "OPEN_FAILED",
    `cannot lock data file ${file} (${lockPath}): ${error instanceof Error ? error.message : String(error)}`,
    { file, cause: error },
  );
}
