// A leader frozen (SIGSTOP, a paused machine) in the middle of a commit leaves its transaction open in Postgres, and
// that transaction holds cc_leader FOR SHARE (the fence) and the writers' lock. Its lease runs out, the next node cuts
// its leadership connection and tries to take the next term: that must not wait for the frozen process to wake. The
// store of a cluster writer has Postgres end a transaction left idle for the lease, so the next node is elected, and
// the frozen commit, when its process wakes, lands nowhere.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaign, type Leadership } from "../../server/cluster/leadership.js";
import type { State } from "../../server/core/model.js";
import { openPostgresStore } from "../../server/store/postgres-store.js";
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
    let renewing = true;
    // Frozen, it neither renews nor campaigns again once its connection is cut.
    const a = campaign({ url, node: "a", leaseMs: 1_000, renewMs: 200, campaignMs: 60_000, renewals: () => renewing });
    let b: Leadership | null = null;
    let wake = () => undefined as void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    let frozenInside = () => undefined as void;
    const inside = new Promise<void>((resolve) => (frozenInside = resolve));
    const store = await openPostgresStore<State>(url, {
      fence: () => a.term(),
      idleInTransactionMs: 1_000,
      // Past the fence check (cc_leader FOR SHARE taken), before the insert: the process stops here.
      beforeWrite: async () => {
        frozenInside();
        await woken;
      },
    });
    try {
      const termA = await elected(a, 5_000);
      const before = await count(url);
      const last = await store.lastSeq();
      store.append([{ seq: last + 1, at: 0, type: "tick" } as never], { expectedSeq: last });
      const commit = store.commit().then(
        () => "committed",
        (error: Error) => error.message,
      );
      await inside;
      renewing = false;

      b = campaign({ url, node: "b", leaseMs: 1_000, renewMs: 200 });
      const frozenAt = Date.now();
      expect(await elected(b, 8_000)).toBe(termA + 1);
      expect(Date.now() - frozenAt).toBeLessThan(5_000);

      wake();
      expect(await commit).not.toBe("committed");
      expect(await count(url)).toBe(before);
    } finally {
      wake();
      await b?.close();
      await a.close();
      await store.close().catch(() => undefined);
    }
  }, 30_000);
});
