// Routing: offer Open conversations to the reps the selection policy picks, after every command.
import { awaitsAnswer, isHeld, routeStart } from "../indexes.js";
import type { Conversation, State } from "../model.js";
import { isOpenAt } from "../org.js";
import { onlyDeclinesStandInTheWay, selectRep, workstreamOf } from "../routing.js";
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
export function routeOne(tx: Tx, c: Conversation, smallestRefusedCost: number, stranded?: Conversation[]): number {
  const { state } = tx;
  if (awaitsAnswer(c)) return Infinity;
  const ws = workstreamOf(state, c);
  if (!isOpenAt(ws.operatingHours, tx.at)) return Infinity;
  if (ws.capacityCost >= smallestRefusedCost && c.declinedBy.length === 0) return Infinity;
  const rep = selectRep(state, c, ws);
  if (rep) {
    offer(tx, c, rep, "route", null);
    return Infinity;
  }
  // Only reps who declined it are free to take it: see `startOver`.
  if (stranded && onlyDeclinesStandInTheWay(state, c, ws)) stranded.push(c);
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
    const stranded: Conversation[] = [];
    // Offering leaves the queue as it is, so it is walked in place, from the first conversation that may not await
    // an answer (those before it would be stepped over).
    for (const id of queue.open.from(routeStart(state, queueId))) {
      const c = state.conversations[id];
      if (!c) continue;
      smallestRefusedCost = Math.min(smallestRefusedCost, routeOne(tx, c, smallestRefusedCost, stranded));
      // Nothing left can be placed: the rest of the queue costs at least as much as what was refused (and as nobody
      // had room for it, nobody who declined a later one has room either: none is left stranded).
      if (smallestRefusedCost <= cheapest) break;
    }
    for (const c of stranded) startOver(tx, c);
  }
}

/**
 * A conversation never waits while a rep of its queue is Available with room. When every such rep has declined it
 * (rejected it, let it time out, or transferred it away), the declines are forgotten and routing starts over for it.
 * That comes after the rest of the queue had its turn, so a rep is offered other work before one they declined.
 */
function startOver(tx: Tx, c: Conversation): void {
  const { state } = tx;
  if (c.state !== "open" || c.offerId || c.transfer) return;
  const ws = workstreamOf(state, c);
  if (!onlyDeclinesStandInTheWay(state, c, ws)) return;
  tx.emit({ type: "declines_forgotten", conversationId: c.id });
  const rep = selectRep(state, c, ws);
  if (rep) offer(tx, c, rep, "route", null);
}
