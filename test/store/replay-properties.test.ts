// The routing core's property (test/core/property.ts) through the real stores: random command sequences, each
// committed step by step to a fresh log, and the state rebuilt from what the store gives back (a second store reading
// by seq, and a restart from the snapshot) is the live state. SQLite on a real file in a temp dir, and memory;
// Postgres in postgres-replay-properties.test.ts. Every step is a commit, so fewer sequences than the core property:
// `npm run fuzz` (FC_NUM_RUNS) scales them.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryLog, openMemoryStore } from "../../server/store/memory-store.js";
import { openSqliteStore } from "../../server/store/sqlite-store.js";
import { tempDir } from "../helpers/server.js";
import type { EventStore, StoredEvent } from "../../server/store/store.js";
import type { State } from "../../server/core/model.js";
import {
  assertReplayThroughStore,
  BASE_VARIANT,
  NUM_RUNS,
  replayThroughStore,
  runSequence,
  type Step,
} from "../core/property.js";

/**
 * Sequences per store: 50 under `npm test` (SQLite commits with a sync to disk each, about 6 s on a free core); a
 * twentieth of the core property's under `npm run fuzz`.
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

describe("the check through a store catches a store that loses what it was given", () => {
  // Alice is Available; three customers start live chats: each start commits events, some of them with seq 3.
  const start = (who: number): Step => ({ kind: "start", conv: 1, who, x: 1, natural: true, flag: false, ms: 0 });
  const run = () =>
    runSequence({ ...BASE_VARIANT, available: ["alice"] }, [start(0), start(1), start(2)], { record: true });

  /** A memory log whose stores read back every event but seq 3 (or, with `all`, every one). */
  function losing(): { open: (options: object) => Promise<EventStore<State>>; remove: () => void } {
    const log = new MemoryLog();
    return {
      open: async (options) => {
        const store = await openMemoryStore<State>(log, options);
        const eventsAfter = store.eventsAfter.bind(store);
        store.eventsAfter = (after: number, limit?: number): AsyncIterable<StoredEvent> => ({
          async *[Symbol.asyncIterator]() {
            for await (const event of eventsAfter(after, limit)) if (event.seq !== 3) yield event;
          },
        });
        return store;
      },
      remove: () => undefined,
    };
  }

  it("an event missing from what the store reads back breaks the check, naming the step and the difference", async () => {
    const sequence = run();
    expect(sequence.committed.length).toBeGreaterThan(1);
    const failure = await replayThroughStore(sequence, losing(), "memory").then(
      () => null,
      (error: unknown) => String(error),
    );
    expect(failure).toMatch(
      /the events committed to memory, read back by another store, rebuild the live state — violated after step \d+/,
    );
    expect(failure).toMatch(/steps:\n {2}1\. /);
  });

  it("the same run through a store that keeps everything passes", async () => {
    const log = new MemoryLog();
    await replayThroughStore(
      run(),
      { open: (options) => openMemoryStore(log, options), remove: () => undefined },
      "memory",
    );
  });
});
