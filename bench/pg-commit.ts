// pg-commit: committed events/s through the Postgres store's group commit, under the server's write pattern (many
// commands at once, each appending its event and waiting for its commit), on a throwaway Postgres cluster started
// for the run with fsync on (test/helpers/postgres.ts), beside the SQLite store (WAL, synchronous=FULL) under the
// same load, in alternating trials.
import { join } from "node:path";
import { startPostgres } from "../test/helpers/postgres.js";
import { Child, alternate, fmt, median, spread, table } from "./lib.js";
import type { BenchContext, Row, Section } from "./lib.js";
import type { GroupCommitParams, GroupCommitResult } from "./group-commit-child.js";

export async function pgCommitBench(ctx: BenchContext): Promise<Section> {
  const concurrency = ctx.smoke ? 20 : 1000;
  const warmupMs = ctx.smoke ? 100 : 500;
  const durationMs = ctx.smoke ? 300 : 3000;
  const pairs = ctx.smoke ? 1 : 5;
  const postgres = await startPostgres({ durable: true });
  const child = Child.start("group-commit-child.js", { name: "group-commit" });
  const trials: { sqlite: GroupCommitResult; postgres: GroupCommitResult }[] = [];
  let files = 0;
  let paired: Awaited<ReturnType<typeof alternate>>;
  try {
    const run = (data: string) =>
      child.call<GroupCommitResult>(
        "groupCommit",
        { data, concurrency, warmupMs, durationMs } satisfies GroupCommitParams,
        120_000,
      );
    let sqlite: GroupCommitResult | undefined;
    paired = await alternate(
      pairs,
      async () => (sqlite = await run(join(ctx.tmp, `group-commit-${++files}.db`))).eventsPerSecond,
      async () => {
        const result = await run(await postgres.createDatabase());
        trials.push({ sqlite: sqlite!, postgres: result });
        ctx.log(
          `  trial ${trials.length}/${pairs}: SQLite ${fmt(sqlite!.eventsPerSecond)}/s (${fmt(sqlite!.eventsPerCommit)} per commit) · Postgres ${fmt(result.eventsPerSecond)}/s (${fmt(result.eventsPerCommit)} per commit, p99 ${fmt(result.p99Ms)} ms)`,
        );
        return result.eventsPerSecond;
      },
    );
  } finally {
    await child.stop();
    postgres.stop();
  }
  const ours = median(paired.ours);
  const setting = `${concurrency.toLocaleString("en-US")} commands in flight, one message event each`;
  const rows: Row[] = [
    {
      id: "pg-commit",
      bench: "pg-commit",
      figure: `committed events/s, Postgres store's group commit (${setting}; baseline: SQLite store)`,
      baseline: median(paired.baseline),
      ours,
      unit: "/s",
      ratio: median(paired.ratios),
      goal: "≥ 20,000/s",
      met: ours >= 20_000,
      busy: paired.busy,
      spread: spread(paired.ratios, "×"),
      note: `Postgres ${spread(paired.ours)} /s; fsync on, synchronous_commit on, over TCP on this machine`,
    },
  ];
  const details = [
    `### pg-commit: the Postgres store's group commit (${setting}; ${durationMs / 1000} s measured after ${warmupMs / 1000} s)`,
    "",
    "A throwaway Postgres cluster on this machine's disk (initdb in a temp dir, fsync on, synchronous_commit on, reached over TCP on 127.0.0.1), a new database per trial, the thread index on as in the server. " +
      "Each command appends one message event and waits for its commit; commits run one after another, so everything appended while one transaction is under way goes in the next. " +
      "Baseline: the SQLite store (WAL, synchronous=FULL) under the same load, alternating.",
    "",
    table(
      [
        "trial",
        "SQLite events/s",
        "SQLite events per commit",
        "SQLite p99 ms",
        "Postgres events/s",
        "Postgres commits/s",
        "Postgres events per commit",
        "Postgres p50 ms",
        "Postgres p99 ms",
        "ratio",
      ],
      trials.map((t, i) => [
        i + 1,
        fmt(t.sqlite.eventsPerSecond),
        fmt(t.sqlite.eventsPerCommit),
        fmt(t.sqlite.p99Ms),
        fmt(t.postgres.eventsPerSecond),
        fmt(t.postgres.commitsPerSecond),
        fmt(t.postgres.eventsPerCommit),
        fmt(t.postgres.p50Ms),
        fmt(t.postgres.p99Ms),
        `${fmt(t.postgres.eventsPerSecond / t.sqlite.eventsPerSecond)}×`,
      ]),
    ),
    "",
  ];
  return { rows, details };
}
