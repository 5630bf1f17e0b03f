// The hub: one routing state, its store, and the connected clients. Data flows one way:
// socket → decode → command → decide → events → commit → fan out filtered views → ack.
// Everything a command produced in one event-loop turn is committed together (group commit) before any
// client hears of it.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { CommandFailed, decide, nextDeadline } from "./core/decide/index.js";
import { evolve, initialState, upgradeState } from "./core/evolve.js";
import type { Actor, Command, DomainEvent, Envelope, Outcome, State } from "./core/model.js";
import { conversationIdsOf } from "./core/indexes.js";
import { staffEvent } from "./core/event-masking.js";
import { customerHistory, earlierConversation } from "./core/history.js";
import type { HistoryAnswer } from "./core/history.js";
import { audienceOf, changesFor, conversationView, snapshot, userView } from "./core/views.js";
import type { Viewer } from "./core/views.js";
import type { Clock } from "./clock.js";
import type { Org } from "./core/org.js";
import type { Logger } from "./logger.js";
import type { OrgFile } from "./org-file.js";
import { toOrg } from "./org-file.js";
import { signOutReason } from "./org-reload.js";
import type { EventStore, Snapshot, StoredEvent } from "./store/store.js";
import { StoreError } from "./store/store.js";
import { Admission } from "./rate-limit.js";
import type { Admittance } from "./rate-limit.js";
import { replay } from "./replay.js";
import { whyFromLog } from "./why-answer.js";
import { settingRefusal } from "../src/protocol/rules.js";
import { createLiveFigures, waitingByQueue } from "./reports/live.js";
import type { LiveFigures } from "./reports/live.js";
import { TypingThrottle, staffTypes, staffWatching } from "./typing.js";
import { conversationToken, verifyConversationToken, verifyIdentity } from "../src/protocol/identity.js";
import { CloseCode, MAX_EVENTS_PAGE, PROTOCOL_VERSION, decodeClientFrame, reqIdOf } from "../src/protocol/messages.js";
import type {
  ClientRequest,
  ErrorFrame,
  EventFrame,
  Hello,
  ServerFrame,
  SnapshotReason,
  Welcome,
} from "../src/protocol/messages.js";
import type { Change } from "../src/protocol/views.js";

/** A resume further back than this many events gets a fresh snapshot instead. */
const MAX_RESUME_EVENTS = 20_000;
/** A client whose send buffer stays above this is cut off (it cannot keep up). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const SNAPSHOT_EVERY_EVENTS = 50_000;
/** The least time between two group commits under load (see scheduleFlush): at most 500 fsyncs a second. */
const MIN_COMMIT_INTERVAL_MS = 2;
/** A commit the disk refused is retried after this long, doubling up to STORAGE_RETRY_MAX_MS. */
const STORAGE_RETRY_FIRST_MS = 100;
const STORAGE_RETRY_MAX_MS = 5_000;

/**
 * The data file refuses writes (disk full, I/O error). Until a retried commit succeeds, the events of the refused
 * commit stay pending (their requests unanswered, nobody told of them), requests that would write are refused with
 * `server/unavailable`, and whatever clients read (welcome, resume, status, targets, open items) comes from `view`:
 * the state as committed, never the pending events a crash could still lose.
 */
interface Outage {
  reason: string;
  since: number;
  attempts: number;
  /** Null until read back from the store (at once with SQLite, whose reads take no event-loop turn). */
  view: State | null;
  cancelRetry: (() => void) | null;
}

interface Connection {
  ws: WebSocket;
  id: number;
  role: "rep" | "supervisor" | "customer" | null;
  viewer: Viewer | null;
  actor: Actor | null;
  userId: string | null;
  /** Conversations this client has been sent in full. */
  seen: Set<string>;
  alive: boolean;
  /** Closes the connection if no hello comes in time; dropped once one has. */
  helloTimer: NodeJS.Timeout | null;
  /** A customer's signed identity from their hello, for the conversations they start. */
  signedIdentity: Extract<Hello, { role: "customer" }>["identity"];
  /** Its rate limits (server/rate-limit.ts). */
  admittance: Admittance;
  /** A `why` is being answered: it folds the log, so one at a time per connection. */
  whyUnderWay: boolean;
  /** The hash of the token a rep or supervisor signed in with: a reloaded org that replaces it signs them out. */
  tokenHash: Buffer | null;
  /** Sent its welcome: until then it is sent no events, and its frames wait (`held`). */
  welcomed: boolean;
  /** Frames that came while its welcome was being read from the store, handled in order once it is sent. */
  held: string[] | null;
}

type Outgoing = { connection: Connection; frame: ServerFrame };

export interface HubOptions {
  org: OrgFile;
  store: EventStore<State>;
  clock: Clock;
  logger: Logger;
  snapshotEvery?: number;
  /** How long a rep may be disconnected before they are set Offline. */
  presenceGraceMs?: number;
}

function tokenHash(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

/** The state the store holds: its latest snapshot and every committed event after it. */
async function replayLog(
  store: EventStore<State>,
  org: OrgFile,
): Promise<{ state: State; replayed: number; fromSnapshot: number | null }> {
  const snap: Snapshot<State> | undefined = await store.loadSnapshot();
  const state = snap ? upgradeState(snap.state) : initialState(toOrg(org));
  let replayed = 0;
  for await (const event of store.eventsAfter(snap?.seq ?? 0)) {
    // Replays through the same evolve the live server uses.
    applyStored(state, event);
    replayed++;
  }
  return { state, replayed, fromSnapshot: snap?.seq ?? null };
}

/** Every event of an iteration, in an array. */
async function collect(events: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

export class Hub {
  state: State;
  private org: OrgFile;
  private readonly store: EventStore<State>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly connections = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly byCustomer = new Map<string, Set<Connection>>();
  private readonly supervisors = new Set<Connection>();
  private tokens: { hash: Buffer; userId: string }[];
  private nextConnectionId = 1;
  /** Events and replies waiting for the next group commit. */
  private pendingEvents: DomainEvent[] = [];
  private pendingReplies: Outgoing[] = [];
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
  /** Sockets corked while a group commit's frames are written: each gets one write for all of them. */
  private corked: Set<Duplex> | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private readonly offlineTimers = new Map<string, () => void>();
  private readonly presenceGraceMs: number;
  private outage: Outage | null = null;
  private readonly admission: Admission;
  private readonly typing: TypingThrottle;
  /** The monitor's live figures: every committed event folded as it is fanned out. */
  private readonly live: LiveFigures;

  /** Load the latest snapshot and replay every event after it; then apply the current org file. */
  static async open(options: HubOptions): Promise<Hub> {
    const started = performance.now();
    const recovered = await replayLog(options.store, options.org);
    const hub = new Hub(options, recovered.state);
    await hub.recover(recovered, started);
    return hub;
  }

  private constructor(options: HubOptions, state: State) {
    this.org = options.org;
    this.store = options.store;
    this.clock = options.clock;
    this.log = options.logger;
    this.snapshotEvery = options.snapshotEvery ?? null;
    this.presenceGraceMs = options.presenceGraceMs ?? 60_000;
    this.admission = new Admission(options.org.limits);
    this.typing = new TypingThrottle(() => this.clock.now());
    this.tokens = options.org.users.map((u) => ({ hash: tokenHash(u.token), userId: u.id }));
    this.live = createLiveFigures(this.clock.now(), toOrg(options.org));
    this.state = state;
  }

  /** Apply the current org file to the recovered state (core: configure, L4), and commit what that changed. */
  private async recover(
    { replayed, fromSnapshot }: { replayed: number; fromSnapshot: number | null },
    started: number,
  ): Promise<void> {
    this.configureFrom(toOrg(this.org));
    this.log.info(
      { seq: this.state.seq, replayed, fromSnapshot, ms: Math.round(performance.now() - started) },
      "state recovered",
    );
    await this.settle();
    this.live.sampleWaiting(waitingByQueue(this.state), this.clock.now());
  }

  /** What clients may read: the committed state (during an outage, memory also holds events not yet on disk). */
  private get visible(): State {
    return this.outage?.view ?? this.state;
  }

  /** The state rebuilt from the data file, for checks that memory equals what is committed. */
  async committedState(): Promise<State> {
    return (await replayLog(this.store, this.org)).state;
  }

  /**
   * The state the log holds, for when a command failed part-way (CommandFailed): the latest snapshot, the committed
   * events after it, then the events of earlier commands still waiting for their commit. The same replay as a restart.
   * Commands are refused until it is done (with SQLite, before any other frame or timer is handled).
   */
  private rebuildState(): void {
    const rebuild = async (): Promise<void> => {
      try {
        const { state } = await replayLog(this.store, this.org);
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

  /** The org file's configuration recorded, when it differs from the state's (core: configure, L4); what it removed. */
  private configureFrom(org: Org): string[] {
    if (JSON.stringify(org) === JSON.stringify(this.state.org)) return [];
    const outcome = this.execute({ role: "system" }, { type: "configure", org });
    const removed = outcome.ok ? ((outcome.result?.removed as string[] | undefined) ?? []) : [];
    for (const what of removed)
      this.log.warn({ removed: what }, "no longer in the org file: its conversations are aborted");
    return removed;
  }

  /**
   * A new org file while the server runs (SIGHUP, `cc-agent server reload`: server/org-reload.ts). It is applied as at
   * start, and its events fan out at once; sign-ins, secrets and limits follow it from now on; the consoles of a
   * removed user, or signed in with a token the file replaced, are told why and closed.
   */
  async applyOrgFile(file: OrgFile): Promise<{ changed: boolean; removed: string[] }> {
    if (this.outage) throw new Error(`the data file refuses writes (${this.outage.reason}); nothing was changed`);
    // Tokens, the secret and limits are not in the core's org: the file as a whole says whether anything changed.
    const changed = JSON.stringify(file) !== JSON.stringify(this.org);
    // First the core (a command that fails leaves memory as the log holds it), then what the hub keeps of the file.
    const removed = this.configureFrom(toOrg(file));
    this.useOrgFile(file);
    // Committed and sent (the aborts with their L4 warning) before anyone is signed out.
    await this.settle();
    this.signOutRevoked();
    return { changed, removed };
  }

  /** What the hub itself takes from the org file: the secret, the users' tokens and the rate limits. */
  private useOrgFile(file: OrgFile): void {
    this.org = file;
    this.tokens = file.users.map((u) => ({ hash: tokenHash(u.token), userId: u.id }));
    this.admission.limits = file.limits;
  }

  /** Staff connections whose user the org removed, or whose token it replaced, are signed out. */
  private signOutRevoked(): void {
    for (const connection of this.connections) {
      const { userId, tokenHash: hash } = connection;
      if (userId === null || hash === null) continue;
      const holds = this.tokens.some((t) => t.userId === userId && timingSafeEqual(t.hash, hash));
      const reason = signOutReason(this.state.users[userId], holds);
      if (reason) this.closeWith(connection, CloseCode.unauthorized, "auth/invalid_token", reason);
    }
  }

  // ---- commands -------------------------------------------------------------------------------------

  /** Run a command; its events are committed with the next group commit. */
  execute(actor: Actor, command: Command): Outcome {
    // Requests and timers wait for the rebuild (see onRequest, armTimer); nothing else may run a command then.
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
   * Commit, then fan out the events, then send the replies: nothing is heard of before it is durable. One commit is
   * under way at a time; what is done meanwhile goes with the next. When the disk refuses the commit, everything
   * stays pending and the retry timer commits it (see Outage). A failure that is not the storage's own (a bug, a
   * damaged file) rejects, and stops the process unless the caller handles it.
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

  /** Until nothing is pending nor under way (or the disk refuses writes): every event so far committed and sent. */
  private async settle(): Promise<void> {
    while (this.flushing || (this.pendingEvents.length > 0 && !this.outage)) await (this.flushing ?? this.flushNow());
  }

  private async flushOnce(): Promise<void> {
    if (this.outage) return;
    const events = this.pendingEvents;
    const replies = this.pendingReplies;
    this.pendingEvents = [];
    this.pendingReplies = [];
    if (events.length > 0) {
      this.lastCommitAt = performance.now();
      this.committing = events;
      try {
        // The one wait of a group commit.
        await this.store.commit();
      } catch (error) {
        // Still pending, before whatever came meanwhile: the retry commits them in order.
        this.pendingEvents = this.pendingEvents.length === 0 ? events : [...events, ...this.pendingEvents];
        this.pendingReplies = this.pendingReplies.length === 0 ? replies : [...replies, ...this.pendingReplies];
        await this.storageRefused(error);
        return;
      } finally {
        this.committing = [];
      }
    }
    this.corked = new Set();
    try {
      for (const event of events) this.fanOut(event);
      for (const { connection, frame } of replies) this.send(connection, frame);
    } finally {
      for (const socket of this.corked) socket.uncork();
      this.corked = null;
    }
    if (events.length > 0) {
      for (const event of events) this.live.add(event);
      this.live.sampleWaiting(waitingByQueue(this.state), this.clock.now());
    }
    // After the replies, so that this turn's clients do not wait for it.
    this.eventsSinceSnapshot += events.length;
    if (this.eventsSinceSnapshot >= this.snapshotThreshold()) {
      try {
        await this.saveSnapshot();
      } catch (error) {
        await this.storageRefused(error);
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
  private async storageRefused(error: unknown): Promise<void> {
    if (!(error instanceof StoreError && error.code === "UNAVAILABLE")) throw error;
    const outage = this.outage ?? this.startOutage(error);
    outage.attempts++;
    if (this.closed) return;
    const delay = Math.min(STORAGE_RETRY_MAX_MS, STORAGE_RETRY_FIRST_MS * 2 ** (outage.attempts - 1));
    outage.cancelRetry = this.clock.setTimer(() => {
      outage.cancelRetry = null;
      void this.retryStorage();
    }, delay);
    // Memory holds the pending events; clients must not see them before they are on disk.
    if (outage.view === null) {
      try {
        outage.view = this.pendingEvents.length > 0 ? await this.committedState() : this.state;
      } catch (readError) {
        // A store across the network may refuse reads too (the database is down): reading the committed state is
        // tried again at the next refusal, and meanwhile reads show memory. Anything else is a bug: thrown.
        if (!(readError instanceof StoreError && readError.code === "UNAVAILABLE")) throw readError;
      }
    }
  }

  private startOutage(error: StoreError): Outage {
    const outage: Outage = {
      reason: error.reason ?? "storage unavailable",
      since: this.clock.now(),
      attempts: 0,
      view: null,
      cancelRetry: null,
    };
    this.outage = outage;
    this.log.error(
      { reason: outage.reason, pending: this.pendingEvents.length, err: error.message },
      "the data file refuses writes: requests that write are refused until it accepts them again",
    );
    return outage;
  }

  /** Commit what is pending (and the snapshot that was due); on success the outage ends and the held replies go. */
  private async retryStorage(): Promise<void> {
    const outage = this.outage;
    if (!outage) return;
    try {
      await this.store.commit();
      // When the refused write was a snapshot, it is still due.
      if (this.eventsSinceSnapshot >= this.snapshotThreshold()) await this.saveSnapshot();
    } catch (error) {
      await this.storageRefused(error);
      return;
    }
    this.outage = null;
    this.log.warn(
      { reason: outage.reason, attempts: outage.attempts, ms: this.clock.now() - outage.since },
      "the data file accepts writes again",
    );
    await this.flushNow();
  }

  /** "ok", or "degraded" with the reason while the data file refuses writes. */
  health(): { status: "ok" } | { status: "degraded"; reason: string; since: number; pending: number } {
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

  // ---- fan-out --------------------------------------------------------------------------------------

  private fanOut(event: DomainEvent): void {
    const audience = audienceOf(this.state, event);
    const targets = new Set<Connection>();
    for (const id of audience.users) for (const c of this.byUser.get(id) ?? []) targets.add(c);
    for (const key of audience.customers) for (const c of this.byCustomer.get(key) ?? []) targets.add(c);
    if (audience.supervisors) for (const c of this.supervisors) targets.add(c);
    for (const connection of targets) {
      if (!connection.viewer || !connection.welcomed) continue;
      const changes = changesFor(this.state, event, connection.viewer, connection.seen);
      if (changes.length > 0) this.send(connection, { type: "event", seq: event.seq, at: event.at, changes });
    }
  }

  private send(connection: Connection, frame: ServerFrame): void {
    const ws = connection.ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn({ connection: connection.id }, "closing a client that cannot keep up");
      ws.close(CloseCode.slowConsumer, "too slow to keep up");
      return;
    }
    // During a flush, a client's frames (its events, then its ack) leave in one write instead of one each.
    // ws has no public cork; its own per-frame cork/uncork nests inside this one.
    const socket = (ws as unknown as { _socket?: Duplex })._socket;
    if (this.corked && socket && !this.corked.has(socket)) {
      socket.cork();
      this.corked.add(socket);
    }
    ws.send(JSON.stringify(frame));
  }

  private reply(connection: Connection, frame: ServerFrame): void {
    // During an outage, what is pending waits for the disk; a read or a refusal goes at once.
    if (this.outage) {
      this.send(connection, frame);
      return;
    }
    this.pendingReplies.push({ connection, frame });
    this.scheduleFlush();
  }

  private fail(connection: Connection, reqId: string | undefined, code: string, message: string): void {
    const frame: ErrorFrame = reqId ? { type: "error", reqId, code, message } : { type: "error", code, message };
    this.reply(connection, frame);
  }

  // ---- connections ----------------------------------------------------------------------------------

  attach(ws: WebSocket, helloTimeoutMs = 10_000, address = "unknown"): void {
    const admittance = this.admission.open(address, this.clock.now());
    if (!admittance) {
      // Too many sockets from this address are open without a hello: refuse this one before it costs anything.
      const retryAfterMs = 1000;
      const frame: ErrorFrame = {
        type: "error",
        code: "protocol/rate_limited",
        message: "Too many connections from your address are waiting to sign in. Retry later.",
        retryAfterMs,
      };
      ws.on("error", () => undefined);
      ws.send(JSON.stringify(frame));
      ws.close(CloseCode.rateLimited, "too many connections without hello");
      this.log.warn("connection refused: too many sockets without hello from one address");
      return;
    }
    // Every field from the start (one object shape, no property array added later).
    const connection: Connection = {
      ws,
      id: this.nextConnectionId++,
      role: null,
      viewer: null,
      actor: null,
      userId: null,
      seen: new Set(),
      alive: true,
      helloTimer: null,
      signedIdentity: undefined,
      admittance,
      whyUnderWay: false,
      tokenHash: null,
      welcomed: false,
      held: null,
    };
    this.connections.add(connection);
    connection.helloTimer = setTimeout(() => {
      if (!connection.role) ws.close(CloseCode.helloTimeout, "no hello");
    }, helloTimeoutMs);
    connection.helloTimer.unref();
    ws.on("error", (error) => this.log.debug({ connection: connection.id, err: error.message }, "socket error"));
    ws.on("pong", () => (connection.alive = true));
    ws.on("close", () => {
      this.dropHelloTimer(connection);
      this.admission.greeted(connection.admittance);
      this.detach(connection);
    });
    ws.on("message", (data, isBinary) => {
      let raw = "";
      try {
        if (!this.admitted(connection, data, isBinary)) return;
        if (isBinary) {
          this.fail(connection, undefined, "protocol/malformed", "Frames are JSON text, not binary.");
          return;
        }
        raw = textOf(data);
        this.onFrame(connection, raw);
      } catch (error) {
        // Never let an exception escape a message handler: the server stays up for everyone else.
        this.log.error(
          { connection: connection.id, err: (error as Error).message, stack: (error as Error).stack },
          "request failed",
        );
        this.fail(connection, reqIdOf(raw), "server/internal", "The server could not handle this request.");
      }
    });
  }

  /**
   * Rate limits: a frame takes a token from its connection's bucket and, for a customer, from the customer's. A
   * frame over the limit is answered `protocol/rate_limited` with `retryAfterMs` and not handled; every frame until
   * then is refused the same way, so a client that retries its refused requests in order keeps their order.
   */
  private admitted(connection: Connection, data: unknown, isBinary: boolean): boolean {
    const customerKey = connection.viewer?.role === "customer" ? connection.viewer.key : undefined;
    const { retryAfterMs, first } = this.admission.admit(connection.admittance, customerKey, this.clock.now());
    if (retryAfterMs === 0) return true;
    // Once per connection: an operator sees who hits the limits without a line per refused frame.
    if (first) this.log.warn({ connection: connection.id, role: connection.role, retryAfterMs }, "rate limited");
    const reqId = isBinary ? undefined : reqIdOf(String(data));
    const frame: ErrorFrame = {
      type: "error",
      code: "protocol/rate_limited",
      message: `Too many requests: retry in ${retryAfterMs} ms.`,
      retryAfterMs,
    };
    if (reqId) frame.reqId = reqId;
    this.reply(connection, frame);
    return false;
  }

  private dropHelloTimer(connection: Connection): void {
    if (connection.helloTimer) clearTimeout(connection.helloTimer);
    connection.helloTimer = null;
  }

  private detach(connection: Connection): void {
    this.connections.delete(connection);
    this.supervisors.delete(connection);
    if (connection.userId) {
      this.byUser.get(connection.userId)?.delete(connection);
      if (connection.role === "rep") {
        // Presence follows the rep's consoles: the last one gone (after a grace), not any one of several.
        if (this.consolesOf(connection.userId).length === 0) this.armOffline(connection.userId);
        else this.announceConsoles(connection.userId);
      }
    }
    if (connection.viewer?.role === "customer") this.byCustomer.get(connection.viewer.key)?.delete(connection);
  }

  /** A user's open consoles: their connections as a rep (a supervisor's monitor is not one). */
  private consolesOf(userId: string): Connection[] {
    return [...(this.byUser.get(userId) ?? [])].filter((c) => c.role === "rep");
  }

  /** Tell each of a user's consoles how many are open, so that each can say when another one is. */
  private announceConsoles(userId: string): void {
    const consoles = this.consolesOf(userId);
    for (const c of consoles) this.send(c, { type: "consoles", count: consoles.length });
  }

  /**
   * A rep whose last console dropped is set Offline after a grace period, so that a closed terminal
   * does not keep receiving offers (and going to RONA); a console back within the grace keeps the presence.
   */
  private armOffline(userId: string): void {
    if (this.closed || this.offlineTimers.has(userId)) return;
    const cancel = this.clock.setTimer(() => {
      this.offlineTimers.delete(userId);
      if (this.outage || this.rebuilding) {
        this.armOffline(userId);
        return;
      }
      const user = this.state.users[userId];
      if (this.closed || !user || user.deleted || user.presence === "offline" || this.consolesOf(userId).length > 0)
        return;
      this.execute({ role: user.role, id: userId }, { type: "presence", presence: "offline" });
      void this.flushNow();
    }, this.presenceGraceMs);
    this.offlineTimers.set(userId, cancel);
  }

  /** Ping every client; terminate those that did not answer the last ping. */
  heartbeat(): void {
    this.admission.prune(this.clock.now(), (key) => (this.byCustomer.get(key)?.size ?? 0) > 0);
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }

  private onFrame(connection: Connection, raw: string): void {
    if (connection.held) {
      connection.held.push(raw);
      return;
    }
    const decoded = decodeClientFrame(raw, connection.role);
    if (!decoded.ok) {
      this.fail(connection, reqIdOf(raw), decoded.code, decoded.message);
      return;
    }
    const frame = decoded.value;
    if (frame.type === "hello") {
      if (connection.role) this.fail(connection, reqIdOf(raw), "protocol/invalid", "Already said hello.");
      else this.onHello(connection, frame);
      return;
    }
    this.onRequest(connection, frame);
  }

  private closeWith(connection: Connection, code: number, errorCode: string, message: string): void {
    this.send(connection, { type: "error", code: errorCode, message });
    connection.ws.close(code, message.slice(0, 120));
  }

  private userForToken(hash: Buffer): string | null {
    let found: string | null = null;
    for (const entry of this.tokens) if (timingSafeEqual(entry.hash, hash)) found = entry.userId;
    return found;
  }

  private onHello(connection: Connection, hello: Hello): void {
    if (hello.v !== PROTOCOL_VERSION) {
      this.closeWith(
        connection,
        CloseCode.versionMismatch,
        "protocol/version",
        `This server speaks protocol v${PROTOCOL_VERSION}; the client sent v${hello.v}.`,
      );
      return;
    }
    let conversationTokenOut: string | undefined;
    if (hello.role === "customer") {
      let key: string;
      if (hello.identity) {
        if (!verifyIdentity(this.org.secret, hello.identity, this.clock.now())) {
          this.closeWith(
            connection,
            CloseCode.unauthorized,
            "auth/invalid_identity",
            "The customer identity is not signed by this organisation (or has expired).",
          );
          return;
        }
        key = `auth:${hello.identity.id}`;
        connection.actor = { role: "customer", key };
      } else if (hello.conversationToken) {
        const scoped = verifyConversationToken(this.org.secret, hello.conversationToken);
        if (!scoped) {
          this.closeWith(
            connection,
            CloseCode.unauthorized,
            "auth/invalid_token",
            "This conversation token is not valid.",
          );
          return;
        }
        key = scoped.customerKey;
        conversationTokenOut = hello.conversationToken;
        connection.actor = { role: "customer", key, conversationId: scoped.conversationId };
      } else {
        key = `visitor:${randomBytes(12).toString("hex")}`;
        connection.actor = { role: "customer", key };
      }
      connection.role = "customer";
      // A conversation token is scoped to its conversation: the connection sees and acts on that one only.
      const scopedTo = connection.actor.role === "customer" ? connection.actor.conversationId : undefined;
      connection.viewer =
        scopedTo === undefined ? { role: "customer", key } : { role: "customer", key, conversationId: scopedTo };
      this.index(this.byCustomer, key, connection);
      connection.signedIdentity = hello.identity;
    } else {
      const hash = tokenHash(hello.token);
      const userId = this.userForToken(hash);
      const user = userId ? this.visible.users[userId] : undefined;
      if (!user || user.deleted) {
        this.closeWith(
          connection,
          CloseCode.unauthorized,
          "auth/invalid_token",
          "Unknown or revoked token. Ask your admin for a valid one.",
        );
        return;
      }
      if (hello.role === "supervisor" && user.role !== "supervisor") {
        this.closeWith(
          connection,
          CloseCode.forbidden,
          "auth/forbidden",
          `${user.name} is a rep; the monitor is for supervisors only.`,
        );
        return;
      }
      // A supervisor may also take conversations in the rep console, seeing only their own work there.
      connection.role = hello.role;
      connection.userId = user.id;
      connection.tokenHash = hash;
      connection.viewer = { role: hello.role, id: user.id };
      connection.actor = {
        role: user.role === "supervisor" && hello.role === "supervisor" ? "supervisor" : user.role,
        id: user.id,
      };
      this.index(this.byUser, user.id, connection);
      if (hello.role === "rep") {
        this.offlineTimers.get(user.id)?.();
        this.offlineTimers.delete(user.id);
      }
      if (hello.role === "supervisor") this.supervisors.add(connection);
    }
    this.dropHelloTimer(connection);
    this.admission.greeted(connection.admittance);
    connection.held = [];
    this.welcome(connection, hello.lastSeq, hello.epoch, conversationTokenOut)
      .then(
        () => {
          if (connection.role === "rep" && connection.userId) this.announceConsoles(connection.userId);
        },
        (error: unknown) => {
          this.log.error({ connection: connection.id, err: (error as Error).message }, "welcome failed");
          this.closeWith(connection, CloseCode.goingAway, "server/internal", "The server could not welcome you.");
        },
      )
      .finally(() => {
        // What the client sent meanwhile, in order.
        const held = connection.held ?? [];
        connection.held = null;
        for (const raw of held) this.onHeldFrame(connection, raw);
      });
  }

  /** A frame handled after the welcome: as in the socket's message handler, no exception escapes. */
  private onHeldFrame(connection: Connection, raw: string): void {
    try {
      this.onFrame(connection, raw);
    } catch (error) {
      this.log.error(
        { connection: connection.id, err: (error as Error).message, stack: (error as Error).stack },
        "request failed",
      );
      this.fail(connection, reqIdOf(raw), "server/internal", "The server could not handle this request.");
    }
  }

  private index(map: Map<string, Set<Connection>>, key: string, connection: Connection): void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(connection);
  }

  /**
   * Welcome with a snapshot, or resume: the events missed since `lastSeq`, projected for this viewer. What is pending
   * is made durable and fanned out first, and the missed events are read until they reach the state's seq, so that
   * the welcome, the stream and the events sent after it agree; the connection is sent no event before its welcome.
   */
  private async welcome(
    connection: Connection,
    lastSeq: number | undefined,
    epoch: string | undefined,
    token: string | undefined,
  ): Promise<void> {
    let missedEvents: StoredEvent[] | null = null;
    let refused: SnapshotReason | null = null;
    // With SQLite one pass does (its reads take no event-loop turn); a medium across the network may need more.
    for (let attempt = 1; ; attempt++) {
      await this.settle();
      if (this.closed) return;
      const seq = this.visible.seq;
      if (lastSeq !== undefined) {
        refused = await this.resumeRefusal(lastSeq, epoch, seq, this.resumeDepth(connection));
        missedEvents = refused === null ? await collect(this.store.eventsAfter(lastSeq)) : null;
      }
      const caughtUp = missedEvents === null || (missedEvents.at(-1)?.seq ?? lastSeq) === this.visible.seq;
      if (caughtUp && !this.flushing && (this.pendingEvents.length === 0 || this.outage)) break;
      if (attempt === 3) {
        // The log keeps moving under the resume: a snapshot of the state as it is now.
        missedEvents = null;
        break;
      }
    }
    if (connection.ws.readyState !== connection.ws.OPEN) return;
    connection.welcomed = true;
    const state = this.visible;
    const viewer = connection.viewer!;
    const actor = connection.actor!;
    const session: Welcome["session"] = {
      role: connection.role!,
      userId: connection.userId,
      name: connection.userId ? (state.users[connection.userId]?.name ?? null) : null,
    };
    if (token) session.conversationToken = token;
    else if (actor.role === "customer") {
      const own = conversationIdsOf(state, actor.key)
        .map((id) => state.conversations[id]!)
        .find((c) => c.state !== "closed");
      if (own) session.conversationToken = conversationToken(this.org.secret, own.id, actor.key);
    }
    const seq = state.seq;
    const snap = snapshot(state, viewer);
    const missed = missedEvents === null ? null : replay(state, missedEvents, viewer, connection.seen, snap);
    if (lastSeq !== undefined && refused === null && missed === null) refused = "closed";
    if (missed === null) {
      for (const c of snap.conversations) connection.seen.add(c.id);
      for (const c of snap.customerConversations) connection.seen.add(c.id);
      this.send(connection, {
        type: "welcome",
        v: PROTOCOL_VERSION,
        seq,
        session,
        epoch: this.store.epoch,
        mode: "snapshot",
        ...(refused === null ? {} : { snapshotReason: refused }),
        snapshot: snap,
        serverTime: this.clock.now(),
      });
      return;
    }
    this.send(connection, {
      type: "welcome",
      v: PROTOCOL_VERSION,
      seq,
      session,
      epoch: this.store.epoch,
      mode: "resume",
      snapshot: null,
      serverTime: this.clock.now(),
    });
    for (const frame of missed) this.send(connection, frame);
    for (const c of snap.conversations) connection.seen.add(c.id);
    // A resuming customer already holds their conversation too: later events add to it, not resend it.
    for (const c of snap.customerConversations) connection.seen.add(c.id);
    // Presence and capacity may have changed many times: send their current values once.
    const me = connection.userId ? state.users[connection.userId] : undefined;
    if (me) {
      const changes: Change[] = [{ kind: "user", user: userView(me, this.state.org.presenceReasons) }];
      for (const offer of snap.offers) changes.push({ kind: "offer", offer });
      this.send(connection, { type: "event", seq, at: this.clock.now(), changes } satisfies EventFrame);
    }
  }

  /**
   * How far back a connection may resume. A customer's resume is cheap to replace by a snapshot (their own
   * conversations) and costly to serve (a scan of everyone's events): it goes back `customerResumeEvents` at most.
   */
  private resumeDepth(connection: Connection): number {
    return connection.actor?.role === "customer"
      ? Math.min(MAX_RESUME_EVENTS, this.admission.limits.customerResumeEvents)
      : MAX_RESUME_EVENTS;
  }

  /**
   * Why a resume from `lastSeq` cannot be served (null: it can). Only a seq of this log's history, no later than its
   * last committed event, with every event after it still stored, is resumed; anything else gets a snapshot.
   */
  private async resumeRefusal(
    lastSeq: number,
    epoch: string | undefined,
    seq: number,
    depth: number,
  ): Promise<SnapshotReason | null> {
    if (epoch !== this.store.epoch) return "epoch";
    if (lastSeq > seq) return "ahead";
    if (seq - lastSeq > depth) return "too_far_back";
    if (lastSeq < seq) {
      for await (const next of this.store.eventsAfter(lastSeq, 1))
        if (next.seq !== lastSeq + 1) return "missing_events";
    }
    return null;
  }

  // ---- requests -------------------------------------------------------------------------------------

  private onRequest(connection: Connection, request: ClientRequest): void {
    const actor = connection.actor!;
    if (request.type === "typing") {
      this.relayTyping(connection, request.conversationId, request.reqId);
      return;
    }
    const reqId = request.reqId;
    const command = this.toCommand(connection, request);
    if (!command) return;
    if (this.rebuilding) {
      this.fail(connection, reqId, "server/unavailable", "The server is reloading its state; try again in a moment.");
      return;
    }
    if (this.outage) {
      this.fail(
        connection,
        reqId,
        "server/unavailable",
        `The server cannot store anything right now (${this.outage.reason}); nothing was done. Try again in a moment.`,
      );
      return;
    }
    const outcome = this.execute(actor, command);
    if (!outcome.ok) {
      this.fail(connection, reqId, outcome.error.code, outcome.error.message);
      return;
    }
    const result: Record<string, unknown> = { ...outcome.result };
    if (request.type === "start" && actor.role === "customer" && typeof result.conversationId === "string") {
      result.conversationToken = conversationToken(this.org.secret, result.conversationId, actor.key);
      delete result.customerKey;
    }
    this.reply(connection, Object.keys(result).length > 0 ? { type: "ack", reqId, result } : { type: "ack", reqId });
  }

  /**
   * A typing frame: relayed to the other side of the conversation, at most once per TYPING_INTERVAL_MS and direction,
   * never stored. One the sender may not send is dropped (answered only when it has a reqId).
   */
  private relayTyping(connection: Connection, conversationId: string, reqId: string | undefined): void {
    const actor = connection.actor!;
    const c = Object.hasOwn(this.state.conversations, conversationId)
      ? this.state.conversations[conversationId]
      : undefined;
    let allowed: boolean;
    if (actor.role === "customer")
      allowed =
        c !== undefined &&
        c.customer.key === actor.key &&
        (actor.conversationId === undefined || actor.conversationId === c.id) &&
        (c.state === "open" || c.state === "active");
    else
      allowed =
        c !== undefined && (actor.role === "rep" || actor.role === "supervisor") && staffTypes(c, actor.id, actor.role);
    if (!c || !allowed) {
      if (reqId)
        this.fail(
          connection,
          reqId,
          "conversation/not_found",
          `You are not writing in conversation ${conversationId}.`,
        );
      return;
    }
    if (reqId) this.reply(connection, { type: "ack", reqId });
    const from = actor.role === "customer" ? "customer" : "rep";
    if (!this.typing.allow(c.id, from)) return;
    if (from === "customer") {
      const frame: ServerFrame = { type: "typing", conversationId: c.id, from };
      for (const id of staffWatching(this.state, c)) for (const to of this.byUser.get(id) ?? []) this.send(to, frame);
    } else {
      const name = this.state.users[connection.userId!]?.name;
      const frame: ServerFrame = name
        ? { type: "typing", conversationId: c.id, from, name }
        : { type: "typing", conversationId: c.id, from };
      for (const to of this.byCustomer.get(c.customer.key) ?? []) {
        const viewer = to.actor as Actor & { role: "customer" };
        if (viewer.conversationId === undefined || viewer.conversationId === c.id) this.send(to, frame);
      }
    }
  }

  /** Map a request to a core command; read-only requests are answered here and return null. */
  private toCommand(connection: Connection, request: Exclude<ClientRequest, { type: "typing" }>): Command | null {
    switch (request.type) {
      case "start": {
        const signed = connection.signedIdentity;
        const fields = signed ? { ...signed } : {};
        delete (fields as { sig?: string }).sig;
        delete (fields as { expires?: number }).expires;
        const command: Command = { type: "customer.start", workstreamId: request.workstream, identity: fields };
        if (request.text !== undefined) command.text = request.text;
        if (request.clientId !== undefined) command.clientId = request.clientId;
        if (request.proactive !== undefined) command.proactive = request.proactive;
        if (request.context !== undefined) command.context = request.context;
        return command;
      }
      case "send":
        return connection.role === "customer"
          ? withClientId(
              { type: "customer.message", conversationId: request.conversationId, text: request.text },
              request.clientId,
            )
          : withClientId(
              { type: "message", conversationId: request.conversationId, text: request.text },
              request.clientId,
            );
      case "end":
        return connection.role === "customer"
          ? { type: "customer.end", conversationId: request.conversationId }
          : { type: "end", conversationId: request.conversationId };
      case "rate": {
        const command: Command = {
          type: "customer.rate",
          conversationId: request.conversationId,
          score: request.score,
        };
        if (request.comment !== undefined) command.comment = request.comment;
        return command;
      }
      case "status":
        this.answerStatus(connection, request.reqId, request.conversationId);
        return null;
      case "targets":
        this.reply(connection, { type: "ack", reqId: request.reqId, result: this.targets() });
        return null;
      case "events":
        this.answerEvents(connection, request.reqId, request.fromSeq ?? 1, request.limit ?? MAX_EVENTS_PAGE);
        return null;
      case "why":
        this.answerWhy(connection, request.reqId, request.conversationId);
        return null;
      case "figures":
        // Folded up to what is pending, so that no event is folded after the time the figures were taken at.
        this.settle().then(
          () =>
            this.reply(connection, {
              type: "ack",
              reqId: request.reqId,
              result: { figures: this.live.figures(this.clock.now(), this.visible.org) },
            }),
          (error: unknown) => {
            this.log.error({ err: (error as Error).message }, "figures: the pending events could not be committed");
            this.fail(connection, request.reqId, "server/unavailable", "The figures could not be taken; try again.");
          },
        );
        return null;
      case "open_items":
        this.reply(connection, { type: "ack", reqId: request.reqId, result: this.openItems(connection.userId!) });
        return null;
      case "history": {
        const answer = customerHistory(this.visible, connection.viewer!, request.conversationId);
        this.answer(connection, request.reqId, answer, (items) => ({ items }));
        return null;
      }
      case "history_conversation": {
        const viewer = connection.viewer!;
        const answer = earlierConversation(this.visible, viewer, request.conversationId, request.earlierId);
        this.answer(connection, request.reqId, answer, (conversation) => ({ conversation }));
        return null;
      }
      case "presence": {
        // Quitting one of several consoles leaves the rep's presence to the others.
        const consoles = request.ifLastConsole ? this.consolesOf(connection.userId!).length : 1;
        if (consoles > 1) {
          this.reply(connection, { type: "ack", reqId: request.reqId, result: { kept: true, consoles } });
          return null;
        }
        return request.reasonId === undefined
          ? { type: "presence", presence: request.presence }
          : { type: "presence", presence: request.presence, reasonId: request.reasonId };
      }
      case "set_presence":
        return request.reasonId === undefined
          ? { type: "set_presence", userId: request.userId, presence: request.presence }
          : { type: "set_presence", userId: request.userId, presence: request.presence, reasonId: request.reasonId };
      case "accept":
      case "reject":
        return { type: request.type, offerId: request.offerId };
      case "pick":
      case "end_conference":
      case "close":
      case "force_close":
      case "leave":
        return { type: request.type, conversationId: request.conversationId };
      case "transfer":
        return { type: "transfer", conversationId: request.conversationId, target: request.target };
      case "supervisor_transfer":
        return { type: "supervisor_transfer", conversationId: request.conversationId, target: request.target };
      case "conference":
        return { type: "conference", conversationId: request.conversationId, repId: request.repId };
      case "wrapup":
        return { type: "wrapup", conversationId: request.conversationId, reasonId: request.reasonId };
      case "note":
      case "whisper":
        return { type: request.type, conversationId: request.conversationId, text: request.text };
      case "consult":
        return { type: "consult", conversationId: request.conversationId, repId: request.repId };
      case "end_consult":
        return request.repId === undefined
          ? { type: "end_consult", conversationId: request.conversationId }
          : { type: "end_consult", conversationId: request.conversationId, repId: request.repId };
      case "monitor":
      case "join":
        return { type: "monitor", conversationId: request.conversationId, mode: request.type };
      case "assign":
        return {
          type: "assign",
          conversationId: request.conversationId,
          target: request.target,
          override: request.override ?? false,
        };
    }
  }

  /** A read answered by the core: its value as the ack's result, or its refusal. */
  private answer<T>(
    connection: Connection,
    reqId: string,
    answer: HistoryAnswer<T>,
    result: (value: T) => Record<string, unknown>,
  ): void {
    if (answer.ok) this.reply(connection, { type: "ack", reqId, result: result(answer.value) });
    else this.fail(connection, reqId, answer.error.code, answer.error.message);
  }

  /** A page of the committed log for a supervisor (the event stream), masked as staff see it. */
  private answerEvents(connection: Connection, reqId: string, fromSeq: number, limit: number): void {
    const masking = this.state.org.masking;
    const read = async (): Promise<Record<string, unknown>> => {
      const stored = await collect(this.store.eventsAfter(fromSeq - 1, limit));
      return { events: stored.map((e) => staffEvent(e as DomainEvent, masking)), lastSeq: await this.store.lastSeq() };
    };
    read().then(
      (result) => this.reply(connection, { type: "ack", reqId, result }),
      (error: unknown) => {
        this.log.error({ err: (error as Error).message }, "events: the log could not be read");
        this.fail(connection, reqId, "server/unavailable", "The log could not be read; try again.");
      },
    );
  }

  /**
   * The routing decisions behind where a conversation is (`why`), for a supervisor who may monitor (SV8). It names
   * reps and queues only, nothing of the customer, so there is nothing to mask.
   */
  private answerWhy(connection: Connection, reqId: string, conversationId: string): void {
    const refusal = settingRefusal(this.visible.org.supervisor, "monitor");
    if (refusal) {
      this.fail(connection, reqId, refusal.code, refusal.message);
      return;
    }
    if (!this.visible.conversations[conversationId]) {
      this.fail(connection, reqId, "conversation/not_found", `There is no conversation ${conversationId}.`);
      return;
    }
    if (connection.whyUnderWay) {
      this.fail(
        connection,
        reqId,
        "protocol/rate_limited",
        "One why at a time: wait for the answer before asking again.",
      );
      return;
    }
    connection.whyUnderWay = true;
    const gone = (): boolean => this.closed || !this.connections.has(connection);
    whyFromLog(this.store, toOrg(this.org), conversationId, () => this.clock.now(), gone)
      .finally(() => (connection.whyUnderWay = false))
      .then(
        (answer) => {
          if (gone()) return;
          if (answer)
            this.reply(connection, { type: "ack", reqId, result: answer as unknown as Record<string, unknown> });
          // Not committed yet (it was created in the commit under way): asked again, it is there.
          else
            this.fail(connection, reqId, "conversation/not_found", `There is no conversation ${conversationId} yet.`);
        },
        (error: unknown) => {
          this.log.error({ err: (error as Error).message, conversationId }, "why: the log could not be read");
          if (!gone()) this.fail(connection, reqId, "server/unavailable", "The log could not be read; try again.");
        },
      );
  }

  private answerStatus(connection: Connection, reqId: string, conversationId: string): void {
    const actor = connection.actor as Actor & { role: "customer" };
    const c = this.visible.conversations[conversationId];
    if (!c || c.customer.key !== actor.key || (actor.conversationId !== undefined && actor.conversationId !== c.id)) {
      this.fail(connection, reqId, "conversation/not_found", `There is no conversation ${conversationId}.`);
      return;
    }
    const queue = this.visible.queues[c.queueId];
    const position = c.state === "open" && queue ? queue.open.indexOf(c.id) + 1 : 0;
    const stats = this.visible.waitStats[c.workstreamId];
    const result: Record<string, unknown> = { state: c.state, mode: c.mode };
    // P4: position and wait only for live chat.
    if (c.mode === "live" && position > 0) {
      result.queuePosition = position;
      result.averageWaitMinutes = Math.max(1, Math.round((stats?.meanMs ?? 120_000) / 60_000));
    }
    this.reply(connection, { type: "ack", reqId, result });
  }

  /** Transfer and conference targets: queues and reps with presence and capacity (L10, L11). */
  private targets(): Record<string, unknown> {
    return {
      queues: this.visible.org.queues.map((q) => ({
        id: q.id,
        name: q.name,
        open: this.visible.queues[q.id]?.open.length ?? 0,
      })),
      reps: this.visible.org.users.map((u) => userView(this.visible.users[u.id]!, this.visible.org.presenceReasons)),
      at: this.clock.now(),
    };
  }

  /** Open work items a rep may pick (S3). */
  /** What this rep could pick now (S3): not one waiting for a transfer's target, nor one they still wrap up. */
  private openItems(userId: string): Record<string, unknown> {
    const me = this.visible.users[userId];
    const items = [];
    for (const queueId of me?.queues ?? []) {
      let listed = 0;
      for (const id of this.visible.queues[queueId]?.open ?? []) {
        const c = this.visible.conversations[id];
        if (!c || c.transfer || me?.items[id]?.role === "wrapup") continue;
        items.push(conversationView(this.visible, c, false));
        if (++listed === 50) break;
      }
    }
    return { items };
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  stats(): { seq: number; conversations: number; connections: number } {
    return {
      seq: this.visible.seq,
      conversations: Object.keys(this.visible.conversations).length,
      connections: this.connections.size,
    };
  }

  /** Stop: commit and answer what is pending, close the connections, save a snapshot, close the store. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    // One last try when the disk refused writes: what it takes now is answered before the connections close.
    if (this.outage) await this.retryStorage();
    else await this.settle();
    this.closed = true;
    this.cancelTimer?.();
    this.outage?.cancelRetry?.();
    for (const cancel of this.offlineTimers.values()) cancel();
    for (const connection of this.connections) connection.ws.close(CloseCode.goingAway, "server shutting down");
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

function withClientId<T extends Command>(command: T, clientId: string | undefined): T {
  if (clientId !== undefined) (command as T & { clientId?: string }).clientId = clientId;
  return command;
}

function applyStored(state: State, event: StoredEvent): void {
  evolve(state, event as unknown as DomainEvent);
}

/** A text frame's bytes as a string (ws hands over one Buffer, fragments, or an ArrayBuffer). */
function textOf(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.from(data).toString("utf8");
}
