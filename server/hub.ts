// The server's parts wired together in one process: one writer (server/writer/), one gateway (server/gateway/), and
// between them the in-process event bus (server/bus.ts) and command channel (server/command-channel.ts). A command
// flows gateway → command channel → writer (decide, commit, publish) → bus → the gateway's replica → views to the
// sockets → the command's answer.
import type { WebSocket } from "ws";
import { initialState } from "./core/evolve.js";
import { applyShared, shareAllConversations } from "./core/sharing.js";
import type { State } from "./core/model.js";
import type { Clock } from "./clock.js";
import type { Logger } from "./logger.js";
import type { OrgFile } from "./org-file.js";
import { toOrg } from "./org-file.js";
import type { EventStore } from "./store/store.js";
import { InProcessBus } from "./bus.js";
import type { Subscription } from "./bus.js";
import { InProcessCommandChannel } from "./command-channel.js";
import { Writer } from "./writer/writer.js";
import { replicaOf } from "./writer/recovery.js";
import type { Health } from "./writer/writer.js";
import { Gateway } from "./gateway/gateway.js";
// The cluster (and the Postgres client) loads only for a node of one: a server on a SQLite file starts without it.
import type { ClusterNode, ClusterNodeOptions, NodeHealth } from "./cluster/node.js";

export interface HubOptions {
  org: OrgFile;
  store: EventStore<State>;
  clock: Clock;
  logger: Logger;
  snapshotEvery?: number;
  /** How long a rep may be disconnected before they are set Offline. */
  presenceGraceMs?: number;
  /**
   * A node of a cluster on this Postgres database (server/cluster/node.ts): `store` serves its reads, and the node
   * runs a writer only while it leads.
   */
  cluster?: Pick<ClusterNodeOptions, "url" | "storeOptions" | "leadership" | "node">;
}

export class Hub {
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly local: Writer | null,
    readonly gateway: Gateway,
    private readonly subscription: Subscription | null,
    /** The cluster node this server is (then `local` is null: the node has a writer while it leads). */
    readonly node: ClusterNode | null = null,
    private readonly store: EventStore<State> | null = null,
  ) {}

  /** The writer: this process's, or the cluster node's while it leads (throws on a follower). */
  get writer(): Writer {
    const writer = this.local ?? this.node?.currentWriter;
    if (!writer) throw new Error("this node does not lead the cluster: it runs no writer");
    return writer;
  }

  /** The writer recovers the state from the log and applies the org file; then the gateway builds its replica. */
  static async open(options: HubOptions): Promise<Hub> {
    const { store, clock, logger } = options;
    if (options.cluster) {
      const { ClusterNode } = await import("./cluster/node.js");
      const node = await ClusterNode.open({
        ...options.cluster,
        org: options.org,
        store,
        clock,
        logger,
        ...(options.snapshotEvery ? { snapshotEvery: options.snapshotEvery } : {}),
        ...(options.presenceGraceMs === undefined ? {} : { presenceGraceMs: options.presenceGraceMs }),
      });
      return new Hub(null, node.gateway, null, node, store);
    }
    const bus = new InProcessBus(store, await store.lastSeq());
    // The replica starts from the state the writer recovered (the latest snapshot and the events after it), not from
    // a second reading of them; the bus brings the rest from the store, up to what the writer committed on start (its
    // org), before the server serves anyone.
    let recovered: State | null = null;
    const writer = await Writer.open({
      org: toOrg(options.org),
      store,
      bus,
      clock,
      logger,
      ...(options.snapshotEvery ? { snapshotEvery: options.snapshotEvery } : {}),
      onRecovered: (state) => {
        recovered = replicaOf(state);
      },
    });
    const replica = recovered ?? initialState(toOrg(options.org));
    const gateway = new Gateway({
      org: options.org,
      state: replica,
      liveAfter: await store.lastSeq(),
      channel: new InProcessCommandChannel(writer),
      log: store,
      clock,
      logger,
      ...(options.presenceGraceMs === undefined ? {} : { presenceGraceMs: options.presenceGraceMs }),
    });
    // In one process the replica holds the writer's conversation records wherever the two agree (core/sharing.ts),
    // not a second copy of every one: a gateway on another node, fed by another bus, keeps its own.
    const subscription = bus.subscribe(replica.seq, (events) =>
      applyShared(writer.state, gateway.state, events, writer.unpublished(), (adopted) =>
        gateway.onCommitted(events, adopted),
      ),
    );
    await subscription.caughtUp;
    shareAllConversations(writer.state, gateway.state);
    return new Hub(writer, gateway, subscription);
  }

  /** The writer's routing state (what is committed, and what waits for its commit). */
  get state(): State {
    return this.local?.state ?? this.node?.currentWriter?.state ?? this.gateway.state;
  }

  /**
   * A new org file while the server runs (SIGHUP, `cc-agent server reload`: server/org-reload.ts). It is applied as at
   * start, and its events fan out at once; sign-ins, secrets and limits follow it from now on; the consoles of a
   * removed user, or signed in with a token the file replaced, are told why and closed.
   */
  async applyOrgFile(file: OrgFile): Promise<{ changed: boolean; removed: string[] }> {
    // Tokens, the secret and limits are not in the core's org: the file as a whole says whether anything changed.
    const changed = JSON.stringify(file) !== JSON.stringify(this.gateway.orgFile);
    // First the core in the writer (a command that fails leaves memory as the log holds it), then the gateway's part.
    const removed = this.node ? await this.node.configure(file) : this.writer.configure(toOrg(file));
    this.gateway.useOrgFile(file);
    // Committed and sent (the aborts with their L4 warning) before anyone is signed out.
    await (this.node ? this.node.settle() : this.writer.settle());
    this.gateway.signOutRevoked();
    return { changed, removed };
  }

  attach(ws: WebSocket, helloTimeoutMs?: number, address?: string): void {
    this.gateway.attach(ws, helloTimeoutMs, address);
  }

  heartbeat(): void {
    this.gateway.heartbeat();
  }

  /** The writer's health; a cluster node's adds its role and whether it is ready (server/cluster/node.ts). */
  health(): Promise<Health | NodeHealth> {
    return this.node ? this.node.health() : Promise.resolve(this.writer.health());
  }

  stats(): { seq: number; conversations: number; connections: number } {
    return this.gateway.stats();
  }

  /** Stop: commit and answer what is pending, close the connections, save a snapshot, close the store. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.node) {
        await this.node.quiesce();
        this.gateway.close();
        try {
          await this.node.close();
        } finally {
          await this.store?.close().catch(() => undefined);
        }
        return;
      }
      await this.writer.quiesce();
      this.gateway.close();
      this.subscription?.close();
      await this.writer.close();
    })();
    return this.closing;
  }
}
