// Derived indexes over a State, kept beside it rather than in it, so that snapshots and events stay as they are.
// Each state gets its indexes built from its contents on first use; from then on evolve, the only writer of the
// state, keeps them current. Entries are added eagerly and dropped lazily: a reader checks that an entry still
// holds (a conversation in `waiting` may have left Waiting since) and removes those that no longer do.
//
// They turn scans over every conversation the server has ever held, or every rep of the org, into work
// proportional to what is asked for: the next Waiting expiry after every group commit, the conversations a rep
// declined when they come back, a customer's conversations at a retried start or a reconnect, the reps that may be
// offered something, the reps that hold a conversation when it closes, and where routing's walk of a queue starts.
import type { Org } from "./org.js";
import type { Conversation, State } from "./model.js";
import { usedUnits } from "./load.js";

export interface Indexes {
  /** Conversations a rep declined while they were queued (their declinedBy may have been cleared since). */
  declined: Set<string>;
  /**
   * Conversation ids of each customer key, in the order they were created: the id itself while there is one (most
   * customers have one conversation; a list of one would cost each ~60 bytes more, in each state), then a list.
   */
  byCustomer: Map<string, string | string[]>;
  /** Reps who went Available (each may have left it since). */
  available: Set<string>;
  /** Available reps who had a free unit of capacity (each may have filled up or left Available since). */
  roomy: Set<string>;
  /**
   * Reps who were given a work item for each conversation (each may have dropped it since), in the order they were
   * first given one. A list of exactly their number (one or two): a Set would cost each active conversation ~200 bytes
   * more, in each state.
   */
  holders: Map<string, readonly string[]>;
  /**
   * Per queue, the ticket (open-queue.ts) from which routing walks it: every conversation before it awaits an answer
   * (offered, or being transferred), which routing steps over (a drain into thousands of freed seats would, at each
   * one). A lower bound: no entry, 0, is always true.
   */
  routeFrom: Map<string, number>;
}

const built = new WeakMap<State, Indexes>();

function add(map: Map<string, string | string[]>, key: string, id: string): void {
  const found = map.get(key);
  if (found === undefined) map.set(key, id);
  else if (typeof found === "string") map.set(key, [found, id]);
  else found.push(id);
}

/** The indexes of `state`, built from it the first time. */
export function indexesOf(state: State): Indexes {
  let found = built.get(state);
  if (!found) {
    found = {
      declined: new Set(),
      byCustomer: new Map(),
      available: new Set(),
      roomy: new Set(),
      holders: new Map(),
      routeFrom: new Map(),
    };
    for (const id in state.conversations) {
      const c = state.conversations[id]!;
      if (c.declinedBy.length > 0) found.declined.add(id);
      add(found.byCustomer, c.customer.key, id);
    }
    for (const id in state.users) {
      const u = state.users[id]!;
      if (u.presence === "available") {
        found.available.add(id);
        found.roomy.add(id);
      }
      for (const conversationId in u.items) addHolder(found, conversationId, id);
    }
    built.set(state, found);
  }
  return found;
}

/**
 * Conversations that went to Waiting (each may have left it since), built on first use apart from the other indexes:
 * only the writer looks for the next Waiting expiry, and a replica that never does keeps no entry per parked
 * conversation.
 */
const waitingBuilt = new WeakMap<State, Set<string>>();

export function waitingIndexOf(state: State): Set<string> {
  let found = waitingBuilt.get(state);
  if (!found) {
    found = new Set();
    for (const id in state.conversations) if (state.conversations[id]!.state === "waiting") found.add(id);
    waitingBuilt.set(state, found);
  }
  return found;
}

/** For evolve: conversation `id` went to Waiting (the index learns it when built). */
export function noteWaiting(state: State, id: string): void {
  waitingBuilt.get(state)?.add(id);
}

/** For evolve: the indexes when they exist (when they do not, their first use builds them from the state). */
export function existingIndexes(state: State): Indexes | undefined {
  return built.get(state);
}

export function indexConversation(indexes: Indexes, customerKey: string, id: string): void {
  add(indexes.byCustomer, customerKey, id);
}

export function addHolder(indexes: Indexes, conversationId: string, repId: string): void {
  const list = indexes.holders.get(conversationId);
  if (!list) indexes.holders.set(conversationId, [repId]);
  else if (!list.includes(repId)) indexes.holders.set(conversationId, [...list, repId]);
}

/** `repId` no longer holds the conversation (its list goes when nobody is left in it). */
export function dropHolder(indexes: Indexes, conversationId: string, repId: string): void {
  const list = indexes.holders.get(conversationId);
  if (!list?.includes(repId)) return;
  if (list.length === 1) indexes.holders.delete(conversationId);
  else
    indexes.holders.set(
      conversationId,
      list.filter((id) => id !== repId),
    );
}

/** Whether some rep holds a work item for the conversation now. */
export function isHeld(state: State, conversationId: string): boolean {
  const list = indexesOf(state).holders.get(conversationId);
  if (list) for (const id of list) if (state.users[id] && conversationId in state.users[id].items) return true;
  return false;
}

/** The reps who hold a work item for the conversation now, in the order they were first given one. */
export function holdersOf(state: State, conversationId: string): string[] {
  const indexes = indexesOf(state);
  const list = indexes.holders.get(conversationId);
  if (!list) return [];
  const found = list.filter((id) => state.users[id] && conversationId in state.users[id].items);
  if (found.length === 0) indexes.holders.delete(conversationId);
  else if (found.length < list.length) indexes.holders.set(conversationId, found);
  return found;
}

/** Whether routing leaves `c` where it is for now: it is offered to a rep, or being transferred. */
export function awaitsAnswer(c: Conversation): boolean {
  return Boolean(c.offerId || c.transfer);
}

/** The ticket where routing's walk of queue `queueId` starts: every conversation before it awaits an answer. */
export function routeStart(state: State, queueId: string): number {
  return indexesOf(state).routeFrom.get(queueId) ?? 0;
}

/** For evolve: a conversation of the queue was offered; the start moves past those at its head that await an answer. */
export function advanceRouteStart(indexes: Indexes, state: State, queueId: string): void {
  const open = state.queues[queueId]?.open;
  if (!open) return;
  const from = open.ticketWhere(indexes.routeFrom.get(queueId) ?? 0, (id) => {
    const c = state.conversations[id];
    return !c || !awaitsAnswer(c);
  });
  indexes.routeFrom.set(queueId, from);
}

/** For evolve: `conversationId` no longer awaits an answer; the walk starts at it again, if it started after it. */
export function routeAgainFrom(indexes: Indexes, state: State, queueId: string, conversationId: string): void {
  const at = state.queues[queueId]?.open.ticketOf(conversationId);
  if (at !== undefined && at < (indexes.routeFrom.get(queueId) ?? 0)) indexes.routeFrom.set(queueId, at);
}

/** The reps whose presence is Available now. */
export function availableReps(state: State): string[] {
  const available = indexesOf(state).available;
  const found: string[] = [];
  for (const id of available) {
    if (state.users[id]?.presence === "available") found.push(id);
    else available.delete(id);
  }
  return found;
}

/** The Available reps with at least one free unit of capacity now. */
export function repsWithRoom(state: State): string[] {
  const roomy = indexesOf(state).roomy;
  const found: string[] = [];
  for (const id of roomy) {
    const u = state.users[id];
    if (u && u.presence === "available" && usedUnits(u) < u.capacity) found.push(id);
    else roomy.delete(id);
  }
  return found;
}

const members = new WeakMap<Org, Set<string>>();

/** The ids of the org's users (the state keeps users an org no longer lists). */
export function memberIds(org: Org): Set<string> {
  let set = members.get(org);
  if (!set) members.set(org, (set = new Set(org.users.map((u) => u.id))));
  return set;
}

/**
 * The open persistent conversation of an authenticated customer (P5): their latest persistent one, unless it has ended
 * (in wrap-up or Closed) — an older one still open (in another workstream) is not theirs to carry on. Found from the
 * customers' index rather than kept in a dictionary of its own: that was an entry per parked conversation in each state.
 */
export function openPersistentOf(state: State, customerKey: string): Conversation | undefined {
  const ids = conversationIdsOf(state, customerKey);
  for (let i = ids.length - 1; i >= 0; i--) {
    const c = state.conversations[ids[i]!];
    if (!c || c.mode !== "persistent" || !c.customer.authenticated) continue;
    return c.state === "wrapup" || c.state === "closed" ? undefined : c;
  }
  return undefined;
}

/** The conversations of a customer key, oldest first. */
export function conversationIdsOf(state: State, customerKey: string): readonly string[] {
  const found = indexesOf(state).byCustomer.get(customerKey);
  return found === undefined ? [] : typeof found === "string" ? [found] : found;
}
