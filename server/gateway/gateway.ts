// The gateway: the clients' side of the server. It holds the connections, signs clients in, welcomes and resumes
// them, maps their frames to commands for the writer (through the command channel) and answers what only reads.
// It keeps its own replica of the routing state, built by applying the committed events it gets from the bus with
// the core's evolve, so that every view is computed here, next to the sockets, and never shows what is not durable.
// Data flows one way: socket → decode → command → channel → (writer: decide, commit, publish) → bus → replica →
// filtered views to the sockets → the command's answer.
import type { RawData, WebSocket } from "ws";
import { evolveReplica } from "../core/evolve.js";
import type { Actor, DomainEvent, State } from "../core/model.js";
import { staffWatching, typingConversation } from "../core/queries.js";
import { audienceOf, conversationOf, staffOf } from "../core/audience.js";
import { isRecordOnly } from "../core/sharing.js";
import { changesFor } from "../core/changes.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import type { OrgFile } from "../org-file.js";
import { toOrg } from "../org-file.js";
import { signOutReason } from "../org-reload.js";
import type { CommandChannel } from "../command-channel.js";
import { Admission } from "../rate-limit.js";
import { createLiveFigures, waitingByQueue } from "../reports/live.js";
import type { LiveFigures } from "../reports/live.js";
import { TypingThrottle } from "../typing.js";
import { BatchViews, errorFrame, index, SeenConversations, textOf, unindex } from "./connection.js";
import type { Connection, ConnectionIndex } from "./connection.js";
import { isRead, toCommand } from "./to-command.js";
import { MAX_RESUME_EVENTS, missedSince, ReplicaProgress, welcomeFrames } from "./welcome.js";
import type { ResumeSource } from "./welcome.js";
import { ConsolePresence } from "./console-presence.js";
import { Outbox } from "./outbox.js";
import { answerRead } from "./reads.js";
import type { CommittedLog, LogRead, ReadContext } from "./reads.js";
import { signIn, tokenIndex, userForToken } from "./sign-in.js";
import type { TokenIndex } from "./sign-in.js";
import { conversationToken } from "../../src/protocol/identity.js";
import { CloseCode, decodeClientFrame, reqIdOf } from "../../src/protocol/messages.js";
import type { ClientRequest, ErrorFrame, Hello, ServerFrame } from "../../src/protocol/messages.js";

export interface GatewayOptions {
  /** The org file: its secret, the users' tokens and the rate limits are the gateway's. */
  org: OrgFile;
  /** The replica's start: the state as committed at `state.seq` (a snapshot); the bus brings every event after it. */
  state: State;
  /** The seq the log ended at when the server started: events after it are live, fanned out and counted. */
  liveAfter: number;
  channel: CommandChannel;
  log: CommittedLog;
  clock: Clock;
  logger: Logger;
  /** How long a rep may be disconnected before they are set Offline. */
  presenceGraceMs?: number;
  /** Whether a rep has a console on another node of the cluster (then this node does not set them Offline). */
  consoleElsewhere?: (userId: string) => boolean;
}

export class Gateway {
  /** The replica: every committed event the bus brought, applied with evolve. Never anything not yet durable. */
  readonly state: State;
  private org: OrgFile;
  private readonly channel: CommandChannel;
  private readonly committed: CommittedLog;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** Every open connection, by its socket: the socket listeners, shared by all of them, find theirs here. */
  private readonly connections = new Map<WebSocket, Connection>();
  private readonly byUser: ConnectionIndex = new Map();
  private readonly byCustomer: ConnectionIndex = new Map();
  private readonly supervisors = new Set<Connection>();
  private tokens: TokenIndex;
  private nextConnectionId = 1;
  /** Counts the events fanned out: a connection marked with the current one has been given it. */
  private fanOuts = 0;
  /** Frames out: one write per client per batch, answers in the order of the requests. */
  private readonly out: Outbox;
  /** What each connection was given in the batch being fanned out: a view goes once per batch. */
  private readonly batchViews = new BatchViews();
  private closed = false;
  /** Reps' presence by their consoles here: Offline after a grace once the last one went. */
  private readonly consoles: ConsolePresence;
  private readonly admission: Admission;
  private readonly typing: TypingThrottle;
  /** What the reads (reads.ts) take from the gateway. */
  private readonly reads: ReadContext;
  /** Told how long each read of the log took (the benchmark of opening a conversation listens here). */
  readsObserved: ((what: LogRead, ms: number) => void) | null = null;
  /** The monitor's live figures: every committed event folded as it comes. */
  private readonly live: LiveFigures;
  /** Events up to this seq were committed before the server started: the replica catches up with them. */
  private readonly liveAfter: number;
  /** Resumes waiting for the replica to reach a seq. */
  private readonly replica = new ReplicaProgress(() => this.state.seq);
  /** What a resume reads (welcome.ts). */
  private readonly resumeSource: ResumeSource;

  constructor(options: GatewayOptions) {
    this.org = options.org;
    this.state = options.state;
    this.channel = options.channel;
    this.committed = options.log;
    this.clock = options.clock;
    this.log = options.logger;
    this.out = new Outbox(this.channel, this.log);
    this.consoles = new ConsolePresence({
      state: this.state,
      byUser: this.byUser,
      channel: this.channel,
      clock: this.clock,
      send: (connection, frame) => this.out.send(connection, frame),
      graceMs: options.presenceGraceMs ?? 60_000,
      consoleElsewhere: options.consoleElsewhere ?? (() => false),
    });
    this.admission = new Admission(options.org.limits);
    this.typing = new TypingThrottle(() => this.clock.now());
    this.tokens = tokenIndex(options.org.users);
    this.live = createLiveFigures(this.clock.now(), toOrg(options.org));
    this.liveAfter = options.liveAfter;
    this.reads = {
      state: this.state,
      committed: this.committed,
      orgFile: () => this.org,
      clock: this.clock,
      log: this.log,
      channel: this.channel,
      live: this.live,
      out: this.out,
      gone: (connection) => this.closed || !this.connections.has(connection.ws),
      readDone: (what, ms) => this.readsObserved?.(what, ms),
    };
    this.resumeSource = {
      state: this.state,
      replica: this.replica,
      committed: this.committed,
      settle: () => this.channel.settle(),
      closed: () => this.closed,
    };
    if (this.state.seq >= this.liveAfter) this.live.sampleWaiting(waitingByQueue(this.state), this.clock.now());
  }

  /** The org file in force here. */
  get orgFile(): OrgFile {
    return this.org;
  }

  // ---- the replica ----------------------------------------------------------------------------------

  /**
   * Committed events from the bus: applied to the replica, folded into the live figures, fanned out. `adopted`: the
   * conversations whose records the replica already holds past these events (core/sharing.ts applyShared).
   */
  readonly onCommitted = (events: readonly DomainEvent[], adopted?: ReadonlySet<string>): void => {
    this.applyCommitted(events, adopted);
    this.replica.advanced();
  };

  private applyCommitted(events: readonly DomainEvent[], adopted?: ReadonlySet<string>): void {
    // The history the replica catches up with at start is applied only: nobody hears of it, the figures do not count it.
    let first = 0;
    while (first < events.length && events[first]!.seq <= this.liveAfter)
      evolveReplica(this.state, events[first++]!, adopted);
    if (first === events.length) {
      if (this.state.seq === this.liveAfter) this.live.sampleWaiting(waitingByQueue(this.state), this.clock.now());
      return;
    }
    const fresh = first === 0 ? events : events.slice(first);
    // Who could see each event's conversation before it: someone it takes out of their sight is told so.
    const before: (string[] | undefined)[] = [];
    for (const event of fresh) {
      before.push(staffBefore(this.state, event));
      evolveReplica(this.state, event, adopted);
    }
    this.out.cork();
    try {
      for (let i = 0; i < fresh.length; i++) this.fanOut(fresh[i]!, before[i]);
    } finally {
      this.batchViews.end();
    }
    for (const event of fresh) this.live.add(event);
    this.live.sampleWaiting(waitingByQueue(this.state), this.clock.now());
  }

  private fanOut(event: DomainEvent, staffBefore: readonly string[] | undefined): void {
    const audience = audienceOf(this.state, event);
    // Those it took out of their sight hear of it too (audienceOf builds the list for this call alone).
    if (staffBefore !== undefined) audience.users.push(...staffBefore);
    // Each connection once, in the order of the audience (its users', its customers', the supervisors'), marked as
    // given the event instead of gathered into a set first: this runs for every event.
    const round = ++this.fanOuts;
    for (const id of audience.users) {
      const connections = this.byUser.get(id);
      if (connections) for (const c of connections) this.fanOutTo(c, event, round);
    }
    const customers = audience.customer === null ? undefined : this.byCustomer.get(audience.customer);
    if (customers) for (const c of customers) this.fanOutTo(c, event, round);
    if (audience.supervisors) for (const c of this.supervisors) this.fanOutTo(c, event, round);
  }

  private fanOutTo(connection: Connection, event: DomainEvent, round: number): void {
    if (connection.fannedOut === round) return;
    connection.fannedOut = round;
    if (!connection.viewer || !connection.welcomed) return;
    const given = this.batchViews.to(connection);
    const changes = changesFor(this.state, event, connection.viewer, connection.seen, given);
    if (changes.length > 0) this.out.send(connection, { type: "event", seq: event.seq, at: event.at, changes });
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
    // Every field from the start (one object shape, no property added later).
    const connection: Connection = {
      ws,
      id: this.nextConnectionId++,
      role: null,
      viewer: null,
      actor: null,
      userId: null,
      seen: new SeenConversations(),
      alive: true,
      helloTimer: null,
      signedIdentity: undefined,
      admittance,
      whyUnderWay: false,
      fannedOut: 0,
      tokenHash: null,
      welcomed: false,
      held: null,
      answers: [],
    };
    this.connections.set(ws, connection);
    connection.helloTimer = setTimeout(() => {
      if (!connection.role) ws.close(CloseCode.helloTimeout, "no hello");
    }, helloTimeoutMs);
    connection.helloTimer.unref();
    const listeners = this.socketListeners;
    /* eslint-disable @typescript-eslint/unbound-method -- written for the socket that calls them, as their `this` */
    ws.on("error", listeners.error);
    ws.on("pong", listeners.pong);
    ws.on("close", listeners.close);
    ws.on("message", listeners.message);
    /* eslint-enable @typescript-eslint/unbound-method */
  }

  /**
   * The listeners of every socket, made once: a socket calls them with itself as `this`, and its connection is found
   * in `connections`. (Closures made per connection would cost each ~350 bytes for as long as it is open.)
   */
  private readonly socketListeners = ((gateway: Gateway) => ({
    error(this: WebSocket, error: Error): void {
      gateway.log.debug({ connection: gateway.connections.get(this)?.id, err: error.message }, "socket error");
    },
    pong(this: WebSocket): void {
      const connection = gateway.connections.get(this);
      if (connection) connection.alive = true;
    },
    close(this: WebSocket): void {
      const connection = gateway.connections.get(this);
      if (!connection) return;
      gateway.dropHelloTimer(connection);
      gateway.admission.greeted(connection.admittance);
      gateway.detach(connection);
    },
    message(this: WebSocket, data: RawData, isBinary: boolean): void {
      const connection = gateway.connections.get(this);
      if (connection) gateway.onMessage(connection, data, isBinary);
    },
  }))(this);

  private onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    let raw = "";
    try {
      if (!this.admitted(connection, data, isBinary)) return;
      if (isBinary) {
        this.out.fail(connection, undefined, "protocol/malformed", "Frames are JSON text, not binary.");
        return;
      }
      raw = textOf(data);
      this.onFrame(connection, raw);
    } catch (error) {
      this.frameFailed(connection, raw, error);
    }
  }

  /** Never let an exception escape a frame's handling: it is logged and answered, and the server stays up for all. */
  private frameFailed(connection: Connection, raw: string, error: unknown): void {
    this.log.error(
      { connection: connection.id, err: (error as Error).message, stack: (error as Error).stack },
      "request failed",
    );
    this.out.fail(connection, reqIdOf(raw), "server/internal", "The server could not handle this request.");
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
    this.out.reply(connection, frame);
    return false;
  }

  private dropHelloTimer(connection: Connection): void {
    if (connection.helloTimer) clearTimeout(connection.helloTimer);
    connection.helloTimer = null;
  }

  private detach(connection: Connection): void {
    this.connections.delete(connection.ws);
    this.supervisors.delete(connection);
    if (connection.userId) {
      unindex(this.byUser, connection.userId, connection);
      if (connection.role === "rep") {
        // Presence follows the rep's consoles: the last one gone (after a grace), not any one of several.
        this.consoles.consoleGone(connection.userId);
      }
    }
    // The key goes with its last connection: a customer who left (a chat parked in Waiting) costs nothing here.
    if (connection.viewer?.role === "customer") unindex(this.byCustomer, connection.viewer.key, connection);
  }

  /** The reps with a console on this gateway (a cluster node heartbeats them: server/cluster/presence.ts). */
  repsHere(): string[] {
    return this.consoles.repsHere();
  }

  /** Reps whose consoles were on a node that went silent: the same grace as for a console that dropped here. */
  consolesLost(userIds: readonly string[]): void {
    this.consoles.lost(userIds);
  }

  /** Ping every client; terminate those that did not answer the last ping. */
  heartbeat(): void {
    this.admission.prune(this.clock.now(), (key) => (this.byCustomer.get(key)?.length ?? 0) > 0);
    for (const connection of this.connections.values()) {
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
      this.out.fail(connection, reqIdOf(raw), decoded.code, decoded.message);
      return;
    }
    const frame = decoded.value;
    if (frame.type === "hello") {
      if (connection.role) this.out.fail(connection, reqIdOf(raw), "protocol/invalid", "Already said hello.");
      else this.onHello(connection, frame);
      return;
    }
    this.onRequest(connection, frame);
  }

  private closeWith(connection: Connection, code: number, errorCode: string, message: string): void {
    this.out.send(connection, { type: "error", code: errorCode, message });
    connection.ws.close(code, message.slice(0, 120));
  }

  // ---- signing in -----------------------------------------------------------------------------------

  private onHello(connection: Connection, hello: Hello): void {
    const signed = signIn(hello, this.org.secret, this.tokens, this.state, this.clock.now());
    if (!signed.ok) {
      this.closeWith(connection, signed.close, signed.code, signed.message);
      return;
    }
    if (signed.role === "customer") {
      connection.role = "customer";
      // A customer sees as who they act as: one object for both (it is kept for every connected customer).
      connection.actor = signed.actor;
      connection.viewer = signed.actor;
      connection.signedIdentity = hello.role === "customer" ? hello.identity : undefined;
      index(this.byCustomer, signed.actor.key, connection);
    } else {
      const userId = signed.user.id;
      connection.role = signed.role;
      connection.userId = userId;
      connection.tokenHash = signed.tokenHash;
      connection.viewer = { role: signed.role, id: userId };
      connection.actor = signed.actor;
      index(this.byUser, userId, connection);
      if (signed.role === "rep") {
        this.consoles.signedIn(userId);
      }
      if (signed.role === "supervisor") this.supervisors.add(connection);
    }
    const conversationTokenOut = signed.role === "customer" ? signed.conversationToken : undefined;
    this.dropHelloTimer(connection);
    this.admission.greeted(connection.admittance);
    connection.held = [];
    this.welcome(connection, hello.lastSeq, hello.epoch, conversationTokenOut)
      .then(
        () => {
          if (connection.role === "rep" && connection.userId) this.consoles.announce(connection.userId);
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
      this.frameFailed(connection, raw, error);
    }
  }

  /**
   * Welcome with a snapshot, or resume: the events missed since `lastSeq`, projected for this viewer (welcome.ts). The
   * connection is sent no event before its welcome.
   */
  private async welcome(
    connection: Connection,
    lastSeq: number | undefined,
    epoch: string | undefined,
    token: string | undefined,
  ): Promise<void> {
    const missed = await missedSince(this.resumeSource, lastSeq, epoch, this.resumeDepth(connection));
    if (!missed || connection.ws.readyState !== connection.ws.OPEN) return;
    connection.welcomed = true;
    const frames = welcomeFrames(
      {
        role: connection.role!,
        viewer: connection.viewer!,
        actor: connection.actor!,
        userId: connection.userId,
        seen: connection.seen,
      },
      {
        state: this.state,
        lastSeq,
        ...missed,
        token,
        secret: this.org.secret,
        epoch: this.committed.epoch,
        now: this.clock.now(),
      },
    );
    for (const frame of frames) this.out.send(connection, frame);
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

  // ---- requests -------------------------------------------------------------------------------------

  private onRequest(connection: Connection, request: ClientRequest): void {
    const actor = connection.actor!;
    if (request.type === "typing") {
      this.relayTyping(connection, request.conversationId, request.reqId);
      return;
    }
    if (isRead(request)) {
      answerRead(this.reads, connection, request);
      return;
    }
    const reqId = request.reqId;
    if (request.type === "presence" && request.ifLastConsole) {
      // Quitting one of several consoles leaves the rep's presence to the others.
      const consoles = this.consoles.consolesOf(connection.userId!).length;
      if (consoles > 1) {
        this.out.reply(connection, { type: "ack", reqId, result: { kept: true, consoles } });
        return;
      }
    }
    const command = toCommand({ role: connection.role!, identity: connection.signedIdentity }, request);
    const answer = this.out.answerLater(connection);
    this.channel.submit(actor, command, (outcome) => {
      if (!outcome.ok) {
        answer(errorFrame(reqId, outcome.error.code, outcome.error.message));
        return;
      }
      const result: Record<string, unknown> = { ...outcome.result };
      if (request.type === "start" && actor.role === "customer" && typeof result.conversationId === "string") {
        result.conversationToken = conversationToken(this.org.secret, result.conversationId, actor.key);
        delete result.customerKey;
      }
      answer(Object.keys(result).length > 0 ? { type: "ack", reqId, result } : { type: "ack", reqId });
    });
  }

  /**
   * A typing frame: relayed to the other side of the conversation, at most once per TYPING_INTERVAL_MS and direction,
   * never stored. One the sender may not send is dropped (answered only when it has a reqId).
   */
  private relayTyping(connection: Connection, conversationId: string, reqId: string | undefined): void {
    const actor = connection.actor!;
    const c = typingConversation(this.state, actor, conversationId);
    if (!c) {
      if (reqId)
        this.out.fail(
          connection,
          reqId,
          "conversation/not_found",
          `You are not writing in conversation ${conversationId}.`,
        );
      return;
    }
    if (reqId) this.out.reply(connection, { type: "ack", reqId });
    const from = actor.role === "customer" ? "customer" : "rep";
    if (!this.typing.allow(c.id, from)) return;
    if (from === "customer") {
      const frame: ServerFrame = { type: "typing", conversationId: c.id, from };
      for (const id of staffWatching(this.state, c))
        for (const to of this.byUser.get(id) ?? []) this.out.send(to, frame);
    } else {
      const name = this.state.users[connection.userId!]?.name;
      const frame: ServerFrame = name
        ? { type: "typing", conversationId: c.id, from, name }
        : { type: "typing", conversationId: c.id, from };
      for (const to of this.byCustomer.get(c.customer.key) ?? []) {
        const viewer = to.actor as Actor & { role: "customer" };
        if (viewer.conversationId === undefined || viewer.conversationId === c.id) this.out.send(to, frame);
      }
    }
  }

  // ---- the org file ---------------------------------------------------------------------------------

  /** What the gateway takes from a (re)loaded org file: the secret, the users' tokens and the rate limits. */
  useOrgFile(file: OrgFile): void {
    this.org = file;
    this.tokens = tokenIndex(file.users);
    this.admission.limits = file.limits;
  }

  /** Staff connections whose user the org removed, or whose token it replaced, are signed out. */
  signOutRevoked(): void {
    for (const connection of this.connections.values()) {
      const { userId, tokenHash: hash } = connection;
      if (userId === null || hash === null) continue;
      const reason = signOutReason(this.state.users[userId], userForToken(this.tokens, hash) === userId);
      if (reason) this.closeWith(connection, CloseCode.unauthorized, "auth/invalid_token", reason);
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  stats(): { seq: number; conversations: number; connections: number } {
    return {
      seq: this.state.seq,
      // The state keeps every conversation it created: counted, not listed (a health check runs every second or two).
      conversations: this.state.counters.conversation,
      connections: this.connections.size,
    };
  }

  /** The staff signed in now, by user id (each with one connection or more). */
  staffOnline(): string[] {
    return [...this.byUser.keys()];
  }

  /** Close every connection; no timer of the gateway runs after this. */
  close(): void {
    this.closed = true;
    this.consoles.close();
    for (const connection of this.connections.values())
      connection.ws.close(CloseCode.goingAway, "server shutting down");
  }
}

/**
 * The staff who may see `event`'s conversation before it is applied (core/audience.ts staffOf); undefined for an event
 * that changes nobody's sight of it (a message, a sentiment: the hot path pays nothing).
 */
function staffBefore(state: State, event: DomainEvent): string[] | undefined {
  if (isRecordOnly(event)) return undefined;
  const c = conversationOf(state, event);
  if (!c) return undefined;
  const staff: string[] = [];
  staffOf(state, c, staff);
  return staff;
}
