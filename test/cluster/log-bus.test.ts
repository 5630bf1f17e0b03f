// The follower's bus against a real Postgres (test/helpers/postgres.ts): one store instance commits as the leader
// does, another (the follower's) is read by a LogFollowingBus that learns of commits through LISTEN/NOTIFY, with a
// poll as the safety net for notifications lost while its connection was cut.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LogFollowingBus } from "../../server/cluster/log-bus.js";
import type { DomainEvent } from "../../server/core/model.js";
import { openPostgresStore } from "../../server/store/postgres-store.js";
import type { EventStore } from "../../server/store/store.js";
import { startPostgres, type PostgresCluster } from "../helpers/postgres.js";
import { ev } from "../store/contract.js";

let cluster: PostgresCluster;
const closing: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const close of closing.reverse()) await close().catch(() => undefined);
  cluster?.stop();
});

/** Resolves once `condition` holds, checked after each batch the subscriber receives (no sleeps). */
function collector(): {
  seqs: number[];
  until(condition: (seqs: number[]) => boolean): Promise<void>;
  listener: (events: readonly DomainEvent[]) => void;
} {
  const seqs: number[] = [];
  const waiters: { condition: (seqs: number[]) => boolean; resolve: () => void }[] = [];
  const check = (): void => {
    for (const waiter of [...waiters]) {
      if (waiter.condition(seqs)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  return {
    seqs,
    listener: (events) => {
      seqs.push(...events.map((event) => event.seq));
      check();
    },
    until: (condition) =>
      new Promise<void>((resolve) => {
        waiters.push({ condition, resolve });
        check();
      }),
  };
}

async function twoStores(): Promise<{ url: string; leader: EventStore; follower: EventStore }> {
  const url = await cluster.createDatabase();
  const leader = await openPostgresStore(url);
  const follower = await openPostgresStore(url);
  closing.push(
    () => leader.close(),
    () => follower.close(),
  );
  return { url, leader, follower };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("LogFollowingBus", () => {
  it("hands a follower what another store instance commits, at once (well before the poll)", async () => {
    const { url, leader, follower } = await twoStores();
    leader.append([ev(1), ev(2)], { expectedSeq: 0 });
    await leader.commit();
    // A poll of an hour: only the notification can bring the next commit.
    const bus = await LogFollowingBus.open(follower, 0, { url, pollMs: 3_600_000 });
    closing.push(() => bus.close());
    const seen = collector();
    const subscription = bus.subscribe(0, seen.listener);
    await subscription.caughtUp;
    await seen.until((seqs) => seqs.length === 2);
    leader.append([ev(3), ev(4), ev(5)], { expectedSeq: 2 });
    await leader.commit();
    await seen.until((seqs) => seqs.length === 5);
    expect(seen.seqs).toEqual([1, 2, 3, 4, 5]);
    expect(bus.lastSeq()).toBe(5);
  });

  it("makes up by its poll for a notification missed while its connection was cut", async () => {
    const { url, leader, follower } = await twoStores();
    const bus = await LogFollowingBus.open(follower, 0, { url, pollMs: 100, reconnectMs: 3_600_000 });
    closing.push(() => bus.close());
    const seen = collector();
    bus.subscribe(0, seen.listener);
    // Cut the bus's LISTEN connection from the server side; it waits an hour before listening again.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    closing.push(() => admin.end());
    const cut = await admin.query<{ n: number }>(
      "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE query = 'LISTEN cc_events' AND datname = current_database()",
    );
    expect(cut.rows[0]!.n).toBe(1);
    leader.append([ev(1), ev(2)], { expectedSeq: 0 });
    await leader.commit();
    await seen.until((seqs) => seqs.length === 2);
    expect(seen.seqs).toEqual([1, 2]);
  });

  it("listens again when its connection is cut, and reads what was committed meanwhile", async () => {
    const { url, leader, follower } = await twoStores();
    // No poll: what arrives after the cut comes from listening again.
    const bus = await LogFollowingBus.open(follower, 0, { url, pollMs: 3_600_000, reconnectMs: 20 });
    closing.push(() => bus.close());
    const seen = collector();
    bus.subscribe(0, seen.listener);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    closing.push(() => admin.end());
    const listeners = `SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN cc_events' AND datname = current_database()`;
    const [before] = (await admin.query<{ pid: number }>(listeners)).rows;
    await admin.query("SELECT pg_terminate_backend($1)", [before!.pid]);
    leader.append([ev(1)], { expectedSeq: 0 });
    await leader.commit();
    await seen.until((seqs) => seqs.length === 1);
    // Listening on a new connection: the next commit arrives through it.
    leader.append([ev(2), ev(3)], { expectedSeq: 1 });
    await leader.commit();
    await seen.until((seqs) => seqs.length === 3);
    expect(seen.seqs).toEqual([1, 2, 3]);
    const after = (await admin.query<{ pid: number }>(listeners)).rows;
    expect(after.map((row) => row.pid)).not.toContain(before!.pid);
    expect(after).toHaveLength(1);
  });

  it("keeps seq order and hands each event once under concurrent commits, to early and late subscribers", async () => {
    const { url, leader, follower } = await twoStores();
    const bus = await LogFollowingBus.open(follower, 0, { url, pollMs: 50 });
    closing.push(() => bus.close());
    const early = collector();
    bus.subscribe(0, early.listener);
    let seq = 0;
    const late = collector();
    const commits: Promise<number>[] = [];
    for (let round = 0; round < 40; round++) {
      const events = range(seq + 1, seq + 1 + (round % 5)).map((n) => ev(n));
      leader.append(events, { expectedSeq: seq });
      seq = events.at(-1)!.seq;
      commits.push(leader.commit());
      if (round === 20) bus.subscribe(3, late.listener);
      if (round % 7 === 0) await Promise.resolve();
    }
    await Promise.all(commits);
    await early.until((seqs) => seqs.at(-1) === seq);
    expect(early.seqs).toEqual(range(1, seq));
    await late.until((seqs) => seqs.at(-1) === seq);
    expect(late.seqs).toEqual(range(4, seq));
  });
});
