// A node of a cluster sharing one Postgres database (docs/operations.md). Every node is a gateway: it keeps its
// replica from the committed log (LogFollowingBus), holds its clients and fans out to them. It campaigns for
// leadership (leadership.ts); the node elected opens a Writer (snapshot and events after it, every deadline re-armed)
// whose store is fenced by the node's term, and its gateway's commands go to that writer in-process. A node that
// loses leadership stops writing at once (its store's fence refuses every commit), holds what was pending and goes
// back to follower; elected again before the log moved, it resumes that writer; else it abandons it (what it held is
// refused with server/unavailable, and the clients retry on the new leader).
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { initialState, upgradeState } from "../core/evolve.js";
import type { State } from "../core/model.js";
import type { Org } from "../core/org.js";
import { droppedBy } from "../core/decide/admin.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import type { OrgFile } from "../org-file.js";
import { toOrg } from "../org-file.js";
import type { Subscription } from "../bus.js";
import type { EventStore } from "../store/store.js";
import { StoreError } from "../store/store.js";
import { openPostgresStore, postgresFailure } from "../store/postgres-store.js";
import type { StoreOptions } from "../store/queued-store.js";
import { Writer } from "../writer/writer.js";
import { orgAtStart } from "../writer/recovery.js";
import type { Health } from "../writer/writer.js";
import { Gateway } from "../gateway/gateway.js";
import { campaign, LEASE_MS } from "./leadership.js";
import type { Leadership, LeadershipOptions } from "./leadership.js";
import { LogFollowingBus } from "./log-bus.js";
import type { CommandOutcome } from "../command-channel.js";
import { NodeChannel } from "./node-channel.js";
import { PostgresCommandChannel } from "./command-channel-pg.js";
import { CommandInbox } from "./command-inbox.js";
import { NodePresence } from "./presence.js";

/** A writer that lost leadership and was not elected again within this long is abandoned. */
const ABANDON_AFTER_MS = 10_000;
/** How long /healthz waits for the replica to catch up with the log, and for the database to answer. */
const READY_WAIT_MS = 1_000;
/** How often a node that lost leadership looks for another leader. */
const ABANDON_CHECK_MS = 200;
/** How long a starting node waits to lead or to see a leader before it serves. */
const FIRST_ROLE_MS = 10_000;
/** A writer that could not be opened (the database refused) is tried again after this long, while still leader. */
const REOPEN_MS = 1_000;

export type NodeHealth = Health & { role: "leader" | "follower"; ready: boolean };

export interface ClusterNodeOptions {
  url: string;
  org: OrgFile;
  /** The node's store for reads (the replica, resumes, threads); a leader's writer opens one of its own. */
  store: EventStore<State>;
  clock: Clock;
  logger: Logger;
  snapshotEvery?: number;
  presenceGraceMs?: number;
  /** The store options a writer's store is opened with (threadOf). */
  storeOptions?: StoreOptions;
  /** Leadership timings (tests). */
  leadership?: Partial<Pick<LeadershipOptions, "campaignMs" | "leaseMs" | "renewMs" | "frozen">>;
  /** This node's name in cc_leader and cc_nodes. */
  node?: string;
}

export class ClusterNode {
  readonly name: string;
  private writer: Writer | null = null;
  /** Set false when this node's writer is given up: its store's fence then refuses every commit. */
  private writerMayWrite = false;
  private abandonTimer: NodeJS.Timeout | null = null;
  /** Role changes, one at a time. */
  private transition: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly presence: NodePresence;
  private readonly stopWatchingSeq: () => void;
  /** While leading: the followers' commands, run by this node's writer. */
  private inbox: CommandInbox | null = null;

  private constructor(
    private readonly options: ClusterNodeOptions,
    name: string,
    readonly gateway: Gateway,
    private readonly bus: LogFollowingBus,
    private readonly channel: NodeChannel,
    private readonly subscription: Subscription,
    private readonly leadership: Leadership,
    private readonly following: PostgresCommandChannel,
  ) {
    this.name = name;
    this.presence = new NodePresence({
      url: options.url,
      node: name,
      local: () => ({ reps: gateway.repsHere(), role: this.role() }),
      consolesLost: (userIds) => {
        options.logger.warn({ reps: userIds }, "a node went silent: its reps are Offline unless back within the grace");
        gateway.consolesLost(userIds);
      },
      forgetAfterMs: (options.presenceGraceMs ?? 60_000) + 10_000,
      onError: (error) => options.logger.debug({ err: (error as Error).message }, "presence heartbeat failed"),
    });
    // A writer held after a lost leadership is abandoned as soon as another node extends the log.
    this.stopWatchingSeq = bus.onSeq((seq) => {
      if (this.writer && this.leadership.term() === null && seq > this.writer.committedSeq())
        void this.abandon("another node leads and wrote the log");
    });
    leadership.on("elected", (term) => this.queue(() => this.elected(term)));
    leadership.on("lost", (reason) => this.queue(() => this.lost(reason)));
    void this.presence.beat();
  }

  static async open(options: ClusterNodeOptions): Promise<ClusterNode> {
    const { store, logger } = options;
    const name = options.node ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
    const snap = await store.loadSnapshot();
    // Without a snapshot the log is replayed from its start, which names the users, queues and workstreams of the org
    // it began with (the first leader's file), not necessarily of this node's file.
    const replica = snap ? upgradeState(snap.state) : initialState(await orgAtStart(store, toOrg(options.org)));
    const bus = await LogFollowingBus.open(store, replica.seq, {
      url: options.url,
      onError: (error) => logger.warn({ err: (error as Error).message }, "following the log failed; retrying"),
    });
    let presence: NodePresence | null = null;
    let following: PostgresCommandChannel;
    try {
      following = await PostgresCommandChannel.open({
        url: options.url,
        node: name,
        replica: bus,
        onError: (error) => logger.warn({ err: (error as Error).message }, "passing commands to the leader failed"),
      });
    } catch (error) {
      await bus.close();
      throw error;
    }
    const channel = new NodeChannel(following);
    const gateway = new Gateway({
      org: options.org,
      state: replica,
      liveAfter: await store.lastSeq(),
      channel,
      log: store,
      clock: options.clock,
      logger,
      consoleElsewhere: (userId) => presence?.listedElsewhere(userId) ?? false,
      ...(options.presenceGraceMs === undefined ? {} : { presenceGraceMs: options.presenceGraceMs }),
    });
    const subscription = bus.subscribe(replica.seq, gateway.onCommitted);
    await subscription.caughtUp;
    const leadership = campaign({ url: options.url, node: name, ...options.leadership });
    const node = new ClusterNode(options, name, gateway, bus, channel, subscription, leadership, following);
    presence = node.presence;
    logger.info({ node: name }, "cluster node started; campaigning for leadership");
    await node.firstRole();
    return node;
  }

  /**
   * Before the node serves anyone: it leads (its writer open), or another node holds a live lease. A node that finds
   * neither within FIRST_ROLE_MS serves as follower anyway (its commands are refused until a leader is there).
   */
  private async firstRole(): Promise<void> {
    const deadline = Date.now() + FIRST_ROLE_MS;
    while (Date.now() < deadline && !this.closed) {
      if (this.channel.isLeading) return;
      // Not while this node is elected and opening its writer.
      if (this.leadership.term() === null && (await this.presence.leaderElsewhere().catch(() => false))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.options.logger.warn({ node: this.name }, "no node leads the cluster yet: commands are refused until one does");
  }

  /** Heartbeat cc_nodes now (it does every second) and read the other nodes' reps. */
  beat(): Promise<void> {
    return this.presence.beat();
  }

  role(): "leader" | "follower" {
    return this.currentWriter ? "leader" : "follower";
  }

  /** The writer while this node leads. */
  get currentWriter(): Writer | null {
    return this.channel.isLeading && this.leadership.term() !== null ? this.writer : null;
  }

  private queue(change: () => Promise<void>): void {
    this.transition = this.transition.then(change).catch((error: unknown) => {
      this.options.logger.error({ err: (error as Error).message }, "a change of role failed");
    });
  }

  private async elected(term: number): Promise<void> {
    if (this.closed || this.leadership.term() !== term) return;
    this.clearAbandonTimer();
    const held = this.writer;
    if (held) {
      // Elected again: the writer resumes if the log still ends where it left it (its store checks that too).
      const last = await this.options.store.lastSeq();
      if (last === held.committedSeq() && held.resume()) {
        this.channel.lead(held);
        this.options.logger.warn({ term, node: this.name }, "this node leads the cluster again");
        return;
      }
      await this.abandon("the log moved on while this node did not lead");
    }
    for (;;) {
      try {
        await this.openWriter(term);
        return;
      } catch (error) {
        if (this.closed || this.leadership.term() !== term) return;
        this.options.logger.error(
          { err: (error as Error).message, reason: postgresFailure(error) },
          "the elected node could not open its writer; trying again",
        );
        await new Promise((resolve) => setTimeout(resolve, REOPEN_MS));
        if (this.closed || this.leadership.term() !== term) return;
      }
    }
  }

  private async openWriter(term: number): Promise<void> {
    const { options } = this;
    // The replica first reads what the former leader committed: the writer's events follow it on the same bus.
    for (;;) {
      const last = await options.store.lastSeq();
      if (this.bus.lastSeq() >= last) break;
      await this.bus.read();
    }
    this.writerMayWrite = true;
    const store = await openPostgresStore<State>(options.url, {
      ...options.storeOptions,
      fence: () => (this.writerMayWrite ? this.leadership.term() : null),
      // Frozen mid-commit, this node must not hold off the next leader past its lease (its transaction locks cc_leader).
      idleInTransactionMs: options.leadership?.leaseMs ?? LEASE_MS,
    });
    let writer: Writer;
    try {
      writer = await Writer.open({
        org: this.orgToLeadWith(),
        store,
        bus: this.bus,
        clock: options.clock,
        logger: options.logger,
        onDeposed: (reason) => this.deposed(reason),
        ...(options.snapshotEvery ? { snapshotEvery: options.snapshotEvery } : {}),
      });
    } catch (error) {
      this.writerMayWrite = false;
      await store.close().catch(() => undefined);
      throw error;
    }
    try {
      this.inbox = await CommandInbox.open({
        url: options.url,
        writer,
        onError: (error) =>
          options.logger.warn({ err: (error as Error).message }, "reading the followers' commands failed"),
      });
    } catch (error) {
      this.writerMayWrite = false;
      await writer.abandon("the followers' commands could not be read");
      throw error;
    }
    this.writer = writer;
    this.channel.lead(writer);
    if (this.closed || this.leadership.term() !== term) {
      this.armAbandon();
      return;
    }
    options.logger.warn({ term, node: this.name, seq: writer.state.seq }, "this node leads the cluster");
  }

  /**
   * Leadership lost (connection cut, lease not renewed, taken): the fence already refuses this writer's commits, so
   * what it decides from now on is held, never acknowledged, and once a commit was refused it refuses commands with
   * server/unavailable (as while the database is unreachable). Elected again with the log unchanged, it resumes and
   * commits what it held; once another node leads (or after ABANDON_AFTER_MS) it is abandoned and commands go to the
   * leader through the follower's channel.
   */
  private lost(reason: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.writer) {
      this.options.logger.error(
        { reason, node: this.name },
        "this node no longer leads the cluster: it writes nothing",
      );
      this.armAbandon();
    }
    return Promise.resolve();
  }

  /** The store refused a commit (FENCED, CONFLICT): this node does not lead, whatever it thought. */
  private deposed(reason: string): void {
    if (this.abandonTimer) return;
    this.options.logger.error({ reason, node: this.name }, "the writer was refused a commit: this node does not lead");
    this.armAbandon();
  }

  /** Until this node leads again: watch for another leader, and give the writer up when one leads or after a while. */
  private armAbandon(): void {
    if (this.abandonTimer || this.closed) return;
    const since = Date.now();
    let checking = false;
    this.abandonTimer = setInterval(() => {
      if (checking || this.leadership.term() !== null) return;
      if (Date.now() - since > ABANDON_AFTER_MS) {
        void this.abandon(`not elected again within ${ABANDON_AFTER_MS} ms`);
        return;
      }
      checking = true;
      this.presence
        .leaderElsewhere()
        .then((elsewhere) => {
          if (elsewhere && this.leadership.term() === null) void this.abandon("another node leads the cluster");
        })
        .catch(() => undefined)
        .finally(() => (checking = false));
    }, ABANDON_CHECK_MS);
    this.abandonTimer.unref();
  }

  private clearAbandonTimer(): void {
    if (this.abandonTimer) clearInterval(this.abandonTimer);
    this.abandonTimer = null;
  }

  private abandon(reason: string): Promise<void> {
    const writer = this.writer;
    if (!writer) return Promise.resolve();
    this.writer = null;
    this.writerMayWrite = false;
    this.clearAbandonTimer();
    this.channel.follow();
    this.options.logger.warn({ reason, node: this.name }, "the writer of this node was given up");
    const inbox = this.inbox;
    this.inbox = null;
    return Promise.all([inbox?.close(), writer.abandon(reason)]).then(() => undefined);
  }

  /** Role and readiness: the database answers, and the replica holds what the log held when asked. */
  async health(): Promise<NodeHealth> {
    const role = this.role();
    // A writer held after a lost leadership is in an outage too (its commits refused): it says why.
    const writerHealth: Health = this.writer && this.channel.isLeading ? this.writer.health() : { status: "ok" };
    let reachable: string | null = null;
    let caughtUp = false;
    try {
      const last = await within(this.options.store.lastSeq(), READY_WAIT_MS);
      if (this.bus.lastSeq() < last) await within(this.bus.read(), READY_WAIT_MS).catch(() => undefined);
      caughtUp = this.bus.lastSeq() >= last;
    } catch (error) {
      reachable =
        (error instanceof StoreError ? error.reason : undefined) ??
        postgresFailure((error as { cause?: unknown }).cause ?? error) ??
        "database unreachable";
    }
    if (writerHealth.status !== "ok") return { ...writerHealth, role, ready: false };
    if (reachable !== null)
      return { status: "degraded", reason: reachable, since: this.options.clock.now(), pending: 0, role, ready: false };
    return { status: "ok", role, ready: caughtUp };
  }

  /**
   * The org this node's writer starts with. A node that takes the lead from another keeps the org the cluster's log
   * holds: its own file may be out of date (edited and reloaded on another node), and applying it would remove what it
   * lacks, aborting conversations and signing reps out (L4). Its file is applied by a reload, as on any node. A node
   * that leads from its start (alone, or first) applies its file, as a single server does.
   */
  private orgToLeadWith(): Org {
    const own = toOrg(this.gateway.orgFile);
    if (!this.leadership.contested()) return own;
    const cluster = this.gateway.state.org;
    if (JSON.stringify(own) !== JSON.stringify(cluster))
      this.options.logger.warn(
        { wouldRemove: droppedBy(this.gateway.state, own).map(({ kind, id }) => `${kind} ${id}`) },
        "this node's org file differs from the cluster's org: it leads with the cluster's; `cc-agent server reload` applies the file",
      );
    return cluster;
  }

  /**
   * The org file's core part applied: by this node's writer while it leads, else sent to the leader as a command (the
   * gateway takes its own part, tokens, secrets and limits, in any case). What it removed.
   */
  async configure(file: OrgFile): Promise<string[]> {
    const org = toOrg(file);
    const writer = this.currentWriter;
    if (writer) return writer.configure(org);
    if (JSON.stringify(org) === JSON.stringify(this.gateway.state.org)) return [];
    const outcome = await new Promise<CommandOutcome>((resolve) =>
      this.channel.submit({ role: "system" }, { type: "configure", org }, resolve),
    );
    if (!outcome.ok) throw new Error(`the leader did not apply it: ${outcome.error.message}`);
    return (outcome.result?.removed as string[] | undefined) ?? [];
  }

  async settle(): Promise<void> {
    await this.currentWriter?.settle();
  }

  async quiesce(): Promise<void> {
    await this.currentWriter?.quiesce();
  }

  /** Stop campaigning, following and beating; the writer (if leading) saves its snapshot and closes its store. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearAbandonTimer();
    this.stopWatchingSeq();
    await this.transition;
    await this.presence.close();
    await this.inbox?.close();
    this.inbox = null;
    await this.following.close();
    this.subscription.close();
    const writer = this.writer;
    const leading = this.currentWriter !== null;
    if (writer && leading) await writer.close();
    else if (writer) await writer.abandon("the node stopped");
    this.writer = null;
    await this.leadership.close();
    await this.bus.close();
  }
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error("database unreachable")), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
