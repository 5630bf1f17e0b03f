// Answering an offer: accept it, reject it, or let it time out (L2, L10, L11, SV7).
import type { Actor, Offer } from "../model.js";
import { fill } from "../org.js";
import { workstreamOf } from "../routing.js";
import { actorId, assign, freed, settlePresence, systemMessage } from "./common.js";
import { refuse } from "./tx.js";
import type { Tx } from "./tx.js";

/**
 * Whether the server made an offer with this id at some time. Only pending offers stay in the state; offers are
 * numbered o1, o2, … so an id up to the counter was issued, and is settled now if it is not pending.
 */
function issued(tx: Tx, offerId: string): boolean {
  const n = /^o[1-9][0-9]*$/.test(offerId) ? Number(offerId.slice(1)) : 0;
  return n > 0 && n <= tx.state.counters.offer;
}

export function myPendingOffer(tx: Tx, actor: Actor, offerId: string): Offer {
  const o = tx.state.offers[offerId];
  // A retried accept or reject (the answer was lost) finds its offer settled: not_pending, as for one that expired.
  if (!o && issued(tx, offerId)) refuse("offer/not_pending", "This offer is no longer available.");
  if (!o || o.repId !== actorId(actor)) refuse("offer/not_found", `There is no offer ${offerId} for you.`);
  if (o.status !== "pending" || tx.at >= o.expiresAt) refuse("offer/not_pending", "This offer is no longer available.");
  return o;
}

export function acceptOffer(tx: Tx, actor: Actor, offerId: string): void {
  const { state } = tx;
  const o = myPendingOffer(tx, actor, offerId);
  const c = state.conversations[o.conversationId]!;
  tx.emit({ type: "offer_accepted", offerId: o.id, repId: o.repId, conversationId: o.conversationId });
  tx.result = { conversationId: c.id };
  switch (o.kind) {
    case "route":
      assign(tx, c, o.repId, "offer");
      return;
    case "transfer":
      tx.emit({ type: "transfer_ended", conversationId: c.id, outcome: "accepted" });
      assign(tx, c, o.repId, "offer");
      return;
    case "supervisor_transfer": {
      const from = c.ownerId;
      for (const id of c.participants) tx.emit({ type: "left", conversationId: c.id, repId: id, toWrapUp: false });
      tx.emit({ type: "transfer_ended", conversationId: c.id, outcome: "accepted" });
      assign(tx, c, o.repId, "offer");
      // SV7: the first rep stays on as a consultant.
      if (from && from !== o.repId) {
        tx.emit({ type: "consultant_added", conversationId: c.id, repId: from });
        freed(tx, from);
      }
      return;
    }
    case "conference": {
      const rep = state.users[o.repId]!;
      tx.emit({ type: "conference_joined", conversationId: c.id, repId: rep.id });
      systemMessage(tx, c, "rep_joined", fill(workstreamOf(state, c).texts.repJoined, { name: rep.name }));
      settlePresence(tx, rep.id);
      return;
    }
    case "consult":
      tx.emit({ type: "consultant_added", conversationId: c.id, repId: o.repId });
      return;
  }
}

/** An offer refused or left to time out: pass the conversation on (L2, L10, L11, SV7). */
export function endOffer(tx: Tx, o: Offer, status: "rejected" | "timed_out"): void {
  const { state } = tx;
  const c = state.conversations[o.conversationId]!;
  tx.emit({
    type: "offer_ended",
    offerId: o.id,
    repId: o.repId,
    conversationId: o.conversationId,
    status,
    kind: o.kind,
    byId: o.byId,
  });
  // A consult not answered in time is a favour not granted, not a missed customer: no RONA.
  if (status === "timed_out" && o.kind !== "consult") {
    const rep = state.users[o.repId];
    if (rep && !rep.deleted && rep.presence !== "rona") {
      tx.emit({ type: "presence_changed", userId: rep.id, presence: "rona", auto: false, reason: "rona" });
    }
  }
  settlePresence(tx, o.repId);
  switch (o.kind) {
    case "route":
      break;
    case "transfer":
      // L10: the request is withdrawn and the conversation goes back to routing; the rep who sent it is told.
      tx.emit({
        type: "transfer_ended",
        conversationId: c.id,
        outcome: "withdrawn",
        fromRepId: c.transfer?.fromRepId ?? null,
        notAcceptedBy: o.repId,
      });
      break;
    case "supervisor_transfer":
      // SV7: the transfer completes on reject; the conversation stays where it was.
      tx.emit({ type: "transfer_ended", conversationId: c.id, outcome: "rejected" });
      break;
    case "conference":
      tx.emit({ type: "conference_cancelled", conversationId: c.id, repId: o.repId });
      break;
    case "consult":
      break;
  }
  tx.touch([c.queueId]);
  const rep = state.users[o.repId];
  if (rep) tx.touch(rep.queues);
}
