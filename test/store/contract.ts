// What every event store must do, whatever it keeps the log in: run by test/store/contract.test.ts against SQLite
// (a real file in a temp dir) and memory, and by any other implementation against its own medium.
import { afterEach, describe, expect, it } from "vitest";
import {
  SNAPSHOT_PIECE,
  StoreError,
  type EventStore,
  type StoredEvent,
  type StoreErrorCode,
} from "../../server/store/store.js";
import type { StoreOptions } from "../../server/store/queued-store.js";

/** Test threads: an event with `thread` and `n` is the n-th of that thread. */
const threadOf: NonNullable<StoreOptions["threadOf"]> = (e) =>
  typeof e.thread === "string" ? { thread: e.thread, position: e.n as number } : undefined;

export interface TestState {
  queues: Record<string, string[]>;
}

/** One log under test: stores are opened on it, one after another or several at once. */
export interface LogUnderTest {
  /** A store on this log (the log's data, as another process or a restart would see it). */
  open(options?: StoreOptions): Promise<EventStore<TestState>>;
  /** From now on the log refuses writes as a full disk does (the store says UNAVAILABLE), until `false`. */
  setFull(full: boolean): void;
  /** Damage the stored snapshot: its piece number `piece` goes missing (media that store snapshots in pieces). */
  dropSnapshotPiece?(piece: number): Promise<void> | void;
  /** Let go of what the log holds (its temp dir). Stores opened on it are closed first. */
  remove(): Promise<void> | void;
}

/** A new, empty log for each test. */
export type NewLog = () => Promise<LogUnderTest> | LogUnderTest;

export function ev(seq: number, type = "contact.offered", payload: Record<string, unknown> = {}): StoredEvent {
  return { seq, at: 1_700_000_000_000 + seq, type, ...payload };
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export async function all(events: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

export async function seqsOf(events: AsyncIterable<StoredEvent>): Promise<number[]> {
  return (await all(events)).map((e) => e.seq);
}

/** The StoreError `action` throws (synchronously) with `code`. */
export function thrown(action: () => unknown, code: StoreErrorCode): StoreError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StoreError);
  expect((caught as StoreError).code).toBe(code);
  return caught as StoreError;
}

/** The StoreError `promise` rejects with, with `code`. */
export async function rejected(promise: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(StoreError);
  expect((caught as StoreError).code).toBe(code);
  return caught as StoreError;
}

/** What a medium can do beyond the contract, for the tests that need it. */
export interface MediumTraits {
  /** Snapshots are stored in pieces, and the log under test can drop one (dropSnapshotPiece). */
  snapshotPieces?: boolean;
}

export function storeContract(name: string, newLog: NewLog, media: MediumTraits = {}): void {
  describe(`${name}: the event store contract`, () => {
    const logs: LogUnderTest[] = [];
    const opened: EventStore<TestState>[] = [];

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close().catch(() => undefined);
      for (const log of logs.splice(0)) await log.remove();
    });

    async function freshLog(): Promise<LogUnderTest> {
      const log = await newLog();
      logs.push(log);
      return log;
    }

    async function openOn(log: LogUnderTest, options?: StoreOptions): Promise<EventStore<TestState>> {
      const store = await log.open(options);
      opened.push(store);
      return store;
    }

    async function open(): Promise<EventStore<TestState>> {
      return openOn(await freshLog());
    }

    it("reads a thread a page at a time: the latest before a position, in order, and whether earlier ones exist", async () => {
      const log = await freshLog();
      const store = await openOn(log, { threadOf });
      const events: StoredEvent[] = [];
      for (let seq = 1; seq <= 30; seq++)
        events.push(seq % 3 === 0 ? ev(seq) : ev(seq, "said", { thread: seq % 3 === 1 ? "a" : "b", n: seq }));
      store.append(events, { expectedSeq: 0 });
      await store.commit();
      store.append([ev(31, "said", { thread: "a", n: 31 })], { expectedSeq: 30 });
      const ns = (page: { events: StoredEvent[] }) => page.events.map((e) => e.n);

      // Pending events are not in it; events of another thread, or of none, never are.
      const latest = await store.threadPage("a", { limit: 4 });
      expect(ns(latest)).toEqual([19, 22, 25, 28]);
      expect(latest.more).toBe(true);
      expect(ns(await store.threadPage("a", { before: 19, limit: 4 }))).toEqual([7, 10, 13, 16]);
      const first = await store.threadPage("a", { before: 7, limit: 4 });
      expect(ns(first)).toEqual([1, 4]);
      expect(first.more).toBe(false);
      expect(await store.threadPage("nobody", { limit: 4 })).toEqual({ events: [], more: false });
      await store.commit();
      expect(ns(await store.threadPage("a", { limit: 1 }))).toEqual([31]);
      expect(ns(await store.threadPage("b", { before: 9, limit: 10 }))).toEqual([2, 5, 8]);
      await rejected(store.threadPage("a", { limit: 0 }), "INVALID_DATA");

      // Another store on the same log reads the same thread.
      await store.close();
      const again = await openOn(log, { threadOf });
      expect(ns(await again.threadPage("a", { before: 8, limit: 100 }))).toEqual([1, 4, 7]);
    });

    it("indexes a log written without threads once, when a store opens it with them", async () => {
      const log = await freshLog();
      const plain = await openOn(log);
      plain.append([ev(1, "said", { thread: "a", n: 1 }), ev(2), ev(3, "said", { thread: "a", n: 3 })], {
        expectedSeq: 0,
      });
      await plain.close();
      const threaded = await openOn(log, { threadOf });
      const page = await threaded.threadPage("a", { limit: 10 });
      expect(page.events.map((e) => e.seq)).toEqual([1, 3]);
      threaded.append([ev(4, "said", { thread: "a", n: 4 })], { expectedSeq: 3 });
      await threaded.close();

      // A store without threads that writes after it: its events are indexed by the next store with threads.
      const plainAgain = await openOn(log);
      plainAgain.append([ev(5, "said", { thread: "a", n: 5 })], { expectedSeq: 4 });
      await plainAgain.close();
      const again = await openOn(log, { threadOf });
      expect((await again.threadPage("a", { limit: 10 })).events.map((e) => e.seq)).toEqual([1, 3, 4, 5]);
    });

    it("stores a snapshot bigger than a piece and reads it back whole", async () => {
      const log = await freshLog();
      const store = await openOn(log);
      const big = "x".repeat(SNAPSHOT_PIECE * 2 + 17);
      store.append([ev(1)], { expectedSeq: 0 });
      await store.saveSnapshot({ seq: 1, state: { queues: { q: [big, "é✓"] } } });
      expect(await store.loadSnapshot()).toEqual({ seq: 1, state: { queues: { q: [big, "é✓"] } } });
      // Saved again at the same seq, smaller: nothing of the bigger one is left in it.
      await store.saveSnapshot({ seq: 1, state: { queues: { q: ["z".repeat(SNAPSHOT_PIECE + 1)] } } });
      expect(await store.loadSnapshot()).toEqual({
        seq: 1,
        state: { queues: { q: ["z".repeat(SNAPSHOT_PIECE + 1)] } },
      });
      store.append([ev(2)], { expectedSeq: 1 });
      await store.saveSnapshot({ seq: 2, state: { queues: { small: ["y"] } } });
      expect(await store.loadSnapshot()).toEqual({ seq: 2, state: { queues: { small: ["y"] } } });
      const reopened = await openOn(log);
      expect(await reopened.loadSnapshot()).toEqual({ seq: 2, state: { queues: { small: ["y"] } } });
    });

    // Run where the medium stores snapshots in pieces (memory keeps one whole: nothing of it can go missing).
    if (media.snapshotPieces === true)
      it("says a snapshot is damaged when one of its pieces is missing, as when it is not JSON any more", async () => {
        const log = await freshLog();
        const store = await openOn(log);
        store.append([ev(1)], { expectedSeq: 0 });
        await store.saveSnapshot({ seq: 1, state: { queues: { q: ["x".repeat(SNAPSHOT_PIECE * 3)] } } });
        await store.close();
        await log.dropSnapshotPiece!(1);
        const reopened = await openOn(log);
        expect(await reopened.lastSeq()).toBe(1);
        const error = await rejected(reopened.loadSnapshot(), "DAMAGED");
        expect(error.message).toMatch(
          /is damaged \(the snapshot at seq 1 is missing piece 1\): restore the file from a backup/,
        );
      });

    it("starts empty", async () => {
      const store = await open();
      expect(await store.lastSeq()).toBe(0);
      expect(store.pending).toBe(0);
      expect(await store.loadSnapshot()).toBeUndefined();
      expect(await all(store.eventsAfter(0))).toEqual([]);
      expect(await store.commit()).toBe(0);
    });

    it("commit writes everything appended, in order, and says how many; nothing is visible before", async () => {
      const store = await open();
      store.append([ev(1), ev(2)], { expectedSeq: 0 });
      store.append([ev(3, "agent.state", { agentId: "a1", state: "ready" })], { expectedSeq: 2 });
      expect(store.pending).toBe(3);
      expect(await all(store.eventsAfter(0))).toEqual([]);
      expect(await store.lastSeq()).toBe(0);

      expect(await store.commit()).toBe(3);
      expect(store.pending).toBe(0);
      expect(await store.lastSeq()).toBe(3);
      expect(await all(store.eventsAfter(0))).toEqual([
        ev(1),
        ev(2),
        ev(3, "agent.state", { agentId: "a1", state: "ready" }),
      ]);
      expect(await store.commit()).toBe(0);
    });

    it("returns the whole event, payload included, as fresh copies", async () => {
      const store = await open();
      const event = ev(1, "message.received", {
        contactId: "c-1",
        text: 'Olá — "quoted" \\ back\nslash 👋',
        nested: { tags: ["vip", "pt"], score: -0.5, none: null },
      });
      store.append([event], { expectedSeq: 0 });
      event["contactId"] = "changed after append";
      await store.commit();

      const [first] = await all(store.eventsAfter(0));
      expect(first).toEqual({ ...event, contactId: "c-1" });
      first!["contactId"] = "changed by a reader";
      expect((await all(store.eventsAfter(0)))[0]).toMatchObject({ contactId: "c-1" });
    });

    it("eventsAfter skips events at or below afterSeq and honours limit", async () => {
      const store = await open();
      store.append(
        range(1, 10).map((seq) => ev(seq)),
        { expectedSeq: 0 },
      );
      await store.commit();
      expect(await seqsOf(store.eventsAfter(3))).toEqual(range(4, 10));
      expect(await seqsOf(store.eventsAfter(3, 4))).toEqual(range(4, 7));
      expect(await seqsOf(store.eventsAfter(0, 0))).toEqual([]);
      expect(await seqsOf(store.eventsAfter(10))).toEqual([]);
      expect(await seqsOf(store.eventsAfter(-1, 2))).toEqual([1, 2]);
      thrown(() => store.eventsAfter(0, -1), "INVALID_DATA");
      thrown(() => store.eventsAfter(0, 1.5), "INVALID_DATA");
      thrown(() => store.eventsAfter(Number.NaN), "INVALID_DATA");
    });

    it("eventPagesAfter reads the same events a page at a time, commits made meanwhile included", async () => {
      const store = await open();
      store.append(
        range(1, 2_500).map((seq) => ev(seq)),
        { expectedSeq: 0 },
      );
      await store.commit();
      const iterator = store.eventPagesAfter(3)[Symbol.asyncIterator]();
      const first = (await iterator.next()).value!;
      expect(first.length).toBeGreaterThan(0);
      store.append([ev(2_501)], { expectedSeq: 2_500 });
      await store.commit();
      const pages = [first];
      for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) pages.push(step.value);
      expect(pages.flat().map((e) => e.seq)).toEqual(range(4, 2_501));
      expect(pages.flat()).toEqual(await all(store.eventsAfter(3)));
      expect(pages.every((page) => page.length > 0)).toBe(true);
      const past: StoredEvent[][] = [];
      for await (const page of store.eventPagesAfter(2_501)) past.push(page);
      expect(past).toEqual([]);
      thrown(() => store.eventPagesAfter(Number.NaN), "INVALID_DATA");
    });

    it("seqs need not be contiguous", async () => {
      const store = await open();
      store.append([ev(2), ev(5), ev(9)], { expectedSeq: 0 });
      await store.commit();
      expect(await seqsOf(store.eventsAfter(0))).toEqual([2, 5, 9]);
      expect(await seqsOf(store.eventsAfter(3))).toEqual([5, 9]);
      expect(await seqsOf(store.eventsAfter(5, 1))).toEqual([9]);
      expect(await store.lastSeq()).toBe(9);
    });

    it("reads long logs page by page; commits may run while an iteration is under way, and it includes them", async () => {
      const store = await open();
      store.append(
        range(1, 2_500).map((seq) => ev(seq)),
        { expectedSeq: 0 },
      );
      await store.commit();
      expect(await seqsOf(store.eventsAfter(0))).toEqual(range(1, 2_500));
      expect(await seqsOf(store.eventsAfter(100, 1_500))).toEqual(range(101, 1_600));

      const iterator = store.eventsAfter(2_490)[Symbol.asyncIterator]();
      expect((await iterator.next()).value?.seq).toBe(2_491);
      store.append([ev(2_501), ev(2_502)], { expectedSeq: 2_500 });
      expect(await store.commit()).toBe(2);
      const rest: number[] = [];
      for (let step = await iterator.next(); step.done !== true; step = await iterator.next())
        rest.push(step.value.seq);
      expect(rest).toEqual(range(2_492, 2_502));
    });

    it("refuses an event whose seq is not greater than the one before it, queueing nothing from that call", async () => {
      const store = await open();
      store.append([ev(1), ev(2), ev(3)], { expectedSeq: 0 });
      await store.commit();
      const error = thrown(() => store.append([ev(3)], { expectedSeq: 3 }), "OUT_OF_ORDER");
      expect(error.message).toContain("3");
      thrown(() => store.append([ev(1)], { expectedSeq: 3 }), "OUT_OF_ORDER");

      store.append([ev(4)], { expectedSeq: 3 });
      thrown(() => store.append([ev(5), ev(6), ev(6)], { expectedSeq: 4 }), "OUT_OF_ORDER");
      expect(store.pending).toBe(1);
      expect(await store.commit()).toBe(1);
      expect(await seqsOf(store.eventsAfter(0))).toEqual([1, 2, 3, 4]);
    });

    it("refuses malformed events and a missing expectedSeq", async () => {
      const store = await open();
      thrown(() => store.append([ev(1.5)], { expectedSeq: 0 }), "INVALID_DATA");
      thrown(() => store.append([{ seq: 1, at: Number.NaN, type: "x" }], { expectedSeq: 0 }), "INVALID_DATA");
      thrown(() => store.append([{ seq: 1, at: 1, type: "" }], { expectedSeq: 0 }), "INVALID_DATA");
      thrown(() => store.append([ev(1, "x", { big: 10n })], { expectedSeq: 0 }), "INVALID_DATA");
      thrown(() => store.append([ev(1)], {} as { expectedSeq: number }), "INVALID_DATA");
      expect(store.pending).toBe(0);
    });

    it("an append is refused with CONFLICT when the log (committed and pending) does not end at expectedSeq", async () => {
      const store = await open();
      thrown(() => store.append([ev(2)], { expectedSeq: 1 }), "CONFLICT");
      store.append([ev(1)], { expectedSeq: 0 });
      // Pending events count: a second command decided on the same state is refused too.
      const error = thrown(() => store.append([ev(2)], { expectedSeq: 0 }), "CONFLICT");
      expect(error.message).toMatch(/ends at seq 1, not 0/);
      store.append([ev(2)], { expectedSeq: 1 });
      await store.commit();
      thrown(() => store.append([ev(3)], { expectedSeq: 1 }), "CONFLICT");
      expect(store.pending).toBe(0);
      store.append([ev(3)], { expectedSeq: 2 });
      await store.commit();
      expect(await seqsOf(store.eventsAfter(0))).toEqual([1, 2, 3]);
    });

    it("when another writer got there first, the commit is refused with CONFLICT, writes nothing and drops what was pending", async () => {
      const log = await freshLog();
      const mine = await openOn(log);
      const theirs = await openOn(log);
      mine.append([ev(1, "mine")], { expectedSeq: 0 });
      theirs.append([ev(1, "theirs"), ev(2, "theirs")], { expectedSeq: 0 });
      expect(await theirs.commit()).toBe(2);

      mine.append([ev(2, "mine")], { expectedSeq: 1 });
      await rejected(mine.commit(), "CONFLICT");
      expect(mine.pending).toBe(0);
      expect((await all(mine.eventsAfter(0))).map((e) => e.type)).toEqual(["theirs", "theirs"]);
      // Decided anew on the log as it is, the next append follows the other writer's events.
      expect(await mine.lastSeq()).toBe(2);
      mine.append([ev(3, "mine")], { expectedSeq: 2 });
      expect(await mine.commit()).toBe(1);
      expect((await all(theirs.eventsAfter(0))).map((e) => `${e.seq} ${e.type}`)).toEqual([
        "1 theirs",
        "2 theirs",
        "3 mine",
      ]);
      // A snapshot is conditional too: theirs has not seen seq 3.
      await rejected(theirs.saveSnapshot({ seq: 2, state: { queues: {} } }), "CONFLICT");
      expect(await mine.loadSnapshot()).toBeUndefined();
    });

    it("a refused write stores nothing of the batch and keeps it pending, in order; the retry commits it whole", async () => {
      const log = await freshLog();
      const store = await openOn(log);
      store.append([ev(1)], { expectedSeq: 0 });
      await store.commit();

      log.setFull(true);
      store.append(
        range(2, 4).map((seq) => ev(seq, "big", { text: "x".repeat(4_000) })),
        { expectedSeq: 1 },
      );
      const error = await rejected(store.commit(), "UNAVAILABLE");
      expect(error.reason).toBe("disk full");
      expect(store.pending).toBe(3);
      // Nothing of it reached the log: another reader sees the last commit only.
      const reader = await openOn(log);
      expect(await seqsOf(reader.eventsAfter(0))).toEqual([1]);
      // Work goes on meanwhile: events appended after the refused batch follow it.
      store.append([ev(5)], { expectedSeq: 4 });
      await rejected(store.commit(), "UNAVAILABLE");
      expect(store.pending).toBe(4);

      log.setFull(false);
      expect(await store.commit()).toBe(4);
      expect(store.pending).toBe(0);
      expect(await seqsOf(reader.eventsAfter(0))).toEqual(range(1, 5));
    });

    it("commits run one at a time; what is appended while one is under way goes with the next", async () => {
      const store = await open();
      store.append([ev(1), ev(2)], { expectedSeq: 0 });
      const first = store.commit();
      store.append([ev(3)], { expectedSeq: 2 });
      expect(store.pending).toBe(3);
      const second = store.commit();
      expect(await first).toBe(2);
      expect(await second).toBe(1);
      expect(await store.commit()).toBe(0);
      expect(await seqsOf(store.eventsAfter(0))).toEqual([1, 2, 3]);
    });

    it("takes a command's outcome with the pending events, refusing a bad id or an outcome that is not JSON", async () => {
      const store = await open();
      thrown(() => store.recordOutcome(0, { ok: true }), "INVALID_DATA");
      thrown(() => store.recordOutcome(1.5, { ok: true }), "INVALID_DATA");
      thrown(() => store.recordOutcome(1, { big: 1n }), "INVALID_DATA");
      store.append([ev(1)], { expectedSeq: 0 });
      store.recordOutcome(1, { ok: true, result: { n: 1 } });
      store.recordOutcome(2, { ok: false, error: { code: "offer/not_found" } });
      expect(await store.commit()).toBe(1);
      // An outcome alone (a refused command decides no event) is a commit of no event.
      store.recordOutcome(3, { ok: false, error: { code: "offer/not_found" } });
      expect(await store.commit()).toBe(0);
      expect(await seqsOf(store.eventsAfter(0))).toEqual([1]);
    });

    it("saves a snapshot (committing pending events with it) and replays the events after it", async () => {
      const store = await open();
      store.append(
        range(1, 5).map((seq) => ev(seq)),
        { expectedSeq: 0 },
      );
      const state = { queues: { sales: ["c-1", "c-2"] } };
      const saving = store.saveSnapshot({ seq: 3, state });
      // The state is taken at the call.
      state.queues.sales.push("changed after the call");
      await saving;
      expect(store.pending).toBe(0);
      expect(await store.lastSeq()).toBe(5);

      const snapshot = await store.loadSnapshot();
      expect(snapshot).toEqual({ seq: 3, state: { queues: { sales: ["c-1", "c-2"] } } });
      expect(await seqsOf(store.eventsAfter(snapshot!.seq))).toEqual([4, 5]);
      // Events covered by the snapshot are kept: clients resume from them.
      expect(await seqsOf(store.eventsAfter(0))).toEqual(range(1, 5));

      await store.saveSnapshot({ seq: 5, state: { queues: {} } });
      expect(await store.loadSnapshot()).toEqual({ seq: 5, state: { queues: {} } });
      await store.saveSnapshot({ seq: 5, state: { queues: { support: [] } } });
      expect(await store.loadSnapshot()).toEqual({ seq: 5, state: { queues: { support: [] } } });
    });

    it("refuses a snapshot ahead of the log or older than the stored one, writing nothing", async () => {
      const store = await open();
      await store.saveSnapshot({ seq: 0, state: { queues: {} } });
      store.append([ev(1), ev(2)], { expectedSeq: 0 });
      await rejected(store.saveSnapshot({ seq: 3, state: { queues: {} } }), "OUT_OF_ORDER");
      expect(store.pending).toBe(2);
      await store.saveSnapshot({ seq: 2, state: { queues: {} } });
      await rejected(store.saveSnapshot({ seq: 1, state: { queues: {} } }), "OUT_OF_ORDER");
      await rejected(store.saveSnapshot({ seq: 2, state: undefined as unknown as TestState }), "INVALID_DATA");
      await rejected(store.saveSnapshot({ seq: -1, state: { queues: {} } }), "INVALID_DATA");
      expect((await store.loadSnapshot())?.seq).toBe(2);
    });

    it("keeps metadata", async () => {
      const store = await open();
      expect(await store.getMeta("demo.secret")).toBeUndefined();
      await store.setMeta("demo.secret", "s3cr3t");
      await store.setMeta("server.name", "Recepção");
      expect(await store.getMeta("demo.secret")).toBe("s3cr3t");
      await store.setMeta("demo.secret", "rotated");
      expect(await store.getMeta("demo.secret")).toBe("rotated");
      expect(await store.getMeta("server.name")).toBe("Recepção");
    });

    it("claims metadata: the first value written wins, and every store racing on one log gets it", async () => {
      const log = await freshLog();
      const [a, b] = await Promise.all([openOn(log), openOn(log)]);
      // Opened at once on a new log: one epoch between them.
      expect(a.epoch).toBe(b.epoch);
      const claimed = await Promise.all([a.claimMeta("demo-secrets", "from-a"), b.claimMeta("demo-secrets", "from-b")]);
      expect(["from-a", "from-b"]).toContain(claimed[0]);
      expect(claimed[1]).toBe(claimed[0]);
      expect(await a.claimMeta("demo-secrets", "later")).toBe(claimed[0]);
      expect(await b.getMeta("demo-secrets")).toBe(claimed[0]);
    });

    it("has an epoch: random per log, the same for every store opened on it", async () => {
      const log = await freshLog();
      const first = await openOn(log);
      expect(first.epoch).toMatch(/^[0-9a-f]{16}$/);
      await first.close();
      expect((await openOn(log)).epoch).toBe(first.epoch);
      expect((await open()).epoch).not.toBe(first.epoch);
    });

    it("a store opened again on the log finds the committed events, the snapshot and the metadata, and nothing uncommitted", async () => {
      const log = await freshLog();
      const first = await openOn(log);
      first.append(
        range(1, 50).map((seq) => ev(seq, "contact.routed", { queue: "sales", n: seq })),
        { expectedSeq: 0 },
      );
      await first.commit();
      await first.saveSnapshot({ seq: 40, state: { queues: { sales: ["c-9"] } } });
      await first.setMeta("demo.secret", "abc");
      first.append([ev(51)], { expectedSeq: 50 });
      // Seen from elsewhere before the commit: not there.
      const before = await openOn(log);
      expect(await before.lastSeq()).toBe(50);
      await first.commit();
      expect(await before.lastSeq()).toBe(51);
      first.append([ev(52)], { expectedSeq: 51 });
      // close() commits what is pending.
      await first.close();

      const second = await openOn(log);
      expect(await second.lastSeq()).toBe(52);
      expect(await all(second.eventsAfter(0))).toEqual([
        ...range(1, 50).map((seq) => ev(seq, "contact.routed", { queue: "sales", n: seq })),
        ev(51),
        ev(52),
      ]);
      expect(await second.loadSnapshot()).toEqual({ seq: 40, state: { queues: { sales: ["c-9"] } } });
      expect(await second.getMeta("demo.secret")).toBe("abc");
      thrown(() => second.append([ev(53)], { expectedSeq: 51 }), "CONFLICT");
      second.append([ev(53)], { expectedSeq: 52 });
      expect(await second.commit()).toBe(1);
    });

    it("close is idempotent, and every member refuses with CLOSED afterwards", async () => {
      const store = await open();
      store.append([ev(1)], { expectedSeq: 0 });
      const closing = store.close();
      expect(store.close()).toBe(closing);
      await closing;
      await store.close();
      thrown(() => store.append([ev(2)], { expectedSeq: 1 }), "CLOSED");
      thrown(() => store.eventsAfter(0), "CLOSED");
      thrown(() => store.eventPagesAfter(0), "CLOSED");
      await rejected(store.commit(), "CLOSED");
      await rejected(store.lastSeq(), "CLOSED");
      await rejected(store.loadSnapshot(), "CLOSED");
      await rejected(store.saveSnapshot({ seq: 1, state: { queues: {} } }), "CLOSED");
      await rejected(store.getMeta("x"), "CLOSED");
      await rejected(store.setMeta("x", "y"), "CLOSED");
    });

    it("close keeps the store closed even when its last commit is refused, and says why", async () => {
      const log = await freshLog();
      const store = await openOn(log);
      store.append([ev(1, "big", { text: "x".repeat(4_000) })], { expectedSeq: 0 });
      log.setFull(true);
      await rejected(store.close(), "UNAVAILABLE");
      await rejected(store.commit(), "CLOSED");
      log.setFull(false);
      expect(await (await openOn(log)).lastSeq()).toBe(0);
    });
  });
}
