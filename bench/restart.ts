// 4. Restart: `cc-agent server` from spawn to answering /healthz, with 10k conversations on file, after a clean
// stop (latest snapshot, nothing to replay) and after kill -9 (the last periodic snapshot, then the events after
// it), against an empty data file.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Child, ROOT, alternate, fmt, median, table } from "./lib.js";
import type { BenchContext, Row, Section } from "./lib.js";
import { benchOrgJson } from "./orgs.js";
import type { StartParams } from "./server-child.js";

/** Spawn the real CLI on `dataFile`; resolve with ms from spawn to a 200 from /healthz, and its conversation count. */
async function startToServing(
  ctx: BenchContext,
  dataFile: string,
  orgFile: string,
): Promise<{ ms: number; conversations: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, "bin/cc-agent.js"),
      "server",
      "--port",
      "0",
      "--data",
      dataFile,
      "--org",
      orgFile,
      "--no-credentials",
      "--log-level",
      "warn",
    ],
    {
      cwd: ctx.tmp,
      env: { ...process.env, CC_AGENT_HOME: join(ctx.tmp, "home"), NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stderr = "";
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (chunk: string) => {
        stderr += chunk;
        const match = /listening on ws:\/\/([\d.]+:\d+)\/ws/.exec(stderr);
        if (match) resolve(`http://${match[1]}/healthz`);
      });
      child.once("exit", (code) => reject(new Error(`cc-agent server exited (${code}) before listening: ${stderr}`)));
    });
    for (;;) {
      try {
        const response = await fetch(url);
        if (response.ok) {
          const ms = performance.now() - started;
          const body = (await response.json()) as { conversations: number };
          return { ms, conversations: body.conversations };
        }
      } catch {
        // not yet
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
}

function copyDb(from: string, to: string): void {
  for (const suffix of ["", "-wal"]) if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
}

export async function restartBench(ctx: BenchContext): Promise<Section> {
  const conversations = ctx.smoke ? 100 : 10_000;
  const org = benchOrgJson({ reps: 100, capacity: 10 });
  const dir = join(ctx.tmp, "restart");
  mkdirSync(dir, { recursive: true });
  const orgFile = join(dir, "org.json");
  writeFileSync(orgFile, JSON.stringify(org));
  const live = join(dir, "live.db");
  const crash = join(dir, "crash.db");

  // The data file: conversations talked through by the hub itself (10 messages each; 1 in 10 still Active).
  const builder = Child.start("server-child.js", { name: "restart builder" });
  try {
    await builder.call("start", { kind: "cc", dataFile: live, org } satisfies StartParams);
    const built = await builder.call<{ seq: number; conversations: number }>(
      "populate",
      { count: conversations, workstream: "live", mode: "history", messagesEach: 10, active: conversations / 10 },
      900_000,
    );
    ctx.log(`  data file: ${built.conversations} conversations, ${built.seq} events`);
    // A copy now is what kill -9 leaves: the events committed, the last periodic snapshot.
    copyDb(live, crash);
    await builder.call("stop");
  } finally {
    await builder.stop();
  }

  let n = 0;
  const fresh = (from: string | null) => {
    const file = join(dir, `trial-${++n}.db`);
    if (from) copyDb(from, file);
    return file;
  };
  const pairs = ctx.smoke ? 1 : 3;
  const check = (result: { ms: number; conversations: number }, expected: number) => {
    if (result.conversations !== expected)
      throw new Error(`restart: ${result.conversations} conversations served, expected ${expected}`);
    return result.ms;
  };
  const clean = await alternate(
    pairs,
    async () => check(await startToServing(ctx, fresh(null), orgFile), 0),
    async () => check(await startToServing(ctx, fresh(live), orgFile), conversations),
  );
  const killed = await alternate(
    pairs,
    async () => check(await startToServing(ctx, fresh(null), orgFile), 0),
    async () => check(await startToServing(ctx, fresh(crash), orgFile), conversations),
  );
  ctx.log(
    `  clean ${clean.ours.map(fmt).join(", ")} ms · after kill -9 ${killed.ours.map(fmt).join(", ")} ms · empty ${clean.baseline.map(fmt).join(", ")} ms`,
  );

  const label = conversations.toLocaleString("en-US");
  const rows: Row[] = [
    {
      id: "restart-clean",
      bench: "restart",
      figure: `\`cc-agent server\` start to serving, ${label} conversations on file, after a clean stop (baseline: empty file)`,
      baseline: median(clean.baseline),
      ours: median(clean.ours),
      unit: "ms",
      ratio: median(clean.ratios),
      goal: "≤ 2,000 ms",
      met: median(clean.ours) <= 2000,
      busy: clean.busy,
    },
    {
      id: "restart-kill",
      bench: "restart",
      figure: `\`cc-agent server\` start to serving, ${label} conversations on file, after kill -9 (snapshot + replay)`,
      baseline: median(killed.baseline),
      ours: median(killed.ours),
      unit: "ms",
      ratio: median(killed.ratios),
      goal: "≤ 2,000 ms",
      met: median(killed.ours) <= 2000,
      busy: killed.busy,
    },
  ];
  const details = [
    "### Restart",
    "",
    `The data file holds ${label} conversations of 10 messages each (one in ten still Active), written through the hub. ` +
      "Each trial copies it, spawns `cc-agent server --port 0` on the copy and polls `GET /healthz` until it answers.",
    "",
    table(
      ["trial", "empty ms", "clean stop ms", "empty ms", "after kill -9 ms"],
      clean.ours.map((o, i) => [
        i + 1,
        fmt(clean.baseline[i]!),
        fmt(o),
        fmt(killed.baseline[i]!),
        fmt(killed.ours[i]!),
      ]),
    ),
    "",
  ];
  return { rows, details };
}
