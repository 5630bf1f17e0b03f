// The Postgres medium: the event log in three tables of a Postgres database, so that the log lives on a database
// server (and its replication) rather than on this machine's disk. Several servers may share it as a cluster
// (server/cluster/): the leader writes, its commits fenced by its term; followers read and pass commands on.
//
// - Tables are created on first start (CREATE TABLE IF NOT EXISTS, under an advisory lock so that two servers
//   starting at once do not race).
// - One transaction per commit batch, the events in one multi-row INSERT (unnest of arrays: one statement whatever
//   the batch size, no limit on parameters).
// - The conditional append is checked inside that transaction, under a transaction-level advisory lock that every
//   writer takes: nothing can come between reading the log's last seq and writing after it.
// - Bodies are stored as text, exactly as serialised: jsonb would reorder keys, refuse "\u0000" in strings and cost a
//   parse per row on the write path. Operators can still query them with `body::jsonb`.
import pg from "pg";
import {
  conflict,
  joinSnapshotPieces,
  messageOf,
  openQueuedStore,
  snapshotPieces,
  THREADS_KEY,
  type EncodedEvent,
  type EncodedOutcome,
  type EncodedSnapshot,
  type Medium,
  type StoreOptions,
} from "./queued-store.js";
import { StoreError, type EventStore } from "./store.js";
import {
  APPEND,
  APPEND_FUNCTION,
  CONFLICT_STATE,
  EVENTS_CHANNEL,
  eventPayloads,
  FENCED_STATE,
  OUTCOMES_CHANNEL,
  WRITE_LOCK,
} from "./postgres-append.js";

export { EVENTS_CHANNEL, OUTCOMES_CHANNEL, outcomesPayload, parseEventPayload } from "./postgres-append.js";

/** Bumped whenever the table layout changes; an older server refuses a database written by a newer one. */
export const POSTGRES_SCHEMA_VERSION = 4;

/** The meta keys that mark a database as ours and say its layout. */
const APPLICATION_KEY = "application";
const APPLICATION = "cc-agent";
const SCHEMA_KEY = "schema_version";
/** Advisory lock key of table creation (any bigint; this spells "ccAS"; the writers' lock, "ccAG", is in postgres-append.ts). */
const SCHEMA_LOCK = 0x63634153;
/** Connections per store: a commit and page reads of resuming clients may run side by side. */
const POOL_SIZE = 4;
const CONNECT_TIMEOUT_MS = 10_000;
/** Events read per page by the backfill of the thread index. */
const INDEX_PAGE = 1_000;

export interface PostgresStoreOptions extends StoreOptions {
  /**
   * Called inside every write transaction before anything is written (tests use it to make Postgres refuse the write
   * as a full disk does, SQLSTATE 53100). A throw rolls the transaction back.
   */
  beforeWrite?: (client: pg.PoolClient) => Promise<void>;
  /**
   * A cluster node's fencing token: the term of cc_leader this writer was elected with, or null when it is not leader.
   * Given, every commit checks it against cc_leader in its own transaction and rejects with FENCED on a mismatch, so a
   * leader that lost leadership can never write again.
   */
  fence?: () => number | null;
  /**
   * Postgres ends a session that sits this long inside a transaction (idle_in_transaction_session_timeout). A cluster
   * writer frozen in the middle of a commit (SIGSTOP, a paused machine) would otherwise hold cc_leader FOR SHARE and
   * the writers' lock until it wakes, and no other node could take the next term: the node gives its lease here.
   */
  idleInTransactionMs?: number;
}

import { redactUrl } from "./postgres-url.js";
export { isPostgresUrl, redactUrl } from "./postgres-url.js";

/**
 * Open the event store in the Postgres database at `url`, creating its tables if needed. Rejects with a StoreError
 * naming the database (password hidden): OPEN_FAILED when it cannot be reached (with the reason), FOREIGN_DATABASE when
 * its tables are another program's, NEWER_SCHEMA when a newer server wrote them.
 */
export async function openPostgresStore<S>(url: string, options: PostgresStoreOptions = {}): Promise<EventStore<S>> {
  const shown = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: "cc-agent",
    ...(options.idleInTransactionMs === undefined
      ? {}
      : { idle_in_transaction_session_timeout: options.idleInTransactionMs }),
  });
  // An idle connection that the database drops (restart, network) is reported here; without a listener it would
  // crash the process. The next query gets a new connection, or fails and is reported as UNAVAILABLE.
  pool.on("error", () => undefined);
  // The same for a connection that ends while checked out between two queries (a commit that just failed on it,
  // awaiting its ROLLBACK): the query in flight is refused, and that is how the failure is reported.
  pool.on("connect", (client) => client.on("error", () => undefined));
  try {
    await createTables(pool, shown);
    return await openQueuedStore<S>(postgresMedium(pool, shown, options), options);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof StoreError && error.code !== "UNAVAILABLE" && error.code !== "READ_FAILED") throw error;
    const cause = error instanceof StoreError && error.cause !== undefined ? error.cause : error;
    const reason = postgresFailure(cause) ?? (error instanceof StoreError ? error.reason : undefined);
    const detail = reason === undefined ? "" : ` (${reason})`;
    throw new StoreError("OPEN_FAILED", `cannot open the event store at ${shown}${detail}: ${messageOf(cause)}`, {
      file: shown,
      cause,
    });
  }
}

async function createTables(pool: pg.Pool, shown: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
    const existing = await client.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('events', 'snapshots', 'meta')",
    );
    if (existing.rows.length > 0) {
      await checkOurs(client, shown, existing.rows.length);
      await upgrade(client);
    } else {
      await client.query(`
        CREATE TABLE events (seq bigint PRIMARY KEY, at double precision NOT NULL, type text NOT NULL, body text NOT NULL);
        CREATE TABLE snapshots (seq bigint PRIMARY KEY, body text NOT NULL);
        CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
      `);
      await upgrade(client);
      await client.query("INSERT INTO meta (key, value) VALUES ($1, $2), ($3, $4)", [
        APPLICATION_KEY,
        APPLICATION,
        SCHEMA_KEY,
        String(POSTGRES_SCHEMA_VERSION),
      ]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Run `body` in one transaction on a connection of its own. What Postgres refuses is rolled back and reported as a
 * StoreError (UNAVAILABLE unless it is one already); a connection that failed mid-transaction is thrown away rather
 * than given back to the pool.
 */
async function inTransaction<T>(pool: pg.Pool, shown: string, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw unavailable(error, shown);
  }
  try {
    await client.query("BEGIN");
    const result = await body(client);
    await client.query("COMMIT");
    client.release();
    return result;
  } catch (error) {
    const rolledBack = await client.query("ROLLBACK").then(
      () => true,
      () => false,
    );
    client.release(rolledBack ? undefined : true);
    if (error instanceof StoreError) throw error;
    throw unavailable(error, shown);
  }
}

/**
 * Schema 2: events indexed by thread (filled for earlier events by the store's backfill), snapshots in pieces.
 * Schema 3: the cluster's tables (docs/operations.md): the leader's lease and term, commands passed from followers to
 * the leader, and each node's heartbeat with the staff connected to it. Schema 4: the commit in one statement, the
 * function cc_append, and the notifications it sends (postgres-append.ts): an older server, which would put its own
 * way of committing back, refuses the database. Each statement is a no-op on a database that has it already.
 */
async function upgrade(client: pg.PoolClient): Promise<void> {
  await client.query(`
    ALTER TABLE events ADD COLUMN IF NOT EXISTS thread text;
    ALTER TABLE events ADD COLUMN IF NOT EXISTS position bigint;
    CREATE INDEX IF NOT EXISTS events_by_thread ON events (thread, position) WHERE thread IS NOT NULL;
    CREATE TABLE IF NOT EXISTS snapshot_pieces (seq bigint NOT NULL, piece integer NOT NULL, body text NOT NULL, PRIMARY KEY (seq, piece));
    CREATE TABLE IF NOT EXISTS cc_leader (term bigint NOT NULL, node text, backend_pid int, lease_until timestamptz);
    INSERT INTO cc_leader (term) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM cc_leader);
    CREATE TABLE IF NOT EXISTS cc_commands (id bigserial PRIMARY KEY, node text, actor jsonb, command jsonb, outcome jsonb NULL, seq bigint NULL, created_at timestamptz DEFAULT now());
    CREATE INDEX IF NOT EXISTS cc_commands_unanswered ON cc_commands (id) WHERE outcome IS NULL;
    CREATE TABLE IF NOT EXISTS cc_nodes (node text PRIMARY KEY, role text, seen_at timestamptz, staff jsonb);
  `);
  await client.query(APPEND_FUNCTION);
  await client.query("UPDATE meta SET value = $1 WHERE key = $2", [String(POSTGRES_SCHEMA_VERSION), SCHEMA_KEY]);
}

/** Tables named like ours that another program made are refused rather than altered. */
async function checkOurs(client: pg.PoolClient, shown: string, found: number): Promise<void> {
  const foreign = new StoreError(
    "FOREIGN_DATABASE",
    `the database at ${shown} has tables named events, snapshots or meta that were not created by this server: use a database of its own`,
    { file: shown },
  );
  if (found !== 3) throw foreign;
  const rows = await client.query<{ key: string; value: string }>("SELECT key, value FROM meta WHERE key IN ($1, $2)", [
    APPLICATION_KEY,
    SCHEMA_KEY,
  ]);
  const meta = new Map(rows.rows.map((row) => [row.key, row.value]));
  if (meta.get(APPLICATION_KEY) !== APPLICATION) throw foreign;
  const version = Number(meta.get(SCHEMA_KEY));
  if (version > POSTGRES_SCHEMA_VERSION) {
    throw new StoreError(
      "NEWER_SCHEMA",
      `the database at ${shown} was written by a newer version of the server (schema ${version}; this version reads up to ${POSTGRES_SCHEMA_VERSION}). Upgrade the server.`,
      { file: shown },
    );
  }
}

function postgresMedium(pool: pg.Pool, shown: string, options: PostgresStoreOptions): Medium {
  /** Run one operation, turning what Postgres refuses for a reason that may pass into UNAVAILABLE. */
  async function attempt<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw unavailable(error, shown);
    }
  }

  async function write(
    events: readonly EncodedEvent[],
    snapshot: EncodedSnapshot | undefined,
    expectedLast: number,
    outcomes: readonly EncodedOutcome[],
  ): Promise<void> {
    const payloads = eventPayloads(events);
    // The usual commit: one statement, one round trip (cc_append does it all, in the statement's own transaction).
    if (snapshot === undefined && options.beforeWrite === undefined) {
      const fence = options.fence?.();
      try {
        await pool.query(APPEND, [
          expectedLast,
          options.fence === undefined,
          fence ?? null,
          events.map((e) => e.seq),
          events.map((e) => e.at),
          events.map((e) => e.type),
          events.map((e) => e.body).join("\n"),
          events.map((e) => e.thread ?? null),
          events.map((e) => e.position ?? null),
          payloads.join("\x1e"),
          outcomes.map((o) => o.id),
          outcomes.map((o) => jsonbText(o.body)).join("\n"),
        ]);
      } catch (error) {
        throw refusedAppend(error, shown, expectedLast, fence ?? null);
      }
      return;
    }
    await inTransaction(pool, shown, async (client) => {
      // Every writer takes this lock first: between the check below and COMMIT no other writer can add events.
      await client.query("SELECT pg_advisory_xact_lock($1)", [WRITE_LOCK]);
      const last = await lastSeqOn(client);
      if (last !== expectedLast) throw conflict(shown, expectedLast, last);
      if (options.fence !== undefined) await checkFence(client, shown, options.fence());
      await options.beforeWrite?.(client);
      if (events.length > 0) {
        await client.query(
          "INSERT INTO events (seq, at, type, body, thread, position) SELECT * FROM unnest($1::bigint[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::bigint[])",
          [
            events.map((e) => e.seq),
            events.map((e) => e.at),
            events.map((e) => e.type),
            events.map((e) => e.body),
            events.map((e) => e.thread ?? null),
            events.map((e) => e.position ?? null),
          ],
        );
      }
      if (snapshot !== undefined) {
        // The snapshot's own row says it is in pieces (an empty body: no JSON is empty); its text is in the pieces.
        // Pieces of a snapshot saved again at the same seq go too: the new one may have fewer.
        await client.query("DELETE FROM snapshot_pieces WHERE seq <= $1", [snapshot.seq]);
        await client.query(
          "INSERT INTO snapshots (seq, body) VALUES ($1, '') ON CONFLICT (seq) DO UPDATE SET body = excluded.body",
          [snapshot.seq],
        );
        const pieces = snapshotPieces(snapshot.body);
        await client.query(
          "INSERT INTO snapshot_pieces (seq, piece, body) SELECT $1, * FROM unnest($2::int[], $3::text[])",
          [snapshot.seq, pieces.map((_, i) => i), pieces],
        );
        await client.query("DELETE FROM snapshots WHERE seq < $1", [snapshot.seq]);
      }
      // Followers LISTEN on these channels; Postgres delivers the notifications only if the transaction commits.
      for (const payload of payloads) await client.query("SELECT pg_notify($1, $2)", [EVENTS_CHANNEL, payload]);
      if (outcomes.length > 0) await writeOutcomes(client, outcomes, events.at(-1)?.seq ?? expectedLast);
    });
  }

  return {
    file: shown,
    recordsOutcomes: true,
    write,
    page: (afterSeq, max) =>
      attempt(async () => {
        // seq is a bigint: a fraction or an infinity as the bound would be refused (SQLite compares any number).
        if (afterSeq === Number.POSITIVE_INFINITY) return [];
        const bound = afterSeq === Number.NEGATIVE_INFINITY ? -1 : Math.floor(afterSeq);
        const result = await pool.query<[string, string]>({
          text: "SELECT seq, body FROM events WHERE seq > $1 ORDER BY seq LIMIT $2",
          values: [bound, max],
          rowMode: "array",
        });
        return result.rows.map(([seq, body]): [number, string] => [Number(seq), body]);
      }),
    lastSeq: () => attempt(() => lastSeqOn(pool)),
    latestSnapshot: () =>
      attempt(async () => {
        const result = await pool.query<{ seq: string; body: string }>(
          "SELECT seq, body FROM snapshots ORDER BY seq DESC LIMIT 1",
        );
        const row = result.rows[0];
        if (row === undefined) return undefined;
        if (row.body !== "") return { seq: Number(row.seq), body: row.body };
        const pieces = await pool.query<[number, string]>({
          text: "SELECT piece, body FROM snapshot_pieces WHERE seq = $1 ORDER BY piece",
          values: [row.seq],
          rowMode: "array",
        });
        return joinSnapshotPieces(shown, Number(row.seq), pieces.rows);
      }),
    snapshotSeq: () =>
      attempt(async () => {
        const result = await pool.query<[string]>({
          text: "SELECT coalesce(max(seq), -1) FROM snapshots",
          rowMode: "array",
        });
        return Number(result.rows[0]![0]);
      }),
    threadPage: (thread, before, max) =>
      attempt(async () => {
        const result = await pool.query<[string, string]>({
          text:
            before === Number.POSITIVE_INFINITY
              ? "SELECT seq, body FROM events WHERE thread = $1 ORDER BY position DESC LIMIT $2"
              : "SELECT seq, body FROM events WHERE thread = $1 AND position < $3 ORDER BY position DESC LIMIT $2",
          values: before === Number.POSITIVE_INFINITY ? [thread, max] : [thread, max, Math.ceil(before)],
          rowMode: "array",
        });
        return result.rows.map(([seq, body]): [number, string] => [Number(seq), body]);
      }),
    indexThreads: (index) =>
      inTransaction(pool, shown, async (client) => {
        let indexed = 0;
        for (let cursor = 0; ;) {
          const page = await client.query<[string, string]>({
            text: "SELECT seq, body FROM events WHERE seq > $1 ORDER BY seq LIMIT $2",
            values: [cursor, INDEX_PAGE],
            rowMode: "array",
          });
          if (page.rows.length === 0) break;
          const rows: [number, string, number][] = [];
          for (const [seq, body] of page.rows) {
            cursor = Number(seq);
            const where = index(body);
            if (where !== undefined) rows.push([cursor, where.thread, where.position]);
          }
          if (rows.length > 0) {
            await client.query(
              "UPDATE events SET thread = t.thread, position = t.position FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS t(seq, thread, position) WHERE events.seq = t.seq",
              [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
            );
          }
          indexed += rows.length;
        }
        await client.query(
          "INSERT INTO meta (key, value) VALUES ($1, '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          [THREADS_KEY],
        );
        return indexed;
      }),
    getMeta: (key) =>
      attempt(async () => {
        const result = await pool.query<{ value: string }>("SELECT value FROM meta WHERE key = $1", [key]);
        return result.rows[0]?.value;
      }),
    setMeta: (key, value) =>
      attempt(async () => {
        await pool.query(
          "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          [key, value],
        );
      }),
    claimMeta: (key, value) =>
      attempt(async () => {
        await pool.query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [key, value]);
        // A statement of its own: it sees the row of whichever node's insert won.
        const result = await pool.query<{ value: string }>("SELECT value FROM meta WHERE key = $1", [key]);
        return result.rows[0]!.value;
      }),
    close: () => pool.end(),
  };
}

/**
 * Answer the commands' rows with their outcomes and the seq the log ends at once this transaction commits (a follower
 * hands an outcome back once its replica has reached it), and tell the nodes concerned.
 */
async function writeOutcomes(client: pg.PoolClient, outcomes: readonly EncodedOutcome[], seq: number): Promise<void> {
  const answered = await client.query<{ node: string | null }>(
    "UPDATE cc_commands SET outcome = t.outcome::jsonb, seq = $3 FROM unnest($1::bigint[], $2::text[]) AS t(id, outcome) WHERE cc_commands.id = t.id RETURNING cc_commands.node",
    [outcomes.map((o) => o.id), outcomes.map((o) => jsonbText(o.body)), seq],
  );
  const nodes = [...new Set(answered.rows.map((row) => row.node ?? ""))].join(",");
  if (answered.rows.length > 0) await client.query("SELECT pg_notify($1, $2)", [OUTCOMES_CHANNEL, nodes]);
}

/** What cc_append refused, as the StoreError the slower path throws for the same cause. */
function refusedAppend(error: unknown, shown: string, expectedLast: number, mine: number | null): unknown {
  const { code, detail } = (error ?? {}) as { code?: string; detail?: string };
  if (code === CONFLICT_STATE) return conflict(shown, expectedLast, Number(detail));
  if (code === FENCED_STATE) return fenced(shown, mine, detail === "" || detail === undefined ? null : Number(detail));
  return unavailable(error, shown);
}

/** JSON that jsonb takes: jsonb refuses the character U+0000 in a string, so it becomes U+FFFD there. */
export function jsonbText(json: string): string {
  if (!json.includes("\\u0000")) return json;
  return JSON.stringify(JSON.parse(json), (_key, value: unknown) =>
    typeof value === "string" ? value.replaceAll("\0", "\uFFFD") : value,
  );
}

/** The commit goes on only while cc_leader still holds the writer's term; FOR SHARE holds off a new term until COMMIT. */
async function checkFence(client: pg.PoolClient, shown: string, mine: number | null): Promise<void> {
  const result = await client.query<{ term: string }>("SELECT term FROM cc_leader FOR SHARE");
  const current = result.rows[0] === undefined ? null : Number(result.rows[0].term);
  if (mine === null || current !== mine) throw fenced(shown, mine, current);
}

function fenced(shown: string, mine: number | null, current: number | null): StoreError {
  return new StoreError(
    "FENCED",
    `the event store at ${shown} refused the commit: this node is not leader (its term ${mine ?? "none"}, the leader's ${current ?? "none"})`,
    { file: shown },
  );
}

async function lastSeqOn(db: pg.Pool | pg.PoolClient): Promise<number> {
  const result = await db.query<{ last: string }>("SELECT coalesce(max(seq), 0) AS last FROM events");
  return Number(result.rows[0]?.last ?? 0);
}

/** What Postgres refused, as a StoreError: UNAVAILABLE (with a reason) when it may pass, else the error as it was. */
function unavailable(error: unknown, shown: string): unknown {
  if (error instanceof StoreError) return error;
  const reason = postgresFailure(error);
  if (reason === undefined) return error;
  return new StoreError("UNAVAILABLE", `the database at ${shown} refused (${reason}): ${messageOf(error)}`, {
    file: shown,
    cause: error,
    reason,
  });
}

/**
 * Why Postgres (or the way to it) refused an operation, when that may pass and a retry can succeed; undefined for
 * every other error (a bug, a constraint broken). SQLSTATE classes: 53 insufficient resources (53100 disk full), 08
 * connection exception, 57P0x the server shutting down or starting, 58030 I/O error, 40001/40P01 a serialisation
 * failure or deadlock; and Node's own socket errors when the server cannot be reached at all.
 */
export function postgresFailure(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") {
    if (code === "53100") return "disk full";
    if (code.startsWith("53")) return "database out of resources";
    if (code === "58030") return "storage I/O error";
    if (code.startsWith("08")) return "database connection failed";
    // The session sat idle in a transaction too long (a cluster writer frozen mid-commit): its connection is gone.
    if (code === "25P03") return "database connection failed";
    if (code === "57P01" || code === "57P02") return "database shutting down";
    if (code === "57P03") return "database starting up";
    if (code === "40001" || code === "40P01") return "database busy";
    if (
      [
        "ECONNREFUSED",
        "ECONNRESET",
        "ETIMEDOUT",
        "EHOSTUNREACH",
        "ENETUNREACH",
        "EPIPE",
        "ENOTFOUND",
        "EAI_AGAIN",
        "ENOENT",
      ].includes(code)
    ) {
      return "database unreachable";
    }
  }
  const message = messageOf(error);
  // node-postgres's own words when a connection ends or never comes (no code on these).
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    return "database unreachable";
  }
  return undefined;
}
