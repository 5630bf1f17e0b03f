// Derived indexes over a State, kept beside it rather than in it, so that snapshots and events stay as they are.
// Each state gets its indexes built from its contents on first use; from then on evolve, the only writer of the
// state, keeps them current. Entries are added eagerly and dropped lazily: a reader checks that an entry still
// holds (a conversation in `waiting` may have left Waiting since) and removes those that no longer do.
//
// They turn scans over every conversation the server has ever held into work proportional to what is asked for:
// the next Waiting expiry after every group commit, the conversations a rep declined when they come back,
// a customer's conversations at a retried start or a reconnect.
import type { State } from "./model.js";

export interface Indexes {
  /** Conversations that went to Waiting (each may have left it since). */
  waiting: Set<string>;
  /** Conversations a rep declined while they were queued (their declinedBy may have been cleared since). */
  declined: Set<string>;
  /** Conversation ids of each customer key, in the order they were created. */
  byCustomer: Map<string, string[]>;
}

const built = new WeakMap<State, Indexes>();

function add(map: Map<string, string[]>, key: string, id: string): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}

/** The indexes of `state`, built from it the first time. */
export function indexesOf(state: State): Indexes {
  let found = built.get(state);
  if (!found) {
    found = { waiting: new Set(), declined: new Set(), byCustomer: new Map() };
    for (const id in state.conversations) {
      const c = state.conversations[id]!;
      if (c.state === "waiting") found.waiting.add(id);
      if (c.declinedBy.length > 0) found.declined.add(id);
      add(found.byCustomer, c.customer.key, id);
    }
    built.set(state, found);
  }
  return found;
}

/** For evolve: the indexes when they exist (when they do not, their first use builds them from the state). */
export function existingIndexes(state: State): Indexes | undefined {
  return built.get(state);
}

export function indexConversation(indexes: Indexes, customerKey: string, id: string): void {
  add(indexes.byCustomer, customerKey, id);
}

/** The conversations of a customer key, oldest first. */
export function conversationIdsOf(state: State, customerKey: string): readonly string[] {
  return indexesOf(state).byCustomer.get(customerKey) ?? [];
}
