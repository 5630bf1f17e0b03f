// A client's welcome: a snapshot of what it may see, or a resume (the events it missed since the seq it holds,
// projected for it), computed from the gateway's replica. docs/protocol.md, "Sequence numbers and resume".
import type { Actor, State } from "../core/model.js";
import { conversationIdsOf } from "../core/indexes.js";
import { userView } from "../core/org-views.js";
import { snapshot } from "../core/snapshot.js";
import type { Seen } from "../core/changes.js";
import type { Viewer } from "../core/viewer.js";
import { replay } from "../replay.js";
import { collect } from "./connection.js";
import type { EventStore, StoredEvent } from "../store/store.js";
import { conversationToken } from "../../src/protocol/identity.js";
import { PROTOCOL_VERSION } from "../../src/protocol/messages.js";
import type { EventFrame, ServerFrame, SnapshotReason, Welcome } from "../../src/protocol/messages.js";
import type { Change } from "../../src/protocol/views.js";

/** A resume further back than this many events gets a fresh snapshot instead. */
export const MAX_RESUME_EVENTS = 20_000;

/**
 * Why a resume from `lastSeq` cannot be served (null: it can). Only a seq of this log's history, no later than its
 * last committed event, with every event after it still stored, is resumed; anything else gets a snapshot.
 */
export async function resumeRefusal(
  log: Pick<EventStore, "eventsAfter" | "epoch">,
  lastSeq: number,
  epoch: string | undefined,
  seq: number,
  depth: number,
): Promise<SnapshotReason | null> {
  if (epoch !== log.epoch) return "epoch";
  if (lastSeq > seq) return "ahead";
  if (seq - lastSeq > depth) return "too_far_back";
  if (lastSeq < seq) {
    for await (const next of log.eventsAfter(lastSeq, 1)) if (next.seq !== lastSeq + 1) return "missing_events";
  }
  return null;
}

/** Who is welcomed. `seen` (the conversations it was sent whole) grows with what the welcome sends. */
export interface Welcomed {
  role: "rep" | "supervisor" | "customer";
  viewer: Viewer;
  actor: Actor;
  userId: string | null;
  seen: Seen;
}

export interface WelcomeInput {
  /** The replica, at the seq the missed events end at. */
  state: State;
  /** The seq the client holds (undefined: a first hello), and why it cannot be resumed (null: it can). */
  lastSeq: number | undefined;
  refused: SnapshotReason | null;
  /** The committed events after `lastSeq`; null: a snapshot. */
  missedEvents: StoredEvent[] | null;
  /** The conversation token a customer signed in with. */
  token: string | undefined;
  secret: string;
  epoch: string;
  now: number;
}

/** How long a resume waits for a replica that follows the log to reach the client's seq, or what the log holds. */
const REPLICA_WAIT_MS = 2_000;

/** Those waiting for the replica to reach a seq (a resume on a node whose replica follows the log). */
export class ReplicaProgress {
  private waiters: { seq: number; resolve: () => void }[] = [];

  constructor(private readonly seq: () => number) {}

  /** The replica applied events: those waiting for what it holds now go on. */
  advanced(): void {
    if (this.waiters.length === 0) return;
    const seq = this.seq();
    const reached = this.waiters.filter((w) => w.seq <= seq);
    if (reached.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.seq > seq);
    for (const waiter of reached) waiter.resolve();
  }

  /** Resolves once the replica holds `seq`, or after `ms` (the caller checks which). */
  at(seq: number, ms: number): Promise<void> {
    if (this.seq() >= seq) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { seq, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      }, ms).unref();
    });
  }
}

/** What a resume reads besides the replica. */
export interface ResumeSource {
  /** The replica, as it is when each step looks. */
  readonly state: State;
  readonly replica: ReplicaProgress;
  readonly committed: Pick<EventStore, "eventsAfter" | "epoch" | "lastSeq">;
  /** What the writer has pending, committed and published. */
  settle(): Promise<void>;
  /** The gateway closed meanwhile. */
  closed(): boolean;
}

/**
 * The events a client holding `lastSeq` missed (null: it gets a snapshot, and `refused` says why when it asked for a
 * resume), up to the replica's seq; null when the gateway closed meanwhile. What the writer has pending is committed
 * and published first, and the missed events are read until they reach the replica's seq, so that the welcome, the
 * stream and the events sent after it agree.
 */
export async function missedSince(
  source: ResumeSource,
  lastSeq: number | undefined,
  epoch: string | undefined,
  depth: number,
): Promise<{ missedEvents: StoredEvent[] | null; refused: SnapshotReason | null } | null> {
  let missedEvents: StoredEvent[] | null = null;
  let refused: SnapshotReason | null = null;
  // With SQLite one pass does (its reads take no event-loop turn); a medium across the network may need more, and a
  // replica that follows the log from another node (a cluster's follower) may be behind the log, or behind a client
  // that was connected to a node further ahead: it is waited for, briefly, before a snapshot is given up to.
  for (let attempt = 1; ; attempt++) {
    await source.settle();
    if (source.closed()) return null;
    // Only a replica behind its log waits: a client ahead of the log itself (a server restored from a backup) is not.
    if (lastSeq !== undefined && lastSeq > source.state.seq) {
      const logSeq = await source.committed.lastSeq();
      if (logSeq > source.state.seq) await source.replica.at(Math.min(lastSeq, logSeq), REPLICA_WAIT_MS);
    }
    const seq = source.state.seq;
    if (lastSeq !== undefined) {
      refused = await resumeRefusal(source.committed, lastSeq, epoch, seq, depth);
      missedEvents = refused === null ? await collect(source.committed.eventsAfter(lastSeq)) : null;
    }
    const caughtUp = missedEvents === null || (missedEvents.at(-1)?.seq ?? lastSeq) === source.state.seq;
    if (caughtUp) return { missedEvents, refused };
    const readUpTo = missedEvents?.at(-1)?.seq ?? 0;
    if (readUpTo > source.state.seq) await source.replica.at(readUpTo, REPLICA_WAIT_MS);
    // The log keeps moving under the resume: a snapshot of the state as it is now.
    if (attempt === 5) return { missedEvents: null, refused };
  }
}

/** The welcome frame and, for a resume, the frames that follow it. */
export function welcomeFrames(client: Welcomed, input: WelcomeInput): ServerFrame[] {
  const { state, lastSeq, missedEvents, token, now } = input;
  let refused = input.refused;
  const { viewer, actor, seen } = client;
  const session: Welcome["session"] = {
    role: client.role,
    userId: client.userId,
    name: client.userId ? (state.users[client.userId]?.name ?? null) : null,
  };
  if (token) session.conversationToken = token;
  else if (actor.role === "customer") {
    const own = conversationIdsOf(state, actor.key)
      .map((id) => state.conversations[id]!)
      .find((c) => c.state !== "closed");
    if (own) session.conversationToken = conversationToken(input.secret, own.id, actor.key);
  }
  const seq = state.seq;
  const snap = snapshot(state, viewer);
  const missed = missedEvents === null ? null : replay(state, missedEvents, viewer, seen, snap);
  if (lastSeq !== undefined && refused === null && missed === null) refused = "closed";
  if (missed === null) {
    for (const c of snap.conversations) seen.add(c.id);
    for (const c of snap.customerConversations) seen.add(c.id);
    return [
      {
        type: "welcome",
        v: PROTOCOL_VERSION,
        seq,
        session,
        epoch: input.epoch,
        mode: "snapshot",
        ...(refused === null ? {} : { snapshotReason: refused }),
        snapshot: snap,
        serverTime: now,
      },
    ];
  }
  const frames: ServerFrame[] = [
    {
      type: "welcome",
      v: PROTOCOL_VERSION,
      seq,
      session,
      epoch: input.epoch,
      mode: "resume",
      snapshot: null,
      serverTime: now,
    },
    ...missed,
  ];
  for (const c of snap.conversations) seen.add(c.id);
  // A resuming customer already holds their conversation too: later events add to it, not resend it.
  for (const c of snap.customerConversations) seen.add(c.id);
  // The replay ends with a frame at the current seq: a client takes the welcome's seq as its own only from it, so that
  // a connection cut during the replay resumes from the last event it got (docs/protocol.md). Staff get their
  // presence and capacity in it (they may have changed many times: their current values, once) and pending offers.
  const changes: Change[] = [];
  const me = client.userId ? state.users[client.userId] : undefined;
  if (me) {
    changes.push({ kind: "user", user: userView(me, state.org.presenceReasons) });
    for (const offer of snap.offers) changes.push({ kind: "offer", offer });
  }
  frames.push({ type: "event", seq, at: now, changes } satisfies EventFrame);
  return frames;
}
