// Everything a viewer may see at once: what a welcome carries, and a resume the log cannot serve.
import type { Snapshot } from "../../src/protocol/views.js";
import { conversationView, customerConversationView, offerView } from "./conversation-views.js";
import { conversationIdsOf } from "./indexes.js";
import type { Conversation, State } from "./model.js";
import { activeUsers, orgView, userView } from "./org-views.js";
import { canSee } from "./viewer.js";
import type { Viewer } from "./viewer.js";

/**
 * How many Closed conversations a rep's snapshot carries, the most recently closed first: enough for Home's
 * "Recently closed", while a rep's history of weeks would make every sign-in a download of megabytes.
 */
export const RECENTLY_CLOSED_IN_SNAPSHOT = 20;

/** Closed conversations beyond the most recent `RECENTLY_CLOSED_IN_SNAPSHOT` are left out. */
function withRecentlyClosed(conversations: Conversation[]): Conversation[] {
  const closed = conversations.filter((c) => c.state === "closed");
  if (closed.length <= RECENTLY_CLOSED_IN_SNAPSHOT) return conversations;
  const kept = new Set(
    closed
      .sort((a, b) => (b.closedAt ?? 0) - (a.closedAt ?? 0) || b.id.localeCompare(a.id, "en"))
      .slice(0, RECENTLY_CLOSED_IN_SNAPSHOT),
  );
  return conversations.filter((c) => c.state !== "closed" || kept.has(c));
}

/** Everything a viewer may see now: sent in `welcome`, and on a resume that cannot be served from the log. */
export function snapshot(state: State, viewer: Viewer): Snapshot {
  // A customer's conversations come from the index by customer key, not from a scan of every conversation.
  const candidates =
    viewer.role === "customer"
      ? conversationIdsOf(state, viewer.key).map((id) => state.conversations[id]!)
      : Object.values(state.conversations);
  const visible = candidates.filter(
    (c) => canSee(state, viewer, c) && (c.state !== "closed" || viewer.role !== "supervisor"),
  );
  const conversations = viewer.role === "rep" ? withRecentlyClosed(visible) : visible;
  if (viewer.role === "customer") {
    return {
      org: orgView(state, false),
      me: null,
      users: [],
      conversations: [],
      // P8: after a rep's End, a persistent conversation's history is no longer shown to the returning customer.
      customerConversations: conversations
        .filter((c) => c.state !== "closed" && !(c.mode === "persistent" && c.state === "wrapup"))
        .map((c) => customerConversationView(state, c, true)),
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
