// The store under the server's own write pattern, in a child process of its own: many commands at once, each appending
// its event and waiting for its commit, so that the appends made while one transaction is under way go together in
// the next (the group commit). Run on Postgres (the pg-commit benchmark) and on SQLite beside it.
import { serveRpc, percentile } from "./lib.js";
import { messageText } from "./orgs.js";
import { threadOf } from "../server/gateway/thread-reads.js";
import type { State } from "../server/core/model.js";
import { openPostgresStore } from "../server/store/postgres-store.js";
import { openSqliteStore } from "../server/store/sqlite-store.js";
import type { EventStore, StoredEvent } from "../server/store/store.js";

const T0 = Date.UTC(2026, 0, 1);

export interface GroupCommitParams {
  /** A postgres:// URL or a SQLite file. */
  data: string;
  /** Commands in flight at once: each appends one message and waits for its commit before the next. */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export interface GroupCommitResult {
  eventsPerSecond: number;
  /** Transactions per second and events per transaction. */
  commitsPerSecond: number;
  eventsPerCommit: number;
  /** From a command's append to its commit resolving, ms. */
  p50Ms: number;
  p99Ms: number;
}

function message(seq: number): StoredEvent {
  return {
    type: "message_added",
    conversationId: `c${(seq % 1000) + 1}`,
    message: {
      id: `m${seq}`,
      at: T0 + seq,
      author: { role: "customer" },
      text: messageText("C", 0, seq % 1000, seq),
      sentiment: 0,
      clientId: `k${seq}`,
    },
    seq,
    at: T0 + seq,
  };
}

export async function groupCommit(params: GroupCommitParams): Promise<GroupCommitResult> {
  const options = { threadOf };
  const store: EventStore<State> = /^postgres(ql)?:\/\//.test(params.data)
    ? await openPostgresStore<State>(params.data, options)
    : await openSqliteStore<State>(params.data, options);
  let seq = await store.lastSeq();
  let committed = 0;
  let commits = 0;
  const latencies: number[] = [];
  const start = performance.now();
  const measureFrom = start + params.warmupMs;
  const end = measureFrom + params.durationMs;
  let counting = false;
  let countedFrom = 0;
  let commitsFrom = 0;
  // As the server's writer does: one commit at a time; what is appended while it is under way goes in the next.
  let waiting: (() => void)[] = [];
  let wake: (() => void) | null = null;
  let running = true;
  const committer = (async () => {
    while (running || waiting.length > 0) {
      if (waiting.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const batch = waiting;
      waiting = [];
      committed += await store.commit();
      commits++;
      for (const done of batch) done();
      if (!counting && performance.now() >= measureFrom) {
        counting = true;
        countedFrom = committed;
        commitsFrom = commits;
      }
    }
  })();
  const command = async () => {
    while (performance.now() < end) {
      seq++;
      store.append([message(seq)], { expectedSeq: seq - 1 });
      const t = performance.now();
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        wake?.();
        wake = null;
      });
      if (t >= measureFrom) latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: params.concurrency }, command));
  running = false;
  (wake as (() => void) | null)?.();
  await committer;
  const seconds = (performance.now() - measureFrom) / 1000;
  await store.close();
  const events = committed - countedFrom;
  return {
    eventsPerSecond: events / seconds,
    commitsPerSecond: (commits - commitsFrom) / seconds,
    eventsPerCommit: events / Math.max(1, commits - commitsFrom),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

serveRpc({ groupCommit: (params: GroupCommitParams) => groupCommit(params) });
