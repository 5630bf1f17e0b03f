// A server under test in a process of its own (the load generator runs in another): the routing server through
// startServer, as `cc-agent server` runs it, or the raw relay baseline. Driven by RPC from the runner: start,
// populate (conversations written straight through the hub, as if customers had come), thread (one long Active
// conversation, likewise), usage, memory, stop.
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";
import { serveRpc } from "./lib.js";
import { messageText } from "./orgs.js";
import { startRawRelay } from "./raw-relay.js";
import type { RawRelay } from "./raw-relay.js";
import type { Actor, Command } from "../server/core/model.js";
import { parseOrgFile } from "../server/org-file.js";
import { startServer } from "../server/start-server.js";
import type { RunningServer } from "../server/start-server.js";
import { memoryReturned } from "../server/return-memory.js";

export interface StartParams {
  kind: "cc" | "raw";
  /** SQLite file (production settings), or null for the in-memory store (persistence off). */
  dataFile: string | null;
  org: Record<string, unknown>;
}

export interface PopulateParams {
  /** Conversations to create. */
  count: number;
  workstream: string;
  /** "queued": they wait in the queue (no rep takes them). "history": taken, talked through and closed, except the last `active`. */
  mode: "queued" | "history";
  messagesEach?: number;
  active?: number;
}

export interface Usage {
  /** CPU µs (user + system) since the process started. */
  cpu: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** Memory of C++ objects bound to JavaScript ones, Buffers included. */
  external: number;
  /** Garbage collection: ms of pauses since the process started, and the longest pause since the last usage(). */
  gcMs: number;
  gcMaxMs: number;
  /** Snapshots the routing server wrote since it started, and the ms they took (in the event loop). */
  snapshots: number;
  snapshotMs: number;
}

let server: RunningServer | null = null;
let relay: RawRelay | null = null;
let profiler: Session | null = null;

// Every GC pause of the main thread, so that a trial can say whether one stood in its latency tail.
const gc = { ms: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.ms += entry.duration;
    if (entry.duration > gc.maxMs) gc.maxMs = entry.duration;
  }
}).observe({ entryTypes: ["gc"] });

const snapshots = { count: 0, ms: 0 };

/** Count and time the hub's snapshots (the hub takes them on its own when enough events have passed). */
function watchSnapshots(running: RunningServer): void {
  const hub = running.hub.writer;
  const save = hub.saveSnapshot.bind(hub);
  hub.saveSnapshot = async () => {
    const t = performance.now();
    await save();
    snapshots.count++;
    snapshots.ms += performance.now() - t;
  };
}

/** ms of each `messages` read of the log in the gateway (the gateway's readsObserved), since the last `reads` call. */
let readMs: number[] = [];

/**
 * V8's own "collect all available garbage" (full collections until nothing more is freed, young generation shrunk,
 * empty pages given back): without it, RSS after a gc() still holds pages V8 keeps for the next allocations, more or
 * fewer depending on what ran just before, which is noise in a slope over a few readings.
 */
function reduceMemory(): void {
  try {
    (new Function("%CollectAllAvailableGarbage()") as () => void)();
  } catch {
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    collect?.();
  }
}

/**
 * Wait until RSS stops moving after reduceMemory: V8 gives the pages a collection freed back to the system from a
 * background thread (its unmapper), so a reading taken at once counts some of them or all of them, by chance — in one
 * run 12 MB above the reading a moment later, enough to turn a slope over four steps from 4 to 8 MB per 1,000.
 */
async function rssSettled(): Promise<void> {
  const still = 4;
  let last = process.memoryUsage.rss();
  for (let same = 0, tries = 0; same < still && tries < 200; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const rss = process.memoryUsage.rss();
    same = rss === last ? same + 1 : 0;
    last = rss;
  }
}

function usage(): Usage {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const gcMaxMs = gc.maxMs;
  gc.maxMs = 0;
  return {
    cpu: cpu.user + cpu.system,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    gcMs: gc.ms,
    gcMaxMs,
    snapshots: snapshots.count,
    snapshotMs: snapshots.ms,
  };
}

/** The routing server's writer, and a command run through it that must succeed. */
function writer() {
  if (!server) throw new Error("populating needs the routing server");
  const hub = server.hub.writer;
  const run = (actor: Actor, command: Command) => {
    const outcome = hub.execute(actor, command);
    if (!outcome.ok) throw new Error(`${command.type}: ${outcome.error.code} ${outcome.error.message}`);
    return outcome;
  };
  return { hub, run };
}

async function populate(params: PopulateParams): Promise<{ seq: number; conversations: number }> {
  const { hub, run } = writer();
  const reps = Object.keys(hub.state.users);
  if (params.mode === "history")
    for (const id of reps) run({ role: "rep", id }, { type: "presence", presence: "available" });
  const messagesEach = params.messagesEach ?? 10;
  const active = params.active ?? 0;
  let n = 0;
  for (let i = 0; i < params.count; i++) {
    const customer: Actor = { role: "customer", key: `visitor:bench-${process.pid}-${i}` };
    const started = run(customer, {
      type: "customer.start",
      workstreamId: params.workstream,
      identity: {},
      text: messageText("C", 0, i, n++),
    });
    const id = started.result?.conversationId as string;
    if (params.mode === "history") {
      const offerId = hub.state.conversations[id]?.offerId;
      const offer = offerId ? hub.state.offers[offerId] : undefined;
      if (!offer)
        throw new Error(`history: nobody was offered ${id} (too many active conversations for the reps' capacity?)`);
      const rep: Actor = { role: "rep", id: offer.repId };
      run(rep, { type: "accept", offerId: offer.id });
      for (let m = 1; m < messagesEach; m++) {
        if (m % 2 === 1) run(rep, { type: "message", conversationId: id, text: messageText("R", 0, i, n++) });
        else run(customer, { type: "customer.message", conversationId: id, text: messageText("C", 0, i, n++) });
      }
      if (i < params.count - active) {
        run(rep, { type: "end", conversationId: id });
        run(rep, { type: "wrapup", conversationId: id, reasonId: "resolved" });
      }
    }
    if (i % 200 === 199) await hub.flushNow();
  }
  await hub.flushNow();
  return { seq: hub.state.seq, conversations: Object.keys(hub.state.conversations).length };
}

export interface ThreadParams {
  workstream: string;
  /** Messages in the thread, the customer's first, then rep and customer in turn. */
  messages: number;
}

/** One conversation taken by a rep (Available with room: populate in history mode leaves them so) and kept Active, with `messages` messages. */
async function thread(params: ThreadParams): Promise<{ conversationId: string; repId: string; messages: number }> {
  const { hub, run } = writer();
  const i = threads++;
  const customer: Actor = { role: "customer", key: `visitor:bench-thread-${process.pid}-${i}` };
  const started = run(customer, {
    type: "customer.start",
    workstreamId: params.workstream,
    identity: {},
    text: messageText("C", 0, i, 0),
  });
  const id = started.result?.conversationId as string;
  const offerId = hub.state.conversations[id]?.offerId;
  const offer = offerId ? hub.state.offers[offerId] : undefined;
  if (!offer) throw new Error(`thread: nobody was offered ${id} (no rep Available with room?)`);
  const rep: Actor = { role: "rep", id: offer.repId };
  run(rep, { type: "accept", offerId: offer.id });
  for (let m = 1; m < params.messages; m++) {
    if (m % 2 === 1) run(rep, { type: "message", conversationId: id, text: messageText("R", 0, i, m) });
    else run(customer, { type: "customer.message", conversationId: id, text: messageText("C", 0, i, m) });
    if (m % 200 === 199) await hub.flushNow();
  }
  await hub.flushNow();
  return { conversationId: id, repId: offer.repId, messages: hub.state.conversations[id]!.messageCount };
}

let threads = 0;

serveRpc({
  async start(params: StartParams) {
    if (params.kind === "raw") {
      const users = (params.org.users ?? []) as { id: string; token: string }[];
      relay = await startRawRelay({ tokens: new Map(users.map((u) => [u.token, u.id])) });
      return { url: relay.url, pid: process.pid };
    }
    server = await startServer({ port: 0, dataFile: params.dataFile, org: parseOrgFile(params.org, "the bench org") });
    watchSnapshots(server);
    server.hub.gateway.readsObserved = (what, ms) => {
      if (what === "messages") readMs.push(ms);
    };
    return { url: server.url, pid: process.pid };
  },
  populate: (params: PopulateParams) => populate(params),
  /** The thread reads' times inside the server since the last call (see readMs). */
  reads() {
    const taken = readMs;
    readMs = [];
    return taken;
  },
  thread: (params: ThreadParams) => thread(params),
  usage: () => usage(),
  /**
   * Before a trial: the routing server writes a snapshot now, so that none is due for a while, and the garbage of
   * that and of the previous trial is collected (with --expose-gc), so that neither lands in the trial.
   */
  async settle() {
    const t = performance.now();
    if (server) await server.hub.writer.saveSnapshot();
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    gc.maxMs = 0;
    return { ms: performance.now() - t };
  },
  /**
   * Memory once the server is quiet: its group commit and any snapshot under way finished, then a snapshot of the state
   * as it is (what a snapshot leaves resident outside the heap, glibc keeping part of what its text and pieces took, is
   * then in every reading alike instead of in those after which one happened to land), then every collection V8 can
   * do to shrink its heap (with --allow-natives-syntax; else two full collections with --expose-gc).
   */
  async memory() {
    if (server) {
      await server.hub.writer.settle();
      await server.hub.writer.saveSnapshot();
    }
    await new Promise((resolve) => setImmediate(resolve));
    reduceMemory();
    // The routing server gives what malloc holds free back after full collections (server/return-memory.ts).
    await memoryReturned();
    await rssSettled();
    return usage();
  },
  /** V8's heap spaces (committed and used bytes of each), for finding what a memory figure is made of. */
  spaces() {
    return getHeapSpaceStatistics().map((s) => ({
      name: s.space_name,
      used: s.space_used_size,
      physical: s.physical_space_size,
    }));
  },
  /** A V8 heap snapshot written to `file` (after a full collection), for finding what a figure is made of. */
  heapSnapshot(params: { file: string }) {
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    return { file: writeHeapSnapshot(params.file) };
  },
  /** Start a V8 CPU profile of this process (for finding where a trial's time goes; `stopProfile` writes it). */
  async startProfile() {
    profiler ??= new Session();
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
    return null;
  },
  /** Stop the profile `startProfile` began and write it to `file` (a .cpuprofile, for Chrome's DevTools). */
  async stopProfile(params: { file: string }) {
    if (!profiler) throw new Error("no profile was started");
    const { profile } = await profiler.post("Profiler.stop");
    profiler.disconnect();
    writeFileSync(params.file, JSON.stringify(profile));
    return { file: params.file };
  },
  /** /proc/self/smaps_rollup (Linux): how RSS splits into anonymous and file-backed pages. */
  smaps() {
    return { text: readFileSync("/proc/self/smaps_rollup", "utf8") };
  },
  async stop() {
    await server?.close();
    await relay?.close();
    server = null;
    relay = null;
    return null;
  },
});
