// A leader frozen (SIGSTOP, a paused machine) in the middle of a commit leaves its transaction open in Postgres, and
// that transaction holds cc_leader FOR SHARE (the fence) and the writers' lock. Its lease runs out, the next node cuts
// its leadership connection and tries to take the next term: that must not wait for the frozen process to wake. The
// store of a cluster writer has Postgres end a transaction left idle for the lease, so the next node is elected, and
// the frozen commit, when its process wakes, lands nowhere: it is refused as by a lost connection.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaign, LEADER_LOCK, type Leadership } from "../../server/cluster/leadership.js";
import type { State } from "../../server/core/model.js";
import { openPostgresStore } from "../../server/store/postgres-store.js";
import type { StoreError } from "../../server/store/store.js";
import { startPostgres, type PostgresCluster } from "../helpers/postgres.js";

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);
afterAll(() => cluster?.stop());

function elected(node: Leadership, timeoutMs: number): Promise<number> {
  const now = node.term();
  if (now !== null) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not elected within ${timeoutMs} ms`)), timeoutMs);
    node.on("elected", (term) => {
      clearTimeout(timer);
      resolve(term);
    });
  });
}

async function count(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query("SELECT count(*) AS n FROM events")).rows[0].n);
  } finally {
    await client.end();
  }
}

describe("a leader frozen in the middle of a commit", () => {
  it("is replaced once its lease ran out, though its transaction was open; woken, its commit lands nowhere", async () => {
    const url = await cluster.createDatabase();
    let wake = () => undefined as void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    let frozenInside = () => undefined as void;
    const inside = new Promise<void>((resolve) => (frozenInside = resolve));
    const store = await openPostgresStore<State>(url, {
      fence: () => termA,
      idleInTransactionMs: 1_000,
      // Past the fence check (cc_leader FOR SHARE taken), before the insert: the process stops here.
      beforeWrite: async () => {
        frozenInside();
        await woken;
      },
    });
    // The frozen leader's own leadership connection, as campaign() leaves it: the lock held, a lease of 1 s, never
    // renewed, no campaigning after it is cut (a frozen process does nothing).
    const frozen = new pg.Client({ connectionString: url });
    frozen.on("error", () => undefined);
    await frozen.connect();
    await frozen.query("SELECT pg_advisory_lock($1)", [LEADER_LOCK]);
    const won = await frozen.query<{ term: string }>(
      "UPDATE cc_leader SET term = term + 1, node = 'a', backend_pid = pg_backend_pid(), lease_until = clock_timestamp() + interval '1 second' RETURNING term",
    );
    const termA = Number(won.rows[0]!.term);
    let b: Leadership | null = null;
    try {
      const before = await count(url);
      const last = await store.lastSeq();
      store.append([{ seq: last + 1, at: 0, type: "tick" } as never], { expectedSeq: last });
      const commit = store.commit().then(
        () => "committed",
        (error: StoreError) => error.code,
      );
      await inside;

      // Elected while the frozen process still sleeps: nothing waited for it to wake.
      b = campaign({ url, node: "b", leaseMs: 1_000, renewMs: 200 });
      expect(await elected(b, 8_000)).toBe(termA + 1);
      // The frozen leader's leadership connection was cut once its lease ran out.
      const lease = await frozen.query("SELECT 1").catch(() => "cut");
      expect(lease).toBe("cut");

      // Woken, it finds its transaction ended (SQLSTATE 25P03): a lost connection, which the writer holds and
      // retries (then its fence refuses it), not a failure that stops the server.
      wake();
      expect(await commit).toBe("UNAVAILABLE");
      expect(await count(url)).toBe(before);
    } finally {
      wake();
      await b?.close();
      await frozen.end().catch(() => undefined);
      await store.close().catch(() => undefined);
    }
  }, 30_000);
});
