// Two replicas of the state in one process — the writer's and the gateway's, each built by evolve from the same
// events — hold one conversation record between them wherever they agree, instead of a copy each (server/hub.ts
// shares them). A shared record is never changed under the other state: before evolve changes it for one state, the
// other is given a copy of it as it was (copy on write), and the one that changes it keeps the record itself, so that
// a reference taken before the change (decide holds some across the events it applies) still sees the record. States
// in other processes (a gateway on another node) share nothing and never copy.
import { conversationIdOf } from "./audience.js";
import type { Conversation, DomainEvent, State } from "./model.js";

/**
 * The states each state shares records with (weakly: a state replaced by a rebuild is not kept alive by them). A record
 * is shared exactly when another state of its state's list holds the same object under the same id: nothing is kept
 * per record (a WeakMap entry per shared record cost each conversation ~50 bytes, parked ones for weeks).
 */
const partners = new WeakMap<State, WeakRef<State>[]>();

/**
 * A copy of `c` for the other state. A shallow copy is enough: evolve never changes a record's arrays or dictionaries
 * in place, it gives the record new ones (its customer and context never change once created), so the two records
 * may hold the same ones. One copy per event on a shared record: a message costs this one object, not its arrays.
 */
function copyConversation(c: Conversation): Conversation {
  return { ...c };
}

/** For evolve: the conversation `id` of `state`, its own to change (the other state got a copy), or undefined. */
export function ownConversation(state: State, id: string): Conversation | undefined {
  const c = state.conversations[id];
  const others = c && partners.get(state);
  if (!c || !others) return c;
  for (const ref of others) {
    const other = ref.deref();
    if (other && other !== state && other.conversations[id] === c) other.conversations[id] = copyConversation(c);
  }
  return c;
}

/** Events that may change conversations they do not name (declines forgotten, a removed rep's wrap-ups). */
function changesOthers(event: DomainEvent): boolean {
  return event.type === "presence_changed" || event.type === "user_deleted";
}

/**
 * The conversations `ahead` touches, when `source` is exactly `ahead` past a replica at `replicaSeq` and `ahead`
 * changes no record it does not name; null otherwise (a command that failed part-way, a rebuild).
 */
function newerIn(source: State, replicaSeq: number, ahead: readonly DomainEvent[]): Set<string> | null {
  if (source.seq !== replicaSeq + ahead.length) return null;
  if (ahead.length > 0 && (ahead[0]!.seq !== replicaSeq + 1 || ahead.some(changesOthers))) return null;
  const newer = new Set<string>();
  for (const event of ahead) {
    const id = conversationIdOf(event);
    if (id !== undefined) newer.add(id);
  }
  return newer;
}

/** Events that change their conversation's record and, outside it, only the counters (evolve's `evolveAdopted`). */
export type RecordOnlyEvent = Extract<DomainEvent, { type: "message_added" | "sentiment_changed" }>;

export function isRecordOnly(event: DomainEvent): event is RecordOnlyEvent {
  return event.type === "message_added" || event.type === "sentiment_changed";
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The replica in `source`'s process takes the events just published: `apply` is its own evolve of them (evolveReplica),
 * given the conversations whose records it adopted first; afterwards it holds `source`'s records of the other
 * conversations the events touched, wherever the two agree.
 *
 * `source` has applied the same events and then `ahead` (decided, not yet committed), so a record `ahead` touches is
 * newer in `source` and the replica keeps its own, committed, one; evolve is deterministic, so every other record is
 * equal in both. When `source` is not exactly `events` and `ahead` past the replica (a command that failed part-way, a
 * rebuild), or `ahead` may have changed records it does not name, nothing is shared now.
 *
 * Adopted before `apply`: each conversation whose events in the batch all change its record alone (a message, its
 * sentiment) takes `source`'s record, already past them, rather than the replica changing a copy of its own that
 * sharing would then replace; the replica applies those events to its counters only. Not when an event of the batch
 * may change records it does not name.
 */
export function applyShared(
  source: State,
  replica: State,
  events: readonly DomainEvent[],
  ahead: readonly DomainEvent[],
  apply: (adopted: ReadonlySet<string>) => void,
): void {
  const after = replica.seq + events.length;
  const consecutive = events.length === 0 || events[0]!.seq === replica.seq + 1;
  const newer = source !== replica && consecutive ? newerIn(source, after, ahead) : null;
  const adopted = newer === null || events.some(changesOthers) ? NONE : adopt(source, replica, events, newer);
  apply(adopted);
  if (newer === null || replica.seq !== after || source.seq !== after + ahead.length) return;
  for (const event of events) {
    const id = conversationIdOf(event);
    if (id !== undefined && !newer.has(id) && !adopted.has(id)) share(source, replica, id);
  }
}

/** applyShared's adoption: the conversations of `events` that only record-only events touch, and not `newer` ones. */
function adopt(
  source: State,
  replica: State,
  events: readonly DomainEvent[],
  newer: ReadonlySet<string>,
): ReadonlySet<string> {
  const recordOnly = new Map<string, boolean>();
  for (const event of events) {
    const id = conversationIdOf(event);
    if (id !== undefined) recordOnly.set(id, (recordOnly.get(id) ?? true) && isRecordOnly(event));
  }
  const adopted = new Set<string>();
  for (const [id, only] of recordOnly) if (only && !newer.has(id) && share(source, replica, id)) adopted.add(id);
  return adopted;
}

/** As applyShared does, for every conversation (a replica that has just caught up, at start). */
export function shareAllConversations(source: State, replica: State): void {
  if (source === replica || source.seq !== replica.seq) return;
  for (const id in replica.conversations) share(source, replica, id);
}

/** `replica` holds `source`'s record of `id` from now on; false when either has none. */
function share(source: State, replica: State, id: string): boolean {
  const c = source.conversations[id];
  if (!c || !(id in replica.conversations)) return false;
  link(source, replica);
  replica.conversations[id] = c;
  return true;
}

/** `a` and `b` know that they may share records from now on. */
function link(a: State, b: State): void {
  partnerOf(a, b);
  partnerOf(b, a);
}

function partnerOf(state: State, other: State): void {
  const known = partners.get(state);
  if (known?.some((ref) => ref.deref() === other)) return;
  const live = known?.filter((ref) => ref.deref() !== undefined) ?? [];
  live.push(new WeakRef(other));
  partners.set(state, live);
}
