// What a user's work items add up to, kept beside the items rather than summed at each look. Routing asks at every
// decision whether a rep has room, and a user's items are a dictionary (dict.ts), which V8 holds in dictionary mode:
// a for-in over one costs ~150 ns even with a single item, and a decision looked three or four times. The sums are
// derived (the state stays as it is, JSON in snapshots): made from the items the first time they are asked for, then
// kept current by the functions below, the only ones that change a user's items in place. Keyed by the items'
// dictionary, so a user given a new one (a reset, a snapshot loaded) starts afresh.
import type { Dict } from "./dict.js";
import type { UserState, WorkItem } from "./model.js";

interface Sums {
  /** Units of capacity the items cost, offers included. */
  units: number;
  /** Units of what the user handles: every item but offers (the full-capacity rule counts these, S2). */
  handling: number;
  /** How many items the user holds. */
  items: number;
  /** How many conversations the user has a seat in (owner, or in a conference). */
  seats: number;
}

export type Load = Readonly<Sums>;

const sums = new WeakMap<Dict<WorkItem>, Sums>();

function add(s: Sums, item: WorkItem, sign: 1 | -1): void {
  s.units += sign * item.units;
  if (item.role !== "offer") s.handling += sign * item.units;
  if (item.role === "owner" || item.role === "conference") s.seats += sign;
  s.items += sign;
}

function sumsOf(items: Dict<WorkItem>): Sums {
  let found = sums.get(items);
  if (!found) {
    found = { units: 0, handling: 0, items: 0, seats: 0 };
    for (const id in items) add(found, items[id]!, 1);
    sums.set(items, found);
  }
  return found;
}

/** What `user`'s items add up to now. */
export function loadOf(user: UserState): Load {
  return sumsOf(user.items);
}

/** Units of capacity `user`'s items cost now, offers included. */
export function usedUnits(user: UserState): number {
  return sumsOf(user.items).units;
}

/** Give `user` the item for a conversation (replacing the one they had for it). */
export function putItem(user: UserState, conversationId: string, item: WorkItem): void {
  const s = sums.get(user.items);
  const before = user.items[conversationId];
  if (s && before) add(s, before, -1);
  user.items[conversationId] = item;
  if (s) add(s, item, 1);
}

/** Change the role of `user`'s item for a conversation, if they hold one (its units and override stay). */
export function changeRole(user: UserState, conversationId: string, role: WorkItem["role"]): void {
  const item = user.items[conversationId];
  if (item) putItem(user, conversationId, { ...item, role });
}

/** Take the item for a conversation from `user`, if they hold one. */
export function takeItem(user: UserState, conversationId: string): void {
  const before = user.items[conversationId];
  if (!before) return;
  const s = sums.get(user.items);
  if (s) add(s, before, -1);
  delete user.items[conversationId];
}
