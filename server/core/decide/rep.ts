// Reps (and supervisors taking work in the rep console): presence, offers, picking, writing, transfer,
// conference, Waiting, end and wrap-up.
import { STATE_WORD } from "../../../src/protocol/vocabulary.js";
import { usedUnits } from "../load.js";
import { messageIdByClientId } from "../thread.js";
import type { Actor, Message } from "../model.js";
import { DAY, fill } from "../org.js";
import { fits, workstreamOf } from "../routing.js";
import type { CommandOf } from "./common.js";
import {
  actorId,
  assign,
  changePresence,
  checkTarget,
  checkText,
  conversation,
  costOf,
  freed,
  nextMessageId,
  offer,
  repOf,
  requireActive,
  requireNoWrapUp,
  requireNotAborted,
  requireOwner,
  settlePresence,
  staffAuthor,
  staffNote,
  systemMessage,
  transferredFrom,
  withdrawOffers,
  conversationWith,
  sentence,
} from "./common.js";
import { acceptOffer, endOffer, myPendingOffer } from "./offers.js";
import { refuse } from "./tx.js";
import type { Tx } from "./tx.js";

export function presence(tx: Tx, actor: Actor, command: CommandOf<"presence">): void {
  const me = repOf(tx.state, actorId(actor));
  changePresence(tx, me, command.presence, command.reasonId, null);
}

export function accept(tx: Tx, actor: Actor, command: CommandOf<"accept">): void {
  acceptOffer(tx, actor, command.offerId);
}

export function reject(tx: Tx, actor: Actor, command: CommandOf<"reject">): void {
  const o = myPendingOffer(tx, actor, command.offerId);
  return endOffer(tx, o, "rejected");
}

export function pick(tx: Tx, actor: Actor, command: CommandOf<"pick">): void {
  const { state } = tx;
  const me = repOf(state, actorId(actor));
  const c = conversation(state, command.conversationId);
  if (c.state !== "open" || c.transfer)
    refuse(
      "conversation/not_open",
      `${sentence(conversationWith(state, c))} is not open to pick (it is ${STATE_WORD[c.state]}).`,
    );
  if (!me.queues.includes(c.queueId))
    refuse("rep/not_in_queue", `You are not a member of the queue of ${conversationWith(state, c)}.`);
  requireNoWrapUp(state, me, c, "You have", "pick it back");
  // The units of one's own pending offer for it are already counted.
  if (!fits(me, costOf(state, c)) && !(c.id in me.items))
    refuse("rep/at_capacity", `You are at capacity (${usedUnits(me)}/${me.capacity}).`);
  withdrawOffers(tx, c);
  assign(tx, c, me.id, "pick");
  tx.result = { conversationId: c.id };
}

export function message(tx: Tx, actor: Actor, command: CommandOf<"message">): void {
  staffMessage(tx, actor, command.conversationId, command.text, command.clientId);
}

/**
 * A note for staff only: whoever handles the conversation (owner, conference, consultant) or a supervisor watching it.
 * It stays with the conversation, so the next rep after a transfer reads it; the customer never sees it.
 */
export function note(tx: Tx, actor: Actor, command: CommandOf<"note">): void {
  const { state } = tx;
  const me = repOf(state, actorId(actor));
  const c = conversation(state, command.conversationId);
  const watching = actor.role === "supervisor" && c.supervisors[me.id] !== undefined;
  const handling = c.ownerId === me.id || c.participants.includes(me.id) || c.consultants.includes(me.id);
  if (!handling && !watching) {
    refuse(
      actor.role === "supervisor" ? "supervisor/not_joined" : "conversation/not_yours",
      `You are not in ${conversationWith(state, c)}.`,
    );
  }
  if (c.state === "closed") refuse("conversation/wrong_state", `${sentence(conversationWith(state, c))} is Closed.`);
  checkText(command.text, false);
  // A consultant's line is written to the rep: the same staff-only note, drawn as a consult.
  const consulting = c.consultants.includes(me.id) && c.ownerId !== me.id && !c.participants.includes(me.id);
  staffNote(
    tx,
    c,
    staffAuthor(actor.role === "supervisor" ? "supervisor" : "rep", me),
    command.text,
    consulting ? "consult" : undefined,
  );
}

export function transfer(tx: Tx, actor: Actor, command: CommandOf<"transfer">): void {
  const { state } = tx;
  const me = repOf(state, actorId(actor));
  const c = conversation(state, command.conversationId);
  requireOwner(state, c, me.id);
  requireActive(state, c, "transfer");
  requireNotAborted(c);
  if (c.transfer) refuse("transfer/pending", "A transfer is already in progress.");
  if (c.participants.length > 0 || c.conference)
    refuse("conference/pending", "End the conference before transferring.");
  const target = checkTarget(tx, c, command.target, me.id, false);
  withdrawOffers(tx, c);
  tx.emit({ type: "left", conversationId: c.id, repId: me.id, toWrapUp: true });
  const queueId = command.target.kind === "queue" ? command.target.id : c.queueId;
  // If a rep target does not accept, it goes back to routing: still not to the rep who transferred it.
  tx.emit({ type: "queued", conversationId: c.id, queueId, declinedBy: transferredFrom(me.id) });
  if (target) {
    const o = offer(tx, c, target, "transfer", me.id);
    tx.emit({
      type: "transfer_requested",
      conversationId: c.id,
      transfer: { by: "rep", fromRepId: me.id, target: command.target, offerId: o.id },
    });
  }
  tx.touch([queueId]);
  settlePresence(tx, me.id);
}

export function conference(tx: Tx, actor: Actor, command: CommandOf<"conference">): void {
  const { state } = tx;
  const me = repOf(state, actorId(actor));
  const c = conversation(state, command.conversationId);
  requireOwner(state, c, me.id);
  requireActive(state, c, "start a conference in");
  requireNotAborted(c);
  if (c.conference) refuse("conference/pending", "A conference request is already pending.");
  if (c.participants.includes(command.repId))
    refuse("transfer/invalid_target", "That rep is already in the conversation.");
  const target = checkTarget(tx, c, { kind: "rep", id: command.repId }, me.id, false)!;
  const o = offer(tx, c, target, "conference", me.id);
  tx.emit({ type: "conference_requested", conversationId: c.id, repId: target.id, offerId: o.id });
}

export function endConference(tx: Tx, actor: Actor, command: CommandOf<"end_conference">): void {
  const { state } = tx;
  const me = repOf(state, actorId(actor));
  const c = conversation(state, command.conversationId);
  const inConference = c.participants.length > 0 && (c.ownerId === me.id || c.participants.includes(me.id));
  if (!inConference || c.state !== "active")
    refuse("conference/not_in_conference", "You are not in a conference on this conversation.");
  tx.emit({ type: "left", conversationId: c.id, repId: me.id, toWrapUp: true });
  systemMessage(tx, c, "rep_left", fill(workstreamOf(state, c).texts.repLeft, { name: me.name }));
}

export function close(tx: Tx, actor: Actor, command: CommandOf<"close">): void {
  const { state, at } = tx;
  const me = repOf(state, actorId(actor));
  const c = conversation(state, command.conversationId);
  requireOwner(state, c, me.id);
  if (c.mode !== "persistent")
    refuse(
      "conversation/persistent_only",
      "Only a persistent conversation can be closed to Waiting; end a live chat instead.",
    );
  requireActive(state, c, "close");
  requireNotAborted(c);
  withdrawOffers(tx, c);
  const reps = [c.ownerId, ...c.participants];
  const ws = workstreamOf(state, c);
  tx.emit({ type: "waiting", conversationId: c.id, byRepId: me.id, until: at + ws.waitingExpiryDays * DAY });
  for (const id of reps) freed(tx, id);
}

export function end(tx: Tx, actor: Actor, command: CommandOf<"end">): void {
  const { state } = tx;
  const me = repOf(state, actorId(actor));
  const c = conversation(state, command.conversationId);
  if (c.state === "waiting") {
    if (c.lastOwnerId !== me.id)
      refuse("conversation/not_yours", `${sentence(conversationWith(state, c))} is not yours to end.`);
  } else {
    requireOwner(state, c, me.id);
    requireActive(state, c, "end");
  }
  withdrawOffers(tx, c);
  systemMessage(tx, c, "ended", workstreamOf(state, c).texts.ended);
  tx.emit({
    type: "wrapup_started",
    conversationId: c.id,
    repIds: c.state === "waiting" ? [me.id] : [me.id, ...c.participants],
    customerEnded: false,
  });
}

export function wrapup(tx: Tx, actor: Actor, command: CommandOf<"wrapup">): void {
  const { state } = tx;
  const me = repOf(state, actorId(actor));
  const c = conversation(state, command.conversationId);
  if (me.items[c.id]?.role !== "wrapup")
    refuse("wrapup/not_in_wrapup", `You are not wrapping up ${conversationWith(state, c)}.`);
  if (!state.org.wrapUpReasons.some((r) => r.id === command.reasonId)) {
    refuse(
      "wrapup/unknown_reason",
      `Unknown wrap-up reason "${command.reasonId}"; choose one of: ${state.org.wrapUpReasons.map((r) => r.id).join(", ")}.`,
    );
  }
  tx.emit({ type: "wrapup_submitted", conversationId: c.id, repId: me.id, reasonId: command.reasonId });
  // Closed by whoever ended it: the customer (the reps' wrap-up only follows their end), else the last rep to wrap up.
  if (c.state === "wrapup" && c.wrapUpBy.length === 0)
    tx.emit({ type: "closed", conversationId: c.id, by: c.customerEnded ? "customer" : me.id });
  freed(tx, me.id);
}

function staffMessage(tx: Tx, actor: Actor, conversationId: string, text: string, clientId: string | undefined): void {
  const { state } = tx;
  const me = repOf(state, actorId(actor));
  const c = conversation(state, conversationId);
  const joined = actor.role === "supervisor" && c.supervisors[me.id] === "join";
  const handling = c.ownerId === me.id || c.participants.includes(me.id);
  if (!handling && !joined) {
    refuse(
      actor.role === "supervisor" ? "supervisor/not_joined" : "conversation/not_yours",
      `You are not in ${conversationWith(state, c)}.`,
    );
  }
  const author = staffAuthor(actor.role === "supervisor" ? "supervisor" : "rep", me);
  const earlier = clientId === undefined ? undefined : messageIdByClientId(c, author, clientId);
  if (earlier) {
    tx.result = { conversationId: c.id, messageId: earlier, duplicate: true };
    return;
  }
  if (c.state !== "active" && !(joined && c.state === "wrapup")) requireActive(state, c, "write in");
  requireNotAborted(c);
  checkText(text, true);
  // One literal per shape: a property added afterwards would cost every message a separate property array.
  const id = nextMessageId(tx);
  const message: Message =
    clientId === undefined ? { id, at: tx.at, author, text } : { id, at: tx.at, author, text, clientId };
  tx.emit({ type: "message_added", conversationId: c.id, message });
  tx.result = { conversationId: c.id, messageId: message.id };
}
