// In-process measurements that need a clean heap of their own: the pure routing core (decide / nextDeadline on a
// state with Q queued conversations and R reps) and the event store standalone (committed messages per second).
import { percentile, mean, serveRpc } from "./lib.js";
import { benchOrgJson, messageText } from "./orgs.js";
import { decide, nextDeadline } from "../server/core/decide/index.js";
import { evolve, initialState } from "../server/core/evolve.js";
import type { Actor, Command, Conversation, DomainEvent, State } from "../server/core/model.js";
import { parseOrgFile, toOrg } from "../server/org-file.js";
import { snapshot } from "../server/core/snapshot.js";
import type { StoredEvent } from "../server/store/store.js";
import { openMemoryStore } from "../server/store/memory-store.js";
import { openSqliteStore } from "../server/store/sqlite-store.js";

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

export interface Timing {
  mean: number;
  p50: number;
  p99: number;
}

function timing(values: number[]): Timing {
  return { mean: mean(values), p50: percentile(values, 50), p99: percentile(values, 99) };
}

export interface RoutingCoreResult {
  /** µs per decide() over the cycle end → wrapup → customer.start → accept. */
  perDecision: Timing;
  /** µs of the wrapup that frees capacity and routes the queue (offers its head when there is one). */
  freed: Timing;
  /** µs of customer.start with a first message (sentiment scored), routed or queued. */
  arrival: Timing;
  /** µs of nextDeadline(state), which the server runs after every group commit. */
  nextDeadline: Timing;
  queued: number;
  reps: number;
  buildMs: number;
  /** The decision's p50 in each round, µs: how far the figure moves between rounds of the same run. */
  freedRoundP50: number[];
}

/**
 * R reps of capacity 1, all busy with one conversation each, and Q + 1 conversations queued. Each cycle a rep ends
 * and wraps up: capacity frees and the queue is routed, which offers its head to them with Q queued behind it (the
 * routing decision); a new customer arrives with a first message and is queued behind the Q (the arrival); the rep
 * accepts. The queue is back at Q + 1.
 */
export class Scenario {
  readonly state: State;
  private at = T0;
  private customers = 0;
  private readonly owned = new Map<string, string>();
  private k = 0;
  readonly all: number[] = [];
  readonly freed: number[] = [];
  readonly arrival: number[] = [];
  readonly deadline: number[] = [];
  readonly freedRoundP50: number[] = [];
  readonly buildMs: number;

  constructor(
    readonly reps: number,
    readonly queued: number,
  ) {
    const built = performance.now();
    this.state = initialState(toOrg(parseOrgFile(benchOrgJson({ reps, capacity: 1 }), "bench org")));
    for (let r = 0; r < reps; r++) this.exec({ role: "rep", id: `r${r}` }, { type: "presence", presence: "available" });
    for (let r = 0; r < reps; r++) {
      this.arrive();
      // Offered to the longest idle rep: find who got it.
      for (let s = 0; s < reps; s++) {
        const offer = this.pendingOfferOf(`r${s}`);
        if (offer) {
          this.exec({ role: "rep", id: `r${s}` }, { type: "accept", offerId: offer.offerId });
          this.owned.set(`r${s}`, offer.conversationId);
          break;
        }
      }
    }
    if (this.owned.size !== reps)
      throw new Error(`routing core: ${this.owned.size} of ${reps} reps got a conversation`);
    // The backlog: copies of a queued conversation, applied through evolve (building it through decide would itself
    // cost Q routings of a growing queue).
    {
      const first = this.arrive().events.find((e) => e.type === "conversation_created") as
        (DomainEvent & { type: "conversation_created" }) | undefined;
      const template = this.state.conversations[first!.conversation.id]!;
      for (let i = 0; i < queued; i++) {
        const id = `c${this.state.counters.conversation + 1}`;
        const conversation: Conversation = {
          ...template,
          id,
          customer: { ...template.customer, key: `visitor:backlog-${i}` },
        };
        evolve(this.state, { type: "conversation_created", conversation, seq: this.state.seq + 1, at: (this.at += 1) });
      }
    }
    this.checkQueue();
    this.buildMs = performance.now() - built;
  }

  private exec(actor: Actor, command: Command) {
    const outcome = decide(this.state, { at: (this.at += 1), actor, command });
    if (!outcome.ok) throw new Error(`${command.type}: ${outcome.error.code} ${outcome.error.message}`);
    return outcome;
  }

  private arrive() {
    const n = this.customers++;
    return this.exec(
      { role: "customer", key: `visitor:core-${n}` },
      { type: "customer.start", workstreamId: "live", identity: {}, text: messageText("C", 0, n, n) },
    );
  }

  private pendingOfferOf(repId: string): { offerId: string; conversationId: string } | null {
    const items = this.state.users[repId]!.items;
    for (const conversationId in items) {
      if (items[conversationId]!.role !== "offer") continue;
      const offerId = this.state.conversations[conversationId]!.offerId;
      if (offerId) return { offerId, conversationId };
    }
    return null;
  }

  checkQueue(): void {
    const open = this.state.queues.general!.open.length;
    if (open !== this.queued + 1) throw new Error(`routing core: ${open} queued, wanted ${this.queued + 1}`);
  }

  private timed(record: number[] | null, run: () => void): void {
    const t = performance.now();
    run();
    const us = (performance.now() - t) * 1000;
    if (record) {
      record.push(us);
      this.all.push(us);
    }
  }

  cycle(measure: boolean): void {
    const repId = `r${this.k++ % this.reps}`;
    const rep: Actor = { role: "rep", id: repId };
    const conversationId = this.owned.get(repId)!;
    this.timed(measure ? [] : null, () => this.exec(rep, { type: "end", conversationId }));
    this.timed(measure ? this.freed : null, () =>
      this.exec(rep, { type: "wrapup", conversationId, reasonId: "resolved" }),
    );
    this.timed(measure ? this.arrival : null, () => this.arrive());
    const offer = this.pendingOfferOf(repId);
    if (!offer) throw new Error(`routing core: ${repId} was offered nothing after freeing capacity`);
    this.timed(measure ? [] : null, () => this.exec(rep, { type: "accept", offerId: offer.offerId }));
    this.owned.set(repId, offer.conversationId);
    // After every cycle, as the server runs it after every commit: its first call builds the Waiting index (a scan of
    // every conversation, once), which the warm-up's cycles take, not the measured ones.
    const t = performance.now();
    nextDeadline(this.state, this.at);
    if (measure) this.deadline.push((performance.now() - t) * 1000);
  }

  result(): RoutingCoreResult {
    this.checkQueue();
    return {
      perDecision: timing(this.all),
      freed: timing(this.freed),
      arrival: timing(this.arrival),
      nextDeadline: timing(this.deadline),
      queued: this.queued,
      reps: this.reps,
      buildMs: this.buildMs,
      freedRoundP50: this.freedRoundP50,
    };
  }
}

/**
 * Every queue length for these reps, measured in alternating rounds so that noise falls on all of them alike. A round
 * stops at `cycles / rounds` cycles or `roundMs`, whichever comes first (at least 3), so that a slow case stays bounded.
 */
export function routingCore(params: {
  reps: number;
  queued: number[];
  cycles: number;
  warmup: number;
  rounds: number;
  roundMs: number;
}): RoutingCoreResult[] {
  const scenarios = params.queued.map((q) => new Scenario(params.reps, q));
  const perRound = Math.max(1, Math.ceil(params.cycles / params.rounds));
  const bounded = (s: Scenario, cycles: number, measure: boolean) => {
    const until = performance.now() + params.roundMs;
    const from = s.freed.length;
    for (let i = 0; i < cycles && (i < 3 || performance.now() < until); i++) s.cycle(measure);
    if (measure) s.freedRoundP50.push(percentile(s.freed.slice(from), 50));
  };
  for (const s of scenarios) bounded(s, params.warmup, false);
  for (let round = 0; round < params.rounds; round++) for (const s of scenarios) bounded(s, perRound, true);
  return scenarios.map((s) => s.result());
}

export interface SignInResult {
  /** Conversations the state holds Closed. */
  closed: number;
  /** ms of a rep's snapshot (their open work and latest Closed) and of a supervisor's (every one not Closed). */
  rep: Timing;
  supervisor: Timing;
  /** Heap each Closed conversation adds (bytes; 0 with none closed, or without --expose-gc). */
  heapPerClosed: number;
}

/**
 * What a staff member's sign-in costs the gateway as history grows: the snapshot a welcome carries, with 100 reps
 * busy, 10 queued and `closed` conversations closed by the scenario's cycles. The first snapshot of a state builds its
 * index (once per process) and is not counted.
 */
export function signInCost(params: { closed: number[]; samples: number }): SignInResult[] {
  return params.closed.map((closed) => {
    const s = new Scenario(100, 10);
    const heap = (): number => {
      globalThis.gc?.();
      globalThis.gc?.();
      return process.memoryUsage().heapUsed;
    };
    const before = heap();
    for (let i = 0; i < closed; i++) s.cycle(false);
    const heapPerClosed = closed > 0 && globalThis.gc ? (heap() - before) / closed : 0;
    const time = (viewer: Parameters<typeof snapshot>[1]): Timing => {
      snapshot(s.state, viewer);
      const ms: number[] = [];
      for (let i = 0; i < params.samples; i++) {
        const t = performance.now();
        snapshot(s.state, viewer);
        ms.push(performance.now() - t);
      }
      return timing(ms);
    };
    const held = Object.values(s.state.conversations).filter((c) => c.state === "closed").length;
    return {
      closed: held,
      rep: time({ role: "rep", id: "r7" }),
      supervisor: time({ role: "supervisor", id: "s1" }),
      heapPerClosed,
    };
  });
}

export interface StoreResult {
  messagesPerSecond: number;
  commits: number;
  commitP50Ms: number;
  commitP99Ms: number;
}

/** Append message events in batches of `batch` and commit each batch, for `durationMs`. */
export async function storeStandalone(params: {
  file: string | null;
  batch: number;
  durationMs: number;
}): Promise<StoreResult> {
  const store = params.file ? await openSqliteStore<State>(params.file) : await openMemoryStore<State>();
  let seq = await store.lastSeq();
  let messages = 0;
  const commits: number[] = [];
  const start = performance.now();
  const end = start + params.durationMs;
  while (performance.now() < end) {
    const batch: StoredEvent[] = [];
    for (let i = 0; i < params.batch; i++) {
      seq++;
      const event = {
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
      batch.push(event);
    }
    const t = performance.now();
    store.append(batch, { expectedSeq: seq - params.batch });
    await store.commit();
    commits.push(performance.now() - t);
    messages += params.batch;
  }
  const elapsed = performance.now() - start;
  await store.close();
  return {
    messagesPerSecond: (messages / elapsed) * 1000,
    commits: commits.length,
    commitP50Ms: percentile(commits, 50),
    commitP99Ms: percentile(commits, 99),
  };
}

serveRpc({
  routingCore: (params: {
    reps: number;
    queued: number[];
    cycles: number;
    warmup: number;
    rounds: number;
    roundMs: number;
  }) => routingCore(params),
  storeStandalone: (params: { file: string | null; batch: number; durationMs: number }) => storeStandalone(params),
  signInCost: (params: { closed: number[]; samples: number }) => signInCost(params),
});
