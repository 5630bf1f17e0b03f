// 5. Console: keypress → frame of the real App at 120×40 with 50 sessions (in a child per trial, see
// console-child.ts), its heap, and `cc-agent` start to first frame in a real pseudo-terminal.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { Child, ROOT, checkLoad, fmt, median, table } from "./lib.js";
import type { BenchContext, Row, Section } from "./lib.js";
import type { KeypressResult } from "./console-child.js";
import { repToken } from "./orgs.js";
import { Target } from "./targets.js";

/** The environment without CI markers (Ink renders only the last frame when it thinks it runs in CI). */
export function interactiveEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (key !== "CI" && key !== "CONTINUOUS_INTEGRATION" && !key.startsWith("CI_")) env[key] = value;
  delete env.NO_COLOR;
  // As bin/cc-agent.js runs the console: React's production build.
  return { ...env, FORCE_COLOR: "1", NODE_ENV: "production", ...extra };
}

async function keypress(params: {
  sessions: number;
  messagesEach: number;
  keys: number;
  intervalMs: number;
}): Promise<KeypressResult> {
  const child = Child.start("console-child.js", {
    execArgv: ["--expose-gc"],
    env: interactiveEnv(),
    quiet: true,
    name: `console(${params.sessions}×${params.messagesEach})`,
  });
  try {
    return await child.call<KeypressResult>("keypress", params, 300_000);
  } finally {
    await child.stop();
  }
}

/** ms from spawn to the first frame on a pseudo-terminal (`script`), for `command` run by sh after sizing the terminal. */
async function firstFrame(ctx: BenchContext, command: string, marker: string): Promise<number> {
  const started = performance.now();
  const child = spawn("script", ["-qfec", `stty cols 120 rows 40 && exec ${command}`, "/dev/null"], {
    cwd: ctx.tmp,
    env: interactiveEnv({ CC_AGENT_HOME: join(ctx.tmp, "console-home"), TERM: "xterm-256color" }),
    stdio: ["pipe", "pipe", "ignore"],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    return await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(
        () => reject(new Error(`no first frame within 10 s: ${JSON.stringify(out.slice(-400))}`)),
        10_000,
      );
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        out += chunk;
        // eslint-disable-next-line no-control-regex -- the frame's escapes are in the way of the text
        if (out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").includes(marker)) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
    });
  } finally {
    // The process group started here: script, the shell and the program under it.
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
    await exited;
  }
}

export async function consoleBench(ctx: BenchContext): Promise<Section> {
  const keys = ctx.smoke ? 13 : 156;
  const intervalMs = 50;
  const small = { sessions: 50, messagesEach: ctx.smoke ? 2 : 20, keys, intervalMs };
  const large = { sessions: 50, messagesEach: ctx.smoke ? 20 : 200, keys, intervalMs };
  const totals = (p: { sessions: number; messagesEach: number }) =>
    (p.sessions * p.messagesEach).toLocaleString("en-US");
  const pairs = ctx.smoke ? 1 : 2;
  const runs: { small: KeypressResult; large: KeypressResult; busy: boolean }[] = [];
  for (let i = 0; i < pairs; i++) {
    const busy = (await checkLoad()).busy;
    const s = await keypress(small);
    const l = await keypress(large);
    runs.push({ small: s, large: l, busy: busy || (await checkLoad()).busy });
    ctx.log(
      `  keypress → frame p50/p99: ${totals(small)} messages ${fmt(s.p50)}/${fmt(s.p99)} ms · ${totals(large)} messages ${fmt(l.p50)}/${fmt(l.p99)} ms`,
    );
  }
  const stress = await keypress({ sessions: 50, messagesEach: ctx.smoke ? 100 : 10_000, keys, intervalMs });
  ctx.log(`  stress 50 × ${stress.keys}: p50 ${fmt(stress.p50)} ms, heap ${fmt(stress.heapUsedMb)} MB`);

  // Start to first frame: the console against a server child, in a pseudo-terminal; the baseline is bare node
  // printing the same marker through the same pseudo-terminal.
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  let startup: { baseline: number[]; ours: number[] } | null = null;
  if (hasScript) {
    const server = await Target.start(ctx, "cc-memory", { reps: 2, capacity: 3 });
    try {
      startup = { baseline: [], ours: [] };
      for (let i = 0; i < (ctx.smoke ? 1 : 5); i++) {
        await checkLoad();
        startup.baseline.push(await firstFrame(ctx, `'${process.execPath}' -e "process.stdout.write('Home')"`, "Home"));
        startup.ours.push(
          await firstFrame(
            ctx,
            `'${process.execPath}' '${join(ROOT, "bin/cc-agent.js")}' --server ${server.url} --token ${repToken(0)}`,
            "Home",
          ),
        );
      }
    } finally {
      await server.stop();
    }
    ctx.log(
      `  start to first frame: node ${startup.baseline.map(fmt).join(", ")} ms · cc-agent ${startup.ours.map(fmt).join(", ")} ms`,
    );
  }

  const m = (pick: (r: KeypressResult) => number, which: "small" | "large") => median(runs.map((r) => pick(r[which])));
  const p50Ratio = median(runs.map((r) => r.large.p50 / r.small.p50));
  const p99Ratio = median(runs.map((r) => r.large.p99 / r.small.p99));
  const busy = runs.some((r) => r.busy);
  const rows: Row[] = [
    {
      id: "console-p50",
      bench: "console",
      figure: `keypress → frame p50, 120×40, 50 sessions, ${totals(large)} messages (baseline: ${totals(small)})`,
      baseline: m((r) => r.p50, "small"),
      ours: m((r) => r.p50, "large"),
      unit: "ms",
      ratio: p50Ratio,
      goal: "≤ 16 ms; ≤ 1.25× the 1k figure",
      met: m((r) => r.p50, "large") <= 16 && p50Ratio <= 1.25,
      busy,
    },
    {
      id: "console-p99",
      bench: "console",
      figure: `keypress → frame p99, 120×40, 50 sessions, ${totals(large)} messages (baseline: ${totals(small)})`,
      baseline: m((r) => r.p99, "small"),
      ours: m((r) => r.p99, "large"),
      unit: "ms",
      ratio: p99Ratio,
      goal: "≤ 50 ms",
      met: m((r) => r.p99, "large") <= 50,
      busy,
    },
    {
      id: "console-heap",
      bench: "console",
      figure: `heap after the keys, 50 sessions, ${totals(large)} messages (baseline: ${totals(small)})`,
      baseline: m((r) => r.heapUsedMb, "small"),
      ours: m((r) => r.heapUsedMb, "large"),
      unit: "MB",
      ratio: m((r) => r.heapUsedMb, "large") / m((r) => r.heapUsedMb, "small"),
      goal: "≤ 150 MB",
      met: m((r) => r.heapUsedMb, "large") <= 150,
      busy,
    },
    {
      id: "console-stress",
      bench: "console",
      figure: `stress, no goal: keypress → frame p50 and heap with 50 sessions × ${(ctx.smoke ? 100 : 10_000).toLocaleString("en-US")} messages`,
      baseline: null,
      ours: stress.p50,
      unit: "ms",
      ratio: null,
      goal: "—",
      met: null,
      busy: false,
      note: `p99 ${fmt(stress.p99)} ms, heap ${fmt(stress.heapUsedMb)} MB, RSS ${fmt(stress.rssMb)} MB`,
    },
  ];
  if (startup) {
    const ratio = median(startup.ours.map((o, i) => o / startup!.baseline[i]!));
    rows.push({
      id: "console-start",
      bench: "console",
      figure: "`cc-agent` start to first frame (baseline: bare node to first output)",
      baseline: median(startup.baseline),
      ours: median(startup.ours),
      unit: "ms",
      ratio,
      goal: "≤ 400 ms",
      met: median(startup.ours) <= 400,
      busy: false,
    });
  } else {
    rows.push({
      id: "console-start",
      bench: "console",
      figure: "`cc-agent` start to first frame",
      baseline: null,
      ours: Number.NaN,
      unit: "ms",
      ratio: null,
      goal: "≤ 400 ms",
      met: null,
      busy: false,
      note: "skipped: no `script` for a pseudo-terminal",
    });
  }
  const details = [
    "### Console",
    "",
    `Keys go in one at a time every ${intervalMs} ms (after Ink's 30 fps throttle has passed, as a person types), cycling through typing, ` +
      "PgUp, PgDn, Backspace and Ctrl+N (next session), each of which changes the frame; the figure is the time from writing the key to stdin to the frame's write to stdout. " +
      "Messages are ~130 characters, parsed from JSON as they come off the wire. Heap is measured after a full GC with the App still mounted.",
    "",
    table(
      [
        "trial",
        "messages",
        "p50 ms",
        "p99 ms",
        "max ms",
        "heap MB",
        "RSS MB",
        "first render ms",
        "keys without a frame",
      ],
      [
        ...runs.flatMap((r, i) => [
          [
            i + 1,
            totals(small),
            fmt(r.small.p50),
            fmt(r.small.p99),
            fmt(r.small.max),
            fmt(r.small.heapUsedMb),
            fmt(r.small.rssMb),
            fmt(r.small.mountMs),
            r.small.noFrame,
          ],
          [
            i + 1,
            totals(large),
            fmt(r.large.p50),
            fmt(r.large.p99),
            fmt(r.large.max),
            fmt(r.large.heapUsedMb),
            fmt(r.large.rssMb),
            fmt(r.large.mountMs),
            r.large.noFrame,
          ],
        ]),
        [
          "stress",
          totals({ sessions: 50, messagesEach: ctx.smoke ? 100 : 10_000 }),
          fmt(stress.p50),
          fmt(stress.p99),
          fmt(stress.max),
          fmt(stress.heapUsedMb),
          fmt(stress.rssMb),
          fmt(stress.mountMs),
          stress.noFrame,
        ],
      ],
    ),
    "",
    `p50 by key with ${totals(large)} messages (first trial): ${Object.entries(runs[0]!.large.byKind)
      .map(([kind, ms]) => `${kind} ${fmt(ms)} ms`)
      .join(", ")} — Ctrl+N draws another session's thread.`,
    "",
    startup
      ? `Start to first frame, alternating bare node / \`cc-agent\` (spawned through \`script\` in a 120×40 pseudo-terminal, until "Home" shows): node ${startup.baseline.map(fmt).join(", ")} ms; cc-agent ${startup.ours.map(fmt).join(", ")} ms.`
      : "",
    "",
  ];
  return { rows, details };
}
