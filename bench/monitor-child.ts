// Keypress-to-frame of the real monitor App with 1,000 conversations, in a process of its own: Ink's own render to a
// fake 120×40 TTY, a fake client that answers the figures request, and a supervisor's welcome whose conversations
// went through JSON the way they come off the wire. With `live` the live figures view (F) is open while the keys
// go in; without, the table is. Each key goes in through stdin; the time to the next write on stdout is its figure.
import { render } from "ink";
import { createElement } from "react";
import { FakeStdin, FakeStdout } from "./fake-tty.js";
import { percentile, serveRpc } from "./lib.js";
import { sampleConversation } from "./sample-views.js";
import type { RequestBody } from "../src/client/client.js";
import type { Welcome } from "../src/protocol/messages.js";
import type { ConversationView, Figures, UserView } from "../src/protocol/views.js";
import { MonitorApp } from "../src/ui/monitor/MonitorApp.js";
import { MonitorController } from "../src/ui/monitor/controller.js";
import { reduceMonitor } from "../src/ui/monitor/reducer.js";
import { initialMonitorState } from "../src/ui/monitor/state.js";
import { createStore } from "../src/ui/mirror/store.js";
import { makeTheme } from "../src/ui/theme/theme.js";

const COLUMNS = 120;
const ROWS = 40;
const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);
const QUEUES = ["general", "billing", "returns", "vip"];
const REPS = 40;

function rep(i: number): UserView {
  return {
    id: `rep${i}`,
    name: `Rep ${i}`,
    role: "rep",
    presence: i % 5 === 0 ? "away" : "available",
    capacity: 30,
    used: 0,
    conversations: 0,
    queues: QUEUES,
  };
}

/** A quarter waiting in a queue, the rest with a rep; two messages each. */
function conversation(i: number): ConversationView {
  const queueId = QUEUES[i % QUEUES.length]!;
  const open = i % 4 === 0;
  const owner = `rep${i % REPS}`;
  const createdAt = T0 - ((i * 7919) % 3_600_000);
  const view = sampleConversation(`c${i + 1}`, createdAt, {
    state: open ? "open" : "active",
    queueId,
    queueName: queueId,
    ownerId: open ? null : owner,
    ownerName: open ? null : `Rep ${i % REPS}`,
    lastOwnerId: open ? null : owner,
    queuedAt: createdAt,
    assignedAt: open ? null : createdAt + 20_000,
    sentiment: ((i % 7) - 3) as ConversationView["sentiment"],
    messages: [
      {
        id: `m${i}a`,
        at: createdAt,
        author: { role: "customer", name: `Visitor ${i}` },
        text: "Hello, my order is late",
      },
      ...(open
        ? []
        : [
            {
              id: `m${i}b`,
              at: createdAt + 30_000,
              author: { role: "rep" as const, id: owner, name: `Rep ${i % REPS}` },
              text: "Let me look",
            },
          ]),
    ],
  });
  return JSON.parse(JSON.stringify(view)) as ConversationView;
}

function welcome(conversations: number): Welcome {
  const me: UserView = { ...rep(0), id: "sam", name: "Sam Rivera", role: "supervisor", capacity: 0, queues: [] };
  const list: ConversationView[] = [];
  for (let i = 0; i < conversations; i++) list.push(conversation(i));
  return {
    type: "welcome",
    v: 1,
    seq: 1,
    session: { role: "supervisor", userId: "sam", name: "Sam Rivera" },
    epoch: "bench",
    mode: "snapshot",
    snapshot: {
      org: {
        name: "Bench Org",
        masking: true,
        supervisor: { monitor: true, assign: true, transfer: true, forceClose: true, setPresence: true },
        queues: QUEUES.map((id) => ({ id, name: id })),
        workstreams: [{ id: "live", name: "Live chat", mode: "live", queueId: "general", sentimentThreshold: -1 }],
        wrapUpReasons: [{ id: "resolved", label: "Resolved" }],
      },
      me,
      users: [me, ...Array.from({ length: REPS }, (_, i) => rep(i))],
      conversations: list,
      customerConversations: [],
      offers: [],
    },
    serverTime: T0,
  };
}

/** A busy hour: every minute has arrivals, waiting and a service level. */
function figures(): Figures {
  const minute = (i: number, q: number) => ((i * 31 + q * 17) % 13) + 1;
  return {
    at: T0,
    since: T0 - 59 * 60_000,
    queues: QUEUES.map((queueId, q) => ({
      queueId,
      answered: 400 + q,
      abandoned: 12 + q,
      serviceLevel: 81.5,
      asaSeconds: 31.2,
      arrivals: Array.from({ length: 60 }, (_, i) => minute(i, q)),
      waiting: Array.from({ length: 60 }, (_, i) => minute(i + 7, q)),
      serviceLevels: Array.from({ length: 60 }, (_, i) => 60 + minute(i, q) * 3),
    })),
    reps: Array.from({ length: REPS }, (_, i) => ({ repId: `rep${i}`, occupancy: i % 5 === 0 ? null : 50 + i })),
  };
}

/** Pause and resume: the one key that changes the frame in the table and in the live figures alike. */
const CYCLE = ["Z", "Z"];

export interface MonitorKeypressResult {
  p50: number;
  p99: number;
  max: number;
  keys: number;
  noFrame: number;
  mountMs: number;
}

async function waitForWrite(stdout: FakeStdout, before: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (stdout.writes === before && performance.now() < deadline) await new Promise((r) => setImmediate(r));
  return stdout.writes !== before;
}

export async function keypress(params: {
  conversations: number;
  live: boolean;
  keys: number;
  intervalMs: number;
}): Promise<MonitorKeypressResult> {
  const store = createStore(initialMonitorState(T0, { columns: COLUMNS, rows: ROWS }), reduceMonitor);
  const answer = { figures: figures() };
  const client = {
    request: (body: RequestBody) => Promise.resolve((body.type === "figures" ? answer : {}) as Record<string, unknown>),
  };
  const controller = new MonitorController(store, client, {
    exit: () => undefined,
    now: () => store.getState().base.now,
  });
  store.dispatch({ type: "welcome", welcome: welcome(params.conversations), now: T0 });
  const stdout = new FakeStdout(COLUMNS, ROWS);
  const stdin = new FakeStdin();
  const mountStart = performance.now();
  const instance = render(createElement(MonitorApp, { store, controller, theme: makeTheme({}) }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout(COLUMNS, ROWS) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const mountMs = performance.now() - mountStart;
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (params.live) {
    stdin.write("F");
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (store.getState().figures === null) throw new Error("the live figures did not open");
  }

  const times: number[] = [];
  let noFrame = 0;
  for (let k = 0; k < params.keys; k++) {
    const before = stdout.writes;
    const t0 = performance.now();
    stdin.write(CYCLE[k % CYCLE.length]!);
    if (await waitForWrite(stdout, before, 500)) times.push(stdout.lastWriteAt - t0);
    else noFrame++;
    // Keys at typing speed: each one lands after Ink's 30 fps frame throttle has passed.
    const wait = params.intervalMs - (performance.now() - t0);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  instance.unmount();
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times.reduce((a, b) => (b > a ? b : a), 0),
    keys: times.length,
    noFrame,
    mountMs,
  };
}

serveRpc({
  keypress: (params: { conversations: number; live: boolean; keys: number; intervalMs: number }) => keypress(params),
});
