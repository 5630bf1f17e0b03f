// The bus of a follower: the events come from the shared log, not from a writer in this process. Each commit of the
// Postgres store notifies `cc_events` with the events themselves (when they fit); those are handed over at once. On a
// notification without them or after a gap, and on a safety poll (a notification sent while the
// listening connection was cut is lost), the bus reads what the log holds after the last seq it handed over and
// publishes it to an InProcessBus, which gives subscribers the same catch-up-then-follow semantics as on the leader.
import { Listener } from "./listener.js";
import type { DomainEvent } from "../core/model.js";
import { EVENTS_CHANNEL, parseEventPayload } from "../store/postgres-store.js";
import { InProcessBus, type CommittedLog, type EventBus, type EventListener, type Subscription } from "../bus.js";

export interface LogFollowingBusOptions {
  /** The Postgres URL the store uses: the bus holds one connection of its own there, for LISTEN. */
  url: string;
  /** How often the log is read when no notification came (ms). */
  pollMs?: number;
  /** How long to wait before connecting again after the listening connection was cut (ms). */
  reconnectMs?: number;
  /** Told of a failed read or a cut connection (the bus carries on). */
  onError?: (error: unknown) => void;
}

export class LogFollowingBus implements EventBus {
  private readonly local: InProcessBus;
  private seq: number;
  private reading: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private listener: Listener | null = null;
  private readonly poll: NodeJS.Timeout;
  private readonly seqWatchers = new Set<(seq: number) => void>();

  private constructor(
    private readonly log: CommittedLog,
    lastSeq: number,
    private readonly options: LogFollowingBusOptions,
  ) {
    this.seq = lastSeq;
    this.local = new InProcessBus(log, lastSeq);
    this.poll = setInterval(() => void this.read(), options.pollMs ?? 1_000);
    this.poll.unref();
  }

  /** A bus following the log from `lastSeq` (the seq the replica was loaded at); resolves once it listens. */
  static async open(log: CommittedLog, lastSeq: number, options: LogFollowingBusOptions): Promise<LogFollowingBus> {
    const bus = new LogFollowingBus(log, lastSeq, options);
    try {
      bus.listener = await Listener.open({
        url: options.url,
        channel: EVENTS_CHANNEL,
        ...(options.reconnectMs === undefined ? {} : { reconnectMs: options.reconnectMs }),
        onNotification: (payload) => bus.notified(payload),
        onListening: () => void bus.read(),
        onError: (error) => options.onError?.(error),
      });
    } catch (error) {
      await bus.close();
      throw error;
    }
    void bus.read();
    return bus;
  }

  /** The seq of the last event handed to subscribers. */
  lastSeq(): number {
    return this.seq;
  }

  /** Called after each batch handed over, with the new last seq (a command channel waits on it for outcomes). */
  onSeq(watcher: (seq: number) => void): () => void {
    this.seqWatchers.add(watcher);
    return () => this.seqWatchers.delete(watcher);
  }

  /**
   * What the writer of this node committed, handed over at once (on the leader the bus carries its own commits
   * without waiting for the log to be read back). Events the log read already handed over are skipped; the writer
   * starts from the seq this bus reached (ClusterNode catches the bus up before it opens a writer).
   */
  publish(events: readonly DomainEvent[]): void {
    this.handOver(events);
  }

  subscribe(afterSeq: number, listener: EventListener): Subscription {
    return this.local.subscribe(afterSeq, listener);
  }

  /**
   * A commit's notification: the events it carries follow on from the last seq handed over, so they are handed over
   * at once, without a read; a gap before them, or a notification without them, is read from the log.
   */
  notified(payload: string): void {
    if (this.closed) return;
    const carried = parseEventPayload(payload);
    if (carried !== null && carried.last <= this.seq) return;
    const bodies = carried === null || carried.first > this.seq + 1 ? null : carried.bodies();
    if (bodies === null || bodies.length === 0) {
      void this.read();
      return;
    }
    let events: DomainEvent[];
    try {
      events = bodies.map((body) => JSON.parse(body) as DomainEvent);
    } catch {
      void this.read();
      return;
    }
    this.handOver(events);
  }

  /** Read the log now (serialised: a read asked for during one runs after it). Resolves when no read is under way. */
  read(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        try {
          await this.readOnce();
        } catch (error) {
          this.options.onError?.(error);
        }
      } while (this.again && !this.closed);
      this.reading = null;
    })();
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    let batch: DomainEvent[] = [];
    const flush = (): void => {
      if (this.closed) return;
      this.handOver(batch);
      batch = [];
    };
    for await (const event of this.log.eventsAfter(this.seq)) {
      if (this.closed) return;
      batch.push(event as unknown as DomainEvent);
      if (batch.length === 1_000) flush();
    }
    flush();
  }

  /** Events in seq order, each once: those at or below the last seq handed over (the writer's, or read) are skipped. */
  private handOver(events: readonly DomainEvent[]): void {
    const fresh = events.filter((event) => event.seq > this.seq);
    if (fresh.length === 0) return;
    this.local.publish(fresh);
    this.seq = fresh.at(-1)!.seq;
    for (const watcher of this.seqWatchers) watcher(this.seq);
  }

  /** Stop listening and polling; subscribers get nothing more. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    await this.listener?.close();
    await this.reading;
  }
}
