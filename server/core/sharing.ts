// Two replicas of the state in one process — the writer's and the gateway's, each built by evolve from the same
// events — hold one conversation record between them wherever they agree, instead of a copy each (server/hub.ts
// shares them). A shared record is never changed under the other state: before evolve changes it for one state, the
// other is given a copy of it as it was (copy on write), and the one that changes it keeps the record itself, so that
// a reference taken before the change (decide holds some across the events it applies) still sees the record. States
// in other processes (a gateway on another node) share nothing and never copy.
import type { Conversation, DomainEvent, State } from "./model.js";
import { dictOrEmpty } from "./dict.js";

/** The two states that hold each shared record (weakly: a state replaced by a rebuild is not kept alive by them). */
const sharedBy = new WeakMap<Conversation, readonly [WeakRef<State>, WeakRef<State>]>();

/** A copy of `c` that shares nothing changeable with it (its customer and context never change once created). */
function copyConversation(c: Conversation): Conversation {
  const copy: Conversation = {
    ...c,
    participants: [...c.participants],
    consultants: [...c.consultants],
    supervisors: dictOrEmpty(c.supervisors),
    wrapUpBy: [...c.wrapUpBy],
    declinedBy: [...c.declinedBy],
    messages: [...c.messages],
  };
  if (c.wrapUps) copy.wrapUps = [...c.wrapUps];
  if (c.recentClientIds) copy.recentClientIds = [...c.recentClientIds];
  if (c.recentSentiments) copy.recentSentiments = [...c.recentSentiments];
  if (c.notes) copy.notes = [...c.notes];
  return copy;
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

/** The conversations an event names. */
function conversationOf(event: DomainEvent): string | undefined {
  if ("conversationId" in event) return event.conversationId;
  if (event.type === "conversation_created") return event.conversation.id;
  if (event.type === "offered") return event.offer.conversationId;
  return undefined;
}

/**
 * Let `replica` hold `source`'s records of the conversations `events` touched, when both states have applied the
 * same events (the same seq: evolve is deterministic, so the records are equal). Otherwise nothing is shared now:
 * `source` is ahead (it decided more since), and the replica keeps its own, committed, records.
 */
export function shareConversations(source: State, replica: State, events: readonly DomainEvent[]): void {
  if (source === replica || source.seq !== replica.seq) return;
  for (const event of events) {
    const id = conversationOf(event);
    if (id !== undefined) share(source, replica, id);
  }
}

/** As shareConversations, for every conversation (a replica that has just caught up, at start). */
export function shareAllConversations(source: State, replica: State): void {
  if (source === replica || source.seq !== replica.seq) return;
  for (const id in replica.conversations) share(source, replica, id);
}

function share(source: State, replica: State, id: string): void {
  const c = source.conversations[id];
  if (!c || !(id in replica.conversations)) return;
  if (replica.conversations[id] === c && sharedBy.has(c)) return;
  replica.conversations[id] = c;
  sharedBy.set(c, pairOf(source, replica));
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
