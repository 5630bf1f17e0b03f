// What an event, already applied to the state, means for one viewer: the views it changed, the offers and notices
// it brings them. A batch of events fanned out together gives each view once (GivenViews).
import type { Change } from "../../src/protocol/views.js";
import { conversationOf } from "./audience.js";
import { conversationView, customerConversationView, messageView, noteView, offerView } from "./conversation-views.js";
import type { Conversation, DomainEvent, State } from "./model.js";
import { activeUsers, orgView, userView } from "./org-views.js";
import { staffCustomerName } from "./staff-text.js";
import { noticesFor } from "./notices.js";
import { canSee } from "./viewer.js";
import type { Viewer } from "./viewer.js";

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
      }
      break;
    case "configured": {
      // Settings, names, queues and reasons as the org now has them; users' capacities and queues may have changed.
      changes.push({ kind: "org", org: orgView(state) });
      const users =
        viewer.role === "supervisor" ? activeUsers(state) : [state.users[me]].filter((u) => u && !u.deleted);
      for (const u of users) changes.push({ kind: "user", user: userView(u!, state.org.presenceReasons) });
      break;
    }
    default:
      break;
  }
  changes.push(...noticesFor(state, event, viewer, c));

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
