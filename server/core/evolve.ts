// evolve: apply one event to the state. It trusts the event (decide validated it) except for the
// state-machine tables below, which it asserts: a forbidden transition is a programmer error.
//
// The state is owned by a single actor (the server shell), so evolve updates it in place instead of
// copying: a copy per event would cost more than the routing decision itself.
import type { Conversation, ConversationState, DomainEvent, OfferStatus, State, UserState } from "./model.js";
import {
  addHolder,
  advanceRouteStart,
  awaitsAnswer,
  dropHolder,
  existingIndexes,
  holdersOf,
  indexConversation,
  indexesOf,
  noteWaiting,
  routeAgainFrom,
} from "./indexes.js";
import { changeRole, loadOf, putItem, takeItem } from "./load.js";
import { OpenQueue } from "./open-queue.js";
import type { Org } from "./org.js";
import { EMPTY_DICT, conversationDicts, dict, dictionaries } from "./dict.js";
import { addMessage, closeThread, park, upgradeThread } from "./thread.js";
import { NO_IDS, compactRecord, idList } from "./record.js";
import { isRecordOnly, ownConversation, type RecordOnlyEvent } from "./sharing.js";
import { noteVisibility } from "./visibility.js";
import { tallyEvent } from "./tally.js";

/** Allowed conversation transitions; walked by a test. */
export const CONVERSATION_TRANSITIONS: Record<ConversationState, readonly ConversationState[]> = {
  open: ["active", "closed"],
  active: ["open", "waiting", "wrapup", "closed"],
  waiting: ["open", "active", "wrapup", "closed"],
  wrapup: ["closed"],
  closed: [],
};

export const OFFER_TRANSITIONS: Record<OfferStatus, readonly OfferStatus[]> = {
  pending: ["accepted", "rejected", "timed_out", "withdrawn"],
  accepted: [],
  rejected: [],
  timed_out: [],
  withdrawn: [],
};

export function initialState(org: Org): State {
  const state: State = {
    org,
    seq: 0,
    counters: { conversation: 0, visitor: 0, offer: 0, message: 0 },
    users: dict(),
    queues: dict(),
    conversations: dict(),
    offers: dict(),
    waitStats: dict(),
  };
  applyOrg(state, org);
  return state;
}

/**
 * A state from a snapshot (JSON), in this version's shape: its records keyed by ids are dictionaries again (dict.ts),
 * each queue's ids an OpenQueue again; and a snapshot written by an earlier version had conversations carrying their
 * messages' client ids (`clientIds`), which are now an index built from the messages (indexes.ts).
 */
export function upgradeState(state: State): State {
  // An earlier version's snapshot carries each authenticated customer's open persistent conversation (`identities`),
  // now found from the customers' index (indexes.ts openPersistentOf).
  delete (state as { identities?: unknown }).identities;
  dictionaries(state);
  for (const id in state.queues) {
    const queue = state.queues[id]!;
    // An array of ids in the snapshot (OpenQueue's toJSON): both are iterables of them.
    queue.open = OpenQueue.of(queue.open);
  }
  for (const id in state.conversations) {
    const c = state.conversations[id]!;
    delete (c as { clientIds?: unknown }).clientIds;
    upgradeThread(c);
    state.conversations[id] = compactRecord(state, c);
  }
  return state;
}

function applyOrg(state: State, org: Org): void {
  state.org = org;
  for (const user of org.users) {
    const existing = state.users[user.id];
    if (existing) {
      Object.assign(existing, {
        name: user.name,
        role: user.role,
        capacity: user.capacity,
        queues: [...user.queues],
        deleted: false,
      });
    } else {
      state.users[user.id] = {
        ...user,
        queues: [...user.queues],
        presence: "offline",
        autoBusy: false,
        idleSince: 0,
        items: dict(),
        deleted: false,
      };
    }
  }
  for (const queue of org.queues) {
    const existing = state.queues[queue.id];
    if (existing) Object.assign(existing, { name: queue.name, deleted: false });
    else state.queues[queue.id] = { id: queue.id, name: queue.name, deleted: false, open: new OpenQueue() };
  }
}

/**
 * The conversation `id`, the state's own to change (see sharing.ts). Its arrays and dictionaries are given new ones,
 * never changed in place: a copy of a shared record holds the same ones.
 */
function conv(state: State, id: string): Conversation {
  const found = ownConversation(state, id);
  if (!found) throw new Error(`evolve: unknown conversation ${id}`);
  return found;
}

function user(state: State, id: string): UserState {
  const found = state.users[id];
  if (!found) throw new Error(`evolve: unknown user ${id}`);
  return found;
}

function moveTo(c: Conversation, to: ConversationState): void {
  if (c.state === to) return;
  if (!CONVERSATION_TRANSITIONS[c.state].includes(to)) {
    throw new Error(`evolve: conversation ${c.id} cannot go from ${c.state} to ${to}`);
  }
  c.state = to;
}

function leaveQueue(state: State, c: Conversation): void {
  const queue = state.queues[c.queueId];
  if (!queue) return;
  // Routing's start (indexes.ts) is a ticket, which stays valid.
  queue.open.delete(c.id);
}

/** Keep routing's start (when the indexes are built) before `c`, which no longer awaits an answer. */
function routableAgain(state: State, c: Conversation): void {
  const indexes = existingIndexes(state);
  if (indexes && c.state === "open" && !awaitsAnswer(c)) routeAgainFrom(indexes, state, c.queueId, c.id);
}

/** Keep the holders index (when built) aware that `repId` now holds a work item for the conversation. */
function holding(state: State, conversationId: string, repId: string): void {
  const indexes = existingIndexes(state);
  if (indexes) addHolder(indexes, conversationId, repId);
}

function dropItem(state: State, repId: string, conversationId: string, at: number): void {
  const rep = state.users[repId];
  if (!rep || !(conversationId in rep.items)) return;
  takeItem(rep, conversationId);
  const indexes = existingIndexes(state);
  if (indexes) dropHolder(indexes, conversationId, repId);
  // A unit freed: the rep may have room again.
  indexes?.roomy.add(repId);
  if (loadOf(rep).items === 0) rep.idleSince = at;
}

/** Running mean of queue waits, for the live wait message (P4); recent waits weigh more. */
function recordWait(state: State, workstreamId: string, ms: number): void {
  const stats = (state.waitStats[workstreamId] ??= { meanMs: 0, samples: 0 });
  stats.samples++;
  stats.meanMs += (ms - stats.meanMs) / Math.min(stats.samples, 20);
}

/**
 * For a replica that already holds the record of the event's conversation past it (sharing.ts applyShared):
 * what evolve changes outside that record.
 */
export function evolveAdopted(state: State, event: RecordOnlyEvent): State {
  if (event.seq <= state.seq) throw new Error(`evolve: seq ${event.seq} after ${state.seq}`);
  state.seq = event.seq;
  if (event.type === "message_added") state.counters.message++;
  return state;
}

/** A replica's evolve: evolveAdopted for an event whose conversation's record it took already past the event. */
export function evolveReplica(state: State, event: DomainEvent, adopted: ReadonlySet<string> | undefined): State {
  return adopted !== undefined && isRecordOnly(event) && adopted.has(event.conversationId)
    ? evolveAdopted(state, event)
    : evolve(state, event);
}

export function evolve(state: State, event: DomainEvent): State {
  if (event.seq <= state.seq) throw new Error(`evolve: seq ${event.seq} after ${state.seq}`);
  state.seq = event.seq;
  const at = event.at;
  // From the state before the event: who had the conversation it takes.
  tallyEvent(state, event);
  switch (event.type) {
    case "configured": {
      applyOrg(state, event.org);
      // Capacities may have grown: every rep may have room.
      const indexes = existingIndexes(state);
      if (indexes) for (const id in state.users) indexes.roomy.add(id);
      break;
    }
    case "presence_changed": {
      const u = user(state, event.userId);
      if (u.presence !== "available" && event.presence === "available") {
        u.idleSince = Math.max(u.idleSince, at);
        // Coming back by hand (out of RONA, say) is a fresh signal: conversations this rep declined
        // while in the queue may be offered to them again. Only conversations someone declined are looked at.
        if (event.reason === "manual") {
          const declined = indexesOf(state).declined;
          for (const id of declined) {
            const c = state.conversations[id];
            if (!c || c.declinedBy.length === 0) {
              declined.delete(id);
              continue;
            }
            if (c.state === "open" && u.queues.includes(c.queueId) && c.declinedBy.includes(u.id))
              conv(state, id).declinedBy = idList(c.declinedBy.filter((x) => x !== u.id));
          }
        }
      }
      // The time in a presence restarts with a new presence or a new reason for it, not with the same one again.
      const reasonId = event.reasonId ?? null;
      if (u.presence !== event.presence || (u.presenceReasonId ?? null) !== reasonId) u.presenceSince = at;
      u.presence = event.presence;
      u.presenceReasonId = reasonId;
      u.autoBusy = event.auto;
      if (event.presence === "available") {
        const indexes = existingIndexes(state);
        indexes?.available.add(u.id);
        indexes?.roomy.add(u.id);
      }
      break;
    }
    case "conversation_created": {
      // The record is a literal of its own (compactRecord) over the event's values: evolve never changes a record's
      // arrays, dictionaries or objects in place (it gives it new ones), so the event keeps what it said without a
      // deep clone (structuredClone was ~5 µs of a customer's start).
      const c = compactRecord(state, conversationDicts({ ...event.conversation }));
      // Stored by an earlier version, it may carry an empty `clientIds` and no count of its messages.
      delete (c as { clientIds?: unknown }).clientIds;
      upgradeThread(c);
      state.conversations[c.id] = c;
      state.counters.conversation++;
      if (!c.customer.authenticated) state.counters.visitor++;
      state.queues[c.queueId]?.open.push(c.id);
      const indexes = existingIndexes(state);
      if (indexes) indexConversation(indexes, c.customer.key, c.id);
      break;
    }
    case "message_added": {
      // Outside the record, only the counter (evolveAdopted).
      const c = conv(state, event.conversationId);
      addMessage(c, event.message);
      state.counters.message++;
      break;
    }
    case "note_added": {
      const c = conv(state, event.conversationId);
      c.notes = [...(c.notes ?? []), event.note];
      break;
    }
    case "sentiment_changed": {
      // The record alone (evolveAdopted).
      const c = conv(state, event.conversationId);
      c.sentiment = event.sentiment;
      c.alert = event.alert;
      break;
    }
    case "queued": {
      const c = conv(state, event.conversationId);
      if (c.state !== "open") {
        moveTo(c, "open");
      } else {
        leaveQueue(state, c);
      }
      if (c.ownerId) dropItem(state, c.ownerId, c.id, at);
      c.ownerId = null;
      c.queueId = event.queueId;
      c.queuedAt = at;
      c.assignedAt = null;
      c.waitingUntil = null;
      c.declinedBy = event.declinedBy ? idList([...event.declinedBy]) : NO_IDS;
      c.returning = event.returning === true ? true : undefined;
      if (c.declinedBy.length > 0) existingIndexes(state)?.declined.add(c.id);
      state.queues[event.queueId]?.open.push(c.id);
      break;
    }
    case "declines_forgotten": {
      conv(state, event.conversationId).declinedBy = NO_IDS;
      break;
    }
    case "offered": {
      const offer = { ...event.offer };
      state.offers[offer.id] = offer;
      state.counters.offer++;
      const c = conv(state, offer.conversationId);
      if (offer.kind === "route") {
        c.offerId = offer.id;
        const indexes = existingIndexes(state);
        if (indexes && c.state === "open") advanceRouteStart(indexes, state, c.queueId);
      }
      // A consult costs no capacity: its offer holds the conversation for the consultant at 0 units.
      const units =
        offer.kind === "consult" ? 0 : (state.org.workstreams.find((w) => w.id === c.workstreamId)?.capacityCost ?? 1);
      putItem(user(state, offer.repId), c.id, { role: "offer", units });
      holding(state, c.id, offer.repId);
      break;
    }
    case "offer_ended":
    case "offer_accepted": {
      const offer = state.offers[event.offerId];
      if (!offer) throw new Error(`evolve: unknown offer ${event.offerId}`);
      const status: OfferStatus = event.type === "offer_accepted" ? "accepted" : event.status;
      if (!OFFER_TRANSITIONS[offer.status].includes(status)) {
        throw new Error(`evolve: offer ${offer.id} cannot go from ${offer.status} to ${status}`);
      }
      offer.status = status;
      const c = conv(state, offer.conversationId);
      if (c.offerId === offer.id) c.offerId = null;
      if (event.type === "offer_ended") {
        // Routing may offer it again. An accepted route offer's conversation needs nothing of the kind: the same
        // command assigns it, which takes it off its queue.
        routableAgain(state, c);
        const rep = state.users[offer.repId];
        if (rep?.items[c.id]?.role === "offer") dropItem(state, offer.repId, c.id, at);
        if (status === "rejected" || status === "timed_out") {
          c.declinedBy = [...c.declinedBy, offer.repId];
          existingIndexes(state)?.declined.add(c.id);
        }
      }
      // Settled offers are history; only pending ones stay in the state.
      delete state.offers[offer.id];
      break;
    }
    case "assigned": {
      const c = conv(state, event.conversationId);
      if (c.state === "open") leaveQueue(state, c);
      c.returning = undefined;
      const previous = c.ownerId;
      if (previous && previous !== event.repId && state.users[previous]?.items[c.id]?.role === "owner") {
        dropItem(state, previous, c.id, at);
      }
      if (c.queuedAt !== null && c.state === "open") recordWait(state, c.workstreamId, at - c.queuedAt);
      moveTo(c, "active");
      c.ownerId = event.repId;
      c.lastOwnerId = event.repId;
      c.queuedAt = null;
      c.assignedAt = at;
      c.waitingUntil = null;
      c.declinedBy = NO_IDS;
      c.participants = idList(c.participants.filter((id) => id !== event.repId));
      c.consultants = idList(c.consultants.filter((id) => id !== event.repId));
      const rep = user(state, event.repId);
      putItem(
        rep,
        c.id,
        event.override ? { role: "owner", units: event.units, override: true } : { role: "owner", units: event.units },
      );
      holding(state, c.id, rep.id);
      rep.idleSince = at;
      break;
    }
    case "transfer_requested": {
      conv(state, event.conversationId).transfer = event.transfer;
      break;
    }
    case "transfer_ended": {
      const c = conv(state, event.conversationId);
      c.transfer = null;
      routableAgain(state, c);
      break;
    }
    case "conference_requested": {
      conv(state, event.conversationId).conference = { repId: event.repId, offerId: event.offerId };
      break;
    }
    case "conference_joined": {
      const c = conv(state, event.conversationId);
      c.conference = null;
      if (!c.participants.includes(event.repId)) c.participants = [...c.participants, event.repId];
      changeRole(user(state, event.repId), c.id, "conference");
      break;
    }
    case "conference_cancelled": {
      conv(state, event.conversationId).conference = null;
      break;
    }
    case "left": {
      const c = conv(state, event.conversationId);
      const others = c.participants.filter((id) => id !== event.repId);
      c.participants = idList(others);
      if (c.ownerId === event.repId) {
        const next = others[0] ?? null;
        c.participants = idList(others.slice(1));
        c.ownerId = next;
        if (next) {
          const nextRep = state.users[next];
          if (nextRep) changeRole(nextRep, c.id, "owner");
          c.lastOwnerId = next;
        }
      }
      const rep = state.users[event.repId];
      if (rep && event.toWrapUp) changeRole(rep, c.id, "wrapup");
      else dropItem(state, event.repId, c.id, at);
      break;
    }
    case "consultant_added": {
      const c = conv(state, event.conversationId);
      if (!c.consultants.includes(event.repId)) c.consultants = [...c.consultants, event.repId];
      // An accepted consult offer: the consultant holds nothing (no capacity, no work item).
      if (state.users[event.repId]?.items[c.id]?.role === "offer") dropItem(state, event.repId, c.id, at);
      break;
    }
    case "consultant_left": {
      const c = conv(state, event.conversationId);
      c.consultants = idList(c.consultants.filter((id) => id !== event.repId));
      break;
    }
    case "waiting": {
      const c = conv(state, event.conversationId);
      moveTo(c, "waiting");
      noteWaiting(state, c.id);
      for (const id of [c.ownerId, ...c.participants]) if (id) dropItem(state, id, c.id, at);
      c.lastOwnerId = event.byRepId;
      c.ownerId = null;
      c.assignedAt = null;
      c.participants = NO_IDS;
      c.waitingUntil = event.until;
      // Parked, nobody owes the customer an answer: when they come back, their wait starts from their return.
      c.customerWaitingSince = null;
      park(c);
      break;
    }
    case "wrapup_started": {
      const c = conv(state, event.conversationId);
      moveTo(c, "wrapup");
      c.endedAt = at;
      c.customerEnded = c.customerEnded || event.customerEnded;
      c.waitingUntil = null;
      c.wrapUpBy = idList([...event.repIds]);
      for (const id of event.repIds) {
        const rep = user(state, id);
        const item = rep.items[c.id];
        // A supervisor's override (SV5) still explains the units while the rep wraps up.
        putItem(
          rep,
          c.id,
          item?.override
            ? { role: "wrapup", units: item.units, override: true }
            : { role: "wrapup", units: item?.units ?? 0 },
        );
        holding(state, c.id, id);
      }
      break;
    }
    case "wrapup_submitted": {
      const c = conv(state, event.conversationId);
      dropItem(state, event.repId, c.id, at);
      c.wrapUpBy = idList(c.wrapUpBy.filter((id) => id !== event.repId));
      c.wrapUps = [...(c.wrapUps ?? []), { repId: event.repId, reasonId: event.reasonId }];
      break;
    }
    case "closed": {
      const c = conv(state, event.conversationId);
      if (c.state === "open") leaveQueue(state, c);
      moveTo(c, "closed");
      // A customer who ends a live chat before any rep took it (L12) ended it all the same.
      if (event.by === "customer") c.customerEnded = true;
      // Reps still choosing a wrap-up reason keep their item until they submit it.
      for (const id of holdersOf(state, c.id)) {
        const item = state.users[id]!.items[c.id];
        if (item && item.role !== "wrapup") dropItem(state, id, c.id, at);
      }
      c.closedAt = at;
      c.endedAt ??= at;
      c.closedBy = event.by;
      c.waitingUntil = null;
      c.queuedAt = null;
      c.offerId = null;
      c.conference = null;
      c.transfer = null;
      c.supervisors = EMPTY_DICT;
      closeThread(c);
      break;
    }
    case "aborted": {
      conv(state, event.conversationId).aborted = event.reason;
      break;
    }
    case "rating_given": {
      const c = conv(state, event.conversationId);
      c.rating =
        event.comment === undefined ? { score: event.score, at } : { score: event.score, comment: event.comment, at };
      break;
    }
    case "supervisor_watching": {
      const c = conv(state, event.conversationId);
      if (event.mode) (c.supervisors = dict(c.supervisors))[event.supervisorId] = event.mode;
      else if (event.supervisorId in c.supervisors) {
        const supervisors = dict(c.supervisors);
        delete supervisors[event.supervisorId];
        c.supervisors = supervisors;
      }
      break;
    }
    case "queue_deleted": {
      const queue = state.queues[event.queueId];
      if (queue) queue.deleted = true;
      state.org = { ...state.org, queues: state.org.queues.filter((q) => q.id !== event.queueId) };
      for (const id in state.users) {
        const u = state.users[id]!;
        u.queues = u.queues.filter((q) => q !== event.queueId);
      }
      break;
    }
    case "user_deleted": {
      const u = user(state, event.userId);
      u.deleted = true;
      u.presence = "offline";
      u.presenceReasonId = null;
      u.items = dict();
      // A removed rep can no longer submit a wrap-up reason: stop waiting for them.
      for (const id in state.conversations) {
        const c = state.conversations[id]!;
        if (c.wrapUpBy.includes(u.id)) conv(state, id).wrapUpBy = idList(c.wrapUpBy.filter((x) => x !== u.id));
      }
      state.org = { ...state.org, users: state.org.users.filter((x) => x.id !== event.userId) };
      break;
    }
    default: {
      // Every event type has a case above: a new one does not compile until it has.
      const unknown: never = event;
      throw new Error(`evolve: unknown event ${(unknown as DomainEvent).type}`);
    }
  }
  noteVisibility(state, event);
  return state;
}
