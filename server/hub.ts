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
import { audienceOf, changesFor, conversationView, snapshot, userView } from "./core/views.js";
import type { Viewer } from "./core/views.js";
import type { Clock } from "./clock.js";
import type { Org } from "./core/org.js";
import type { Logger } from "./logger.js";
import type { OrgFile } from "./org-file.js";
import { toOrg } from "./org-file.js";
import type { EventStore, StoredEvent } from "./store/store.js";
import { TypingThrottle, staffTypes, staffWatching } from "./typing.js";
import { conversationToken, verifyConversationToken, verifyIdentity } from "../src/protocol/identity.js";
import { CloseCode, PROTOCOL_VERSION, decodeClientFrame, reqIdOf } from "../src/protocol/messages.js";
import type { ClientRequest, ErrorFrame, EventFrame, Hello, ServerFrame, Welcome } from "../src/protocol/messages.js";
import type { Change } from "../src/protocol/views.js";

/** A resume further back than this many events gets a fresh snapshot instead. */
const MAX_RESUME_EVENTS = 20_000;
/** A client whose send buffer stays above this is cut off (it cannot keep up). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const SNAPSHOT_EVERY_EVENTS = 50_000;
/** The least time between two group commits under load (see scheduleFlush): at most 500 fsyncs a second. */
const MIN_COMMIT_INTERVAL_MS = 2;

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

export class Hub {
  state: State;
  private readonly org: OrgFile;
  private readonly store: EventStore<State>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly connections = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly byCustomer = new Map<string, Set<Connection>>();
  private readonly supervisors = new Set<Connection>();
  private readonly tokens: { hash: Buffer; userId: string }[];
  private nextConnectionId = 1;
  /** Events and replies waiting for the next group commit. */
  private pendingEvents: DomainEvent[] = [];
  private pendingReplies: Outgoing[] = [];
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
  private readonly offlineTimers = new Map<string, () => void>();
  private readonly presenceGraceMs: number;
  private readonly typing: TypingThrottle;

  constructor(options: HubOptions) {
    this.org = options.org;
    this.store = options.store;
    this.clock = options.clock;
    this.log = options.logger;
    this.snapshotEvery = options.snapshotEvery ?? null;
    this.presenceGraceMs = options.presenceGraceMs ?? 60_000;
    this.typing = new TypingThrottle(() => this.clock.now());
    this.tokens = options.org.users.map((u) => ({ hash: tokenHash(u.token), userId: u.id }));
    this.state = this.recover();
  }

  /** Load the latest snapshot and replay every event after it; then apply the current org file. */
  private recover(): State {
    const started = performance.now();
    const snap = this.store.loadSnapshot();
    const state = snap ? upgradeState(snap.state) : initialState(toOrg(this.org));
    let replayed = 0;
    for (const event of this.store.eventsAfter(snap?.seq ?? 0)) {
      // Replays through the same evolve the live server uses.
      applyStored(state, event);
      replayed++;
    }
    this.state = state;
    const org = toOrg(this.org);
    if (JSON.stringify(org) !== JSON.stringify(state.org)) {
      this.removeWhatTheOrgFileDropped(org);
      this.execute({ role: "system" }, { type: "configure", org });
    }
    this.log.info(
      { seq: state.seq, replayed, fromSnapshot: snap?.seq ?? null, ms: Math.round(performance.now() - started) },
      "state recovered",
    );
    this.flushNow();
    return state;
  }

  /**
   * The state the log holds, for when a command failed part-way (CommandFailed): the latest snapshot, the committed
   * events after it, then the events of earlier commands still waiting for their commit. The same replay as a restart.
   */
  private rebuildState(): State {
    const snap = this.store.loadSnapshot();
    const state = snap ? upgradeState(snap.state) : initialState(toOrg(this.org));
    for (const event of this.store.eventsAfter(snap?.seq ?? 0)) applyStored(state, event);
    for (const event of this.pendingEvents) if (event.seq > state.seq) evolve(state, event);
    this.log.error({ seq: state.seq }, "a command failed part-way: the state was rebuilt from the log");
    return state;
  }

  /**
   * L4: the org file is the admin's word. A workstream, a queue or a user it no longer lists is deleted, while the
   * org that knew them is still in force: their conversations are aborted with a warning (those of a removed
   * workstream, and Open ones in a removed queue, are closed) instead of waiting in a queue nobody serves, staying
   * with someone who can no longer sign in, or stopping the server for want of their workstream's settings.
   */
  private removeWhatTheOrgFileDropped(org: Org): void {
    const workstreams = new Set(org.workstreams.map((w) => w.id));
    const queues = new Set(org.queues.map((q) => q.id));
    const users = new Set(org.users.map((u) => u.id));
    const removed: { command: Command; what: string }[] = [
      ...this.state.org.workstreams
        .filter((w) => !workstreams.has(w.id))
        .map((w) => ({
          command: { type: "delete_workstream", workstreamId: w.id } as Command,
          what: `workstream ${w.id}`,
        })),
      ...Object.values(this.state.queues)
        .filter((q) => !q.deleted && !queues.has(q.id))
        .map((q) => ({ command: { type: "delete_queue", queueId: q.id } as Command, what: `queue ${q.id}` })),
      ...Object.values(this.state.users)
        .filter((u) => !u.deleted && !users.has(u.id))
        .map((u) => ({ command: { type: "delete_user", userId: u.id } as Command, what: `user ${u.id}` })),
    ];
    for (const { command, what } of removed) {
      const outcome = this.execute({ role: "admin" }, command);
      this.log.warn({ removed: what, ok: outcome.ok }, "no longer in the org file: its conversations are aborted");
    }
  }

  // ---- commands -------------------------------------------------------------------------------------

  /** Run a command; its events are committed with the next group commit. */
  execute(actor: Actor, command: Command): Outcome {
    const envelope: Envelope = { at: this.clock.now(), actor, command };
    let outcome: Outcome;
    try {
      outcome = decide(this.state, envelope);
    } catch (error) {
      // Part of the command reached the state and none of it the log: memory goes back to what the log holds.
      if (error instanceof CommandFailed) this.state = this.rebuildState();
      throw error;
    }
    if (outcome.ok && outcome.events.length > 0) {
      this.store.append(outcome.events as unknown as StoredEvent[]);
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
    if (wait > 0) setTimeout(() => this.flushNow(), wait);
    else setImmediate(() => this.flushNow());
  }

  /** Commit, then fan out the events, then send the replies: nothing is heard of before it is durable. */
  flushNow(): void {
    this.flushScheduled = false;
    const events = this.pendingEvents;
    const replies = this.pendingReplies;
    this.pendingEvents = [];
    this.pendingReplies = [];
    if (events.length > 0) {
      this.lastCommitAt = performance.now();
      this.store.commit();
    }
    this.corked = new Set();
    try {
      for (const event of events) this.fanOut(event);
      for (const { connection, frame } of replies) this.send(connection, frame);
    } finally {
      for (const socket of this.corked) socket.uncork();
      this.corked = null;
    }
    // After the replies, so that this turn's clients do not wait for it.
    this.eventsSinceSnapshot += events.length;
    if (this.eventsSinceSnapshot >= this.snapshotThreshold()) this.saveSnapshot();
    this.armTimer();
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

  saveSnapshot(): void {
    this.store.saveSnapshot({ seq: this.state.seq, state: this.state });
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
      this.execute({ role: "system" }, { type: "tick" });
      this.flushNow();
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
      if (!connection.viewer) continue;
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
    this.pendingReplies.push({ connection, frame });
    this.scheduleFlush();
  }

  private fail(connection: Connection, reqId: string | undefined, code: string, message: string): void {
    const frame: ErrorFrame = reqId ? { type: "error", reqId, code, message } : { type: "error", code, message };
    this.reply(connection, frame);
  }

  // ---- connections ----------------------------------------------------------------------------------

  attach(ws: WebSocket, helloTimeoutMs = 10_000): void {
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
      this.detach(connection);
    });
    ws.on("message", (data, isBinary) => {
      let raw = "";
      try {
        if (isBinary) {
          this.fail(connection, undefined, "protocol/malformed", "Frames are JSON text, not binary.");
          return;
        }
        raw = data.toString();
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

  private dropHelloTimer(connection: Connection): void {
    if (connection.helloTimer) clearTimeout(connection.helloTimer);
    connection.helloTimer = null;
  }

  private detach(connection: Connection): void {
    this.connections.delete(connection);
    this.supervisors.delete(connection);
    if (connection.userId) {
      const remaining = this.byUser.get(connection.userId);
      remaining?.delete(connection);
      if (!remaining || remaining.size === 0) this.armOffline(connection.userId);
    }
    if (connection.viewer?.role === "customer") this.byCustomer.get(connection.viewer.key)?.delete(connection);
  }

  /**
   * A rep whose last connection dropped is set Offline after a grace period, so that a closed terminal
   * does not keep receiving offers (and going to RONA); a reconnect within the grace keeps the presence.
   */
  private armOffline(userId: string): void {
    if (this.closed || this.offlineTimers.has(userId)) return;
    const cancel = this.clock.setTimer(() => {
      this.offlineTimers.delete(userId);
      const user = this.state.users[userId];
      if (
        this.closed ||
        !user ||
        user.deleted ||
        user.presence === "offline" ||
        (this.byUser.get(userId)?.size ?? 0) > 0
      )
        return;
      this.execute({ role: user.role, id: userId } as Actor, { type: "presence", presence: "offline" });
      this.flushNow();
    }, this.presenceGraceMs);
    this.offlineTimers.set(userId, cancel);
  }

  /** Ping every client; terminate those that did not answer the last ping. */
  heartbeat(): void {
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
    const decoded = decodeClientFrame(raw, connection.role);
    if (!decoded.ok) {
      this.fail(connection, reqIdOf(raw), decoded.code, decoded.message);
      return;
    }
    const frame = decoded.value;
    if (frame.type === "hello") {
      if (connection.role) this.fail(connection, undefined, "protocol/invalid", "Already said hello.");
      else this.onHello(connection, frame);
      return;
    }
    this.onRequest(connection, frame);
  }

  private closeWith(connection: Connection, code: number, errorCode: string, message: string): void {
    this.send(connection, { type: "error", code: errorCode, message });
    connection.ws.close(code, message.slice(0, 120));
  }

  private userForToken(token: string): string | null {
    const hash = tokenHash(token);
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
      const userId = this.userForToken(hello.token);
      const user = userId ? this.state.users[userId] : undefined;
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
      connection.viewer = { role: hello.role, id: user.id };
      connection.actor = {
        role: user.role === "supervisor" && hello.role === "supervisor" ? "supervisor" : user.role,
        id: user.id,
      } as Actor;
      this.index(this.byUser, user.id, connection);
      this.offlineTimers.get(user.id)?.();
      this.offlineTimers.delete(user.id);
      if (hello.role === "supervisor") this.supervisors.add(connection);
    }
    this.dropHelloTimer(connection);
    this.welcome(connection, hello.lastSeq, conversationTokenOut);
  }

  private index(map: Map<string, Set<Connection>>, key: string, connection: Connection): void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(connection);
  }

  /** Welcome with a snapshot, or resume: the events missed since `lastSeq`, projected for this viewer. */
  private welcome(connection: Connection, lastSeq: number | undefined, token: string | undefined): void {
    // Make sure what is pending is durable and fanned out first, so the snapshot and the stream agree.
    if (this.pendingEvents.length > 0) this.flushNow();
    const viewer = connection.viewer!;
    const actor = connection.actor!;
    const session: Welcome["session"] = {
      role: connection.role!,
      userId: connection.userId,
      name: connection.userId ? (this.state.users[connection.userId]?.name ?? null) : null,
    };
    if (token) session.conversationToken = token;
    else if (actor.role === "customer") {
      const own = conversationIdsOf(this.state, actor.key)
        .map((id) => this.state.conversations[id]!)
        .find((c) => c.state !== "closed");
      if (own) session.conversationToken = conversationToken(this.org.secret, own.id, actor.key);
    }
    const seq = this.state.seq;
    const canResume = lastSeq !== undefined && lastSeq <= seq && seq - lastSeq <= MAX_RESUME_EVENTS;
    if (!canResume) {
      const snap = snapshot(this.state, viewer);
      for (const c of snap.conversations) connection.seen.add(c.id);
      for (const c of snap.customerConversations) connection.seen.add(c.id);
      this.send(connection, {
        type: "welcome",
        v: PROTOCOL_VERSION,
        seq,
        session,
        mode: "snapshot",
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
      mode: "resume",
      snapshot: null,
      serverTime: this.clock.now(),
    });
    // Missed events, projected with the current state: conversations come whole the first time, so
    // nothing is lost, and clients drop messages whose id they already hold, so nothing shows twice.
    // A conversation sent whole here already holds every message up to now: later replayed messages
    // of it are not sent again.
    const sentWhole = new Set<string>();
    for (const stored of this.store.eventsAfter(lastSeq)) {
      const event = stored as unknown as DomainEvent;
      const changes = changesFor(this.state, event, viewer, connection.seen).filter(
        (change) => !(change.kind === "message" && sentWhole.has(change.conversationId)),
      );
      for (const change of changes) {
        if ((change.kind === "conversation" || change.kind === "customer_conversation") && change.conversation.messages)
          sentWhole.add(change.conversation.id);
      }
      if (changes.length > 0) this.send(connection, { type: "event", seq: event.seq, at: event.at, changes });
    }
    const snap = snapshot(this.state, viewer);
    for (const c of snap.conversations) connection.seen.add(c.id);
    // A resuming customer already holds their conversation too: later events add to it, not resend it.
    for (const c of snap.customerConversations) connection.seen.add(c.id);
    // Presence and capacity may have changed many times: send their current values once.
    const me = connection.userId ? this.state.users[connection.userId] : undefined;
    if (me) {
      const changes: Change[] = [{ kind: "user", user: userView(me) }];
      for (const offer of snap.offers) changes.push({ kind: "offer", offer });
      this.send(connection, { type: "event", seq, at: this.clock.now(), changes } satisfies EventFrame);
    }
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
      case "status":
        this.answerStatus(connection, request.reqId, request.conversationId);
        return null;
      case "targets":
        this.reply(connection, { type: "ack", reqId: request.reqId, result: this.targets() });
        return null;
      case "open_items":
        this.reply(connection, { type: "ack", reqId: request.reqId, result: this.openItems(connection.userId!) });
        return null;
      case "presence":
        return { type: "presence", presence: request.presence };
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
        return { type: "note", conversationId: request.conversationId, text: request.text };
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

  private answerStatus(connection: Connection, reqId: string, conversationId: string): void {
    const actor = connection.actor as Actor & { role: "customer" };
    const c = this.state.conversations[conversationId];
    if (!c || c.customer.key !== actor.key || (actor.conversationId !== undefined && actor.conversationId !== c.id)) {
      this.fail(connection, reqId, "conversation/not_found", `There is no conversation ${conversationId}.`);
      return;
    }
    const queue = this.state.queues[c.queueId];
    const position = c.state === "open" && queue ? queue.open.indexOf(c.id) + 1 : 0;
    const stats = this.state.waitStats[c.workstreamId];
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
      queues: this.state.org.queues.map((q) => ({
        id: q.id,
        name: q.name,
        open: this.state.queues[q.id]?.open.length ?? 0,
      })),
      reps: this.state.org.users.map((u) => userView(this.state.users[u.id]!)),
      at: this.clock.now(),
    };
  }

  /** Open work items a rep may pick (S3). */
  /** What this rep could pick now (S3): not one waiting for a transfer's target, nor one they still wrap up. */
  private openItems(userId: string): Record<string, unknown> {
    const me = this.state.users[userId];
    const items = [];
    for (const queueId of me?.queues ?? []) {
      let listed = 0;
      for (const id of this.state.queues[queueId]?.open ?? []) {
        const c = this.state.conversations[id];
        if (!c || c.transfer || me?.items[id]?.role === "wrapup") continue;
        items.push(conversationView(this.state, c, false));
        if (++listed === 50) break;
      }
    }
    return { items };
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  stats(): { seq: number; conversations: number; connections: number } {
    return {
      seq: this.state.seq,
      conversations: Object.keys(this.state.conversations).length,
      connections: this.connections.size,
    };
  }

  close(): void {
    if (this.closed) return;
    this.flushNow();
    this.closed = true;
    this.cancelTimer?.();
    for (const cancel of this.offlineTimers.values()) cancel();
    for (const connection of this.connections) connection.ws.close(CloseCode.goingAway, "server shutting down");
    this.saveSnapshot();
    this.store.close();
  }
}

function withClientId<T extends Command>(command: T, clientId: string | undefined): T {
  if (clientId !== undefined) (command as T & { clientId?: string }).clientId = clientId;
  return command;
}

function applyStored(state: State, event: StoredEvent): void {
  evolve(state, event as unknown as DomainEvent);
}
