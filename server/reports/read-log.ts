// Reading a server's data file for a report without disturbing the server: a read-only SQLite handle (WAL lets it
// read while the server writes), rows read in small pages of seq, each page its own short read so that no snapshot
// of the file is held for the whole report. A report streams the whole log once, in constant memory: see PAGE_ROWS
// and CACHE_KIB for what that took.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { DomainEvent } from "../core/model.js";
import type { Org } from "../core/org.js";
import { APPLICATION_ID, SCHEMA_VERSION } from "../store/sqlite-store.js";
import { FOLDED_TYPES } from "./fold.js";

/**
 * Rows per page. A page is fetched whole with `.all()`: better-sqlite3's `.iterate()` costs ~0.5 µs more a row (a
 * third of the read on a 1,000,000-event log). Small, because rows still held when the garbage collector runs survive
 * it, and survivors make V8 grow its young generation: pages of 1,000 rows took the peak RSS from ~65 to ~90 MB.
 */
const PAGE_ROWS = 128;
/**
 * SQLite's page cache for this connection, KiB. better-sqlite3 builds SQLite with a 16 MB cache; a single pass in seq
 * order reads each page of the file once, so a cache only adds to the process's RSS (~14 MB at the default).
 */
const CACHE_KIB = 1024;

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
  /** The events a report reads, in seq order, with only the fields it reads (fold.ts, FOLDED_TYPES). */
  reportEvents(): Iterable<DomainEvent>;
  close(): void;
}

export class LogReadError extends Error {
  override readonly name = "LogReadError";
}

/**
 * The org in force at the end of the log, as JSON, read by SQLite: the latest `configured` event (the server applies
 * its org file as one at start and at each reload) after the latest snapshot, else that snapshot's org. A snapshot is
 * stored in pieces (its own row's body empty) since schema 2, and before as its row's body. Only the events after the
 * snapshot are looked through: a few thousand, or a small log's whole.
 */
function orgAtEnd(db: Database.Database, version: number): string | null | undefined {
  const snapshot = db
    .prepare<[], { seq: number; body: string }>("SELECT seq, body FROM snapshots ORDER BY seq DESC LIMIT 1")
    .get();
  const configured = db
    .prepare<[number], string | null>(
      "SELECT json_extract(body, '$.org') FROM events WHERE seq > ? AND type = 'configured' ORDER BY seq DESC LIMIT 1",
    )
    .pluck()
    .get(snapshot?.seq ?? 0);
  if (configured !== undefined || snapshot === undefined) return configured;
  if (version < 2 || snapshot.body !== "")
    return db.prepare<[string], string | null>("SELECT json_extract(?, '$.org')").pluck().get(snapshot.body);
  return db
    .prepare<[number], string | null>(
      "SELECT json_extract(group_concat(body, '' ORDER BY piece), '$.org') FROM snapshot_pieces WHERE seq = ?",
    )
    .pluck()
    .get(snapshot.seq);
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
  let version: number;
  try {
    db.pragma("busy_timeout = 5000");
    db.pragma(`cache_size = -${CACHE_KIB}`);
    const applicationId = Number(db.pragma("application_id", { simple: true }));
    version = Number(db.pragma("user_version", { simple: true }));
    if (applicationId !== APPLICATION_ID || version === 0)
      throw new LogReadError(`data file ${absolute} is not a cc-agent server's data file`);
    if (version > SCHEMA_VERSION)
      throw new LogReadError(`data file ${absolute} was written by a newer version of the server (schema ${version})`);
  } catch (error) {
    db.close();
    if (error instanceof LogReadError) throw error;
    throw new LogReadError(`data file ${absolute} cannot be read: ${(error as Error).message}`);
  }

  const orgJson = orgAtEnd(db, version);
  const pageWithSeq = db
    .prepare<[number, number], [number, string]>("SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?")
    .raw();
  // What the report needs and nothing else, picked out by SQLite before a row reaches JavaScript: the event types the
  // fold reads, only the staff's messages, and of the large ones a few fields. Of a staff message only what comes
  // before its text (ids and author) leaves SQLite; of a conversation as created (~700 bytes, most of it the customer
  // and the context, which the fold does not read) the fields FOLDED_TYPES names: parsed whole, it was two fifths of
  // what the report allocated. Everything else is its stored JSON, which holds its seq and at. The third column says
  // whether the row is a message (a number: a string a row would be allocated for nothing).
  const folded = Object.entries(FOLDED_TYPES)
    .filter(([, used]) => used)
    .map(([type]) => `'${type}'`)
    .join(", ");
  const created = (field: string) => `'${field}', body ->> '$.conversation.${field}'`;
  const reportPage = db
    .prepare<[number, number], ReportRow>(
      `SELECT seq, at, type = 'message_added',
         CASE WHEN type = 'message_added' AND instr(body, '"text":') > 0 THEN substr(body, 1, instr(body, '"text":') - 1)
              WHEN type = 'conversation_created' THEN json_object('type', type, 'seq', seq, 'at', at, 'conversation',
                json_object(${["id", "workstreamId", "queueId", "state", "sentiment", "queuedAt"].map(created).join(", ")}))
              ELSE body END
       FROM events
       WHERE seq > ? AND type IN (${folded})
         AND (type <> 'message_added' OR instr(body, '"author":{"role":"rep"') > 0
              OR instr(body, '"author":{"role":"supervisor"') > 0)
       ORDER BY seq LIMIT ?`,
    )
    .raw();
  const oneBody = db.prepare<[number], string>("SELECT body FROM events WHERE seq = ?").pluck();
  const last = db.prepare<[], number>("SELECT coalesce(max(seq), 0) FROM events").pluck();

  /** The rows of `statement` in pages; the next page starts after the last seq seen. */
  function* pages<R extends [number, ...unknown[]]>(
    statement: Database.Statement<[number, number], R>,
  ): Generator<R[]> {
    for (let cursor = 0; ;) {
      const rows = statement.all(cursor, PAGE_ROWS);
      yield rows;
      if (rows.length < PAGE_ROWS) return;
      cursor = rows[rows.length - 1]![0];
    }
  }

  return {
    file: absolute,
    org: orgJson ? (JSON.parse(orgJson) as Org) : undefined,
    lastSeq: () => last.get() ?? 0,
    *bodies() {
      for (const page of pages(pageWithSeq)) for (const row of page) yield row[1];
    },
    *events() {
      for (const page of pages(pageWithSeq)) for (const row of page) yield JSON.parse(row[1]) as DomainEvent;
    },
    *reportEvents() {
      const wholeBody = (seq: number) => oneBody.get(seq)!;
      for (const page of pages(reportPage)) for (const row of page) yield reportEvent(row, wholeBody);
    },
    close: () => db.close(),
  };
}

/** seq, at, 1 for a staff message (else 0), and what the report reads of its JSON. */
type ReportRow = [number, number, number, string];

/** The text after `key` up to the next quote, from `from`; undefined when `key` is not there. */
function after(body: string, key: string, from = 0): { value: string; end: number } | undefined {
  const at = body.indexOf(key, from);
  if (at < 0) return undefined;
  const start = at + key.length;
  const end = body.indexOf('"', start);
  return end < 0 ? undefined : { value: body.slice(start, end), end };
}

/**
 * A report's row as the event it stands for. A staff message needs only its conversation and author: they are read
 * from the stored JSON without parsing all of it (inside a JSON string every quote is escaped, so the first
 * `"conversationId":"` and `"author":{"role":"` are the fields themselves; ids never hold a quote). Only the part
 * before its text is read from the file. Anything else is parsed whole; a message that does not read that way
 * (a layout this version does not know) is read again whole from the file.
 */
function reportEvent(row: ReportRow, wholeBody: (seq: number) => string): DomainEvent {
  const [seq, at, message, body] = row;
  if (message === 0) return JSON.parse(body) as DomainEvent;
  const conversation = after(body, '"conversationId":"');
  const role = conversation && after(body, '"author":{"role":"', conversation.end);
  const id = role && body.startsWith('","id":"', role.end) ? after(body, '"id":"', role.end) : undefined;
  if (conversation && role && id) {
    const author = { role: role.value, id: id.value };
    return { type: "message_added", seq, at, conversationId: conversation.value, message: { author } } as DomainEvent;
  }
  return JSON.parse(body.endsWith("}") ? body : wholeBody(seq)) as DomainEvent;
}
