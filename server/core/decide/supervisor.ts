// Supervisors: monitor and join, assign, transfer, force close (SV1–SV8), and a rep's presence when the org allows it.
import { STATE_WORD } from "../../../src/protocol/vocabulary.js";
import type { Actor, Conversation, State, TransferTarget } from "../model.js";
import { usedUnits } from "../load.js";
import { workstreamOf } from "../routing.js";
import type { CommandOf } from "./common.js";
import {
  actorId,
  assign as assignTo,
  changePresence,
  checkTarget,
  checkText,
  conversation,
  costOf,
  freed,
  offer,
  repOf,
  requireNoWrapUp,
  staffAuthor,
  staffNote,
  systemMessage,
  transferredFrom,
  withdrawOffers,
  conversationWith,
} from "./common.js";
import { refuse } from "./tx.js";
import type { Tx } from "./tx.js";
import type { Refusal, SupervisorAction } from "../../../src/protocol/rules.js";
import { setPresenceRefusal, settingRefusal, supervisorRefusal } from "../../../src/protocol/rules.js";

/** The shared rules (src/protocol/rules.ts) decide; the monitor shows the same words before anything is sent. */
function check(refusal: Refusal | null): void {
  if (refusal) refuse(refusal.code, refusal.message);
}

function allowed(state: State, action: SupervisorAction, c: Conversation, meId: string): void {
  check(supervisorRefusal(state.org.supervisor, action, c, meId));
}

export function monitor(tx: Tx, actor: Actor, command: CommandOf<"monitor">): void {
  const { state } = tx;
  check(settingRefusal(state.org.supervisor, command.mode));
  const me = actorId(actor);
  const c = conversation(state, command.conversationId);
  allowed(state, command.mode, c, me);
  if (c.supervisors[me] === command.mode) return;
  tx.emit({ type: "supervisor_watching", conversationId: c.id, supervisorId: me, mode: command.mode });
}

export function leave(tx: Tx, actor: Actor, command: CommandOf<"leave">): void {
  const { state } = tx;
  const c = conversation(state, command.conversationId);
  if (c.supervisors[actorId(actor)])
    tx.emit({ type: "supervisor_watching", conversationId: c.id, supervisorId: actorId(actor), mode: null });
}

/**
 * A whisper: a supervisor writes to the rep of a conversation they monitor or joined, where the org allows monitoring
 * (SV8). It is a staff-only note drawn as a whisper; the customer never sees it.
 */
export function whisper(tx: Tx, actor: Actor, command: CommandOf<"whisper">): void {
  const { state } = tx;
  check(settingRefusal(state.org.supervisor, "monitor"));
  const me = repOf(state, actorId(actor));
  const c = conversation(state, command.conversationId);
  if (!c.supervisors[me.id])
    refuse("supervisor/not_joined", `Monitor or join ${conversationWith(state, c)} to whisper to its rep.`);
  if (c.state !== "active" || !c.ownerId)
    refuse(
      "conversation/not_active",
      `Only an Active conversation's rep can be whispered to; ${conversationWith(state, c)} is ${STATE_WORD[c.state]}.`,
    );
  checkText(command.text, false);
  staffNote(tx, c, staffAuthor("supervisor", me), command.text, "whisper");
}

export function assign(tx: Tx, actor: Actor, command: CommandOf<"assign">): void {
  supervisorAssign(tx, actor, command.conversationId, command.target, command.override ?? false);
}

export function supervisorTransfer(tx: Tx, actor: Actor, command: CommandOf<"supervisor_transfer">): void {
  const { state } = tx;
  check(settingRefusal(state.org.supervisor, "transfer"));
  const c = conversation(state, command.conversationId);
  allowed(state, "transfer", c, actorId(actor));
  const from = c.ownerId;
  const target = checkTarget(tx, c, command.target, from, true);
  if (target) {
    const o = offer(tx, c, target, "supervisor_transfer", actorId(actor));
    tx.emit({
      type: "transfer_requested",
      conversationId: c.id,
      transfer: { by: "supervisor", fromRepId: from, target: command.target, offerId: o.id },
    });
  } else {
    withdrawOffers(tx, c);
    // Taken from its owner, or from the rep who parked it in Waiting (whom affinity would pick first).
    const takenFrom = from ?? (c.state === "waiting" ? c.lastOwnerId : null);
    if (from) tx.emit({ type: "consultant_added", conversationId: c.id, repId: from });
    for (const id of c.participants) tx.emit({ type: "left", conversationId: c.id, repId: id, toWrapUp: false });
    tx.emit({
      type: "queued",
      conversationId: c.id,
      queueId: command.target.id,
      declinedBy: transferredFrom(takenFrom),
    });
    tx.touch([command.target.id]);
    freed(tx, from);
  }
}

/**
 * SV2: with the org's `setPresence` on, a supervisor sets a rep's presence for them: Offline for a rep who left
 * without signing out, Available for a rep left in RONA (L2). The rep's consoles are told who did it.
 */
export function setPresence(tx: Tx, actor: Actor, command: CommandOf<"set_presence">): void {
  const { state } = tx;
  check(setPresenceRefusal(state.org.supervisor));
  const rep = repOf(state, command.userId);
  changePresence(tx, rep, command.presence, command.reasonId, actorId(actor));
}

export function forceClose(tx: Tx, actor: Actor, command: CommandOf<"force_close">): void {
  const { state } = tx;
  check(settingRefusal(state.org.supervisor, "force-close"));
  const c = conversation(state, command.conversationId);
  allowed(state, "force-close", c, actorId(actor));
  const holders = Object.keys(state.users)
    .filter((id) => c.id in state.users[id]!.items)
    .sort();
  withdrawOffers(tx, c);
  systemMessage(tx, c, "force_closed", workstreamOf(state, c).texts.ended);
  tx.emit({ type: "closed", conversationId: c.id, by: actorId(actor) });
  for (const id of holders) freed(tx, id);
}

function supervisorAssign(
  tx: Tx,
  actor: Actor,
  conversationId: string,
  target: TransferTarget,
  override: boolean,
): void {
  const { state } = tx;
  check(settingRefusal(state.org.supervisor, "assign"));
  const c = conversation(state, conversationId);
  allowed(state, "assign", c, actorId(actor));
  if (target.kind === "queue") {
    const queue = state.queues[target.id];
    if (!queue || queue.deleted) refuse("queue/not_found", `There is no queue ${target.id}.`);
    withdrawOffers(tx, c);
    tx.emit({ type: "queued", conversationId: c.id, queueId: queue.id });
    tx.touch([queue.id]);
    tx.result = { conversationId: c.id, exceededBy: 0 };
    return;
  }
  const rep = repOf(state, target.id);
  requireNoWrapUp(state, rep, c, `${rep.name} has`, "assign it to them");
  const cost = costOf(state, c);
  const ownOffer = rep.items[c.id]?.role === "offer" ? rep.items[c.id]!.units : 0;
  const exceededBy = Math.max(0, usedUnits(rep) - ownOffer + cost - rep.capacity);
  const unavailable = rep.presence !== "available";
  if (!override && unavailable)
    refuse("rep/unavailable", `${rep.name} is ${rep.presence}; assign with override to assign anyway.`);
  if (!override && exceededBy > 0) {
    refuse(
      "rep/at_capacity",
      `${rep.name} is at capacity (${usedUnits(rep)}/${rep.capacity}); assign with override to exceed it by ${exceededBy}.`,
    );
  }
  withdrawOffers(tx, c);
  assignTo(tx, c, rep.id, "supervisor", override && (exceededBy > 0 || unavailable), exceededBy);
  tx.result = { conversationId: c.id, exceededBy };
}
