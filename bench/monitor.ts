// 9. Monitor: keypress → frame of the real monitor App with 1,000 conversations, the live figures view (F) off (the
// table) and on, alternating trials each in a fresh child (see monitor-child.ts). Goal (issue 15): the live view adds
// no more than 2 ms to the p50.
import { interactiveEnv } from "./console.js";
import { Child, checkLoad, fmt, median, table } from "./lib.js";
import type { BenchContext, Row, Section } from "./lib.js";
import type { MonitorKeypressResult } from "./monitor-child.js";

const GOAL_MS = 2;

async function keypress(params: {
  conversations: number;
  live: boolean;
  keys: number;
  intervalMs: number;
}): Promise<MonitorKeypressResult> {
  const child = Child.start("monitor-child.js", {
    env: interactiveEnv(),
    quiet: true,
    name: `monitor(${params.conversations}, live ${params.live ? "on" : "off"})`,
  });
  try {
    return await child.call<MonitorKeypressResult>("keypress", params, 300_000);
  } finally {
    await child.stop();
  }
}

export async function monitorBench(ctx: BenchContext): Promise<Section> {
  const conversations = ctx.smoke ? 100 : 1000;
  const keys = ctx.smoke ? 10 : 100;
  const intervalMs = 50;
  const pairs = ctx.smoke ? 1 : 3;
  const trials: { off: MonitorKeypressResult; on: MonitorKeypressResult; busy: boolean }[] = [];
  for (let i = 0; i < pairs; i++) {
    const busy = (await checkLoad()).busy;
    const off = await keypress({ conversations, live: false, keys, intervalMs });
    const on = await keypress({ conversations, live: true, keys, intervalMs });
    trials.push({ off, on, busy: busy || (await checkLoad()).busy });
    ctx.log(
      `  keypress → frame p50/p99: live view off ${fmt(off.p50)}/${fmt(off.p99)} ms · on ${fmt(on.p50)}/${fmt(on.p99)} ms`,
    );
  }
  const off = median(trials.map((t) => t.off.p50));
  const on = median(trials.map((t) => t.on.p50));
  const added = median(trials.map((t) => t.on.p50 - t.off.p50));
  const count = conversations.toLocaleString("en-US");
  const rows: Row[] = [
    {
      id: "monitor-live-p50",
      bench: "monitor",
      figure: `keypress → frame p50, 120×40, ${count} conversations: the live figures view on (baseline: off, the table)`,
      baseline: off,
      ours: on,
      unit: "ms",
      ratio: on / off,
      goal: `≤ ${GOAL_MS} ms added`,
      met: added <= GOAL_MS,
      busy: trials.some((t) => t.busy),
      note: `added ${fmt(added)} ms (median of the trials' differences)`,
    },
  ];
  const details = [
    "### Monitor",
    "",
    `The real monitor App (Ink, production React) at 120×40 with ${count} conversations (a quarter waiting, four queues, ` +
      `40 reps), the keys going in every ${intervalMs} ms: Z (pause) and Z (resume), the one key that changes the ` +
      "frame in the table and in the live figures alike. Off: the table; on: the live figures view (F) with a busy " +
      "hour's figures (every minute of the three charts filled, 40 reps' occupancy). Trials alternate off and on, " +
      "each in a fresh process. Every trial:",
    "",
    table(
      ["trial", "live view", "p50 ms", "p99 ms", "max ms", "keys", "keys without a frame", "first render ms", "busy"],
      trials.flatMap((t, i) =>
        (["off", "on"] as const).map((which) => {
          const r = t[which];
          return [
            i + 1,
            which,
            fmt(r.p50),
            fmt(r.p99),
            fmt(r.max),
            r.keys,
            r.noFrame,
            fmt(r.mountMs),
            t.busy ? "busy" : "",
          ];
        }),
      ),
    ),
    "",
  ];
  return { rows, details };
}
