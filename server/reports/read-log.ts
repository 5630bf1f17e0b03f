// Reading a server's data file for a report without disturbing the server: a read-only SQLite handle (WAL lets it
// read while the server writes), rows streamed one at a time in pages of seq, each page its own short read so that
// no snapshot of the file is held for the whole report.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { DomainEvent } from "../core/model.js";
import type { Org } from "../core/org.js";
import { APPLICATION_ID, SCHEMA_VERSION } from "../store/sqlite-store.js";

const PAGE_ROWS = 50_000;

export interface LogReader {
  readonly file: string;
  /** The org of the latest snapshot, when there is one (names, service-level targets). */
  readonly org: Org | undefined;
  /** The highest seq in the file now. */
  lastSeq(): number;
  /** Every event's stored JSON, in seq order. */
  bodies(): Iterable<string>;
  /** Every event, parsed, in seq order. */
  events(): Iterable<DomainEvent>;
  close(): void;
}

export class LogReadError extends Error {
  override readonly name = "LogReadError";
}

export function openLogReader(file: string): LogReader {
  const absolute = path.resolve(file);
  if (!fs.existsSync(absolute)) throw new LogReadError(`no data file at ${absolute}`);
  let db: Database.Database;
  try {
    db = new Database(absolute, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new LogReadError(`cannot open data file ${absolute}: ${(error as Error).message}`);
  }
  try {
    db.pragma("busy_timeout = 5000");
    const applicationId = Number(db.pragma("application_id", { simple: true }));
    const version = Number(db.pragma("user_version", { simple: true }));
    if (applicationId !== APPLICATION_ID || version === 0)
      throw new LogReadError(`data file ${absolute} is not a cc-agent server's data file`);
    if (version > SCHEMA_VERSION)
      throw new LogReadError(`data file ${absolute} was written by a newer version of the server (schema ${version})`);
  } catch (error) {
    db.close();
    if (error instanceof LogReadError) throw error;
    throw new LogReadError(`data file ${absolute} cannot be read: ${(error as Error).message}`);
  }

  const orgJson = db
    .prepare<[], string | null>("SELECT json_extract(body, '$.org') FROM snapshots ORDER BY seq DESC LIMIT 1")
    .pluck()
    .get();
  const pageWithSeq = db
    .prepare<[number, number], [number, string]>("SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?")
    .raw();
  const last = db.prepare<[], number>("SELECT coalesce(max(seq), 0) FROM events").pluck();

  function* bodies(): Generator<string> {
    let cursor = 0;
    for (;;) {
      let rows = 0;
      // .iterate() streams the page row by row; the next page starts after the last seq seen.
      for (const [seq, body] of pageWithSeq.iterate(cursor, PAGE_ROWS)) {
        cursor = seq;
        rows++;
        yield body;
      }
      if (rows < PAGE_ROWS) return;
    }
  }

  return {
    file: absolute,
    org: orgJson ? (JSON.parse(orgJson) as Org) : undefined,
    lastSeq: () => last.get() ?? 0,
    bodies,
    *events() {
      for (const body of bodies()) yield JSON.parse(body) as DomainEvent;
    },
    close: () => db.close(),
  };
}
