// The event bus: how committed events leave the writer. The writer publishes each group commit once it is durable;
// a subscriber (a gateway keeping its replica of the state) names the seq it holds and gets every event after it, in
// seq order and each once: what it missed is read back from the store, then it follows what is published.
import type { DomainEvent } from "./core/model.js";
import type { EventStore, StoredEvent } from "./store/store.js";

/** Receives committed events in seq order, a batch (a group commit, or a page read back from the store) at a time. */
export type EventListener = (events: readonly DomainEvent[]) => void;

export interface Subscription {
  /** Resolves once the subscriber has caught up with what was committed when it subscribed (rejects if the read failed). */
  readonly caughtUp: Promise<void>;
  /** No more events from now on. */
  close(): void;
}

export interface EventBus {
  /** Committed events, in seq order, after every event published before them. Only what is durable is published. */
  publish(events: readonly DomainEvent[]): void;
  /** Every committed event with seq > `afterSeq`, in order, each once: missed ones from the store, then live ones. */
  subscribe(afterSeq: number, listener: EventListener): Subscription;
}

/** The committed events the bus reads back for a subscriber that is behind. */
export type CommittedLog = Pick<EventStore, "eventsAfter">;

/** Events read back from the store per batch handed to a subscriber that is catching up. */
const REPLAY_BATCH = 1_000;

interface Subscriber {
  listener: EventListener;
  /** The seq of the last event this subscriber was given. */
  seq: number;
  /** Published while it was catching up: given once the read from the store is done. */
  waiting: DomainEvent[][] | null;
  closed: boolean;
}

/**
 * The bus within one process: publishing calls every live subscriber at once (synchronously, before `publish`
 * returns), so that a subscriber that was caught up never lags the writer by more than the commit under way.
 * `lastSeq` is the seq the log ends at when the bus is created.
 */
export class InProcessBus implements EventBus {
  private readonly subscribers = new Set<Subscriber>();
  private published: number;

  constructor(
    private readonly log: CommittedLog,
    lastSeq: number,
  ) {
    this.published = lastSeq;
  }

  publish(events: readonly DomainEvent[]): void {
    if (events.length === 0) return;
    for (const event of events) {
      if (event.seq <= this.published)
        throw new Error(`event ${event.seq} published after event ${this.published}: the bus keeps seq order`);
      this.published = event.seq;
    }
    for (const subscriber of this.subscribers) {
      if (subscriber.waiting) subscriber.waiting.push([...events]);
      else give(subscriber, events);
    }
  }

  subscribe(afterSeq: number, listener: EventListener): Subscription {
    const subscriber: Subscriber = { listener, seq: afterSeq, waiting: null, closed: false };
    this.subscribers.add(subscriber);
    const close = (): void => {
      subscriber.closed = true;
      this.subscribers.delete(subscriber);
    };
    if (afterSeq >= this.published) return { caughtUp: Promise.resolve(), close };
    subscriber.waiting = [];
    const caughtUp = this.catchUp(subscriber).catch((error: unknown) => {
      close();
      throw error;
    });
    return { caughtUp, close };
  }

  /** Read what the subscriber missed from the store, then what was published meanwhile (duplicates skipped). */
  private async catchUp(subscriber: Subscriber): Promise<void> {
    let batch: DomainEvent[] = [];
    for await (const event of this.log.eventsAfter(subscriber.seq)) {
      if (subscriber.closed) return;
      batch.push(event as unknown as DomainEvent);
      if (batch.length === REPLAY_BATCH) {
        give(subscriber, batch);
        batch = [];
      }
    }
    if (subscriber.closed) return;
    if (batch.length > 0) give(subscriber, batch);
    const waiting = subscriber.waiting ?? [];
    subscriber.waiting = null;
    for (const events of waiting) give(subscriber, events);
  }
}

/** Hand over the events this subscriber does not hold yet. */
function give(subscriber: Subscriber, events: readonly (DomainEvent | StoredEvent)[]): void {
  const fresh = events.filter((event) => event.seq > subscriber.seq) as DomainEvent[];
  if (fresh.length === 0) return;
  subscriber.seq = fresh.at(-1)!.seq;
  subscriber.listener(fresh);
}
