// The routing core's property (test/core/property.ts) through a real Postgres store: random command sequences, each
// committed step by step to a log of its own (a schema of its own in one database of a cluster this file starts in a
// temp dir, test/helpers/postgres.ts), and the state rebuilt from what Postgres gives back (a second store reading by
// seq, as a follower does, and a restart from the snapshot, as a new leader does) is the live state. Without Postgres
// installed it fails, saying how to install it.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStore } from "../../server/store/postgres-store.js";
import { startPostgres, type PostgresCluster } from "../helpers/postgres.js";
import { assertReplayThroughStore, NUM_RUNS } from "../core/property.js";

/**
 * 25 sequences under `npm test`: with a schema per run (a database per run costs ~0.5 s more in CREATE DATABASE), a
 * run (the tables, three stores opened, up to ~120 commits and reads) takes 0.5 to 0.8 s on a loaded 2-core machine,
 * so the test stays under ~20 s there, and the file (the cluster's start included) under ~30 s. `npm run fuzz` runs it
 * too, scaled by FC_NUM_RUNS (a fortieth of the core property's runs).
 */
const POSTGRES_RUNS = Math.max(25, Math.round(NUM_RUNS / 40));

let cluster: PostgresCluster;
/** One database for the file; each run's log is a schema of its own in it (the store's tables go in search_path). */
let database: string;
let admin: pg.Client;
let schemas = 0;

beforeAll(async () => {
  cluster = await startPostgres();
  database = await cluster.createDatabase();
  admin = new pg.Client({ connectionString: database });
  await admin.connect();
}, 60_000);

afterAll(async () => {
  await admin?.end();
  cluster?.stop();
});

describe("the routing core's events through a real store rebuild the live state", () => {
  it("postgres: committed step by step, read back by another store and by a restart", async () => {
    await assertReplayThroughStore(
      "postgres",
      async () => {
        const schema = `run_${++schemas}`;
        await admin.query(`CREATE SCHEMA ${schema}`);
        const url = `${database}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
        return { open: (options) => openPostgresStore(url, options), remove: () => undefined };
      },
      POSTGRES_RUNS,
    );
    // Each run's log was its own: the runs' tables are in their schemas, none in the database's public schema.
    const tables = await admin.query<{ schema: string; count: string }>(
      "SELECT table_schema AS schema, count(*) AS count FROM information_schema.tables WHERE table_name = 'events' GROUP BY table_schema",
    );
    expect(tables.rows.length).toBe(schemas);
    expect(tables.rows.every((row) => row.schema.startsWith("run_"))).toBe(true);
  }, 120_000);
});
