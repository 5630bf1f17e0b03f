// Time: offers that time out (RONA), Waiting that expires (P7), opening hours (P2); and when the next of these is due.
import { waitingIndexOf } from "../indexes.js";
import { toldClosed } from "../thread.js";
import type { Conversation, State } from "../model.js";
import { fill, isOpenAt, nextClosing, nextOpening } from "../org.js";
import { workstreamOf } from "../routing.js";
import { byNumericId } from "../dict.js";
import { systemMessage } from "./common.js";
import { endOffer } from "./offers.js";
import type { Tx } from "./tx.js";

export function tick(tx: Tx): void {
  const { state, at } = tx;
  const due = Object.values(state.offers)
    .filter((o) => o.status === "pending" && o.expiresAt <= at)
    .sort((a, b) => a.expiresAt - b.expiresAt || byNumericId(a.id, b.id));
  for (const o of due) endOffer(tx, o, "timed_out");
  const expired = waitingConversations(state)
    .filter((c) => c.waitingUntil! <= at)
    .sort((a, b) => byNumericId(a.id, b.id));
  for (const c of expired) {
    if (c.state !== "waiting") continue;
    const ws = workstreamOf(state, c);
    systemMessage(tx, c, "waiting_expired", fill(ws.texts.waitingExpired, { days: ws.waitingExpiryDays }));
    tx.emit({ type: "closed", conversationId: c.id, by: "system" });
  }
  tellLiveCustomersItClosed(tx);
  // Conversations held back by operating hours are routed when the hours open.
  tx.touch(Object.keys(state.queues).filter((id) => state.queues[id]!.open.length > 0));
}

/**
 * P2: outside operating hours a live customer may not reach a rep and is told so — also one still waiting in the queue
 * when the hours close. Told once per stay in the queue; the conversation stays queued and is routed at the opening.
 */
function tellLiveCustomersItClosed(tx: Tx): void {
  const { state, at } = tx;
  for (const ws of state.org.workstreams) {
    if (ws.mode !== "live" || !ws.operatingHours || isOpenAt(ws.operatingHours, at)) continue;
    for (const id of state.queues[ws.queueId]?.open ?? []) {
      const c = state.conversations[id]!;
      if (c.workstreamId !== ws.id || c.state !== "open" || c.offerId || c.transfer || toldClosed(c)) continue;
      systemMessage(tx, c, "outside_hours", ws.texts.outsideHours);
    }
  }
}

/** Conversations in Waiting with an expiry, from the index (which forgets those that left Waiting). */
function waitingConversations(state: State): Conversation[] {
  const waiting = waitingIndexOf(state);
  const found: Conversation[] = [];
  for (const id of waiting) {
    const c = state.conversations[id];
    if (c && c.state === "waiting" && c.waitingUntil !== null) found.push(c);
    else waiting.delete(id);
  }
  return found;
}

/**
 * When the shell must next send a tick: the earliest offer expiry, Waiting expiry, closing or opening time. The server runs
 * it after every group commit, so it looks only at pending offers (settled ones leave the state), the Waiting
 * index, and the queues only while some workstream is outside its hours.
 */
export function nextDeadline(state: State, now: number): number | null {
  let next = Infinity;
  for (const id in state.offers) {
    const o = state.offers[id]!;
    if (o.status === "pending") next = Math.min(next, o.expiresAt);
  }
  for (const c of waitingConversations(state)) next = Math.min(next, c.waitingUntil!);
  // P2: live customers still queued when the hours close are told so (a queue with anyone in it is enough to look).
  for (const ws of state.org.workstreams) {
    if (ws.mode !== "live" || !ws.operatingHours || (state.queues[ws.queueId]?.open.length ?? 0) === 0) continue;
    const closing = nextClosing(ws.operatingHours, now);
    if (closing !== null) next = Math.min(next, closing);
  }
  const closed = state.org.workstreams.filter((ws) => ws.operatingHours && !isOpenAt(ws.operatingHours, now));
  if (closed.length > 0) {
    // Conversations held back by the hours: open, with no offer, in a workstream that is closed now.
    const held = new Set<string>();
    for (const queueId in state.queues) {
      for (const id of state.queues[queueId]!.open) {
        const c = state.conversations[id];
        if (c && c.state === "open" && !c.offerId) held.add(c.workstreamId);
      }
    }
    for (const ws of closed) {
      if (!held.has(ws.id)) continue;
      const opening = nextOpening(ws.operatingHours, now);
      if (opening !== null) next = Math.min(next, opening);
    }
  }
  return next === Infinity ? null : next;
}
