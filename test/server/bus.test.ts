// The in-process event bus (server/bus.ts): a subscriber names the seq it holds and gets every committed event
// after it, in seq order and each once, the missed ones read back from the store.
import { describe, expect, it } from "vitest";
import { InProcessBus } from "../../server/bus.js";
import type { DomainEvent } from "../../server/core/model.js";
import { openMemoryStore } from "../../server/store/memory-store.js";
import type { EventStore } from "../../server/store/store.js";

function event(seq: number): DomainEvent {
  return { seq, at: 1_000 + seq, type: "conversation.closed", conversationId: `c${seq}` } as unknown as DomainEvent;
}

/** Commit events `from`..`to` to the store, as the writer does before it publishes them. */
async function commit(store: EventStore, from: number, to: number): Promise<DomainEvent[]> {
  const events: DomainEvent[] = [];
  for (let seq = from; seq <= to; seq++) events.push(event(seq));
  store.append(events, { expectedSeq: from - 1 });
  await store.commit();
  return events;
}

/** What a subscriber was given: every seq, and how many batches they came in. */
function recorder(): { seqs: number[]; batches: number; listener: (events: readonly DomainEvent[]) => void } {
  const got = {
    seqs: [] as number[],
    batches: 0,
    listener: (events: readonly DomainEvent[]) => {
      got.batches++;
      for (const e of events) got.seqs.push(e.seq);
    },
  };
  return got;
}

describe("event bus, in process", () => {
  it("a subscriber at the last seq gets each published batch at once, in order", async () => {
    const store = await openMemoryStore();
    await commit(store, 1, 3);
    const bus = new InProcessBus(store, 3);
    const got = recorder();
    const subscription = bus.subscribe(3, got.listener);
    await subscription.caughtUp;
    bus.publish(await commit(store, 4, 5));
    // Synchronous: the subscriber holds the batch when publish returns.
    expect(got.seqs).toEqual([4, 5]);
    bus.publish(await commit(store, 6, 6));
    expect(got.seqs).toEqual([4, 5, 6]);
    expect(got.batches).toBe(2);
  });

  it("a subscriber from an earlier seq is replayed what it missed from the store, then follows, each event once", async () => {
    const store = await openMemoryStore();
    await commit(store, 1, 5);
    const bus = new InProcessBus(store, 5);
    const got = recorder();
    const subscription = bus.subscribe(2, got.listener);
    // Committed and published while the subscriber is still reading the store: the read may see it too.
    bus.publish(await commit(store, 6, 7));
    await subscription.caughtUp;
    expect(got.seqs).toEqual([3, 4, 5, 6, 7]);
    bus.publish(await commit(store, 8, 8));
    expect(got.seqs).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it("two subscribers from different seqs each get the log in seq order", async () => {
    const store = await openMemoryStore();
    await commit(store, 1, 4);
    const bus = new InProcessBus(store, 4);
    const early = recorder();
    const late = recorder();
    const a = bus.subscribe(0, early.listener);
    const b = bus.subscribe(4, late.listener);
    bus.publish(await commit(store, 5, 5));
    await Promise.all([a.caughtUp, b.caughtUp]);
    expect(early.seqs).toEqual([1, 2, 3, 4, 5]);
    expect(late.seqs).toEqual([5]);
  });

  it("a closed subscription gets nothing more", async () => {
    const store = await openMemoryStore();
    const bus = new InProcessBus(store, 0);
    const got = recorder();
    const subscription = bus.subscribe(0, got.listener);
    bus.publish(await commit(store, 1, 1));
    subscription.close();
    bus.publish(await commit(store, 2, 2));
    expect(got.seqs).toEqual([1]);
  });

  it("refuses events published out of seq order", async () => {
    const store = await openMemoryStore();
    const bus = new InProcessBus(store, 0);
    bus.publish([event(1), event(2)]);
    expect(() => bus.publish([event(2)])).toThrow(/seq order/);
  });
});
