// Two replicas of the state in one process — the writer's and the gateway's, each built by evolve from the same
// events — hold one conversation record between them wherever they agree, instead of a copy each (server/hub.ts
// shares them). A shared record is never changed under the other state: before evolve changes it for one state, the
// other is given a copy of it as it was (copy on write), and the one that changes it keeps the record itself, so that
// a reference taken before the change (decide holds some across the events it applies) still sees the record. States
// in other processes (a gateway on another node) share nothing and never copy.
import type { Conversation, DomainEvent, State } from "./model.js";

/** The two states that hold each shared record (weakly: a state replaced by a rebuild is not kept alive by them). */
const sharedBy = new WeakMap<Conversation, readonly [WeakRef<State>, WeakRef<State>]>();

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
  const pair = c && sharedBy.get(c);
  if (!c || !pair) return c;
  sharedBy.delete(c);
  for (const ref of pair) {
    const other = ref.deref();
    if (other && other !== state && other.conversations[id] === c) other.conversations[id] = copyConversation(c);
  }
  return c;
}

/** The conversation an event names. */
function conversationOf(event: DomainEvent): string | undefined {
  if ("conversationId" in event) return event.conversationId;
  if (event.type === "conversation_created") return event.conversation.id;
  if (event.type === "offered") return event.offer.conversationId;
  return undefined;
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
    const id = conversationOf(event);
    if (id !== undefined) newer.add(id);
  }
  return newer;
}

/**
 * Let `replica` hold `source`'s records of the conversations `events` (just applied to the replica) touched, where
 * the two agree: `source` has applied the same events and then `ahead` (decided, not yet committed), so a record
 * `ahead` touches is newer in `source` and the replica keeps its own, committed, one. evolve is deterministic: every
 * other record is equal in both. When `source` is not exactly `ahead` past the replica, or `ahead` may have changed
 * records it does not name, nothing is shared now.
 */
export function shareConversations(
  source: State,
  replica: State,
  events: readonly DomainEvent[],
  ahead: readonly DomainEvent[] = [],
): void {
  const newer = source === replica ? null : newerIn(source, replica.seq, ahead);
  if (newer === null) return;
  for (const event of events) {
    const id = conversationOf(event);
    if (id !== undefined && !newer.has(id)) share(source, replica, id);
  }
}

/** Events that change their conversation's record and, outside it, only the counters (evolve's `evolveAdopted`). */
export type RecordOnlyEvent = Extract<DomainEvent, { type: "message_added" | "sentiment_changed" }>;

export function isRecordOnly(event: DomainEvent): event is RecordOnlyEvent {
  return event.type === "message_added" || event.type === "sentiment_changed";
}

/**
 * Before `replica` applies `events`: each conversation whose events in the batch all change its record alone (a
 * message, its sentiment) and that `ahead` does not touch takes `source`'s record, already past those events, rather
 * than the replica changing a copy of its own that shareConversations would then replace: the replica applies those
 * events with evolveAdopted (the counters only). The ids of the records taken; none when the two states are not
 * exactly `events` and `ahead` apart.
 */
export function adoptConversations(
  source: State,
  replica: State,
  events: readonly DomainEvent[],
  ahead: readonly DomainEvent[] = [],
): ReadonlySet<string> {
  const adopted = new Set<string>();
  if (source === replica || events.length === 0 || events[0]!.seq !== replica.seq + 1) return adopted;
  if (events.some(changesOthers)) return adopted;
  const newer = newerIn(source, replica.seq + events.length, ahead);
  if (newer === null) return adopted;
  const recordOnly = new Map<string, boolean>();
  for (const event of events) {
    const id = conversationOf(event);
    if (id !== undefined) recordOnly.set(id, (recordOnly.get(id) ?? true) && isRecordOnly(event));
  }
  for (const [id, only] of recordOnly) if (only && !newer.has(id) && share(source, replica, id)) adopted.add(id);
  return adopted;
}

/** As shareConversations, for every conversation (a replica that has just caught up, at start). */
export function shareAllConversations(source: State, replica: State): void {
  if (source === replica || source.seq !== replica.seq) return;
  for (const id in replica.conversations) share(source, replica, id);
}

/** `replica` holds `source`'s record of `id` from now on; false when either has none. */
function share(source: State, replica: State, id: string): boolean {
  const c = source.conversations[id];
  if (!c || !(id in replica.conversations)) return false;
  if (replica.conversations[id] === c && sharedBy.has(c)) return true;
  replica.conversations[id] = c;
  sharedBy.set(c, pairOf(source, replica));
  return true;
}

/** One pair of references per pair of states, for all the records they share. */
const pairs = new WeakMap<State, readonly [WeakRef<State>, WeakRef<State>]>();

function pairOf(source: State, replica: State): readonly [WeakRef<State>, WeakRef<State>] {
  const known = pairs.get(replica);
  if (known?.[0].deref() === source) return known;
  const pair = [new WeakRef(source), new WeakRef(replica)] as const;
  pairs.set(replica, pair);
  return pair;
}
