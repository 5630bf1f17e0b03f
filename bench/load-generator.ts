// The load generator: a child process of its own (never the server's) holding many WebSocket clients —
// customers and reps — that speak protocol v1 to the routing server or the raw relay alike. Driven by RPC:
//   setup        connect reps (optionally Available) and customers, start one conversation per customer, accept
//   rateTrial    open loop: messages at a target rate, alternately customer → rep and rep → customer
//   saturate     closed loop: every conversation ping-pongs `window` messages; the sustainable throughput
//   fill         closed loop until every conversation exchanged N messages (memory benchmark)
//   park         each rep closes its conversations (persistent chat, to Waiting) and their customers disconnect
//   viewer       a rep's connection of its own, for openTrial
//   openTrial    the viewer reads a page of a thread (`messages`) again and again, one at a time; time to each answer
//   offerTrial   customers start conversations at a rate; time from the start frame to the offer on a rep's socket
//   drainTrial   every rep goes Available at once and accepts each offer; time until all are assigned
// Latency is measured by the send time carried in the message text (see orgs.ts), read back by the receiver in
// this same process, so one clock measures both ends. During trials frames are not parsed: the tag is found with
// indexOf, which keeps the generator's own cost per message small.
import { WebSocket } from "ws";
import { percentile, serveRpc } from "./lib.js";
import { customerIdentity, messageText, readTag } from "./orgs.js";

interface Sock {
  ws: WebSocket;
  kind: "customer" | "rep";
  index: number;
  welcomed: Promise<void>;
  pending: Map<string, (frame: Record<string, unknown>) => void>;
}

interface Conv {
  id: string;
  index: number;
  customer: Sock;
  rep: Sock | null;
  /** Messages sent in this conversation by fill(). */
  count: number;
}

type Phase = "setup" | "messages" | "offers" | "drain";

let phase: Phase = "setup";
let url = "";
const reps: Sock[] = [];
const customers: Sock[] = [];
const conversations: Conv[] = [];
const byId = new Map<string, Conv>();
/** Conversation id → the rep that accepted it, when the rep's ack came before the customer's. */
const acceptedBy = new Map<string, Sock>();
let autoAccept = true;
let requests = 0;
let errors = 0;
let lastReceive = 0;

// ---- trial state ------------------------------------------------------------------------------------

interface Trial {
  startMs: number;
  measureFromMs: number;
  endMs: number;
  latencies: number[];
  sentInWindow: number;
  deliveredInWindow: number;
  /** closed loop: reply to each delivery */
  replying: boolean;
  /** fill: stop a conversation at this many messages */
  limit: number;
  /** offers: first offer seen per start index */
  seen: Set<number>;
  accepted: number;
  onProgress: (() => void) | null;
}

let counter = 0;
let counterAtStart = 0;
let trialNo = 0;
let trial: Trial = newTrial(0, 0, 0);

function newTrial(start: number, measureFrom: number, end: number): Trial {
  counterAtStart = counter;
  return {
    startMs: start,
    measureFromMs: measureFrom,
    endMs: end,
    latencies: [],
    sentInWindow: 0,
    deliveredInWindow: 0,
    replying: false,
    limit: Infinity,
    seen: new Set(),
    accepted: 0,
    onProgress: null,
  };
}

function sendMessage(conv: Conv, from: "C" | "R", at: number): void {
  const sock = from === "C" ? conv.customer : conv.rep;
  if (!sock) return;
  const n = counter++;
  const text = messageText(from, Math.round(at * 1000), conv.index, n);
  // Texts hold no quote or backslash: the frame is built without JSON.stringify, as cheaply as possible.
  sock.ws.send(
    `{"type":"send","reqId":"q${n}","conversationId":"${conv.id}","text":"${text}","clientId":"b${trialNo}-${n}"}`,
  );
  conv.count++;
  if (at >= trial.measureFromMs && at < trial.endMs) trial.sentInWindow++;
}

function onMessageFrame(sock: Sock, s: string): void {
  const now = performance.now();
  lastReceive = now;
  if (s.startsWith('{"type":"error"')) {
    errors++;
    return;
  }
  const at = s.indexOf(sock.kind === "rep" ? "~C" : "~R");
  if (at < 0) return;
  const tag = readTag(s, at + 2);
  if (!tag) return;
  const sent = tag[0] / 1000;
  if (sent < trial.startMs) return;
  if (sent >= trial.measureFromMs && sent < trial.endMs) trial.latencies.push(now - sent);
  if (now >= trial.measureFromMs && now < trial.endMs) trial.deliveredInWindow++;
  if (trial.replying) {
    const conv = conversations[tag[1]];
    if (conv && conv.count < trial.limit) sendMessage(conv, sock.kind === "rep" ? "R" : "C", now);
    else if (conv && trial.onProgress) trial.onProgress();
  }
}

function onOfferFrame(sock: Sock, s: string): void {
  if (!s.includes('"kind":"offer"')) {
    if (phase === "drain" && s.startsWith('{"type":"ack","reqId":"a')) {
      trial.accepted++;
      trial.onProgress?.();
    }
    return;
  }
  const now = performance.now();
  const frame = JSON.parse(s) as {
    changes?: { kind: string; offer?: { id: string; status: string; preview?: { text: string }[] } }[];
  };
  for (const change of frame.changes ?? []) {
    if (change.kind !== "offer" || !change.offer || change.offer.status !== "pending") continue;
    if (phase === "offers") {
      for (const m of change.offer.preview ?? []) {
        const at = m.text.indexOf("~C");
        const tag = at >= 0 ? readTag(m.text, at + 2) : null;
        if (tag && !trial.seen.has(tag[1])) {
          trial.seen.add(tag[1]);
          trial.latencies.push(now - tag[0] / 1000);
        }
      }
    }
    sock.ws.send(JSON.stringify({ type: "accept", reqId: `a${++requests}`, offerId: change.offer.id }));
  }
  trial.onProgress?.();
}

// ---- setup ------------------------------------------------------------------------------------------

function onSetupFrame(sock: Sock, frame: Record<string, unknown>): void {
  if (frame.type === "ack" || frame.type === "error") {
    const reqId = frame.reqId as string | undefined;
    const resolve = reqId ? sock.pending.get(reqId) : undefined;
    if (resolve) {
      sock.pending.delete(reqId!);
      resolve(frame);
    } else if (frame.type === "error") errors++;
    return;
  }
  if (frame.type !== "event" || sock.kind !== "rep" || !autoAccept) return;
  for (const change of (frame.changes ?? []) as { kind: string; offer?: { id: string; status: string } }[]) {
    if (change.kind !== "offer" || change.offer?.status !== "pending") continue;
    void request(sock, { type: "accept", offerId: change.offer.id }).then((ack) => {
      const id = (ack.result as { conversationId?: string } | undefined)?.conversationId;
      if (ack.type !== "ack" || !id) return;
      const conv = byId.get(id);
      if (conv) conv.rep = sock;
      else acceptedBy.set(id, sock);
    });
  }
}

function request(sock: Sock, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const reqId = `s${++requests}`;
  return new Promise((resolve) => {
    sock.pending.set(reqId, resolve);
    sock.ws.send(JSON.stringify({ ...body, reqId }));
  });
}

function connect(kind: "customer" | "rep", index: number, hello: Record<string, unknown>): Promise<Sock> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let welcomed!: () => void;
  const sock: Sock = { ws, kind, index, welcomed: new Promise((resolve) => (welcomed = resolve)), pending: new Map() };
  ws.on("message", (data: Buffer) => {
    const s = data.toString();
    if (phase === "messages") return onMessageFrame(sock, s);
    if (phase === "offers" || phase === "drain") return onOfferFrame(sock, s);
    const frame = JSON.parse(s) as Record<string, unknown>;
    if (frame.type === "welcome") welcomed();
    else onSetupFrame(sock, frame);
  });
  ws.on("error", () => undefined);
  return new Promise((resolve, reject) => {
    ws.once("open", () => {
      ws.send(JSON.stringify({ type: "hello", v: 1, ...hello, client: "cc-agent bench" }));
      void sock.welcomed.then(() => resolve(sock));
    });
    ws.once("error", reject);
  });
}

/** Run `work` over `items` with at most `limit` in flight. */
async function batched<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
}

export interface SetupParams {
  url: string;
  repTokens: string[];
  customers: number;
  /** Reps go Available after hello (default true). */
  available?: boolean;
  /** Each customer starts one conversation and a rep accepts it (default true). */
  start?: boolean;
  /** The workstream the conversations start in (default "live"). */
  workstream?: string;
  /** Customers sign in with a signed identity (orgs.ts customerIdentity), as a persistent chat needs. */
  identified?: boolean;
}

async function setup(
  params: SetupParams,
): Promise<{ reps: number; customers: number; conversations: number; ms: number }> {
  const started = performance.now();
  url = params.url;
  phase = "setup";
  autoAccept = true;
  // A second setup adds to the first: more reps, more customers, more conversations.
  const repOffset = reps.length;
  await batched(params.repTokens, 50, async (token, i) => {
    const sock = await connect("rep", repOffset + i, { role: "rep", token });
    reps.push(sock);
    if (params.available ?? true) await request(sock, { type: "presence", presence: "available" });
  });
  const offset = customers.length;
  const indexes = Array.from({ length: params.customers }, (_, i) => offset + i);
  await batched(indexes, 50, async (i) => {
    customers[i] = await connect(
      "customer",
      i,
      params.identified ? { role: "customer", identity: customerIdentity(i) } : { role: "customer" },
    );
  });
  if (params.start ?? true) {
    await batched(indexes, 50, async (i) => {
      const customer = customers[i]!;
      const workstream = params.workstream ?? "live";
      const ack = await request(customer, { type: "start", workstream, text: messageText("C", 0, i, i) });
      const id = (ack.result as { conversationId?: string } | undefined)?.conversationId;
      if (ack.type !== "ack" || !id) throw new Error(`start refused: ${JSON.stringify(ack)}`);
      const conv: Conv = { id, index: i, customer, rep: acceptedBy.get(id) ?? null, count: 0 };
      acceptedBy.delete(id);
      conversations[i] = conv;
      byId.set(id, conv);
    });
    const deadline = Date.now() + 120_000;
    while (conversations.some((c) => !c.rep)) {
      if (Date.now() > deadline)
        throw new Error(`setup: ${conversations.filter((c) => !c.rep).length} conversations were never accepted`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  return {
    reps: reps.length,
    customers: customers.length,
    conversations: conversations.length,
    ms: Math.round(performance.now() - started),
  };
}

// ---- trials -----------------------------------------------------------------------------------------

/** Wait until nothing has arrived for `quietMs` (the previous trial's messages are all through). */
async function quiesce(quietMs = 250, maxMs = 15_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (performance.now() - lastReceive < quietMs && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
}

export interface TrialResult {
  offered: number;
  /** deliveries per second in the measurement window */
  achieved: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  samples: number;
  lost: number;
  errors: number;
  /** this generator's CPU µs during the trial */
  lgCpu: number;
  windowMs: number;
  /** messages sent over the whole trial, warm-up included */
  sent: number;
}

function summary(offered: number, windowMs: number, cpuBefore: NodeJS.CpuUsage): TrialResult {
  const cpu = process.cpuUsage(cpuBefore);
  const l = trial.latencies;
  return {
    offered,
    achieved: (trial.deliveredInWindow / windowMs) * 1000,
    p50: percentile(l, 50),
    p99: percentile(l, 99),
    p999: percentile(l, 99.9),
    max: l.length > 0 ? l.reduce((a, b) => (b > a ? b : a), -Infinity) : Number.NaN,
    samples: l.length,
    lost: Math.max(0, trial.sentInWindow - l.length),
    errors,
    lgCpu: cpu.user + cpu.system,
    windowMs,
    sent: counter - counterAtStart,
  };
}

async function waitForLate(maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (trial.latencies.length < trial.sentInWindow && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
}

async function rateTrial(params: { rate: number; warmupMs: number; durationMs: number }): Promise<TrialResult> {
  await quiesce();
  phase = "messages";
  trialNo++;
  errors = 0;
  const start = performance.now();
  trial = newTrial(start, start + params.warmupMs, start + params.warmupMs + params.durationMs);
  const cpuBefore = process.cpuUsage();
  const interval = 1000 / params.rate;
  const n = conversations.length;
  let k = 0;
  await new Promise<void>((resolve) => {
    const step = () => {
      const now = performance.now();
      const until = Math.min(now, trial.endMs);
      for (let at = start + k * interval; at <= until; at = start + k * interval) {
        const conv = conversations[Math.floor(k / 2) % n]!;
        sendMessage(conv, k % 2 === 0 ? "C" : "R", at);
        k++;
      }
      if (now < trial.endMs) setTimeout(step, 1);
      else resolve();
    };
    step();
  });
  await waitForLate(3000);
  return summary(params.rate, params.durationMs, cpuBefore);
}

async function saturate(params: { window: number; warmupMs: number; durationMs: number }): Promise<TrialResult> {
  await quiesce();
  phase = "messages";
  trialNo++;
  errors = 0;
  const start = performance.now();
  trial = newTrial(start, start + params.warmupMs, start + params.warmupMs + params.durationMs);
  trial.replying = true;
  const cpuBefore = process.cpuUsage();
  for (let w = 0; w < params.window; w++) for (const conv of conversations) sendMessage(conv, "C", performance.now());
  await new Promise((resolve) => setTimeout(resolve, params.warmupMs + params.durationMs));
  trial.replying = false;
  const result = summary(0, params.durationMs, cpuBefore);
  await quiesce();
  return result;
}

/**
 * Closed loop until every conversation from index `from` on exchanged `messagesEach` messages, the first from the
 * customer (or the rep: `first`), then each side answering the other.
 */
async function fill(params: {
  messagesEach: number;
  from?: number;
  first?: "C" | "R";
}): Promise<{ ms: number; messages: number }> {
  await quiesce();
  phase = "messages";
  trialNo++;
  const start = performance.now();
  trial = newTrial(start, start, Infinity);
  trial.replying = true;
  trial.limit = params.messagesEach;
  const targets = conversations.slice(params.from ?? 0);
  for (const conv of conversations) conv.count = params.messagesEach;
  for (const conv of targets) conv.count = 0;
  await new Promise<void>((resolve) => {
    let done = 0;
    trial.onProgress = () => {
      if (++done >= targets.length) resolve();
    };
    for (const conv of targets) sendMessage(conv, params.first ?? "C", performance.now());
  });
  trial.replying = false;
  await quiesce();
  return { ms: Math.round(performance.now() - start), messages: targets.reduce((sum, c) => sum + c.count, 0) };
}

async function offerTrial(params: { rate: number; count: number }): Promise<TrialResult> {
  await quiesce();
  phase = "offers";
  errors = 0;
  const start = performance.now();
  trial = newTrial(start, start, Infinity);
  const cpuBefore = process.cpuUsage();
  const interval = 1000 / params.rate;
  let k = 0;
  await new Promise<void>((resolve) => {
    const step = () => {
      const now = performance.now();
      for (let at = start + k * interval; at <= now && k < params.count; at = start + k * interval) {
        const customer = customers[k % customers.length]!;
        const text = messageText("C", Math.round(at * 1000), trialNo * 1_000_000 + k, k);
        customer.ws.send(JSON.stringify({ type: "start", reqId: `o${++requests}`, workstream: "live", text }));
        k++;
      }
      if (k < params.count) setTimeout(step, 1);
      else resolve();
    };
    step();
  });
  const deadline = performance.now() + 10_000;
  while (trial.seen.size < params.count && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  trialNo++;
  const result = summary(params.rate, performance.now() - start, cpuBefore);
  result.lost = params.count - trial.seen.size;
  result.sent = params.count;
  return result;
}

async function drainTrial(params: {
  expected: number;
}): Promise<{ ms: number; assigned: number; rate: number; lgCpu: number }> {
  await quiesce();
  phase = "drain";
  const start = performance.now();
  trial = newTrial(start, start, Infinity);
  const cpuBefore = process.cpuUsage();
  await new Promise<void>((resolve) => {
    const deadline = setTimeout(resolve, 120_000);
    trial.onProgress = () => {
      if (trial.accepted >= params.expected) {
        clearTimeout(deadline);
        resolve();
      }
    };
    for (const rep of reps)
      rep.ws.send(JSON.stringify({ type: "presence", reqId: `p${++requests}`, presence: "available" }));
  });
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return { ms, assigned: trial.accepted, rate: (trial.accepted / ms) * 1000, lgCpu: cpu.user + cpu.system };
}

/**
 * Each conversation from index `from` on: its rep closes it (a persistent chat goes to Waiting), then its customer
 * leaves (a graceful close, awaited: the server has seen the close frame).
 */
async function park(params: { from: number }): Promise<{ ms: number; parked: number; refused: number }> {
  await quiesce();
  phase = "setup";
  const started = performance.now();
  const targets = conversations.slice(params.from);
  let refused = 0;
  await batched(targets, 50, async (conv) => {
    const ack = await request(conv.rep!, { type: "close", conversationId: conv.id });
    if (ack.type !== "ack") refused++;
  });
  await batched(targets, 50, async (conv) => {
    const ws = conv.customer.ws;
    if (ws.readyState === ws.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once("close", () => resolve());
      ws.close();
    });
  });
  return { ms: Math.round(performance.now() - started), parked: targets.length - refused, refused };
}

// ---- reading a thread ------------------------------------------------------------------------------------

let viewer: { ws: WebSocket; answer: ((data: string, at: number) => void) | null } | null = null;

/** A rep's connection of its own, which reads threads (the rep who owns them, say). */
async function connectViewer(params: { url: string; token: string }): Promise<null> {
  const ws = new WebSocket(params.url, { perMessageDeflate: false });
  const v = { ws, answer: null as ((data: string, at: number) => void) | null };
  await new Promise<void>((resolve, reject) => {
    ws.on("message", (data: Buffer) => {
      const at = performance.now();
      const s = data.toString();
      if (s.startsWith('{"type":"welcome"')) resolve();
      else if (s.startsWith('{"type":"ack","reqId":"v') || s.startsWith('{"type":"error","reqId":"v'))
        v.answer?.(s, at);
    });
    ws.once("error", reject);
    ws.once("open", () =>
      ws.send(JSON.stringify({ type: "hello", v: 1, role: "rep", token: params.token, client: "cc-agent bench" })),
    );
  });
  viewer = v;
  return null;
}

/** One `messages` request from the viewer: the answer and the ms from the send to its arrival (before parsing). */
function readPage(
  conversationId: string,
  before: string | undefined,
  limit: number,
): Promise<{ ms: number; messages: { id: string }[]; more: boolean }> {
  const v = viewer;
  if (!v) throw new Error("readPage: no viewer (connectViewer first)");
  const reqId = `v${++requests}`;
  const frame = JSON.stringify({ type: "messages", reqId, conversationId, limit, ...(before ? { before } : {}) });
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    v.answer = (s, at) => {
      v.answer = null;
      const answer = JSON.parse(s) as { type: string; result?: { messages: { id: string }[]; more: boolean } };
      if (answer.type !== "ack" || !answer.result) reject(new Error(`messages refused: ${s.slice(0, 200)}`));
      else resolve({ ms: at - sent, messages: answer.result.messages, more: answer.result.more });
    };
    v.ws.send(frame);
  });
}

/** Every message id of a thread, oldest first, read back a page of 200 at a time (to check it and pick a page). */
async function threadIds(params: { conversationId: string }): Promise<{ ids: string[]; pages: number }> {
  const pages: string[][] = [];
  let before: string | undefined;
  for (;;) {
    const page = await readPage(params.conversationId, before, 200);
    pages.unshift(page.messages.map((m) => m.id));
    if (!page.more || page.messages.length === 0) break;
    before = page.messages[0]!.id;
  }
  return { ids: pages.flat(), pages: pages.length };
}

export interface OpenTrialResult {
  /** ms from each request's send to its answer's arrival, in order. */
  latencies: number[];
  /** Messages in every answer (the same page each time). */
  messages: number;
  lgCpu: number;
}

/** `count` reads of the same page, one at a time (each sent when the previous answer is in). */
async function openTrial(params: {
  conversationId: string;
  before?: string;
  limit: number;
  count: number;
}): Promise<OpenTrialResult> {
  const cpuBefore = process.cpuUsage();
  const latencies: number[] = [];
  let messages = -1;
  for (let i = 0; i < params.count; i++) {
    const page = await readPage(params.conversationId, params.before, params.limit);
    if (messages >= 0 && page.messages.length !== messages)
      throw new Error(`openTrial: ${page.messages.length} messages, then ${messages}`);
    messages = page.messages.length;
    latencies.push(page.ms);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { latencies, messages, lgCpu: cpu.user + cpu.system };
}

async function close(): Promise<null> {
  viewer?.ws.terminate();
  for (const sock of [...reps, ...customers]) sock.ws.terminate();
  return null;
}

serveRpc({
  setup: (params: SetupParams) => setup(params),
  rateTrial: (params: { rate: number; warmupMs: number; durationMs: number }) => rateTrial(params),
  saturate: (params: { window: number; warmupMs: number; durationMs: number }) => saturate(params),
  fill: (params: { messagesEach: number; from?: number; first?: "C" | "R" }) => fill(params),
  park: (params: { from: number }) => park(params),
  viewer: (params: { url: string; token: string }) => connectViewer(params),
  threadIds: (params: { conversationId: string }) => threadIds(params),
  openTrial: (params: { conversationId: string; before?: string; limit: number; count: number }) => openTrial(params),
  offerTrial: (params: { rate: number; count: number }) => offerTrial(params),
  drainTrial: (params: { expected: number }) => drainTrial(params),
  usage: () => {
    const cpu = process.cpuUsage();
    return { cpu: cpu.user + cpu.system, rss: process.memoryUsage().rss };
  },
  close: () => close(),
});
