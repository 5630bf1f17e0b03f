// Routing: offer Open conversations to the reps the selection policy picks, after every command.
import { isHeld } from "../indexes.js";
import type { Conversation, State } from "../model.js";
import { isOpenAt } from "../org.js";
import { selectRep, workstreamOf } from "../routing.js";
import { offer } from "./common.js";
import type { Tx } from "./tx.js";

/** Whether some rep holds `c` (an offer, a seat, a wrap-up). */
function heldByAnyone(state: State, c: Conversation): boolean {
  return isHeld(state, c.id);
}

/**
 * Offer `c` to the rep the selection policy picks. Returns the cost under which a refusal says nothing can be
 * placed (Infinity when it was offered, skipped, or refused for reasons of its own).
 */
export function routeOne(tx: Tx, c: Conversation, smallestRefusedCost: number): number {
  const { state } = tx;
  if (c.offerId || c.transfer) return Infinity;
  const ws = workstreamOf(state, c);
  if (!isOpenAt(ws.operatingHours, tx.at)) return Infinity;
  if (ws.capacityCost >= smallestRefusedCost && c.declinedBy.length === 0) return Infinity;
  const rep = selectRep(state, c, ws);
  if (rep) {
    offer(tx, c, rep, "route", null);
    return Infinity;
  }
  // Only a refusal that excluded no rep for this conversation alone (declined it, or still holds
  // it, e.g. wrapping up after transferring it back to the queue) says anything about the others.
  return c.declinedBy.length > 0 || heldByAnyone(state, c) ? Infinity : ws.capacityCost;
}

export function route(tx: Tx, queueIds: readonly string[]): void {
  const { state } = tx;
  // No conversation costs less than the cheapest workstream.
  let cheapest = Infinity;
  for (const ws of state.org.workstreams) cheapest = Math.min(cheapest, ws.capacityCost);
  for (const queueId of queueIds) {
    const queue = state.queues[queueId];
    if (!queue || queue.deleted) continue;
    // Once nobody can take a conversation of some cost, nobody can take a costlier one either (eligibility
    // beyond cost is the same for every conversation of the queue, or narrower for one that was declined).
    let smallestRefusedCost = Infinity;
    // Offering leaves the queue as it is, so it is walked in place.
    for (let i = 0; i < queue.open.length; i++) {
      const c = state.conversations[queue.open[i]!];
      if (!c) continue;
      smallestRefusedCost = Math.min(smallestRefusedCost, routeOne(tx, c, smallestRefusedCost));
      // Nothing left can be placed: the rest of the queue costs at least as much as what was refused.
      if (smallestRefusedCost <= cheapest) break;
    }
  }
}
