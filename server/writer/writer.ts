// The writer (the router): the one place commands are decided, committed and published. A command comes in through
// the command channel (server/command-channel.ts), the core decides it (events applied to the writer's state),
// everything decided in one event-loop turn is committed together (group commit, conditional on the seq the log
// ends at), and only then are the events published on the bus (server/bus.ts) and the outcomes handed back. It also
// runs the core's deadlines (one timer: offers, Waiting expiry, opening hours) and saves the snapshots.
import { CommandFailed, decide, nextDeadline } from "../core/decide/index.js";
import { evolve } from "../core/evolve.js";
import type { Actor, Command, DomainEvent, Envelope, Outcome, State } from "../core/model.js";
import type { Org } from "../core/org.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import type { EventBus } from "../bus.js";
import type { CommandHandler, CommandOutcome, OutcomeListener } from "../command-channel.js";
import type { EventStore } from "../store/store.js";
import { StoreError } from "../store/store.js";
import { INITIAL_ORG_KEY, replayLog } from "./recovery.js";

const SNAPSHOT_EVERY_EVENTS = 50_000;
/** The least time between two group commits under load (see scheduleFlush): at most 500 fsyncs a second. */
const MIN_COMMIT_INTERVAL_MS = 2;
/** A commit the disk refused is retried after this long, doubling up to STORAGE_RETRY_MAX_MS. */
const STORAGE_RETRY_FIRST_MS = 100;
const STORAGE_RETRY_MAX_MS = 5_000;

/**
 * The data file refuses writes (disk full, I/O error). Until a retried commit succeeds, the events of the refused
 * commit stay pending (their outcomes held, nothing published) and commands are refused with `server/unavailable`.
 * Readers are not affected: they follow the bus, which carries only what is committed.
 */
interface Outage {
  reason: string;
  since: number;
  attempts: number;
  cancelRetry: (() => void) | null;
}

export interface WriterOptions {
  /** The org the core runs (the file's, without its tokens and secret). */
  org: Org;
  store: EventStore<State>;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  snapshotEvery?: number;
  /**
   * A cluster node's writer: told when the store refused a commit because this node no longer leads (FENCED) or
   * another writer extended the log (CONFLICT). The writer then holds what is pending, as during an outage, and
   * commits nothing until `resume()` (the node was elected again, the log unchanged) or `abandon()`.
   */
  onDeposed?: (reason: string) => void;
  /**
   * Called with the state the log holds once it is recovered, before anything else changes it (the org configured):
   * a gateway in the same process starts its replica from it (server/hub.ts).
   */
  onRecovered?: (state: State) => void;
}

/** How a command reaches the writer from a cluster's command table (server/cluster/command-inbox.ts). */
export interface SubmitOptions {
  /**
   * The command's row id: its outcome is recorded with the store's pending batch at the moment it is decided
   * (EventStore.recordOutcome), so it is committed in the same transaction as the command's events, or not at all.
   * A refusal with `server/unavailable` (the writer could not run the command) is never recorded.
   */
  commandId?: number;
}

export type Health = { status: "ok" } | { status: "degraded"; reason: string; since: number; pending: number };

export class Writer implements CommandHandler {
  /** The routing state: what is committed, and what was decided since and waits for its commit. */
  state: State;
  private readonly store: EventStore<State>;
  private readonly bus: EventBus;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** Events and outcomes waiting for the next group commit. */
  private pendingEvents: DomainEvent[] = [];
  private pendingOutcomes: { done: OutcomeListener; outcome: CommandOutcome; recorded: boolean }[] = [];
  /** The events of the commit under way (one at a time), and the flush that carries it. */
  private committing: DomainEvent[] = [];
  private flushing: Promise<void> | null = null;
  /** Work was done while a flush was under way: flush again once it ends. */
  private flushAgain = false;
  /** A command failed part-way and the state is being read back from the store: commands wait. */
  private rebuilding: Promise<void> | null = null;
  private flushScheduled = false;
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  private cancelTimer: (() => void) | null = null;
  private timerAt: number | null = null;
  private eventsSinceSnapshot = 0;
  /** Snapshot every this many events; null: as many as the state holds (at least SNAPSHOT_EVERY_EVENTS). */
  private readonly snapshotEvery: number | null;
  private closed = false;
  private outage: Outage | null = null;
  /** The store refused a commit because another writer extended the log: this writer can never commit again. */
  private overtaken = false;
  /** Why this writer was given up (its node no longer leads), or null. */
  private abandoned: string | null = null;
  private readonly onDeposed: ((reason: string) => void) | null;

  /** Load the latest snapshot and replay every event after it; then configure the org (core: configure, L4). */
  static async open(options: WriterOptions): Promise<Writer> {
    const started = performance.now();
    // A new log records the org it begins with (the first writer's, in a cluster), for replays from its start.
    if ((await options.store.lastSeq()) === 0)
      await options.store.claimMeta(INITIAL_ORG_KEY, JSON.stringify(options.org));
    const { state, replayed, fromSnapshot } = await replayLog(options.store, options.org);
    options.onRecovered?.(state);
    const writer = new Writer(options, state);
    writer.configure(options.org);
    options.logger.info(
      { seq: writer.state.seq, replayed, fromSnapshot, ms: Math.round(performance.now() - started) },
      "state recovered",
    );
    await writer.settle();
    // Every deadline the recovered state holds (a settle with nothing to commit arms none).
    writer.armTimer();
    return writer;
  }

  private constructor(options: WriterOptions, state: State) {
    this.store = options.store;
    this.bus = options.bus;
    this.clock = options.clock;
    this.log = options.logger;
    this.snapshotEvery = options.snapshotEvery ?? null;
    this.onDeposed = options.onDeposed ?? null;
    this.state = state;
  }

  /** The state rebuilt from the data file, for checks that memory equals what is committed. */
  async committedState(): Promise<State> {
    return (await replayLog(this.store, this.state.org)).state;
  }

  /**
   * The state the log holds, for when a command failed part-way (CommandFailed): the latest snapshot, the committed
   * events after it, then the events of earlier commands still waiting for their commit. The same replay as a restart.
   * Commands are refused until it is done (with SQLite, before any other frame or timer is handled).
   */
  private rebuildState(): void {
    const org = this.state.org;
    const rebuild = async (): Promise<void> => {
      try {
        const { state } = await replayLog(this.store, org);
        for (const event of [...this.committing, ...this.pendingEvents])
          if (event.seq > state.seq) evolve(state, event);
        this.state = state;
        this.log.error({ seq: state.seq }, "a command failed part-way: the state was rebuilt from the log");
      } finally {
        this.rebuilding = null;
      }
      this.armTimer();
    };
    this.rebuilding ??= rebuild();
  }

  /**
   * Record `org` when it differs from the state's (core: configure, L4); what it removed. Its events go with the next
   * group commit. Throws while the data file refuses writes: nothing is changed then.
   */
  configure(org: Org): string[] {
    if (this.outage) throw new Error(`the data file refuses writes (${this.outage.reason}); nothing was changed`);
    if (JSON.stringify(org) === JSON.stringify(this.state.org)) return [];
    const outcome = this.execute({ role: "system" }, { type: "configure", org });
    const removed = outcome.ok ? ((outcome.result?.removed as string[] | undefined) ?? []) : [];
    for (const what of removed)
      this.log.warn({ removed: what }, "no longer in the org file: its conversations are aborted");
    return removed;
  }

  // ---- commands -------------------------------------------------------------------------------------

  /**
   * A command from the command channel: its outcome is handed back once its events are committed and published. With
   * a `commandId` (SubmitOptions) the outcome is also recorded in the store, in the same commit as the events.
   */
  submit(actor: Actor, command: Command, done: OutcomeListener, options: SubmitOptions = {}): void {
    const refusal = this.abandoned
      ? `This server no longer leads the cluster (${this.abandoned}); nothing was done. Try again in a moment.`
      : this.rebuilding
        ? "The server is reloading its state; try again in a moment."
        : this.outage
          ? `The server cannot store anything right now (${this.outage.reason}); nothing was done. Try again in a moment.`
          : null;
    if (refusal !== null) {
      done({ ok: false, error: { code: "server/unavailable", message: refusal } });
      return;
    }
    let outcome: CommandOutcome;
    try {
      outcome = this.execute(actor, command);
    } catch (error) {
      // Never let a failed command stop the writer: it is refused, and everyone else served.
      this.log.error({ err: (error as Error).message, stack: (error as Error).stack }, "request failed");
      outcome = {
        ok: false,
        error: { code: "server/internal", message: "The server could not handle this request." },
      };
    }
    const recorded = options.commandId !== undefined;
    // Decided now: recorded with the events this command appended (the store serialises it at once).
    if (recorded) this.store.recordOutcome(options.commandId!, withoutEvents(outcome));
    this.pendingOutcomes.push({ done, outcome, recorded });
    this.scheduleFlush();
  }

  /** The events decided and applied to the state but not yet published (committed or not), in seq order. */
  unpublished(): readonly DomainEvent[] {
    return this.committing.length === 0 ? this.pendingEvents : [...this.committing, ...this.pendingEvents];
  }

  /** Why commands are refused now, or null. */
  unavailable(): string | null {
    return this.abandoned ?? this.outage?.reason ?? null;
  }

  /** Run a command; its events are committed with the next group commit. */
  execute(actor: Actor, command: Command): Outcome {
    // Commands and timers wait for the rebuild (see submit, armTimer); nothing else may run a command then.
    if (this.rebuilding) throw new Error("a command was run while the state was being rebuilt from the log");
    const envelope: Envelope = { at: this.clock.now(), actor, command };
    const expectedSeq = this.state.seq;
    let outcome: Outcome;
    try {
      outcome = decide(this.state, envelope);
    } catch (error) {
      // Part of the command reached the state and none of it the log: memory goes back to what the log holds.
      if (error instanceof CommandFailed) this.rebuildState();
      throw error;
    }
    if (outcome.ok && outcome.events.length > 0) {
      this.store.append(outcome.events, { expectedSeq });
      this.pendingEvents.push(...outcome.events);
      this.scheduleFlush();
    }
    return outcome;
  }

  /**
   * Group commit: the next turn commits everything this one did. Under load, turns follow each other faster than
   * an fsync takes, so commits are spaced by at least MIN_COMMIT_INTERVAL_MS: each one then carries more events,
   * and the event loop is not spent waiting for the disk. When idle, a command commits at once.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    const wait = this.lastCommitAt + MIN_COMMIT_INTERVAL_MS - performance.now();
    if (wait > 0) setTimeout(() => void this.flushNow(), wait);
    else setImmediate(() => void this.flushNow());
  }

  /**
   * Commit, then publish the events, then hand back the outcomes: nothing is heard of before it is durable. One
   * commit is under way at a time; what is done meanwhile goes with the next. When the disk refuses the commit,
   * everything stays pending and the retry timer commits it (see Outage). A failure that is not the storage's own (a
   * bug, a damaged file) rejects, and stops the process unless the caller handles it.
   */
  flushNow(): Promise<void> {
    this.flushScheduled = false;
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    const flushing = this.flushOnce().finally(() => {
      this.flushing = null;
      if (this.flushAgain) {
        this.flushAgain = false;
        this.scheduleFlush();
      }
    });
    this.flushing = flushing;
    return flushing;
  }

  /** Until nothing is pending nor under way (or the disk refuses writes): every event so far committed and published. */
  async settle(): Promise<void> {
    while (this.flushing || (this.pendingEvents.length + this.pendingOutcomes.length > 0 && !this.outage))
      await (this.flushing ?? this.flushNow());
  }

  private async flushOnce(): Promise<void> {
    if (this.outage) return;
    const events = this.pendingEvents;
    const outcomes = this.pendingOutcomes;
    this.pendingEvents = [];
    this.pendingOutcomes = [];
    // Recorded outcomes are written even when their commands decided no event (a refusal).
    if (events.length > 0 || outcomes.some((pending) => pending.recorded)) {
      this.lastCommitAt = performance.now();
      this.committing = events;
      try {
        // The one wait of a group commit.
        await this.store.commit();
      } catch (error) {
        // Still pending, before whatever came meanwhile: the retry commits them in order.
        this.pendingEvents = this.pendingEvents.length === 0 ? events : [...events, ...this.pendingEvents];
        this.pendingOutcomes = this.pendingOutcomes.length === 0 ? outcomes : [...outcomes, ...this.pendingOutcomes];
        if (this.abandoned) this.refuseHeld();
        else this.storageRefused(error);
        return;
      } finally {
        this.committing = [];
      }
      if (events.length > 0) this.bus.publish(events);
    }
    for (const { done, outcome } of outcomes) done(outcome);
    // After the outcomes, so that this turn's clients do not wait for it.
    this.eventsSinceSnapshot += events.length;
    if (this.eventsSinceSnapshot >= this.snapshotThreshold() && !this.abandoned) {
      try {
        await this.saveSnapshot();
      } catch (error) {
        this.storageRefused(error);
        return;
      }
    }
    this.armTimer();
  }

  /**
   * The disk refused a write. A failure that may pass (disk full, I/O error) starts or prolongs the outage and
   * schedules a retry with backoff; anything else is a bug or a damaged file and is thrown (the process stops rather
   * than go on with memory and disk apart).
   */
  private storageRefused(error: unknown): void {
    // Only a cluster node's writer is told (onDeposed); a single server stops as for any failure not the storage's.
    if (this.onDeposed && error instanceof StoreError && (error.code === "FENCED" || error.code === "CONFLICT")) {
      this.deposed(error);
      return;
    }
    if (!(error instanceof StoreError && error.code === "UNAVAILABLE")) throw error;
    const outage = this.outage ?? this.startOutage(error);
    outage.attempts++;
    if (this.closed) return;
    const delay = Math.min(STORAGE_RETRY_MAX_MS, STORAGE_RETRY_FIRST_MS * 2 ** (outage.attempts - 1));
    outage.cancelRetry = this.clock.setTimer(() => {
      outage.cancelRetry = null;
      void this.retryStorage();
    }, delay);
  }

  /**
   * The store refused a commit: this node no longer leads (FENCED), or another writer extended the log (CONFLICT,
   * after which the store dropped what was pending). Nothing is retried on a timer: the node resumes or abandons.
   */
  private deposed(error: StoreError): void {
    if (error.code === "CONFLICT") this.overtaken = true;
    const reason = error.code === "FENCED" ? "this node is not the leader" : "another node wrote the log";
    const outage = this.outage ?? this.startOutage(error, reason);
    outage.attempts++;
    outage.cancelRetry?.();
    outage.cancelRetry = null;
    this.onDeposed!(reason);
  }

  /**
   * The node was elected again and the log ends where this writer left it: what it holds is committed under the new
   * term (the store's fence). A writer the log moved past cannot resume (false): the node abandons it.
   */
  resume(): boolean {
    if (this.overtaken || this.abandoned) return false;
    const outage = this.outage;
    if (outage) {
      outage.cancelRetry?.();
      outage.cancelRetry = null;
      void this.retryStorage();
    }
    return true;
  }

  /** The seq the log ended at when this writer last committed (what it decided since is pending). */
  committedSeq(): number {
    const first = this.committing[0] ?? this.pendingEvents[0];
    return first === undefined ? this.state.seq : first.seq - 1;
  }

  /**
   * This node no longer leads: nothing more is written (the node's fence refuses this writer's store from now on),
   * what waits for a commit is refused with server/unavailable (the clients retry, on the new leader), the timers stop
   * and the store is closed without a snapshot.
   */
  async abandon(reason: string): Promise<void> {
    if (this.abandoned) return;
    this.abandoned = reason;
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.outage?.cancelRetry?.();
    this.refuseHeld();
    await this.flushing?.catch(() => undefined);
    this.refuseHeld();
    await this.store.close().catch(() => undefined);
  }

  private refuseHeld(): void {
    const outcomes = this.pendingOutcomes;
    this.pendingOutcomes = [];
    this.pendingEvents = [];
    const message = `This server no longer leads the cluster (${this.abandoned ?? "deposed"}); nothing was done. Try again in a moment.`;
    for (const { done } of outcomes) done({ ok: false, error: { code: "server/unavailable", message } });
  }

  private startOutage(error: StoreError, reason?: string): Outage {
    const outage: Outage = {
      reason: reason ?? error.reason ?? "storage unavailable",
      since: this.clock.now(),
      attempts: 0,
      cancelRetry: null,
    };
    this.outage = outage;
    this.log.error(
      { reason: outage.reason, pending: this.pendingEvents.length, err: error.message },
      "the data file refuses writes: requests that write are refused until it accepts them again",
    );
    return outage;
  }

  /** Commit what is pending (and the snapshot that was due); on success the outage ends and the held outcomes go. */
  private async retryStorage(): Promise<void> {
    const outage = this.outage;
    if (!outage) return;
    try {
      await this.store.commit();
      // When the refused write was a snapshot, it is still due.
      if (this.eventsSinceSnapshot >= this.snapshotThreshold()) await this.saveSnapshot();
    } catch (error) {
      this.storageRefused(error);
      return;
    }
    this.outage = null;
    this.log.warn(
      { reason: outage.reason, attempts: outage.attempts, ms: this.clock.now() - outage.since },
      "the data file accepts writes again",
    );
    // Committed now: published with their outcomes by the flush (whose commit has nothing left to write).
    await this.flushNow();
  }

  /** "ok", or "degraded" with the reason while the data file refuses writes. */
  health(): Health {
    if (!this.outage) return { status: "ok" };
    return {
      status: "degraded",
      reason: this.outage.reason,
      since: this.outage.since,
      pending: this.pendingEvents.length,
    };
  }

  /**
   * A snapshot costs in proportion to the state (every conversation and message is written), the replay after a
   * crash in proportion to the events since the last one: waiting for as many events as the state holds items keeps
   * the snapshot work per event constant as the history grows, and the replay no longer than reading the state.
   */
  private snapshotThreshold(): number {
    return (
      this.snapshotEvery ??
      Math.max(SNAPSHOT_EVERY_EVENTS, this.state.counters.message + this.state.counters.conversation)
    );
  }

  async saveSnapshot(): Promise<void> {
    await this.store.saveSnapshot({ seq: this.state.seq, state: this.state });
    this.eventsSinceSnapshot = 0;
  }

  /** One timer for every deadline: offers, Waiting expiry, opening hours. */
  private armTimer(): void {
    if (this.closed) return;
    const next = nextDeadline(this.state, this.clock.now());
    if (next === this.timerAt) return;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.timerAt = next;
    if (next === null) return;
    this.cancelTimer = this.clock.setTimer(() => {
      this.timerAt = null;
      this.cancelTimer = null;
      // Deadlines wait for the disk (flushNow arms the timer again once the outage is over) and for a rebuild.
      if (this.outage || this.rebuilding) return;
      this.execute({ role: "system" }, { type: "tick" });
      void this.flushNow();
    }, next - this.clock.now());
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  /** Before the connections close: what is pending committed and published (one last try during an outage). */
  async quiesce(): Promise<void> {
    if (this.abandoned || this.overtaken) return;
    if (this.outage) await this.retryStorage();
    else await this.settle();
  }

  /** Stop: the timers, a last snapshot, the store. Idempotent once quiesced. */
  async close(): Promise<void> {
    if (this.abandoned) return;
    this.closed = true;
    this.cancelTimer?.();
    this.outage?.cancelRetry?.();
    let failure: unknown = null;
    try {
      if (!this.outage) await this.saveSnapshot();
    } catch (error) {
      failure = error;
    }
    // Events the disk never took were never acknowledged nor shown to anyone: they are dropped with the process.
    if (this.outage)
      this.log.error({ dropped: this.pendingEvents.length }, "stopped while the data file refused writes");
    try {
      await this.store.close();
    } catch (error) {
      if (!(error instanceof StoreError && error.code === "UNAVAILABLE")) failure ??= error;
    }
    if (failure !== null && !(failure instanceof StoreError && failure.code === "UNAVAILABLE"))
      throw failure instanceof Error ? failure : new Error("closing the server failed", { cause: failure });
  }
}

/** An outcome as recorded for a command from another node: its events reach that node through the log. */
function withoutEvents(outcome: CommandOutcome): CommandOutcome {
  if (!outcome.ok) return outcome;
  return outcome.result === undefined ? { ok: true, events: [] } : { ok: true, events: [], result: outcome.result };
}
