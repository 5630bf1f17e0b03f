import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaign, type Leadership } from "../../server/cluster/leadership.js";
import { startPostgres, type PostgresCluster } from "../helpers/postgres.js";

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);
afterAll(() => cluster?.stop());

function elected(node: Leadership): Promise<number> {
  const now = node.term();
  if (now !== null) return Promise.resolve(now);
  return new Promise((resolve) => node.on("elected", resolve));
}

function lost(node: Leadership): Promise<string> {
  return new Promise((resolve) => node.on("lost", resolve));
}

async function sql(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

describe("leadership on Postgres", () => {
  it("one of two campaigners wins; the other takes over once the winner's connection is cut", async () => {
    const url = await cluster.createDatabase();
    const a = campaign({ url, node: "a" });
    const b = campaign({ url, node: "b" });
    try {
      const first = await Promise.race([elected(a).then(() => a), elected(b).then(() => b)]);
      const other = first === a ? b : a;
      expect(other.term()).toBeNull();
      const firstTerm = first.term()!;
      const row = await sql(url, "SELECT term, node, backend_pid FROM cc_leader");
      expect(Number(row.rows[0].term)).toBe(firstTerm);
      const gone = lost(first);
      await sql(url, "SELECT pg_terminate_backend($1)", [row.rows[0].backend_pid]);
      const next = await elected(other);
      expect(next).toBe(firstTerm + 1);
      await gone;
      expect(first.term()).toBeNull();
    } finally {
      await a.close();
      await b.close();
    }
  }, 20_000);

  it("a frozen holder (no renewals, connection kept) is cut off once its lease ran out and replaced", async () => {
    const url = await cluster.createDatabase();
    let frozen = false;
    const a = campaign({ url, node: "a", leaseMs: 1_000, renewMs: 200, frozen: () => frozen });
    const termA = await elected(a);
    const b = campaign({ url, node: "b", leaseMs: 1_000, renewMs: 200 });
    try {
      const row = await sql(url, "SELECT lease_until > now() AS live FROM cc_leader");
      expect(row.rows[0].live).toBe(true);
      expect(b.term()).toBeNull();
      const gone = lost(a);
      frozen = true;
      // Once a's lease ran out, b cut its connection (a learns it is cut) and took the next term.
      expect(await elected(b)).toBe(termA + 1);
      await gone;
      expect(a.term()).toBeNull();
      const leader = await sql(url, "SELECT node FROM cc_leader");
      expect(leader.rows[0].node).toBe("b");
    } finally {
      await a.close();
      await b.close();
    }
  }, 20_000);
});
