// Everything a viewer may see at once: what a welcome carries, and a resume the log cannot serve.
import type { Snapshot } from "../../src/protocol/views.js";
import { conversationView, customerConversationView, offerView } from "./conversation-views.js";
import { conversationIdsOf } from "./indexes.js";
import type { Conversation, State } from "./model.js";
import { activeUsers, orgView, userView } from "./org-views.js";
import { canSee } from "./viewer.js";
import { byClosing, conversationsNotClosed, RECENTLY_CLOSED_IN_SNAPSHOT, repCandidates } from "./visibility.js";
import type { Viewer } from "./viewer.js";

/** Closed conversations beyond the most recent `RECENTLY_CLOSED_IN_SNAPSHOT` are left out. */
function withRecentlyClosed(conversations: Conversation[]): Conversation[] {
  const closed = conversations.filter((c) => c.state === "closed");
  if (closed.length <= RECENTLY_CLOSED_IN_SNAPSHOT) return conversations;
  const kept = new Set(closed.sort(byClosing).slice(-RECENTLY_CLOSED_IN_SNAPSHOT));
  return conversations.filter((c) => c.state !== "closed" || kept.has(c));
}

/**
 * The conversations a viewer is sent whole, in the order they were created: a customer's own that did not end (P8);
 * for staff, those they may see that are not Closed, and a rep's latest Closed ones. From the indexes, not from a
 * scan of every conversation the server ever held (visibility.ts).
 */
export function visibleConversations(state: State, viewer: Viewer): Conversation[] {
  if (viewer.role === "customer")
    return conversationIdsOf(state, viewer.key)
      .map((id) => state.conversations[id]!)
      .filter(
        (c) => canSee(state, viewer, c) && c.state !== "closed" && !(c.mode === "persistent" && c.state === "wrapup"),
      );
  if (viewer.role === "supervisor") return conversationsNotClosed(state);
  return withRecentlyClosed(repCandidates(state, viewer.id).filter((c) => canSee(state, viewer, c)));
}

/** Everything a viewer may see now: sent in `welcome`, and on a resume that cannot be served from the log. */
export function snapshot(state: State, viewer: Viewer): Snapshot {
  const conversations = visibleConversations(state, viewer);
  if (viewer.role === "customer") {
    return {
      org: orgView(state, false),
      me: null,
      users: [],
      conversations: [],
      customerConversations: conversations.map((c) => customerConversationView(state, c, true)),
      offers: [],
    };
  }
  const me = state.users[viewer.id];
  return {
    org: orgView(state),
    me: me ? userView(me, state.org.presenceReasons) : null,
    users: activeUsers(state).map((u) => userView(u, state.org.presenceReasons)),
    conversations: conversations.map((c) => conversationView(state, c, true)),
    customerConversations: [],
    offers: Object.values(state.offers)
      .filter((o) => o.status === "pending" && o.repId === viewer.id)
      .map((o) => offerView(state, o)),
  };
}
