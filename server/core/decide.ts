// decide: validate a command against the state and produce its events. Each event is applied with
// evolve as soon as it is emitted, so that later steps of the same command (routing, presence) see
// its effects. Validation always happens before the first event: a refused command changes nothing.
import { evolve, usedUnits } from "./evolve.js";
import type {
  Actor,
  Author,
  Command,
  Conversation,
  DomainError,
  DomainEvent,
  Envelope,
  ErrorCode,
  EventBody,
  Message,
  Offer,
  OfferKind,
  Outcome,
  State,
  TransferTarget,
  UserState,
} from "./model.js";
import { MAX_MESSAGE_LENGTH, PRESENCES } from "./model.js";
import { conversationIdsOf, indexesOf, isHeld, messageIdByClientId } from "./indexes.js";
import { DAY, fill, isOpenAt, nextClosing, nextOpening } from "./org.js";
import type { Workstream } from "./org.js";
import { fits, selectRep, workstreamOf } from "./routing.js";
import { conversationSentiment, scoreMessage } from "./sentiment.js";
import type { SystemMessageCode } from "../../src/protocol/views.js";

class Refusal extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
  }
}

function refuse(code: ErrorCode, message: string): never {
  throw new Refusal({ code, message });
}

/** One command in progress: emitted events are applied at once. */
class Tx {
  readonly events: DomainEvent[] = [];
  result: Record<string, unknown> | undefined;
  private readonly touchedQueues = new Set<string>();
  constructor(
    readonly state: State,
    readonly at: number,
  ) {}

  emit(body: EventBody): void {
    // Every body is a fresh literal: it becomes the event itself (a copy per event cost more than the rest of emit).
    const event = body as DomainEvent;
    event.seq = this.state.seq + 1;
    event.at = this.at;
    evolve(this.state, event);
    this.events.push(event);
  }

  /** Route these queues once the command is done. */
  touch(queueIds: Iterable<string>): void {
    for (const id of queueIds) this.touchedQueues.add(id);
  }

  takeTouched(): string[] {
    const ids = [...this.touchedQueues].sort();
    this.touchedQueues.clear();
    return ids;
  }
}

const ROLE_COMMANDS: Record<Actor["role"], ReadonlySet<Command["type"]>> = {
  customer: new Set(["customer.start", "customer.message", "customer.end"]),
  rep: new Set([
    "presence",
    "accept",
    "reject",
    "pick",
    "message",
    "transfer",
    "conference",
    "end_conference",
    "close",
    "end",
    "wrapup",
  ]),
  supervisor: new Set([
    "presence",
    "accept",
    "reject",
    "pick",
    "message",
    "transfer",
    "conference",
    "end_conference",
    "close",
    "end",
    "wrapup",
    "monitor",
    "leave",
    "assign",
    "supervisor_transfer",
    "force_close",
  ]),
  admin: new Set(["configure", "delete_queue", "delete_workstream", "delete_user"]),
  system: new Set(["configure", "tick"]),
};

export function decide(state: State, envelope: Envelope): Outcome {
  const { actor, command, at } = envelope;
  if (!ROLE_COMMANDS[actor.role].has(command.type)) {
    return {
      ok: false,
      error: { code: "auth/forbidden", message: `A ${actor.role} cannot ${command.type.replace(/[._]/g, " ")}.` },
    };
  }
  const tx = new Tx(state, at);
  try {
    run(tx, actor, command);
    // Routing runs until nothing changes: an offer timing out can free capacity for another queue.
    for (let queues = tx.takeTouched(); queues.length > 0; queues = tx.takeTouched()) route(tx, queues);
  } catch (error) {
    if (error instanceof Refusal && tx.events.length === 0) return { ok: false, error: error.error };
    throw error;
  }
  return tx.result ? { ok: true, events: tx.events, result: tx.result } : { ok: true, events: tx.events };
}

// ---- lookups ----------------------------------------------------------------------------------------

function conversation(state: State, id: string): Conversation {
  const c = state.conversations[id];
  if (!c) refuse("conversation/not_found", `There is no conversation ${id}.`);
  return c;
}

/** A customer asking for a conversation that is not theirs gets the same answer as for one that does not exist. */
function customersConversation(state: State, actor: Actor & { role: "customer" }, id: string): Conversation {
  const c = state.conversations[id];
  // A conversation token reaches its own conversation only.
  if (!c || c.customer.key !== actor.key || (actor.conversationId !== undefined && actor.conversationId !== id)) {
    refuse("conversation/not_found", `There is no conversation ${id}.`);
  }
  return c;
}

function repOf(state: State, id: string): UserState {
  const rep = state.users[id];
  if (!rep || rep.deleted) refuse("rep/not_found", `There is no rep ${id}.`);
  return rep;
}

function actorId(actor: Actor): string {
  if (actor.role === "rep" || actor.role === "supervisor") return actor.id;
  if (actor.role === "customer") return actor.key;
  return actor.role;
}

function costOf(state: State, c: Conversation): number {
  return workstreamOf(state, c).capacityCost;
}

function checkText(text: string, fromStaff: boolean): string {
  if (text.trim().length === 0) refuse("message/empty", "The message is empty.");
  // Characters (code points) never outnumber UTF-16 units: only a long text needs counting.
  if (text.length > MAX_MESSAGE_LENGTH && [...text].length > MAX_MESSAGE_LENGTH) {
    refuse(
      "message/too_long",
      `A message can be at most ${MAX_MESSAGE_LENGTH} characters (this one has ${[...text].length}).`,
    );
  }
  if (fromStaff && /[<>]/.test(text)) {
    refuse(
      "message/reserved_characters",
      "< and > are reserved for template parameters and cannot be sent. Your message was kept.",
    );
  }
  return text;
}

function requireOwner(c: Conversation, repId: string): void {
  if (c.ownerId !== repId) refuse("conversation/not_yours", `Conversation ${c.id} is not assigned to you.`);
}

function requireActive(c: Conversation, action: string): void {
  if (c.state !== "active")
    refuse("conversation/not_active", `You can only ${action} an Active conversation; ${c.id} is ${c.state}.`);
}

function requireNotAborted(c: Conversation): void {
  if (c.aborted)
    refuse("conversation/aborted", `Conversation ${c.id} was aborted (${c.aborted}); it can only be ended.`);
}

/**
 * L10, L11, L12: a rep who left a conversation (transferred it, left its conference) owes a wrap-up reason for
 * leaving it. Taking it again first would drop that wrap-up unrecorded (the seat replaces the wrap-up item, and the
 * units it held), so it waits until the reason is submitted; then it is an ordinary pick or assignment.
 */
function requireNoWrapUp(rep: UserState, c: Conversation, who: string, action: string): void {
  if (rep.items[c.id]?.role === "wrapup") {
    refuse(
      "wrapup/pending",
      `${who} not submitted the wrap-up reason for leaving conversation ${c.id} yet; submit it first, then ${action}.`,
    );
  }
}

function requireSetting(state: State, setting: keyof State["org"]["supervisor"], code: ErrorCode, label: string): void {
  if (!state.org.supervisor[setting]) refuse(code, `${label} is turned off for this organisation.`);
}

// ---- small event helpers ----------------------------------------------------------------------------

/** Authors without fields of their own, shared by every message they write (messages are never changed). */
const CUSTOMER: Author = Object.freeze({ role: "customer" });
const SYSTEM: Author = Object.freeze({ role: "system" });

/**
 * A staff member's author, shared by every message they write as long as their name stays the same: the same value
 * as a fresh `{ role, id, name }`, without an object per message.
 */
type StaffAuthor = Extract<Author, { id: string }>;
const staffAuthors = new WeakMap<UserState, { rep?: StaffAuthor; supervisor?: StaffAuthor }>();

function staffAuthor(role: StaffAuthor["role"], user: UserState): StaffAuthor {
  let byRole = staffAuthors.get(user);
  if (!byRole) staffAuthors.set(user, (byRole = {}));
  const cached = byRole[role];
  if (cached && cached.id === user.id && cached.name === user.name) return cached;
  return (byRole[role] = Object.freeze({ role, id: user.id, name: user.name }));
}

function nextMessageId(tx: Tx): string {
  return `m${tx.state.counters.message + 1}`;
}

function systemMessage(tx: Tx, c: Conversation, code: SystemMessageCode, text: string): void {
  tx.emit({
    type: "message_added",
    conversationId: c.id,
    message: { id: nextMessageId(tx), at: tx.at, author: SYSTEM, text, code },
  });
}

function offer(tx: Tx, c: Conversation, rep: UserState, kind: OfferKind, byId: string | null): Offer {
  const ws = workstreamOf(tx.state, c);
  const o: Offer = {
    id: `o${tx.state.counters.offer + 1}`,
    conversationId: c.id,
    repId: rep.id,
    kind,
    status: "pending",
    createdAt: tx.at,
    expiresAt: tx.at + ws.offerTimeoutSeconds * 1000,
    byId,
  };
  tx.emit({ type: "offered", offer: o });
  return o;
}

/** Busy while full, Available again when capacity frees, when the org says so (S2). */
function settlePresence(tx: Tx, repId: string | null | undefined): void {
  if (!repId || !tx.state.org.autoBusyAtCapacity) return;
  const rep = tx.state.users[repId];
  if (!rep || rep.deleted) return;
  let handling = 0;
  for (const id in rep.items) if (rep.items[id]!.role !== "offer") handling += rep.items[id]!.units;
  if (rep.presence === "available" && rep.capacity > 0 && handling >= rep.capacity) {
    tx.emit({ type: "presence_changed", userId: rep.id, presence: "busy", auto: true, reason: "capacity" });
  } else if (rep.presence === "busy" && rep.autoBusy && handling < rep.capacity) {
    tx.emit({ type: "presence_changed", userId: rep.id, presence: "available", auto: false, reason: "capacity" });
  }
}

function freed(tx: Tx, repId: string | null | undefined): void {
  if (!repId) return;
  settlePresence(tx, repId);
  const rep = tx.state.users[repId];
  if (rep) tx.touch(rep.queues);
}

function assign(
  tx: Tx,
  c: Conversation,
  repId: string,
  by: "offer" | "auto" | "supervisor" | "pick",
  override = false,
  exceededBy = 0,
): void {
  tx.emit({ type: "assigned", conversationId: c.id, repId, units: costOf(tx.state, c), by, override, exceededBy });
  settlePresence(tx, repId);
}

/** Withdraw every pending offer of a conversation (it was ended, picked, assigned or closed). */
function withdrawOffers(tx: Tx, c: Conversation): void {
  const pending = Object.values(tx.state.offers)
    .filter((o) => o.conversationId === c.id && o.status === "pending")
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id, "en"));
  for (const o of pending) {
    tx.emit({
      type: "offer_ended",
      offerId: o.id,
      repId: o.repId,
      conversationId: o.conversationId,
      status: "withdrawn",
    });
    settlePresence(tx, o.repId);
    const rep = tx.state.users[o.repId];
    if (rep) tx.touch(rep.queues);
  }
  if (c.conference) tx.emit({ type: "conference_cancelled", conversationId: c.id, repId: c.conference.repId });
  if (c.transfer) tx.emit({ type: "transfer_ended", conversationId: c.id, outcome: "withdrawn" });
}

// ---- routing ----------------------------------------------------------------------------------------

/** Whether some rep holds `c` (an offer, a seat, a wrap-up). */
function heldByAnyone(state: State, c: Conversation): boolean {
  return isHeld(state, c.id);
}

/**
 * Offer `c` to the rep the selection policy picks. Returns the cost under which a refusal says nothing can be
 * placed (Infinity when it was offered, skipped, or refused for reasons of its own).
 */
function routeOne(tx: Tx, c: Conversation, smallestRefusedCost: number): number {
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

function route(tx: Tx, queueIds: readonly string[]): void {
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

// ---- commands ---------------------------------------------------------------------------------------

function run(tx: Tx, actor: Actor, command: Command): void {
  const { state, at } = tx;
  switch (command.type) {
    case "configure": {
      tx.emit({ type: "configured", org: command.org });
      tx.touch(Object.keys(state.queues));
      return;
    }
    case "tick":
      return tick(tx);

    // -- customers --
    case "customer.start":
      return startConversation(tx, actor as Actor & { role: "customer" }, command);
    case "customer.message": {
      const c = customersConversation(state, actor as Actor & { role: "customer" }, command.conversationId);
      return customerMessage(tx, c, command.text, command.clientId);
    }
    case "customer.end": {
      const c = customersConversation(state, actor as Actor & { role: "customer" }, command.conversationId);
      if (c.mode === "persistent")
        refuse("conversation/customer_cannot_end", "Only a rep can end a persistent conversation.");
      if (c.state === "closed" || c.state === "wrapup")
        refuse("conversation/wrong_state", "This conversation has already ended.");
      withdrawOffers(tx, c);
      systemMessage(tx, c, "customer_ended", workstreamOf(state, c).texts.customerEnded);
      // A removed rep (L4) can never submit a wrap-up reason: only the reps still here wrap up.
      const wrapping = c.ownerId ? [c.ownerId, ...c.participants].filter((id) => !state.users[id]?.deleted) : [];
      if (c.state === "active" && wrapping.length > 0) {
        tx.emit({ type: "wrapup_started", conversationId: c.id, repIds: wrapping, customerEnded: true });
      } else {
        tx.emit({ type: "closed", conversationId: c.id, by: "customer" });
      }
      return;
    }

    // -- reps --
    case "presence": {
      const me = repOf(state, actorId(actor));
      if (!PRESENCES.includes(command.presence) || command.presence === "rona") {
        refuse("presence/invalid", "Choose Available, Busy, Busy-DND, Away or Offline; RONA is set by the system.");
      }
      if (me.presence === command.presence && !me.autoBusy) return;
      tx.emit({ type: "presence_changed", userId: me.id, presence: command.presence, auto: false, reason: "manual" });
      if (command.presence === "available") {
        settlePresence(tx, me.id);
        tx.touch(me.queues);
      } else if (command.presence !== "busy") {
        // Away, Offline and Busy-DND cannot answer: their routing offers go to someone else now.
        for (const o of pendingOffersOf(state, me.id)) {
          if (o.kind !== "route") continue;
          tx.emit({
            type: "offer_ended",
            offerId: o.id,
            repId: o.repId,
            conversationId: o.conversationId,
            status: "withdrawn",
          });
          tx.touch([state.conversations[o.conversationId]!.queueId]);
        }
      }
      return;
    }
    case "accept":
      return acceptOffer(tx, actor, command.offerId);
    case "reject": {
      const o = myPendingOffer(tx, actor, command.offerId);
      return endOffer(tx, o, "rejected");
    }
    case "pick": {
      const me = repOf(state, actorId(actor));
      const c = conversation(state, command.conversationId);
      if (c.state !== "open" || c.transfer)
        refuse("conversation/not_open", `Conversation ${c.id} is not open to pick (it is ${c.state}).`);
      if (!me.queues.includes(c.queueId)) refuse("rep/not_in_queue", `You are not a member of the queue of ${c.id}.`);
      requireNoWrapUp(me, c, "You have", "pick it back");
      // The units of one's own pending offer for it are already counted.
      if (!fits(me, costOf(state, c)) && !(c.id in me.items))
        refuse("rep/at_capacity", `You are at capacity (${usedUnits(me)}/${me.capacity}).`);
      withdrawOffers(tx, c);
      assign(tx, c, me.id, "pick");
      tx.result = { conversationId: c.id };
      return;
    }
    case "message":
      return staffMessage(tx, actor, command.conversationId, command.text, command.clientId);
    case "transfer": {
      const me = repOf(state, actorId(actor));
      const c = conversation(state, command.conversationId);
      requireOwner(c, me.id);
      requireActive(c, "transfer");
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
      return;
    }
    case "conference": {
      const me = repOf(state, actorId(actor));
      const c = conversation(state, command.conversationId);
      requireOwner(c, me.id);
      requireActive(c, "start a conference in");
      requireNotAborted(c);
      if (c.conference) refuse("conference/pending", "A conference request is already pending.");
      if (c.participants.includes(command.repId))
        refuse("transfer/invalid_target", "That rep is already in the conversation.");
      const target = checkTarget(tx, c, { kind: "rep", id: command.repId }, me.id, false)!;
      const o = offer(tx, c, target, "conference", me.id);
      tx.emit({ type: "conference_requested", conversationId: c.id, repId: target.id, offerId: o.id });
      return;
    }
    case "end_conference": {
      const me = repOf(state, actorId(actor));
      const c = conversation(state, command.conversationId);
      const inConference = c.participants.length > 0 && (c.ownerId === me.id || c.participants.includes(me.id));
      if (!inConference || c.state !== "active")
        refuse("conference/not_in_conference", "You are not in a conference on this conversation.");
      tx.emit({ type: "left", conversationId: c.id, repId: me.id, toWrapUp: true });
      systemMessage(tx, c, "rep_left", fill(workstreamOf(state, c).texts.repLeft, { name: me.name }));
      return;
    }
    case "close": {
      const me = repOf(state, actorId(actor));
      const c = conversation(state, command.conversationId);
      requireOwner(c, me.id);
      if (c.mode !== "persistent")
        refuse(
          "conversation/persistent_only",
          "Only a persistent conversation can be closed to Waiting; end a live chat instead.",
        );
      requireActive(c, "close");
      requireNotAborted(c);
      withdrawOffers(tx, c);
      const reps = [c.ownerId, ...c.participants];
      const ws = workstreamOf(state, c);
      tx.emit({ type: "waiting", conversationId: c.id, byRepId: me.id, until: at + ws.waitingExpiryDays * DAY });
      for (const id of reps) freed(tx, id);
      return;
    }
    case "end": {
      const me = repOf(state, actorId(actor));
      const c = conversation(state, command.conversationId);
      if (c.state === "waiting") {
        if (c.lastOwnerId !== me.id) refuse("conversation/not_yours", `Conversation ${c.id} is not yours to end.`);
      } else {
        requireOwner(c, me.id);
        requireActive(c, "end");
      }
      withdrawOffers(tx, c);
      systemMessage(tx, c, "ended", workstreamOf(state, c).texts.ended);
      tx.emit({
        type: "wrapup_started",
        conversationId: c.id,
        repIds: c.state === "waiting" ? [me.id] : [me.id, ...c.participants],
        customerEnded: false,
      });
      return;
    }
    case "wrapup": {
      const me = repOf(state, actorId(actor));
      const c = conversation(state, command.conversationId);
      if (me.items[c.id]?.role !== "wrapup")
        refuse("wrapup/not_in_wrapup", `You are not wrapping up conversation ${c.id}.`);
      if (!state.org.wrapUpReasons.some((r) => r.id === command.reasonId)) {
        refuse(
          "wrapup/unknown_reason",
          `Unknown wrap-up reason "${command.reasonId}"; choose one of: ${state.org.wrapUpReasons.map((r) => r.id).join(", ")}.`,
        );
      }
      tx.emit({ type: "wrapup_submitted", conversationId: c.id, repId: me.id, reasonId: command.reasonId });
      if (c.state === "wrapup" && c.wrapUpBy.length === 0) tx.emit({ type: "closed", conversationId: c.id, by: me.id });
      freed(tx, me.id);
      return;
    }

    // -- supervisors --
    case "monitor": {
      requireSetting(state, "monitor", "supervisor/monitor_disabled", "Monitoring");
      const me = actorId(actor);
      const c = conversation(state, command.conversationId);
      if (c.state !== "active" && c.state !== "wrapup") {
        refuse(
          "conversation/wrong_state",
          `Only Active or Wrap-up conversations can be monitored; ${c.id} is ${c.state}.`,
        );
      }
      if (c.ownerId === me || c.participants.includes(me))
        refuse("supervisor/own_conversation", "You cannot monitor a conversation assigned to yourself.");
      if (c.supervisors[me] === command.mode) return;
      tx.emit({ type: "supervisor_watching", conversationId: c.id, supervisorId: me, mode: command.mode });
      return;
    }
    case "leave": {
      const c = conversation(state, command.conversationId);
      if (c.supervisors[actorId(actor)])
        tx.emit({ type: "supervisor_watching", conversationId: c.id, supervisorId: actorId(actor), mode: null });
      return;
    }
    case "assign":
      return supervisorAssign(tx, command.conversationId, command.target, command.override ?? false);
    case "supervisor_transfer": {
      requireSetting(state, "transfer", "supervisor/transfer_disabled", "Supervisor transfer");
      const c = conversation(state, command.conversationId);
      if (c.state !== "active" && c.state !== "waiting") {
        refuse(
          "conversation/wrong_state",
          `Only Active or Waiting conversations can be transferred; ${c.id} is ${c.state}.`,
        );
      }
      requireNotAborted(c);
      if (c.transfer) refuse("transfer/pending", "A transfer is already in progress.");
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
      return;
    }
    case "force_close": {
      requireSetting(state, "forceClose", "supervisor/force_close_disabled", "Force close");
      const c = conversation(state, command.conversationId);
      if (c.state === "closed") refuse("conversation/wrong_state", `Conversation ${c.id} is already closed.`);
      const holders = Object.keys(state.users)
        .filter((id) => c.id in state.users[id]!.items)
        .sort();
      withdrawOffers(tx, c);
      systemMessage(tx, c, "force_closed", workstreamOf(state, c).texts.ended);
      tx.emit({ type: "closed", conversationId: c.id, by: actorId(actor) });
      for (const id of holders) freed(tx, id);
      return;
    }

    // -- admin --
    case "delete_workstream": {
      // L4: without its workstream a conversation has no routing, capacity cost or texts left: it is aborted and
      // closed. Reps wrapping one up still submit their reason.
      const ws = state.org.workstreams.find((w) => w.id === command.workstreamId);
      if (!ws) refuse("workstream/not_found", `There is no workstream ${command.workstreamId}.`);
      const reason = `workstream ${ws.name} was removed`;
      for (const c of liveConversations(state).filter((x) => x.workstreamId === ws.id)) {
        const holders = Object.keys(state.users)
          .filter((id) => c.id in state.users[id]!.items)
          .sort();
        withdrawOffers(tx, c);
        systemMessage(tx, c, "aborted", fill(ws.texts.aborted, { reason }));
        if (!c.aborted) tx.emit({ type: "aborted", conversationId: c.id, reason });
        tx.emit({ type: "closed", conversationId: c.id, by: "system" });
        for (const id of holders) freed(tx, id);
      }
      return;
    }
    case "delete_queue": {
      const queue = state.queues[command.queueId];
      if (!queue || queue.deleted) refuse("queue/not_found", `There is no queue ${command.queueId}.`);
      const reason = `queue ${queue.name} was deleted`;
      for (const c of liveConversations(state).filter((x) => x.queueId === queue.id)) {
        const texts = workstreamOf(state, c).texts;
        if (c.state === "open") {
          withdrawOffers(tx, c);
          systemMessage(tx, c, "aborted", fill(texts.aborted, { reason }));
          tx.emit({ type: "aborted", conversationId: c.id, reason });
          tx.emit({ type: "closed", conversationId: c.id, by: "system" });
        } else if (!c.aborted) {
          tx.emit({ type: "aborted", conversationId: c.id, reason });
          systemMessage(tx, c, "aborted", fill(texts.aborted, { reason }));
        }
      }
      tx.emit({ type: "queue_deleted", queueId: queue.id });
      return;
    }
    case "delete_user": {
      const rep = repOf(state, command.userId);
      const reason = `rep ${rep.name} was removed`;
      for (const o of pendingOffersOf(state, rep.id)) {
        const c = state.conversations[o.conversationId]!;
        if (o.kind === "conference") tx.emit({ type: "conference_cancelled", conversationId: c.id, repId: rep.id });
        if (o.kind === "transfer" || o.kind === "supervisor_transfer")
          tx.emit({ type: "transfer_ended", conversationId: c.id, outcome: "withdrawn" });
        tx.emit({
          type: "offer_ended",
          offerId: o.id,
          repId: o.repId,
          conversationId: o.conversationId,
          status: "withdrawn",
        });
        tx.touch([c.queueId]);
      }
      for (const c of liveConversations(state)) {
        if (c.ownerId === rep.id && c.state === "active") {
          tx.emit({ type: "aborted", conversationId: c.id, reason });
          systemMessage(tx, c, "aborted", fill(workstreamOf(state, c).texts.aborted, { reason }));
        } else if (c.participants.includes(rep.id)) {
          tx.emit({ type: "left", conversationId: c.id, repId: rep.id, toWrapUp: false });
        }
      }
      const wrappingUp = liveConversations(state).filter((c) => c.state === "wrapup" && c.wrapUpBy.includes(rep.id));
      tx.emit({ type: "user_deleted", userId: rep.id });
      // Nobody else was wrapping them up: they would stay in Wrap-up for ever.
      for (const c of wrappingUp)
        if (c.wrapUpBy.length === 0) tx.emit({ type: "closed", conversationId: c.id, by: "system" });
      return;
    }
  }
}

function liveConversations(state: State): Conversation[] {
  return Object.keys(state.conversations)
    .sort(byNumericId)
    .map((id) => state.conversations[id]!)
    .filter((c) => c.state !== "closed");
}

function byNumericId(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1)) || a.localeCompare(b, "en");
}

function pendingOffersOf(state: State, repId: string): Offer[] {
  return Object.values(state.offers)
    .filter((o) => o.repId === repId && o.status === "pending")
    .sort((a, b) => byNumericId(a.id, b.id));
}

/**
 * L10, SV7: a conversation transferred to a queue is not offered straight back to the rep it was taken from, who just
 * handed it on (or had it handed on by their supervisor). That rep counts as having declined it in the queue, like a
 * rep who rejected its offer: routing skips them until it leaves the queue, or until they set themselves Available
 * again by hand, a fresh signal that they may take it (so a customer is not stranded when nobody else ever comes).
 * They can still pick it from the open work items on purpose.
 */
function transferredFrom(repId: string | null): string[] {
  return repId ? [repId] : [];
}

/** Validate a transfer or conference target; returns the rep, or null for a queue. */
function checkTarget(
  tx: Tx,
  c: Conversation,
  target: TransferTarget,
  fromId: string | null,
  supervisor: boolean,
): UserState | null {
  const { state } = tx;
  if (target.kind === "queue") {
    const queue = state.queues[target.id];
    if (!queue || queue.deleted) refuse("queue/not_found", `There is no queue ${target.id}.`);
    return null;
  }
  const rep = repOf(state, target.id);
  if (rep.id === fromId) refuse("transfer/invalid_target", "The conversation is already with that rep.");
  if (!supervisor && rep.id === c.ownerId) refuse("transfer/invalid_target", "You cannot transfer to yourself.");
  // One item per rep and conversation: a second offer would replace their pending offer, conference seat or wrap-up.
  if (c.id in rep.items)
    refuse("transfer/invalid_target", `${rep.name} already has conversation ${c.id} (${rep.items[c.id]!.role}).`);
  if (rep.presence !== "available") refuse("rep/unavailable", `${rep.name} is ${rep.presence}, not Available.`);
  if (!fits(rep, costOf(state, c)))
    refuse("rep/at_capacity", `${rep.name} is at capacity (${usedUnits(rep)}/${rep.capacity}).`);
  return rep;
}

function startConversation(
  tx: Tx,
  actor: Actor & { role: "customer" },
  command: Extract<Command, { type: "customer.start" }>,
): void {
  const { state, at } = tx;
  const ws = state.org.workstreams.find((w) => w.id === command.workstreamId);
  if (!ws) refuse("workstream/not_found", `There is no workstream ${command.workstreamId}.`);
  if (actor.conversationId !== undefined) {
    refuse(
      "auth/forbidden",
      "A conversation token reaches only its own conversation. Reconnect without it to start a new one.",
    );
  }
  const identity = command.identity;
  const authenticated = identity.id !== undefined;
  if (ws.mode === "persistent" && !authenticated) {
    refuse(
      "workstream/authentication_required",
      "Persistent chat needs a signed-in customer, so that the history can follow them.",
    );
  }
  if (ws.mode === "live" && !isOpenAt(ws.operatingHours, at)) refuse("workstream/closed", ws.texts.outsideHours);
  const queue = state.queues[ws.queueId];
  if (!queue || queue.deleted) refuse("queue/not_found", `The queue of workstream ${ws.name} no longer exists.`);
  if (command.text !== undefined) checkText(command.text, false);

  const key = authenticated ? `auth:${identity.id}` : actor.key;
  // A retried start (same clientId, the ack was lost) is the same conversation, not a second one.
  if (command.clientId !== undefined) {
    for (const id of conversationIdsOf(state, key)) {
      const c = state.conversations[id]!;
      const messageId = c.state !== "closed" ? messageIdByClientId(state, c, CUSTOMER, command.clientId) : undefined;
      if (messageId) {
        tx.result = { conversationId: c.id, resumed: true, messageId };
        return;
      }
    }
  }
  // A returning customer carries on with their open persistent conversation (P5), unless it was aborted (L4): that
  // one can only be ended, so they start a new one, as after an End (P8).
  const existingId = ws.mode === "persistent" ? state.identities[key] : undefined;
  const existing = existingId ? state.conversations[existingId] : undefined;
  if (existing && existing.workstreamId === ws.id && !existing.aborted) {
    tx.result = { conversationId: existing.id, resumed: true };
    if (command.text !== undefined) customerMessage(tx, existing, command.text, command.clientId);
    return;
  }

  const id = `c${state.counters.conversation + 1}`;
  const visitorName = `Visitor ${state.counters.visitor + 1}`;
  const name = authenticated ? (identity.name ?? identity.account ?? identity.caseTitle ?? identity.id!) : visitorName;
  const customer = {
    // A visitor's key is their connection's: only that session can see the conversation.
    key,
    authenticated,
    name,
    ...(identity.email !== undefined ? { email: identity.email } : {}),
    ...(identity.phone !== undefined ? { phone: identity.phone } : {}),
    ...(identity.account !== undefined ? { account: identity.account } : {}),
    ...(identity.caseTitle !== undefined ? { caseTitle: identity.caseTitle } : {}),
  };
  const c: Conversation = {
    id,
    workstreamId: ws.id,
    queueId: ws.queueId,
    mode: ws.mode,
    state: "open",
    customer,
    // S8: the customer's name, account or case title; "Visitor N" for an unauthenticated customer.
    title: authenticated ? (identity.name ?? identity.account ?? identity.caseTitle ?? name) : visitorName,
    proactive: command.proactive ?? false,
    context: { ...command.context },
    ownerId: null,
    lastOwnerId: null,
    participants: [],
    consultants: [],
    conference: null,
    transfer: null,
    supervisors: {},
    wrapUpBy: [],
    offerId: null,
    declinedBy: [],
    messages: [],
    sentiment: 0,
    alert: false,
    createdAt: at,
    queuedAt: at,
    assignedAt: null,
    waitingUntil: null,
    customerEnded: false,
    aborted: null,
    closedAt: null,
    closedBy: null,
  };
  tx.emit({ type: "conversation_created", conversation: c });
  tx.result = { conversationId: id, resumed: false, customerKey: customer.key };
  const created = state.conversations[id]!;
  if (command.text !== undefined) addCustomerMessage(tx, created, command.text, command.clientId);
  // Routing ran after every earlier command, so what is already queued could not be placed then and an arrival
  // frees nothing for it: only the new conversation needs a rep (the tick routes what opening hours release).
  routeOne(tx, created, Infinity);
  if (ws.mode === "live" && created.state === "open" && !created.offerId) queueMessages(tx, created, ws);
}

/** P4: a live customer who has to wait is told their position and the average wait; persistent customers are not. */
function queueMessages(tx: Tx, c: Conversation, ws: Workstream): void {
  const queue = tx.state.queues[c.queueId]!;
  // It joined at the end: found at once from there.
  const position = queue.open.lastIndexOf(c.id) + 1;
  const stats = tx.state.waitStats[ws.id];
  const minutes = Math.max(1, Math.round((stats?.meanMs ?? 2 * 60_000) / 60_000));
  systemMessage(tx, c, "queue_position", fill(ws.texts.queuePosition, { position }));
  systemMessage(tx, c, "average_wait", fill(ws.texts.averageWait, { minutes }));
}

function addCustomerMessage(tx: Tx, c: Conversation, text: string, clientId: string | undefined): Message {
  const step = scoreMessage(text);
  const id = nextMessageId(tx);
  const message: Message =
    clientId === undefined
      ? { id, at: tx.at, author: CUSTOMER, text, sentiment: step }
      : { id, at: tx.at, author: CUSTOMER, text, sentiment: step, clientId };
  tx.emit({ type: "message_added", conversationId: c.id, message });
  const recent: (typeof step)[] = [];
  for (let i = c.messages.length - 1; i >= 0 && recent.length < 3; i--) {
    const m = c.messages[i]!;
    if (m.author.role === "customer" && m.sentiment !== undefined) recent.unshift(m.sentiment);
  }
  const sentiment = conversationSentiment(recent);
  const alert = sentiment <= workstreamOf(tx.state, c).sentimentThreshold;
  if (sentiment !== c.sentiment || alert !== c.alert)
    tx.emit({ type: "sentiment_changed", conversationId: c.id, sentiment, alert });
  return message;
}

function customerMessage(tx: Tx, c: Conversation, text: string, clientId: string | undefined): void {
  const earlier = clientId === undefined ? undefined : messageIdByClientId(tx.state, c, CUSTOMER, clientId);
  if (earlier) {
    tx.result = { ...tx.result, conversationId: c.id, messageId: earlier, duplicate: true };
    return;
  }
  if (c.state === "closed" || c.state === "wrapup")
    refuse("conversation/wrong_state", "This conversation has ended; start a new one.");
  // L4: nobody can carry on an aborted conversation (a Waiting one would go back into its deleted queue): a message
  // would be stored where no rep ever answers it.
  if (c.aborted)
    refuse(
      "conversation/aborted",
      `This conversation was aborted (${c.aborted}) and takes no more messages; please start a new conversation.`,
    );
  checkText(text, false);
  const message = addCustomerMessage(tx, c, text, clientId);
  tx.result = { ...tx.result, conversationId: c.id, messageId: message.id };
  if (c.state !== "waiting") return;
  // The customer came back to a parked persistent chat (P6, P11, P12).
  const ws = workstreamOf(tx.state, c);
  const previous = c.lastOwnerId ? tx.state.users[c.lastOwnerId] : undefined;
  // A supervisor's pending transfer (SV6, SV7) decides who gets it: it waits in the queue for that answer.
  if (ws.autoAssignReturning && !c.transfer && previous && !previous.deleted && fits(previous, ws.capacityCost)) {
    assign(tx, c, previous.id, "auto");
    return;
  }
  tx.emit({ type: "queued", conversationId: c.id, queueId: c.queueId });
  tx.touch([c.queueId]);
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
      `You are not in conversation ${c.id}.`,
    );
  }
  const author = staffAuthor(actor.role === "supervisor" ? "supervisor" : "rep", me);
  const earlier = clientId === undefined ? undefined : messageIdByClientId(state, c, author, clientId);
  if (earlier) {
    tx.result = { conversationId: c.id, messageId: earlier, duplicate: true };
    return;
  }
  if (c.state !== "active" && !(joined && c.state === "wrapup")) requireActive(c, "write in");
  requireNotAborted(c);
  checkText(text, true);
  // One literal per shape: a property added afterwards would cost every message a separate property array.
  const id = nextMessageId(tx);
  const message: Message =
    clientId === undefined ? { id, at: tx.at, author, text } : { id, at: tx.at, author, text, clientId };
  tx.emit({ type: "message_added", conversationId: c.id, message });
  tx.result = { conversationId: c.id, messageId: message.id };
}

function myPendingOffer(tx: Tx, actor: Actor, offerId: string): Offer {
  const o = tx.state.offers[offerId];
  if (!o || o.repId !== actorId(actor)) refuse("offer/not_found", `There is no offer ${offerId} for you.`);
  if (o.status !== "pending" || tx.at >= o.expiresAt) refuse("offer/not_pending", "This offer is no longer available.");
  return o;
}

function acceptOffer(tx: Tx, actor: Actor, offerId: string): void {
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
  }
}

/** An offer refused or left to time out: pass the conversation on (L2, L10, L11, SV7). */
function endOffer(tx: Tx, o: Offer, status: "rejected" | "timed_out"): void {
  const { state } = tx;
  const c = state.conversations[o.conversationId]!;
  tx.emit({ type: "offer_ended", offerId: o.id, repId: o.repId, conversationId: o.conversationId, status });
  if (status === "timed_out") {
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
      // L10: the request is withdrawn and the conversation goes back to routing.
      tx.emit({ type: "transfer_ended", conversationId: c.id, outcome: "withdrawn" });
      break;
    case "supervisor_transfer":
      // SV7: the transfer completes on reject; the conversation stays where it was.
      tx.emit({ type: "transfer_ended", conversationId: c.id, outcome: "rejected" });
      break;
    case "conference":
      tx.emit({ type: "conference_cancelled", conversationId: c.id, repId: o.repId });
      break;
  }
  tx.touch([c.queueId]);
  const rep = state.users[o.repId];
  if (rep) tx.touch(rep.queues);
}

function supervisorAssign(tx: Tx, conversationId: string, target: TransferTarget, override: boolean): void {
  const { state } = tx;
  requireSetting(state, "assign", "supervisor/assign_disabled", "Supervisor assign");
  const c = conversation(state, conversationId);
  if (c.state !== "open" || c.ownerId || c.transfer) {
    refuse(
      "conversation/not_open",
      `Only an Open conversation assigned to nobody can be assigned; ${c.id} is ${c.state}.`,
    );
  }
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
  requireNoWrapUp(rep, c, `${rep.name} has`, "assign it to them");
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
  assign(tx, c, rep.id, "supervisor", override && (exceededBy > 0 || unavailable), exceededBy);
  tx.result = { conversationId: c.id, exceededBy };
}

function tick(tx: Tx): void {
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

/** Whether the customer was told the hours closed since the conversation last entered its queue. */
function toldClosed(c: Conversation): boolean {
  for (let i = c.messages.length - 1; i >= 0; i--) {
    const m = c.messages[i]!;
    if (c.queuedAt !== null && m.at < c.queuedAt) return false;
    if (m.code === "outside_hours") return true;
  }
  return false;
}

/** Conversations in Waiting with an expiry, from the index (which forgets those that left Waiting). */
function waitingConversations(state: State): Conversation[] {
  const waiting = indexesOf(state).waiting;
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
