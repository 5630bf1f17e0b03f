// Records keyed by ids. Ids come from requests, org files and customers, and any string is an id: "__proto__",
// "constructor" or "toString" too. On an ordinary object those name properties of Object.prototype (and setting
// `obj["__proto__"]` replaces the prototype), so every record of the state keyed by ids is a dictionary without a
// prototype: a lookup finds own entries only, and any key is stored as an entry. A state from JSON (a snapshot) is
// made of ordinary objects: `dictionaries` turns its records back into dictionaries.
import type { Conversation, State, UserState } from "./model.js";

export type Dict<T> = Record<string, T>;

/** A dictionary without a prototype, with the own entries of `from` (an ordinary object from JSON, say). */
export function dict<T>(from?: Readonly<Record<string, T>>): Dict<T> {
  const d = Object.create(null) as Dict<T>;
  if (from) for (const key of Object.keys(from)) d[key] = from[key]!;
  return d;
}

/**
 * The one empty dictionary every record without entries shares (a conversation nobody watches, without context): an
 * empty dictionary costs some 200 bytes, and there is one per conversation. Frozen: a writer replaces it (`filled`).
 */
export const EMPTY_DICT: Dict<never> = Object.freeze(dict<never>());

/** `from`'s own entries as a dictionary; EMPTY_DICT when it has none. */
export function dictOrEmpty<T>(from?: Readonly<Record<string, T>>): Dict<T> {
  for (const _ in from) return dict(from);
  return EMPTY_DICT;
}

/** `d`, or a new dictionary in place of the shared empty one: for adding entries. */
export function filled<T>(d: Dict<T>): Dict<T> {
  return d === EMPTY_DICT ? dict<T>() : d;
}

/** The records a conversation keys by ids, as dictionaries. */
export function conversationDicts(c: Conversation): Conversation {
  c.supervisors = dictOrEmpty(c.supervisors);
  c.context = dictOrEmpty(c.context);
  return c;
}

function userDicts(u: UserState): UserState {
  u.items = dict(u.items);
  return u;
}

/** Every record of `state` keyed by ids, as dictionaries (after JSON.parse of a snapshot). */
export function dictionaries(state: State): State {
  state.users = dict(state.users);
  state.queues = dict(state.queues);
  state.conversations = dict(state.conversations);
  state.offers = dict(state.offers);
  state.waitStats = dict(state.waitStats);
  for (const id in state.users) userDicts(state.users[id]!);
  for (const id in state.conversations) conversationDicts(state.conversations[id]!);
  return state;
}

/** Ids the server gives (`c12`, `o3`) in the order it gave them: by their number, then as text. */
export function byNumericId(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1)) || a.localeCompare(b, "en");
}
