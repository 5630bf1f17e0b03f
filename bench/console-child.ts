// Keypress-to-frame of the real console App, in a process of its own (so that its heap is the console's alone):
// Ink's own render with the console's options (throttled frames, not debug mode) to a fake 120×40 TTY, a fake
// client, and a welcome holding `sessions` conversations of `messagesEach` messages that went through JSON the way
// they come off the wire. Each key goes in through stdin; the time to the next write on stdout is its figure.
import { render } from "ink";
import { createElement } from "react";
import { FakeStdin, FakeStdout } from "./fake-tty.js";
import { percentile, serveRpc } from "./lib.js";
import { sampleConversation } from "./sample-views.js";
import type { RequestBody } from "../src/client/client.js";
import type { Welcome } from "../src/protocol/messages.js";
import type { ConversationView, MessageView, UserView } from "../src/protocol/views.js";
import { App } from "../src/ui/console/App.js";
import { ConsoleController } from "../src/ui/console/controller.js";
import { initialUiState } from "../src/ui/mirror/state.js";
import { createStore } from "../src/ui/mirror/store.js";
import { makeTheme } from "../src/ui/theme/theme.js";

const COLUMNS = 120;
const ROWS = 40;

const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);
const TEXTS = [
  "Hi, my parcel was supposed to arrive on Tuesday and the tracking page has not moved since the weekend, can you check it please",
  "Thank you for waiting. I can see the parcel left our warehouse on Monday and is with the courier now, it should reach you soon",
  "I was charged twice for the same order and I would like one of the payments refunded as soon as possible, this is annoying",
  "I am sorry about the double charge. I have asked the payments team to refund the second payment, it shows in three days",
];

function conversation(i: number, messagesEach: number): ConversationView {
  const messages: MessageView[] = [];
  for (let m = 0; m < messagesEach; m++) {
    const at = T0 - (messagesEach - m) * 20_000;
    const id = `m${i * 1_000_000 + m}`;
    const text = `${TEXTS[m % TEXTS.length]!} (${i}/${m})`;
    messages.push(
      m % 2 === 0
        ? { id, at, author: { role: "customer", name: `Customer ${i}` }, text, sentiment: 0 }
        : { id, at, author: { role: "rep", id: "alice", name: "Alice Moreau" }, text, clientId: `k${i}-${m}` },
    );
  }
  const view = sampleConversation(`c${i + 1}`, T0 - messagesEach * 20_000, {
    title: `Customer ${i}`,
    customer: { name: `Customer ${i}`, authenticated: false },
    messages,
  });
  // Off the wire: every conversation is parsed from its own JSON, as the client would have it.
  return JSON.parse(JSON.stringify(view)) as ConversationView;
}

function welcome(sessions: number, messagesEach: number): Welcome {
  const me: UserView = {
    id: "alice",
    name: "Alice Moreau",
    role: "rep",
    presence: "available",
    capacity: 60,
    used: sessions,
    conversations: sessions,
    queues: ["general"],
  };
  const conversations: ConversationView[] = [];
  for (let i = 0; i < sessions; i++) conversations.push(conversation(i, messagesEach));
  return {
    type: "welcome",
    v: 1,
    seq: 1,
    session: { role: "rep", userId: "alice", name: "Alice Moreau" },
    epoch: "bench",
    mode: "snapshot",
    snapshot: {
      org: {
        name: "Bench Org",
        masking: true,
        supervisor: { monitor: true, assign: true, transfer: true, forceClose: true, setPresence: true },
        queues: [{ id: "general", name: "General" }],
        workstreams: [{ id: "live", name: "Live chat", mode: "live", queueId: "general", sentimentThreshold: -1 }],
        wrapUpReasons: [{ id: "resolved", label: "Resolved" }],
      },
      me,
      users: [me],
      conversations,
      customerConversations: [],
      offers: [],
    },
    serverTime: T0,
  };
}

const PG_UP = "\x1b[5~";
const PG_DN = "\x1b[6~";
const BACKSPACE = "\x7f";
const CTRL_N = "\x0e";
/** Every key of the cycle changes the frame: type, scroll up and back, delete what was typed, next session. */
const CYCLE = ["h", "e", "l", "l", "o", PG_UP, PG_DN, BACKSPACE, BACKSPACE, BACKSPACE, BACKSPACE, BACKSPACE, CTRL_N];
const KIND: Record<string, string> = { [PG_UP]: "PgUp", [PG_DN]: "PgDn", [BACKSPACE]: "Backspace", [CTRL_N]: "Ctrl+N" };

export interface KeypressResult {
  p50: number;
  p99: number;
  max: number;
  keys: number;
  noFrame: number;
  heapUsedMb: number;
  rssMb: number;
  mountMs: number;
  /** p50 ms per kind of key: a letter, PgUp, PgDn, Backspace, Ctrl+N. */
  byKind: Record<string, number>;
}

export async function keypress(params: {
  sessions: number;
  messagesEach: number;
  keys: number;
  intervalMs: number;
}): Promise<KeypressResult> {
  const store = createStore(initialUiState(T0, { columns: COLUMNS, rows: ROWS }));
  const client = {
    request: (_body: RequestBody) => Promise.resolve({} as Record<string, unknown>),
  };
  const controller = new ConsoleController(store, client, { exit: () => undefined, now: () => store.getState().now });
  store.dispatch({ type: "welcome", welcome: welcome(params.sessions, params.messagesEach), now: T0 });
  store.dispatch({ type: "focus", target: "c1" });
  const stdout = new FakeStdout(COLUMNS, ROWS);
  const stdin = new FakeStdin();
  const mountStart = performance.now();
  const instance = render(createElement(App, { store, controller, theme: makeTheme({}) }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout(COLUMNS, ROWS) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const mountMs = performance.now() - mountStart;
  await new Promise((resolve) => setTimeout(resolve, 100));

  const times: number[] = [];
  const byKind: Record<string, number[]> = {};
  let noFrame = 0;
  for (let k = 0; k < params.keys; k++) {
    const before = stdout.writes;
    const t0 = performance.now();
    stdin.write(CYCLE[k % CYCLE.length]!);
    const deadline = t0 + 500;
    while (stdout.writes === before && performance.now() < deadline)
      await new Promise((resolve) => setImmediate(resolve));
    const key = CYCLE[k % CYCLE.length]!;
    if (stdout.writes === before) noFrame++;
    else {
      times.push(stdout.lastWriteAt - t0);
      (byKind[KIND[key] ?? "letter"] ??= []).push(stdout.lastWriteAt - t0);
    }
    // Keys at typing speed: each one lands after Ink's 30 fps frame throttle has passed, as a person's would.
    const wait = params.intervalMs - (performance.now() - t0);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const memory = process.memoryUsage();
  instance.unmount();
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times.reduce((a, b) => (b > a ? b : a), 0),
    keys: times.length,
    noFrame,
    heapUsedMb: memory.heapUsed / 1024 ** 2,
    rssMb: memory.rss / 1024 ** 2,
    mountMs,
    byKind: Object.fromEntries(Object.entries(byKind).map(([kind, list]) => [kind, percentile(list, 50)])),
  };
}

serveRpc({
  keypress: (params: { sessions: number; messagesEach: number; keys: number; intervalMs: number }) => keypress(params),
});
