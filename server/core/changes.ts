// What an event, already applied to the state, means for one viewer: the views it changed, the offers and notices
// it brings them. A batch of events fanned out together gives each view once (GivenViews).
import type { Change } from "../../src/protocol/views.js";
import { conversationOf } from "./audience.js";
import { conversationView, customerConversationView, messageView, noteView, offerView } from "./conversation-views.js";
import type { Conversation, DomainEvent, State, TransferTarget } from "./model.js";
import { activeUsers, nameOf, orgView, userView } from "./org-views.js";
import { staffCustomerName, staffTitle } from "./staff-text.js";
import { canSee } from "./viewer.js";
import type { Viewer } from "./viewer.js";
import { reasonsFor } from "../../src/protocol/rules.js";
import { PRESENCE_WORD, urgentAttentionText } from "../../src/protocol/vocabulary.js";

/** Events that change what a rep holds, and so their capacity view. */
const CAPACITY_EVENTS = new Set<DomainEvent["type"]>([
  "offered",
  "offer_ended",
  "offer_accepted",
  "assigned",
  "left",
  "waiting",
  "wrapup_started",
  "wrapup_submitted",
  "closed",
  "queued",
  "conference_joined",
]);

const CUSTOMER_VISIBLE = new Set<DomainEvent["type"]>([
  "conversation_created",
  "queued",
  "assigned",
  "waiting",
  "wrapup_started",
  "closed",
  "left",
  "aborted",
  "rating_given",
]);

/** The conversations a viewer has been sent in full (a Set, or the gateway's SeenConversations). */
export interface Seen {
  has(id: string): boolean;
  add(id: string): unknown;
  delete(id: string): unknown;
}

/**
 * The views a viewer was given earlier in one run of events projected with the same state (a batch fanned out
 * together, a resume's replay). Views are built from that state, which already holds every event of the run, so a
 * later event's view of the same conversation or user would repeat an earlier one word for word: it is left out.
 */
export interface GivenViews {
  /** Whether this conversation's (or user's) view was given earlier in the run; from now on it counts as given. */
  again(kind: "conversation" | "user", id: string): boolean;
}

/** A run whose views are all given anew: each event's changes stand alone. */
const NONE_GIVEN: GivenViews = { again: () => false };

/** Given views kept in two sets, for one run (a resume's replay, one connection's share of a batch). */
export function givenViews(): GivenViews {
  const given = { conversation: new Set<string>(), user: new Set<string>() };
  return {
    again(kind, id) {
      if (given[kind].has(id)) return true;
      given[kind].add(id);
      return false;
    },
  };
}

/**
 * The changes `event` (already applied to `state`) means for `viewer`. `seen` holds the conversations
 * this viewer has been sent in full and may still see; a conversation seen for the first time (or again after it
 * was out of their sight) comes with its history. `given`: the
 * views given earlier in the same run, which are not repeated.
 */
export function changesFor(
  state: State,
  event: DomainEvent,
  viewer: Viewer,
  seen: Seen,
  given: GivenViews = NONE_GIVEN,
): Change[] {
  const changes: Change[] = [];
  const c = conversationOf(state, event);

  if (viewer.role === "customer") {
    if (!c || !canSee(state, viewer, c)) return changes;
    if (!seen.has(c.id)) {
      seen.add(c.id);
      given.again("conversation", c.id);
      changes.push({ kind: "customer_conversation", conversation: customerConversationView(state, c, true) });
      return changes;
    }
    if (event.type === "message_added")
      changes.push({
        kind: "message",
        conversationId: c.id,
        message: messageView(state, event.message, true, c.customer.name),
      });
    else if (CUSTOMER_VISIBLE.has(event.type) && !given.again("conversation", c.id))
      changes.push({ kind: "customer_conversation", conversation: customerConversationView(state, c, false) });
    return changes;
  }

  const me = viewer.id;
  if (c && canSee(state, viewer, c)) {
    if (!seen.has(c.id)) {
      seen.add(c.id);
      given.again("conversation", c.id);
      changes.push({ kind: "conversation", conversation: conversationView(state, c, true) });
    } else if (event.type === "message_added") {
      changes.push({
        kind: "message",
        conversationId: c.id,
        message: messageView(state, event.message, false, staffCustomerName(state, c)),
      });
    } else if (event.type === "note_added") {
      changes.push({ kind: "note", conversationId: c.id, note: noteView(event.note) });
    } else if (!given.again("conversation", c.id)) {
      changes.push({ kind: "conversation", conversation: conversationView(state, c, false) });
    }
  } else if (c && seen.has(c.id)) {
    // Out of their sight (an offer that ended, a transfer wrapped up): they are told, so that every console of theirs
    // lets it go. What happens meanwhile is not sent to them, so the next time they may see it it comes whole again.
    seen.delete(c.id);
    changes.push({ kind: "gone", conversationId: c.id });
  }

  switch (event.type) {
    case "offered":
      if (event.offer.repId === me)
        changes.push({ kind: "offer", offer: offerView(state, state.offers[event.offer.id] ?? event.offer) });
      break;
    case "offer_ended":
    case "offer_accepted":
      if (event.repId === me) {
        const status = event.type === "offer_accepted" ? "accepted" : event.status;
        changes.push({ kind: "offer_ended", offerId: event.offerId, conversationId: event.conversationId, status });
        if (status === "withdrawn")
          changes.push({
            kind: "notice",
            code: "offer_withdrawn",
            text: "The offer was withdrawn.",
            conversationId: event.conversationId,
          });
      }
      // The rep who asked a colleague to consult or to join learns that they will not (a transfer says so itself).
      if (event.type === "offer_ended" && event.byId === me && c && event.status !== "withdrawn") {
        const asked = event.kind === "consult" ? "consult" : event.kind === "conference" ? "conference" : null;
        if (asked) {
          const request = `your ${asked} request on ${staffTitle(state, c)}`;
          changes.push({
            kind: "notice",
            code: asked === "consult" ? "consult_declined" : "conference_declined",
            text:
              event.status === "rejected"
                ? `${nameOf(state, event.repId)} declined ${request}.`
                : `${nameOf(state, event.repId)} did not answer ${request} in time.`,
            conversationId: c.id,
          });
        }
      }
      break;
    case "presence_changed":
      if (event.reason === "rona" && event.userId === me) {
        changes.push({
          kind: "notice",
          code: "rona",
          text: "You did not answer an offer in time and are now RONA: no offers reach you until you set yourself Available.",
        });
      }
      // The rep learns who changed their presence for them, and to what.
      if (event.by !== undefined && event.by !== me && event.userId === me) {
        // The event's own reason: the presence may have moved on within the same command (Busy at capacity).
        const reason =
          event.reasonId === undefined
            ? undefined
            : (reasonsFor(state.org.presenceReasons, event.presence).find((r) => r.id === event.reasonId)?.label ??
              event.reasonId);
        changes.push({
          kind: "notice",
          code: "presence_set",
          text: `${nameOf(state, event.by)} set your presence to ${PRESENCE_WORD[event.presence]}${reason ? ` · ${reason}` : ""}.`,
        });
      }
      break;
    case "sentiment_changed":
      if (event.alert && c && canSee(state, viewer, c) && (viewer.role !== "rep" || inRepsPane(viewer.id, c))) {
        changes.push({
          kind: "notice",
          code: "sentiment_alert",
          text: urgentAttentionText(
            staffTitle(state, c),
            watchingOnly(viewer, c) ? { ownerName: nameOf(state, c.ownerId) } : undefined,
          ),
          conversationId: c.id,
        });
      }
      break;
    case "assigned":
      // P12: the customer wrote again in a parked chat, and it came straight back to its rep, without an offer.
      if (event.by === "auto" && event.repId === me && c)
        changes.push({
          kind: "notice",
          code: "customer_back",
          text: `${staffCustomerName(state, c)} is back: their conversation is assigned to you again.`,
          conversationId: c.id,
        });
      break;
    case "queued":
      // P6: the customer is back in a chat this rep parked, and it waits in the queue (they are not Available, or it
      // is not theirs by the workstream's rules): told where it is. An offer of it to them is a card of its own.
      if (
        event.returning &&
        c &&
        viewer.role === "rep" &&
        c.lastOwnerId === me &&
        !(c.id in (state.users[me]?.items ?? {}))
      )
        changes.push({
          kind: "notice",
          code: "customer_back",
          text: `${staffCustomerName(state, c)} is back: their conversation went to the ${state.queues[c.queueId]?.name ?? c.queueId} queue${awayWord(state, me)}.`,
          conversationId: c.id,
        });
      break;
    case "wrapup_started":
      if (event.customerEnded && event.repIds.includes(me)) {
        changes.push({
          kind: "notice",
          code: "customer_ended",
          text: "Customer ended the conversation",
          conversationId: event.conversationId,
        });
      }
      break;
    case "aborted":
      if (c && canSee(state, viewer, c))
        changes.push({
          kind: "notice",
          code: "aborted",
          text: `Conversation aborted: ${event.reason}. It can only be ended.`,
          conversationId: event.conversationId,
        });
      break;
    case "transfer_requested":
      // SV6: a supervisor moves a rep's conversation to another rep: the rep learns it before the offer is answered.
      if (c && event.transfer.by === "supervisor" && event.transfer.fromRepId === me)
        changes.push({
          kind: "notice",
          code: "supervisor_transfer",
          text: `A supervisor is transferring ${staffTitle(state, c)} to ${targetName(state, event.transfer.target)}; it stays yours until they answer.`,
          conversationId: c.id,
        });
      break;
    case "consultant_added":
      // SV6: a supervisor moved this rep's conversation to a queue, keeping them on as its consultant.
      if (c && event.repId === me && c.ownerId === null)
        changes.push({
          kind: "notice",
          code: "supervisor_transfer",
          text: `A supervisor transferred ${staffTitle(state, c)} to the ${targetName(state, { kind: "queue", id: c.queueId })}; you stay on as its consultant.`,
          conversationId: c.id,
        });
      // The rep who asked is told their colleague is in.
      if (c && c.ownerId === me && event.repId !== me)
        changes.push({
          kind: "notice",
          code: "consult_joined",
          text: `${nameOf(state, event.repId)} joined the consult on ${staffTitle(state, c)}: what they write reaches you only.`,
          conversationId: c.id,
        });
      break;
    case "consultant_left":
      // The rep is told their consultant left of their own accord (they know when they ended it themselves).
      if (c && c.ownerId === me && event.by === event.repId && event.repId !== me)
        changes.push({
          kind: "notice",
          code: "consult_left",
          text: `${nameOf(state, event.repId)} left the consult on ${staffTitle(state, c)}.`,
          conversationId: c.id,
        });
      // The consultant no longer sees the conversation: they are told, so their console lets it go.
      if (event.repId === me && c)
        changes.push({
          kind: "notice",
          code: "consult_ended",
          text:
            event.by === me
              ? `You left the consult on ${staffTitle(state, c)}.`
              : `${nameOf(state, event.by)} ended your consult on ${staffTitle(state, c)}.`,
          conversationId: c.id,
        });
      break;
    case "configured": {
      // Settings, names, queues and reasons as the org now has them; users' capacities and queues may have changed.
      changes.push({ kind: "org", org: orgView(state) });
      const users =
        viewer.role === "supervisor" ? activeUsers(state) : [state.users[me]].filter((u) => u && !u.deleted);
      for (const u of users) changes.push({ kind: "user", user: userView(u!, state.org.presenceReasons) });
      break;
    }
    case "closed":
      // A supervisor's force close: the reps it was taken from are told who closed it (the thread's line is the
      // customer's too, and says only that it ended).
      if (c && viewer.role === "rep" && event.by !== me && state.users[event.by]?.role === "supervisor")
        changes.push({
          kind: "notice",
          code: "force_closed",
          text: `${nameOf(state, event.by)} closed ${staffTitle(state, c)}.`,
          conversationId: c.id,
        });
      break;
    case "transfer_ended":
      // L10: the rep who transferred it learns that the target did not take it, and where it went.
      if (event.notAcceptedBy && event.fromRepId === me && c) {
        changes.push({
          kind: "notice",
          code: "transfer_not_accepted",
          text: `${nameOf(state, event.notAcceptedBy)} did not accept the transfer of ${staffTitle(state, c)}; it went back to the ${state.queues[c.queueId]?.name ?? c.queueId} queue.`,
          conversationId: c.id,
        });
      }
      if (event.outcome === "rejected" && viewer.role === "supervisor") {
        changes.push({
          kind: "notice",
          code: "transfer_rejected",
          text: "The transfer was rejected; the conversation stays where it was.",
          conversationId: event.conversationId,
        });
      }
      break;
    default:
      break;
  }

  // Capacity and presence: the user concerned sees themselves; supervisors see everyone.
  if (event.type === "presence_changed" || event.type === "user_deleted" || CAPACITY_EVENTS.has(event.type)) {
    const concerned = usersConcerned(event, c);
    const shown = viewer.role === "supervisor" ? [...new Set(concerned)].sort() : concerned.includes(me) ? [me] : [];
    for (const id of shown) {
      const u = state.users[id];
      // A user the org removed is no one's to see: the `configured` change that removed them lists who is left.
      if (u && !u.deleted && !given.again("user", id))
        changes.push({ kind: "user", user: userView(u, state.org.presenceReasons) });
    }
  }
  return changes;
}

/** The users whose presence or capacity `event` may have changed (with repeats). */
function usersConcerned(event: DomainEvent, c: Conversation | undefined): string[] {
  const users: string[] = [];
  if ("userId" in event) users.push(event.userId);
  if ("repId" in event) users.push(event.repId);
  if ("repIds" in event) users.push(...event.repIds);
  if (event.type === "offered") users.push(event.offer.repId);
  if (c) for (const id of [c.ownerId, c.lastOwnerId, ...c.participants, ...c.wrapUpBy]) if (id) users.push(id);
  return users;
}

/** A supervisor looking at a conversation they take no part in (S9's hint then says whose it is). */
function watchingOnly(viewer: Viewer, c: Conversation): boolean {
  return viewer.role === "supervisor" && c.ownerId !== viewer.id && !c.participants.includes(viewer.id);
}

/**
 * A conversation that is one of a rep's sessions (the console's pane): theirs, a conference or consult they are in, or
 * parked in Waiting from their hands. Not one only offered to them: its card shows the sentiment already.
 */
function inRepsPane(repId: string, c: Conversation): boolean {
  return (
    c.ownerId === repId ||
    c.participants.includes(repId) ||
    c.consultants.includes(repId) ||
    (c.state === "waiting" && c.lastOwnerId === repId)
  );
}

/** ", while you are Away": why a customer who came back was not offered to their rep; nothing while Available. */
function awayWord(state: State, repId: string): string {
  const presence = state.users[repId]?.presence;
  return presence && presence !== "available" ? `, while you are ${PRESENCE_WORD[presence]}` : "";
}

/** "Bob Okafor", "Billing queue": where a transfer goes, as people name it. */
function targetName(state: State, target: TransferTarget): string {
  return target.kind === "rep"
    ? (nameOf(state, target.id) ?? target.id)
    : `${state.queues[target.id]?.name ?? target.id} queue`;
}
