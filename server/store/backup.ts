// `cc-agent server backup`: a consistent copy of a data file, made while a server may be writing to it.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { EPOCH_KEY, newEpoch } from "./queued-store.js";
import { APPLICATION_ID, checkIntegrity } from "./sqlite-store.js";
import { StoreError } from "./store.js";

export interface BackupSummary {
  source: string;
  target: string;
  /** The last event in the copy. */
  seq: number;
  bytes: number;
  /** The copy's own epoch (a restored copy is a history of its own) and the original's. */
  epoch: string;
  sourceEpoch: string | undefined;
}

/**
 * Copy `source` to `target` (which must not exist) as of one instant: `VACUUM INTO` runs in one read transaction,
 * which in WAL mode never blocks the server's commits. The copy is checked, given an epoch of its own, flushed to
 * disk and only then renamed into place, so `target` is either absent or complete.
 */
export function backupDataFile(source: string, target: string): BackupSummary {
  const from = path.resolve(source);
  const to = path.resolve(target);
  if (from === to)
    throw new StoreError("OPEN_FAILED", `the backup must go to another file than ${from}`, { file: from });
  if (!fs.existsSync(from)) throw new StoreError("OPEN_FAILED", `there is no data file ${from}`, { file: from });
  if (fs.existsSync(to)) {
    throw new StoreError("OPEN_FAILED", `${to} already exists: choose a new file name for the backup`, { file: to });
  }
  fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
  const partial = `${to}.partial-${process.pid}`;

  const db = new Database(from, { readonly: true, fileMustExist: true });
  let sourceEpoch: string | undefined;
  try {
    db.pragma("busy_timeout = 5000");
    if (Number(db.pragma("application_id", { simple: true })) !== APPLICATION_ID) {
      throw new StoreError("FOREIGN_DATABASE", `${from} is not a cc-agent data file`, { file: from });
    }
    sourceEpoch = db.prepare<[string], string>("SELECT value FROM meta WHERE key = ?").pluck().get(EPOCH_KEY);
    // Created empty first, owner-only: the copy holds customer conversations too.
    fs.closeSync(fs.openSync(partial, "wx", 0o600));
    db.prepare("VACUUM INTO ?").run(partial);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw asStoreError(error, from);
  } finally {
    db.close();
  }

  try {
    const copy = new Database(partial, { fileMustExist: true });
    let seq: number;
    const epoch = newEpoch();
    try {
      checkIntegrity(copy, partial);
      seq = copy.prepare<[], number>("SELECT coalesce(max(seq), 0) FROM events").pluck().get() ?? 0;
      const upsert = copy.prepare<[string, string]>(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      );
      upsert.run(EPOCH_KEY, epoch);
      upsert.run("backup-of", JSON.stringify({ file: from, epoch: sourceEpoch ?? null, seq, at: Date.now() }));
    } finally {
      copy.close();
    }
    const fd = fs.openSync(partial, "r+");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(partial, to);
    syncDirectory(path.dirname(to));
    return { source: from, target: to, seq, bytes: fs.statSync(to).size, epoch, sourceEpoch };
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw asStoreError(error, to);
  }
}

function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a directory; the rename itself is done.
  }
}

function asStoreError(error: unknown, file: string): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError("WRITE_FAILED", `backup of ${file} failed: ${message}`, { file, cause: error });
}
