// The store contract (test/store/contract.ts) against a real Postgres cluster that this file starts in a temp dir
// (test/helpers/postgres.ts), a new database per log. A full disk cannot be had cheaply (a tablespace on a tiny
// filesystem needs a mount): setFull makes every write transaction raise SQLSTATE 53100 (disk_full) from inside
// Postgres, before anything is written, so the store sees the very error a full disk gives and takes the same path
// (rollback, UNAVAILABLE "disk full", the batch kept for a retry).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStore, postgresFailure, redactUrl } from "../../server/store/postgres-store.js";
import type { EventStore } from "../../server/store/store.js";
import { postgresBinDir, startPostgres, type PostgresCluster } from "../helpers/postgres.js";
import { ev, rejected, seqsOf, storeContract, type LogUnderTest, type TestState } from "./contract.js";

let cluster: PostgresCluster;

beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);

afterAll(() => cluster?.stop());

storeContract(
  "postgres",
  async (): Promise<LogUnderTest> => {
    const url = await cluster.createDatabase();
    let full = false;
    return {
      open: (options = {}) =>
        openPostgresStore<TestState>(url, {
          ...options,
          beforeWrite: async (client) => {
            if (full)
              await client.query(
                "DO $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$",
              );
          },
        }),
      setFull(next) {
        full = next;
      },
      async dropSnapshotPiece(piece) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query("DELETE FROM snapshot_pieces WHERE piece = $1", [piece]);
        } finally {
          await client.end();
        }
      },
      remove: () => undefined,
    };
  },
  { snapshotPieces: true },
);

/** The tables of schema 1 (events, snapshots, meta), marked as this server's at schema `version`. */
const schemaOneTables = (version: number): string => `
  CREATE TABLE events (seq bigint PRIMARY KEY, at double precision NOT NULL, type text NOT NULL, body text NOT NULL);
  CREATE TABLE snapshots (seq bigint PRIMARY KEY, body text NOT NULL);
  CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
  INSERT INTO meta (key, value) VALUES ('application', 'cc-agent'), ('schema_version', '${version}');
`;

/** A new database set up with `setup` (the tables of some schema), and a client on it while `body` runs; its URL. */
async function onDatabase(setup: string, body: (client: pg.Client, url: string) => Promise<void>): Promise<string> {
  const url = await cluster.createDatabase();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(setup);
    await body(client, url);
  } finally {
    await client.end();
  }
  return url;
}

describe("postgres: the store on its own", () => {
  it("creates its tables on first start and finds them again; a database of another program's tables is refused", async () => {
    const url = await cluster.createDatabase();
    const first: EventStore<TestState> = await openPostgresStore(url);
    first.append([ev(1), ev(2)], { expectedSeq: 0 });
    expect(await first.commit()).toBe(2);
    await first.close();
    const again: EventStore<TestState> = await openPostgresStore(url);
    expect(await seqsOf(again.eventsAfter(0))).toEqual([1, 2]);
    expect(again.epoch).toBe(first.epoch);
    await again.close();

    const other = await cluster.createDatabase();
    const pgClient = await import("pg");
    const client = new pgClient.default.Client({ connectionString: other });
    await client.connect();
    await client.query("CREATE TABLE events (id int)");
    await client.end();
    const error = await rejected(openPostgresStore(other), "FOREIGN_DATABASE");
    expect(error.message).toContain("not created by this server");
  });

  it("a database that cannot be reached is refused at start with the reason, and the password is never shown", async () => {
    const url = `postgres://cc:s3cret-pw@127.0.0.1:${cluster.port + 1}/nowhere`;
    const error = await rejected(openPostgresStore(url), "OPEN_FAILED");
    expect(error.message).toContain("database unreachable");
    expect(error.message).toContain("postgres://cc:***@127.0.0.1");
    expect(error.message).not.toContain("s3cret-pw");
  });

  it("while the database is down a commit is refused as UNAVAILABLE, keeping the batch; once it is back the retry commits it", async () => {
    const url = await cluster.createDatabase();
    const store: EventStore<TestState> = await openPostgresStore(url);
    store.append([ev(1)], { expectedSeq: 0 });
    await store.commit();
    cluster.halt();
    try {
      store.append([ev(2), ev(3)], { expectedSeq: 1 });
      const error = await rejected(store.commit(), "UNAVAILABLE");
      expect(["database shutting down", "database unreachable", "database connection failed"]).toContain(error.reason);
      expect(store.pending).toBe(2);
    } finally {
      cluster.resume();
    }
    expect(await store.commit()).toBe(2);
    expect(await seqsOf(store.eventsAfter(0))).toEqual([1, 2, 3]);
    await store.close();
  });

  it("opens a database of schema 1 (before threads and pieces): its messages are indexed once, its snapshot loads", async () => {
    const url = await onDatabase(schemaOneTables(1), async (client) => {
      for (const e of [ev(1, "said", { thread: "c1", n: 1 }), ev(2), ev(3, "said", { thread: "c1", n: 3 })])
        await client.query("INSERT INTO events (seq, at, type, body) VALUES ($1, $2, $3, $4)", [
          e.seq,
          e.at,
          e.type,
          JSON.stringify(e),
        ]);
      await client.query("INSERT INTO snapshots (seq, body) VALUES (2, $1)", [
        JSON.stringify({ queues: { q: ["a"] } }),
      ]);
    });
    const logged: string[] = [];
    const store: EventStore<TestState> = await openPostgresStore(url, {
      threadOf: (e) => (typeof e.thread === "string" ? { thread: e.thread, position: e.n as number } : undefined),
      log: (message) => logged.push(message),
    });
    try {
      expect((await store.threadPage("c1", { limit: 10 })).events.map((e) => e.seq)).toEqual([1, 3]);
      expect(await store.loadSnapshot()).toEqual({ seq: 2, state: { queues: { q: ["a"] } } });
      expect(logged).toEqual([expect.stringMatching(/^indexed 2 stored events by thread in \d+ ms$/)]);
    } finally {
      await store.close();
    }
  });

  it("eventsAfter takes any number as its bound, as on SQLite (seq is a bigint column)", async () => {
    const store: EventStore<TestState> = await openPostgresStore(await cluster.createDatabase());
    store.append([ev(1), ev(2), ev(3)], { expectedSeq: 0 });
    await store.commit();
    expect(await seqsOf(store.eventsAfter(1.5))).toEqual([2, 3]);
    expect(await seqsOf(store.eventsAfter(-7))).toEqual([1, 2, 3]);
    expect(await seqsOf(store.eventsAfter(Number.NEGATIVE_INFINITY))).toEqual([1, 2, 3]);
    expect(await seqsOf(store.eventsAfter(Number.POSITIVE_INFINITY))).toEqual([]);
    await store.close();
  });

  it("without Postgres installed the tests fail and say how to install it", () => {
    expect(() => postgresBinDir("/nowhere", "/nowhere/postgresql")).toThrow(/apt-get install -y postgresql/);
  });

  it("maps Postgres's refusals to the reasons the server reports", () => {
    expect(postgresFailure({ code: "53100" })).toBe("disk full");
    expect(postgresFailure({ code: "08006" })).toBe("database connection failed");
    expect(postgresFailure({ code: "25P03" })).toBe("database connection failed");
    expect(postgresFailure({ code: "57P01" })).toBe("database shutting down");
    expect(postgresFailure({ code: "ECONNREFUSED" })).toBe("database unreachable");
    expect(postgresFailure(new Error("Connection terminated unexpectedly"))).toBe("database unreachable");
    expect(postgresFailure({ code: "23505" })).toBeUndefined();
    expect(redactUrl("postgresql://u:p%40ss@h:5432/db?sslmode=require")).toBe(
      "postgresql://u:***@h:5432/db?sslmode=require",
    );
    expect(redactUrl("postgres://h/db?password=x")).toBe("postgres://h/db?password=***");
  });
});

describe("postgres: fencing of a cluster's leader", () => {
  it("an old leader's commit after another node took the term is refused (FENCED) and nothing of it is in the log", async () => {
    const url = await cluster.createDatabase();
    const admin = new pg.Client({ connectionString: url });
    let term: number | null = null;
    const store: EventStore<TestState> = await openPostgresStore(url, { fence: () => term });
    await admin.connect();
    try {
      term = Number((await admin.query("UPDATE cc_leader SET term = term + 1 RETURNING term")).rows[0].term);
      store.append([ev(1), ev(2)], { expectedSeq: 0 });
      expect(await store.commit()).toBe(2);
      // Another node wins the next term; this one still believes it leads.
      await admin.query("UPDATE cc_leader SET term = term + 1, node = 'other'");
      store.append([ev(3)], { expectedSeq: 2 });
      const error = await rejected(store.commit(), "FENCED");
      expect(error.message).toMatch(/not leader/);
      const rows = await admin.query("SELECT seq FROM events ORDER BY seq");
      expect(rows.rows.map((row) => Number(row.seq))).toEqual([1, 2]);
    } finally {
      await admin.end();
      await store.close().catch(() => undefined);
    }
  });

  it("a database written by a newer server (schema 5) is refused, and left as it is", async () => {
    await onDatabase(schemaOneTables(5), async (client, url) => {
      await expect(openPostgresStore(url)).rejects.toMatchObject({ code: "NEWER_SCHEMA" });
      expect((await client.query("SELECT proname FROM pg_proc WHERE proname = 'cc_append'")).rows).toHaveLength(0);
    });
  });

  it("a database of schema 2 is upgraded to 4: the cluster's tables (cc_leader, cc_commands, cc_nodes) and cc_append", async () => {
    const schemaTwo = `
      CREATE TABLE events (seq bigint PRIMARY KEY, at double precision NOT NULL, type text NOT NULL, body text NOT NULL, thread text, position bigint);
      CREATE TABLE snapshots (seq bigint PRIMARY KEY, body text NOT NULL);
      CREATE TABLE snapshot_pieces (seq bigint NOT NULL, piece integer NOT NULL, body text NOT NULL, PRIMARY KEY (seq, piece));
      CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
      INSERT INTO meta (key, value) VALUES ('application', 'cc-agent'), ('schema_version', '2');
    `;
    await onDatabase(schemaTwo, async (client, url) => {
      const store: EventStore<TestState> = await openPostgresStore(url);
      await store.close();
      const columns = await client.query<{ table_name: string; column_name: string }>(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_name LIKE 'cc\\_%' ORDER BY table_name, ordinal_position",
      );
      expect(columns.rows.map((row) => `${row.table_name}.${row.column_name}`)).toEqual([
        "cc_commands.id",
        "cc_commands.node",
        "cc_commands.actor",
        "cc_commands.command",
        "cc_commands.outcome",
        "cc_commands.seq",
        "cc_commands.created_at",
        "cc_leader.term",
        "cc_leader.node",
        "cc_leader.backend_pid",
        "cc_leader.lease_until",
        "cc_nodes.node",
        "cc_nodes.role",
        "cc_nodes.seen_at",
        "cc_nodes.staff",
      ]);
      expect((await client.query("SELECT value FROM meta WHERE key = 'schema_version'")).rows[0].value).toBe("4");
      expect((await client.query("SELECT proname FROM pg_proc WHERE proname = 'cc_append'")).rows).toHaveLength(1);
      expect((await client.query("SELECT term FROM cc_leader")).rows.map((row) => Number(row.term))).toEqual([0]);
    });
  });
});

describe("postgres: commands' outcomes (a cluster's command table)", () => {
  async function withCommands(nodes: string[]): Promise<{ url: string; admin: pg.Client; ids: number[] }> {
    const url = await cluster.createDatabase();
    // The tables are made by the store's first open.
    await (await openPostgresStore(url)).close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const inserted = await admin.query<{ id: string }>(
      "INSERT INTO cc_commands (node, actor, command) SELECT unnest($1::text[]), '{}', '{}' RETURNING id",
      [nodes],
    );
    return { url, admin, ids: inserted.rows.map((row) => Number(row.id)) };
  }

  async function answered(admin: pg.Client): Promise<[number, unknown, number | null][]> {
    const rows = await admin.query<{ id: string; outcome: unknown; seq: string | null }>(
      "SELECT id, outcome, seq FROM cc_commands ORDER BY id",
    );
    return rows.rows.map((row) => [Number(row.id), row.outcome, row.seq === null ? null : Number(row.seq)]);
  }

  it("writes each outcome with the seq its commit ends the log at, and notifies cc_outcomes with each node's outcomes", async () => {
    const { url, admin, ids } = await withCommands(["n1", "n2", "n1"]);
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const heard: string[] = [];
    listener.on("notification", (message) => heard.push(`${message.channel} ${message.payload ?? ""}`));
    await listener.query("LISTEN cc_outcomes");
    const store: EventStore<TestState> = await openPostgresStore(url);
    try {
      store.append([ev(1), ev(2)], { expectedSeq: 0 });
      store.recordOutcome(ids[0]!, { ok: true, result: { n: 1 } });
      store.recordOutcome(ids[1]!, { ok: false, error: { code: "offer/not_found" } });
      expect(await store.commit()).toBe(2);
      // A refusal decides no event: its outcome is committed alone, at the seq the log ends at.
      store.recordOutcome(ids[2]!, { ok: false, error: { code: "x", message: "a\u0000b" } });
      expect(await store.commit()).toBe(0);
      expect(await answered(admin)).toEqual([
        [ids[0], { ok: true, result: { n: 1 } }, 2],
        [ids[1], { ok: false, error: { code: "offer/not_found" } }, 2],
        [ids[2], { ok: false, error: { code: "x", message: "a\uFFFDb" } }, 2],
      ]);
      await admin.query("SELECT pg_notify('cc_outcomes', 'end')");
      await new Promise<void>((resolve) => {
        const check = (): void => (heard.includes("cc_outcomes end") ? resolve() : void setImmediate(check));
        check();
      });
      // Each node concerned is told its own outcomes, with the seq the log ends at with them (a line each: id, JSON).
      expect(heard).toEqual([
        `cc_outcomes n1\n2\n${ids[0]}\t{"ok":true,"result":{"n":1}}`,
        `cc_outcomes n2\n2\n${ids[1]}\t{"ok":false,"error":{"code":"offer/not_found"}}`,
        `cc_outcomes n1\n2\n${ids[2]}\t{"ok":false,"error":{"code":"x","message":"a\uFFFDb"}}`,
        "cc_outcomes end",
      ]);
    } finally {
      await store.close();
      await listener.end();
      await admin.end();
    }
  });

  it("a refused commit keeps its outcomes for the retry; a CONFLICT drops them with the events", async () => {
    const { url, admin, ids } = await withCommands(["n1", "n1", "n1"]);
    let full = false;
    const store: EventStore<TestState> = await openPostgresStore(url, {
      beforeWrite: async (client) => {
        if (full) await client.query("DO $$ BEGIN RAISE EXCEPTION 'full' USING ERRCODE = 'disk_full'; END $$");
      },
    });
    let other: EventStore<TestState> | undefined;
    try {
      store.append([ev(1)], { expectedSeq: 0 });
      store.recordOutcome(ids[0]!, { ok: true });
      full = true;
      await rejected(store.commit(), "UNAVAILABLE");
      expect(await answered(admin)).toEqual([
        [ids[0], null, null],
        [ids[1], null, null],
        [ids[2], null, null],
      ]);
      full = false;
      store.append([ev(2)], { expectedSeq: 1 });
      store.recordOutcome(ids[1]!, { ok: true });
      expect(await store.commit()).toBe(2);
      expect((await answered(admin)).slice(0, 2)).toEqual([
        [ids[0], { ok: true }, 2],
        [ids[1], { ok: true }, 2],
      ]);
      // Another writer moved the log on: this batch, and its outcome, can never be.
      other = await openPostgresStore(url);
      other.append([ev(3)], { expectedSeq: 2 });
      await other.commit();
      store.append([ev(3)], { expectedSeq: 2 });
      store.recordOutcome(ids[2]!, { ok: true });
      await rejected(store.commit(), "CONFLICT");
      expect(await store.commit()).toBe(0);
      expect((await answered(admin))[2]).toEqual([ids[2], null, null]);
    } finally {
      await store.close();
      await other?.close();
      await admin.end();
    }
  });
});
