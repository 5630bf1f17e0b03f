// What the command families share: lookups that refuse, and the small steps that emit events.
import { byNumericId } from "../dict.js";
import { loadOf, usedUnits } from "../load.js";
import type {
  Actor,
  Author,
  Command,
  Conversation,
  Note,
  NoteKind,
  Offer,
  OfferKind,
  State,
  TransferTarget,
  UserState,
} from "../model.js";
import { MAX_MESSAGE_LENGTH, PRESENCES, STATE_WORD } from "../../../src/protocol/vocabulary.js";
import type { Presence } from "../../../src/protocol/vocabulary.js";
import { abortedRefusal, presenceReasonRefusal } from "../../../src/protocol/rules.js";
import { sanitizeText } from "../../../src/protocol/sanitize.js";
import { fits, workstreamOf } from "../routing.js";
import { staffCustomerName } from "../staff-text.js";
import { refuse } from "./tx.js";
import type { Tx } from "./tx.js";
import type { SystemMessageCode } from "../../../src/protocol/views.js";

/** A customer actor: the commands only customers may send get one (the table checks the role first). */
export type CustomerActor = Extract<Actor, { role: "customer" }>;

export type CommandOf<T extends Command["type"]> = Extract<Command, { type: T }>;

// ---- lookups ----------------------------------------------------------------------------------------

export function conversation(state: State, id: string): Conversation {
  const c = state.conversations[id];
  if (!c) refuse("conversation/not_found", `There is no conversation ${id}.`);
  return c;
}

/** A customer asking for a conversation that is not theirs gets the same answer as for one that does not exist. */
export function customersConversation(state: State, actor: CustomerActor, id: string): Conversation {
  const c = state.conversations[id];
  // A conversation token reaches its own conversation only.
  if (!c || c.customer.key !== actor.key || (actor.conversationId !== undefined && actor.conversationId !== id)) {
    refuse("conversation/not_found", `There is no conversation ${id}.`);
  }
  return c;
}

export function repOf(state: State, id: string): UserState {
  const rep = state.users[id];
  if (!rep || rep.deleted) refuse("rep/not_found", `There is no rep ${id}.`);
  return rep;
}

export function actorId(actor: Actor): string {
  if (actor.role === "rep" || actor.role === "supervisor") return actor.id;
  if (actor.role === "customer") return actor.key;
  return actor.role;
}

export function costOf(state: State, c: Conversation): number {
  return workstreamOf(state, c).capacityCost;
}

export function checkText(text: string, fromStaff: boolean): string {
  // Empty as it would be shown: escape sequences, controls and invisible characters alone are nothing to read.
  if (sanitizeText(text).trim().length === 0) refuse("message/empty", "The message is empty.");
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

/** Longest customer name a refusal quotes, in code points. */
const NAME_IN_REFUSAL = 40;

/**
 * A conversation named in a refusal as staff know it: by its customer ("the conversation with Dana Kim"), not by an
 * id they never see (the name masked as staff see it).
 */
export function conversationWith(state: State, c: Conversation): string {
  const name = [...staffCustomerName(state, c)];
  const shown = name.length > NAME_IN_REFUSAL ? `${name.slice(0, NAME_IN_REFUSAL - 1).join("")}…` : name.join("");
  return `the conversation with ${shown}`;
}

/** A phrase starting a sentence. */
export function sentence(phrase: string): string {
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

export function requireOwner(state: State, c: Conversation, repId: string): void {
  if (c.ownerId !== repId)
    refuse("conversation/not_yours", `${sentence(conversationWith(state, c))} is not assigned to you.`);
}

export function requireActive(state: State, c: Conversation, action: string): void {
  if (c.state !== "active")
    refuse(
      "conversation/not_active",
      `You can only ${action} an Active conversation; ${conversationWith(state, c)} is ${STATE_WORD[c.state]}.`,
    );
}

export function requireNotAborted(c: Conversation): void {
  const refusal = abortedRefusal(c);
  if (refusal) refuse(refusal.code, refusal.message);
}

/**
 * L10, L11, L12: a rep who left a conversation (transferred it, left its conference) owes a wrap-up reason for
 * leaving it. Taking it again first would drop that wrap-up unrecorded (the seat replaces the wrap-up item, and the
 * units it held), so it waits until the reason is submitted; then it is an ordinary pick or assignment.
 */
export function requireNoWrapUp(state: State, rep: UserState, c: Conversation, who: string, action: string): void {
  if (rep.items[c.id]?.role === "wrapup") {
    refuse(
      "wrapup/pending",
      `${who} not submitted the wrap-up reason for leaving ${conversationWith(state, c)} yet; submit it first, then ${action}.`,
    );
  }
}

// ---- small event helpers ----------------------------------------------------------------------------

/** Authors without fields of their own, shared by every message they write (messages are never changed). */
export const CUSTOMER: Author = Object.freeze({ role: "customer" });
export const SYSTEM: Author = Object.freeze({ role: "system" });

/**
 * A staff member's author, shared by every message they write as long as their name stays the same: the same value
 * as a fresh `{ role, id, name }`, without an object per message.
 */
type StaffAuthor = Extract<Author, { id: string }>;
const staffAuthors = new WeakMap<UserState, { rep?: StaffAuthor; supervisor?: StaffAuthor }>();

export function staffAuthor(role: StaffAuthor["role"], user: UserState): StaffAuthor {
  let byRole = staffAuthors.get(user);
  if (!byRole) staffAuthors.set(user, (byRole = {}));
  const cached = byRole[role];
  if (cached && cached.id === user.id && cached.name === user.name) return cached;
  return (byRole[role] = Object.freeze({ role, id: user.id, name: user.name }));
}

export function nextMessageId(tx: Tx): string {
  return `m${tx.state.counters.message + 1}`;
}

export function systemMessage(tx: Tx, c: Conversation, code: SystemMessageCode, text: string): void {
  tx.emit({
    type: "message_added",
    conversationId: c.id,
    message: { id: nextMessageId(tx), at: tx.at, author: SYSTEM, text, code },
  });
}

/** A staff-only line of the thread (a note, a consult line, a whisper): the one path that never reaches the customer. */
export function staffNote(
  tx: Tx,
  c: Conversation,
  author: Note["author"],
  text: string,
  kind: NoteKind | undefined,
): void {
  const id = `n${(c.notes?.length ?? 0) + 1}`;
  const note: Note = kind ? { id, at: tx.at, author, text, kind } : { id, at: tx.at, author, text };
  tx.emit({ type: "note_added", conversationId: c.id, note });
  tx.result = { conversationId: c.id, noteId: id };
}

export function offer(tx: Tx, c: Conversation, rep: UserState, kind: OfferKind, byId: string | null): Offer {
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
export function settlePresence(tx: Tx, repId: string | null | undefined): void {
  if (!repId || !tx.state.org.autoBusyAtCapacity) return;
  const rep = tx.state.users[repId];
  if (!rep || rep.deleted) return;
  const handling = loadOf(rep).handling;
  if (rep.presence === "available" && rep.capacity > 0 && handling >= rep.capacity) {
    tx.emit({ type: "presence_changed", userId: rep.id, presence: "busy", auto: true, reason: "capacity" });
  } else if (rep.presence === "busy" && rep.autoBusy && handling < rep.capacity) {
    tx.emit({ type: "presence_changed", userId: rep.id, presence: "available", auto: false, reason: "capacity" });
  }
}

/**
 * L2, S2: a presence set by hand, by the rep or (`by`) a supervisor for them, with one of the org's reasons for it.
 * Available lets routing offer them work again; Away, Offline and Busy-DND send their routing offers elsewhere.
 */
export function changePresence(
  tx: Tx,
  rep: UserState,
  presence: Presence,
  reasonId: string | undefined,
  by: string | null,
): void {
  const { state } = tx;
  if (!PRESENCES.includes(presence) || presence === "rona") {
    refuse("presence/invalid", "Choose Available, Busy, Busy-DND, Away or Offline; RONA is set by the system.");
  }
  const unknown = presenceReasonRefusal(state.org.presenceReasons, presence, reasonId);
  if (unknown) refuse(unknown.code, unknown.message);
  if (rep.presence === presence && (rep.presenceReasonId ?? undefined) === reasonId && !rep.autoBusy) return;
  tx.emit({
    type: "presence_changed",
    userId: rep.id,
    presence,
    auto: false,
    reason: "manual",
    ...(reasonId === undefined ? {} : { reasonId }),
    ...(by === null ? {} : { by }),
  });
  if (presence === "available") {
    settlePresence(tx, rep.id);
    tx.touch(rep.queues);
  } else {
    // Leaving Available by hand (Busy · Lunch included) withdraws the routing offers: they go to another rep now,
    // instead of timing out into RONA, which would also lose the presence just chosen (L2).
    for (const o of pendingOffersOf(state, rep.id)) {
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
}

export function freed(tx: Tx, repId: string | null | undefined): void {
  if (!repId) return;
  settlePresence(tx, repId);
  const rep = tx.state.users[repId];
  if (rep) tx.touch(rep.queues);
}

export function assign(
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
export function withdrawOffers(tx: Tx, c: Conversation): void {
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

/**
 * The conversations not Closed, oldest first (those of a removed queue, workstream or rep): Closed ones, most of
 * what a long-running server holds, are left out before the sort.
 */
export function liveConversations(state: State): Conversation[] {
  const live: Conversation[] = [];
  for (const id in state.conversations) {
    const c = state.conversations[id]!;
    if (c.state !== "closed") live.push(c);
  }
  return live.sort((a, b) => byNumericId(a.id, b.id));
}

export function pendingOffersOf(state: State, repId: string): Offer[] {
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
export function transferredFrom(repId: string | null): string[] {
  return repId ? [repId] : [];
}

/** Validate a transfer or conference target; returns the rep, or null for a queue. */
export function checkTarget(
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
    refuse(
      "transfer/invalid_target",
      `${rep.name} already has ${conversationWith(state, c)} (${rep.items[c.id]!.role}).`,
    );
  if (rep.presence !== "available") refuse("rep/unavailable", `${rep.name} is ${rep.presence}, not Available.`);
  if (!fits(rep, costOf(state, c)))
    refuse("rep/at_capacity", `${rep.name} is at capacity (${usedUnits(rep)}/${rep.capacity}).`);
  return rep;
}
