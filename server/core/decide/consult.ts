// Consult (issue 14): a rep asks a colleague or a supervisor for help inside a conversation, at no capacity to them.
import type { Actor } from "../model.js";
import type { CommandOf } from "./common.js";
import {
  actorId,
  conversation,
  conversationWith,
  offer,
  repOf,
  requireActive,
  requireNotAborted,
  sentence,
} from "./common.js";
import { refuse } from "./tx.js";
import type { Tx } from "./tx.js";

/**
 * The owner or a conference participant asks another rep or a supervisor for help. They get a
 * `consult` offer; on accept they see the thread and write to the rep only (notes drawn as consult lines), hold no
 * capacity, and leave with end_consult. Busy people may be asked (it costs them nothing); Away, Busy-DND, RONA and
 * Offline may not.
 */
export function consult(tx: Tx, actor: Actor, command: CommandOf<"consult">): void {
  const { state } = tx;
  const me = repOf(state, actorId(actor));
  const c = conversation(state, command.conversationId);
  if (c.ownerId !== me.id && !c.participants.includes(me.id))
    refuse("conversation/not_yours", `${sentence(conversationWith(state, c))} is not assigned to you.`);
  requireActive(state, c, "ask for a consult in");
  requireNotAborted(c);
  const target = repOf(state, command.repId);
  if (target.id === me.id) refuse("transfer/invalid_target", "You cannot consult yourself.");
  if (c.consultants.includes(target.id) || c.id in target.items || c.ownerId === target.id)
    refuse("transfer/invalid_target", `${target.name} is already in ${conversationWith(state, c)}.`);
  if (target.presence !== "available" && target.presence !== "busy")
    refuse("rep/unavailable", `${target.name} is ${target.presence}; only Available or Busy people can be consulted.`);
  const o = offer(tx, c, target, "consult", me.id);
  tx.result = { conversationId: c.id, offerId: o.id };
}

export function endConsult(tx: Tx, actor: Actor, command: CommandOf<"end_consult">): void {
  const { state } = tx;
  const me = repOf(state, actorId(actor));
  const c = conversation(state, command.conversationId);
  const repId = command.repId ?? me.id;
  const handling = c.ownerId === me.id || c.participants.includes(me.id);
  if (repId !== me.id && !handling)
    refuse("conversation/not_yours", `${sentence(conversationWith(state, c))} is not assigned to you.`);
  if (c.consultants.includes(repId)) {
    tx.emit({ type: "consultant_left", conversationId: c.id, repId, by: me.id });
    return;
  }
  // Not yet accepted: the rep withdraws the request.
  const pending = handling
    ? Object.values(state.offers).find(
        (o) => o.conversationId === c.id && o.repId === repId && o.kind === "consult" && o.status === "pending",
      )
    : undefined;
  if (!pending)
    refuse(
      "consult/not_consulting",
      `${state.users[repId]?.name ?? repId} is not consulting on ${conversationWith(state, c)}.`,
    );
  tx.emit({ type: "offer_ended", offerId: pending.id, repId, conversationId: c.id, status: "withdrawn" });
}
