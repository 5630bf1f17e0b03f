// A cluster node's writer on a real Postgres (test/helpers/postgres.ts) whose store is fenced by the node's term: once
// cc_leader holds another term, its commit is refused (FENCED), nothing of it reaches the log, what it holds is never
// acknowledged and further commands are refused with server/unavailable. Elected again with the log unchanged, it
// resumes and commits what it held once; abandoned, it refuses what it held.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessBus } from "../../server/bus.js";
import type { CommandOutcome } from "../../server/command-channel.js";
import type { State } from "../../server/core/model.js";
import { silentLogger } from "../../server/logger.js";
import { openPostgresStore } from "../../server/store/postgres-store.js";
import { Writer } from "../../server/writer/writer.js";
import { rep, testOrg } from "../helpers/core.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { startPostgres, type PostgresCluster } from "../helpers/postgres.js";
import { waitFor } from "../helpers/ws.js";

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);
afterAll(() => cluster?.stop());

async function sql(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** A writer elected with term 1 (cc_leader says so), its store fenced by `term.now`. */
async function fencedWriter(): Promise<{
  url: string;
  writer: Writer;
  term: { now: number | null };
  deposed: string[];
  logged: () => Promise<number>;
}> {
  const url = await cluster.createDatabase();
  const term: { now: number | null } = { now: 1 };
  const store = await openPostgresStore<State>(url, { fence: () => term.now });
  await sql(url, "UPDATE cc_leader SET term = 1, node = 'a'");
  const deposed: string[] = [];
  const writer = await Writer.open({
    org: testOrg(),
    store,
    bus: new InProcessBus(store, await store.lastSeq()),
    clock: new ManualClock(),
    logger: silentLogger,
    onDeposed: (reason) => deposed.push(reason),
  });
  const logged = async () => Number((await sql(url, "SELECT count(*) AS n FROM events")).rows[0].n);
  return { url, writer, term, deposed, logged };
}

function submit(writer: Writer, presence: "available" | "away"): { outcome: CommandOutcome | null } {
  const result: { outcome: CommandOutcome | null } = { outcome: null };
  writer.submit(rep("alice"), { type: "presence", presence }, (outcome) => (result.outcome = outcome));
  return result;
}

describe("a fenced writer (cluster node on Postgres)", () => {
  it("commits nothing once another term leads: what it held is never acknowledged, and commands are refused with server/unavailable", async () => {
    const { url, writer, deposed, logged } = await fencedWriter();
    const before = await logged();
    await sql(url, "UPDATE cc_leader SET term = 2, node = 'b'");
    const held = submit(writer, "available");
    await waitFor(() => deposed.length > 0, "the writer to be told it is deposed");
    expect(deposed[0]).toBe("this node is not the leader");
    expect(held.outcome).toBeNull();
    expect(await logged()).toBe(before);
    expect(writer.unavailable()).toBe("this node is not the leader");
    expect(writer.health()).toMatchObject({ status: "degraded", reason: "this node is not the leader", pending: 1 });
    const refused = submit(writer, "away");
    expect(refused.outcome).toMatchObject({ ok: false, error: { code: "server/unavailable" } });

    // Another node leads now: the node abandons this writer, and what it held is refused (the client retries there).
    await writer.abandon("another node leads the cluster");
    expect(held.outcome).toMatchObject({ ok: false, error: { code: "server/unavailable" } });
    expect(submit(writer, "away").outcome).toMatchObject({ ok: false, error: { code: "server/unavailable" } });
    expect(await logged()).toBe(before);
  });

  it("elected again with the log unchanged, it resumes under the new term and commits what it held, once", async () => {
    const { url, writer, term, deposed, logged } = await fencedWriter();
    const before = await logged();
    term.now = null; // The node lost its leadership connection.
    const held = submit(writer, "available");
    await waitFor(() => deposed.length > 0, "the writer to be told it is deposed");
    expect(held.outcome).toBeNull();

    await sql(url, "UPDATE cc_leader SET term = 2, node = 'a'");
    term.now = 2;
    expect(writer.resume()).toBe(true);
    await waitFor(() => held.outcome, "the held command's outcome");
    expect(held.outcome).toMatchObject({ ok: true });
    expect(await logged()).toBe(before + 1);
    expect(writer.unavailable()).toBeNull();
    await writer.close();
  });

  it("a writer the log moved past (another writer committed) cannot resume", async () => {
    const { url, writer, term, deposed } = await fencedWriter();
    // Another node, elected with term 2, writes an event; this writer still believes in term 1, then is given 2.
    await sql(url, "UPDATE cc_leader SET term = 2, node = 'b'");
    const other = await openPostgresStore<State>(url, { fence: () => 2 });
    other.append([{ seq: (await other.lastSeq()) + 1, at: 0, type: "tick" } as never], {
      expectedSeq: await other.lastSeq(),
    });
    await other.commit();
    await other.close();
    term.now = 2;
    const held = submit(writer, "available");
    await waitFor(() => deposed.length > 0, "the writer to be told it is deposed");
    expect(deposed[0]).toBe("another node wrote the log");
    expect(writer.resume()).toBe(false);
    await writer.abandon("the log moved on while this node did not lead");
    expect(held.outcome).toMatchObject({ ok: false, error: { code: "server/unavailable" } });
  });
});
