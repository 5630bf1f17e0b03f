// 10. Open: a rep opens a conversation of 10,000 messages — the console asks for its latest 100 (`messages` without
// `before`, its first screen) — and scrolls far up (a page `before` a message in the middle). The time is from the
// request's send to its answer's arrival in the load generator (another process, over loopback): the server's time
// plus the loopback, an upper bound of the server side, which is timed too (dispatch to answer written). Baseline, side by side in the same server:
// the same request on a conversation of 20 messages. The server is the routing server with durable storage (SQLite,
// production settings) holding other conversations' history too, and reads every page from its event log.
import { checkLoad, fmt, median, percentile, spread, table } from "./lib.js";
import type { BenchContext, Row, Section } from "./lib.js";
import type { OpenTrialResult } from "./load-generator.js";
import { repToken } from "./orgs.js";
import { Target } from "./targets.js";

type Page = "short" | "first" | "deep";

interface Trial {
  round: number;
  page: Page;
  messages: number;
  p50: number;
  p99: number;
  max: number;
  /** Inside the server: from the request's dispatch to its answer handed to the socket. */
  serverP50: number;
  serverP99: number;
  /** Server CPU µs per open. */
  serverCpu: number;
  /** The server's longest GC pause in the trial, ms. */
  gcMaxMs: number;
  busy: boolean;
  latencies: number[];
}

const LIMIT = 100;

export async function openBench(ctx: BenchContext): Promise<Section> {
  const longMessages = ctx.smoke ? 400 : 10_000;
  const shortMessages = 20;
  const opens = ctx.smoke ? 20 : 200;
  const rounds = ctx.smoke ? 1 : 5;
  const warmup = ctx.smoke ? 5 : 50;
  const background = ctx.smoke ? 20 : 2_000;
  const target = await Target.start(ctx, "cc-durable", { reps: 1, capacity: 4 }, { gc: true });
  const trials: Trial[] = [];
  let ids: string[];
  let middle: string;
  try {
    // Other conversations' history first (taken, 20 messages, ended), then the two threads read, both the rep's.
    await target.populate({ count: background, workstream: "live", mode: "history", messagesEach: 20 });
    const long = await target.thread({ workstream: "live", messages: longMessages });
    const short = await target.thread({ workstream: "live", messages: shortMessages });
    if (long.repId !== "r0" || short.repId !== "r0") throw new Error("open: the threads went to another rep than r0");
    await target.lg.call("viewer", { url: target.url, token: repToken(0) });
    ({ ids } = await target.lg.call<{ ids: string[] }>("threadIds", { conversationId: long.conversationId }, 120_000));
    if (ids.length !== long.messages)
      throw new Error(`open: the thread read back has ${ids.length} messages, the server counts ${long.messages}`);
    middle = ids[Math.floor(ids.length / 2)]!;
    ctx.log(
      `  threads of ${long.messages} and ${short.messages} messages beside ${background} others; deep page before ${middle}`,
    );
    const request = (page: Page) => ({
      conversationId: page === "short" ? short.conversationId : long.conversationId,
      limit: LIMIT,
      ...(page === "deep" ? { before: middle } : {}),
    });
    const pages: Page[] = ["short", "first", "deep"];
    for (const page of pages) await target.lg.call("openTrial", { ...request(page), count: warmup });
    await target.settle();
    await target.reads();
    for (let round = 1; round <= rounds; round++) {
      for (const page of pages) {
        const busy = (await checkLoad()).busy;
        const before = await target.usage();
        const result = await target.lg.call<OpenTrialResult>("openTrial", { ...request(page), count: opens }, 300_000);
        const after = await target.usage();
        const inServer = await target.reads();
        if (inServer.length !== opens) throw new Error(`open: the server timed ${inServer.length} reads of ${opens}`);
        const trial: Trial = {
          round,
          page,
          messages: result.messages,
          p50: percentile(result.latencies, 50),
          p99: percentile(result.latencies, 99),
          max: Math.max(...result.latencies),
          serverP50: percentile(inServer, 50),
          serverP99: percentile(inServer, 99),
          serverCpu: (after.cpu - before.cpu) / opens,
          gcMaxMs: after.gcMaxMs,
          busy,
          latencies: result.latencies,
        };
        trials.push(trial);
        ctx.log(
          `  round ${round} ${page}: ${trial.messages} messages, p50 ${fmt(trial.p50)} ms, p99 ${fmt(trial.p99)} ms, max ${fmt(trial.max)} ms; in the server p50 ${fmt(trial.serverP50)} ms, p99 ${fmt(trial.serverP99)} ms, ${fmt(trial.serverCpu)} µs CPU per open`,
        );
      }
    }
  } finally {
    await target.stop();
  }

  const of = (page: Page) => trials.filter((t) => t.page === page);
  const busy = trials.some((t) => t.busy);
  const pairRatios = (page: Page, figure: "p50" | "p99") => of(page).map((t, i) => t[figure] / of("short")[i]![figure]);
  const pooled = (page: Page, p: number) =>
    percentile(
      of(page).flatMap((t) => t.latencies),
      p,
    );
  const row = (page: "first" | "deep", figure: "p50" | "p99", id: string, what: string, goal: boolean): Row => {
    const ours = median(of(page).map((t) => t[figure]));
    return {
      id,
      bench: "open",
      figure: `${what}, ${figure} (baseline: the same request on a conversation of ${shortMessages} messages)`,
      baseline: median(of("short").map((t) => t[figure])),
      ours,
      unit: "ms",
      ratio: median(pairRatios(page, figure)),
      spread: spread(of(page).map((t) => t[figure])),
      goal: goal ? "≤ 20 ms" : "—",
      met: goal ? ours <= 20 : null,
      busy,
      note:
        `median of ${rounds} trials of ${opens} opens; ${figure} over all ${rounds * opens} opens ${fmt(pooled(page, figure === "p50" ? 50 : 99))} ms ` +
        `(baseline ${fmt(pooled("short", figure === "p50" ? 50 : 99))}); in the server ${fmt(median(of(page).map((t) => (figure === "p50" ? t.serverP50 : t.serverP99))))} ms ` +
        `(baseline ${fmt(median(of("short").map((t) => (figure === "p50" ? t.serverP50 : t.serverP99))))}); server CPU ${fmt(median(of(page).map((t) => t.serverCpu)))} µs per open ` +
        `(baseline ${fmt(median(of("short").map((t) => t.serverCpu)))})`,
    };
  };
  const thousands = longMessages.toLocaleString("en-US");
  const rows: Row[] = [
    row(
      "first",
      "p99",
      "open-first",
      `opening a conversation of ${thousands} messages: its latest ${LIMIT} (\`messages\`, the console's first screen)`,
      true,
    ),
    row(
      "first",
      "p50",
      "open-first-p50",
      `opening a conversation of ${thousands} messages: its latest ${LIMIT}`,
      false,
    ),
    row(
      "deep",
      "p99",
      "open-deep",
      `a page of ${LIMIT} deep in a conversation of ${thousands} messages (\`before\` its middle message)`,
      true,
    ),
  ];
  const name: Record<Page, string> = {
    short: `${shortMessages} messages, latest ${LIMIT} (baseline)`,
    first: `${thousands} messages, latest ${LIMIT}`,
    deep: `${thousands} messages, ${LIMIT} before ${middle!}`,
  };
  const details = [
    "### Open",
    "",
    `One rep's connection reads pages of two Active threads of its own — ${thousands} and ${shortMessages} messages — in a server whose log also ` +
      `holds ${background.toLocaleString("en-US")} other conversations of 20 messages. Each trial is ${opens} \`messages\` requests of ${LIMIT} ` +
      `one after the other (each sent when the previous answer is in), after ${warmup} of each page to warm up; the rounds alternate baseline, ` +
      "first screen, deep page. Times are from the send to the answer's arrival in the load generator (before parsing it); *in the server* " +
      "from the start of the gateway's read of the log to its answer handed to the outbox (the gateway's `readsObserved`); server CPU per open " +
      "is the server's CPU over the trial divided by the opens. The figures judged are the round trip's, the larger.",
    "",
    table(
      [
        "round",
        "page",
        "messages answered",
        "p50 ms",
        "p99 ms",
        "max ms",
        "in the server: p50 ms",
        "p99 ms",
        "server CPU µs per open",
        "server GC max ms",
        "busy",
      ],
      trials.map((t) => [
        t.round,
        name[t.page],
        t.messages,
        fmt(t.p50),
        fmt(t.p99),
        fmt(t.max),
        fmt(t.serverP50),
        fmt(t.serverP99),
        fmt(t.serverCpu),
        fmt(t.gcMaxMs),
        t.busy ? "busy" : "",
      ]),
    ),
    "",
  ];
  return { rows, details };
}
