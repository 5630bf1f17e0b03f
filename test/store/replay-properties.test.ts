// The routing core's property (test/core/property.ts) through the real stores: random command sequences, each
// committed step by step to a fresh log, and the state rebuilt from what the store gives back (a second store reading
// by seq, and a restart from the snapshot) is the live state. SQLite on a real file in a temp dir, and memory;
// Postgres in postgres-replay-properties.test.ts. Every step is a commit, so fewer sequences than the core property.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryLog, openMemoryStore } from "../../server/store/memory-store.js";
import { openSqliteStore } from "../../server/store/sqlite-store.js";
import { tempDir } from "../helpers/server.js";
import type { EventStore } from "../../server/store/store.js";
import type { State } from "../../server/core/model.js";
import {
  assertReplayThroughStore,
  BASE_VARIANT,
  NUM_RUNS,
  replayThroughStore,
  runSequence,
  type ReplayLog,
  type Step,
} from "../core/property.js";

/**
 * Sequences per store: 50 (SQLite commits with a sync to disk each: about 6 s on a free core). `npm run fuzz` runs
 * this file too (with FC_NUM_RUNS and FC_SEED=random): it takes a twentieth of the core property's runs.
 */
const STORE_RUNS = Math.max(50, Math.round(NUM_RUNS / 20));

describe("the routing core's events through a real store rebuild the live state", () => {
  it("sqlite: committed step by step, read back by another store and by a restart", async () => {
    await assertReplayThroughStore(
      "sqlite",
      () => {
        const temp = tempDir("cc-agent-replay-");
        return {
          open: (options) => openSqliteStore(join(temp.dir, "events.db"), options),
          remove: () => temp.remove(),
        };
      },
      STORE_RUNS,
    );
  }, 120_000);

  it("memory: committed step by step, read back by another store and by a restart", async () => {
    await assertReplayThroughStore(
      "memory",
      () => {
        const log = new MemoryLog();
        return { open: (options) => openMemoryStore(log, options), remove: () => undefined };
      },
      STORE_RUNS,
    );
  }, 120_000);
});

describe("the check through a store catches a store that does not give back what it was given", () => {
  // Alice is Available; three customers start live chats: each start commits events, some of them with seq 3.
  const start = (who: number): Step => ({ kind: "start", conv: 1, who, x: 1, natural: true, flag: false, ms: 0 });
  const run = () =>
    runSequence({ ...BASE_VARIANT, available: ["alice"] }, [start(0), start(1), start(2)], { record: true });

  /** A memory log whose stores are changed by `tamper` as they open. */
  function tampered(tamper: (store: EventStore<State>) => void): ReplayLog {
    const log = new MemoryLog();
    return {
      open: async (options) => {
        const store = await openMemoryStore<State>(log, options);
        tamper(store);
        return store;
      },
      remove: () => undefined,
    };
  }

  async function failure(log: ReplayLog): Promise<string | null> {
    const sequence = run();
    expect(sequence.committed.length).toBeGreaterThan(2);
    return replayThroughStore(sequence, log, "memory").then(
      () => null,
      (error: unknown) => String(error),
    );
  }

  it("an event missing from what the store reads back breaks the check, naming the step and the difference", async () => {
    const lost = await failure(
      tampered((store) => {
        const eventsAfter = store.eventsAfter.bind(store);
        store.eventsAfter = (after, limit) => ({
          async *[Symbol.asyncIterator]() {
            for await (const event of eventsAfter(after, limit)) if (event.seq !== 3) yield event;
          },
        });
      }),
    );
    expect(lost).toMatch(
      /the events committed to memory, read back by another store, rebuild the live state — violated after step \d+/,
    );
    expect(lost).toMatch(/steps:\n {2}1\. /);
  });

  it("a snapshot that comes back changed breaks the restart's check", async () => {
    const changed = await failure(
      tampered((store) => {
        const loadSnapshot = store.loadSnapshot.bind(store);
        store.loadSnapshot = async () => {
          const snap = await loadSnapshot();
          if (snap) snap.state.users["alice"]!.presence = "away";
          return snap;
        };
      }),
    );
    expect(changed).toMatch(/a restart on memory \(its snapshot and the events after it\) rebuilds the live state/);
    expect(changed).toMatch(/state\.users\.alice\.presence/);
  });

  it("the same run through a store that gives back what it was given passes", async () => {
    expect(await failure(tampered(() => undefined))).toBeNull();
  });
});
