// The customer's history: what a rep or a supervisor may read of a signed-in customer's earlier conversations.
// Pure queries over the state (nothing here changes it); the gateway answers the `history` and
// `history_conversation` requests with them.
//
// Who may read what: the history of a conversation is asked through that conversation, so a viewer sees the
// history only of a conversation they can see (views.ts, canSee), and may open read-only only a conversation that
// history lists: a Closed one of the same signed-in customer (the same `auth:` key, never a visitor who gave the same
// name), created before it. A conversation id alone opens nothing.
import type { ConversationView, HistoryItemView } from "../../src/protocol/views.js";
import { conversationIdsOf } from "./indexes.js";
import type { Conversation, DomainError, State } from "./model.js";
import { conversationView } from "./conversation-views.js";
import { staffTitle } from "./staff-text.js";
import { canSee } from "./viewer.js";
import type { Viewer } from "./viewer.js";

/** The most earlier conversations one `history` answer lists (the newest ones). */
export const HISTORY_LIMIT = 50;

export type HistoryAnswer<T> = { ok: true; value: T } | { ok: false; error: DomainError };

/** The answer for a conversation that is not there, or not the asker's to see. */
export function notFound(message: string): { ok: false; error: DomainError } {
  return { ok: false, error: { code: "conversation/not_found", message } };
}

/** The conversation `id` if `viewer` may see it. */
function visibleConversation(state: State, viewer: Viewer, id: string): Conversation | undefined {
  const c = state.conversations[id];
  return c && canSee(state, viewer, c) ? c : undefined;
}

/** The Closed conversations of `c`'s signed-in customer created before it, newest first; none for a visitor. */
export function earlierConversations(state: State, c: Conversation): Conversation[] {
  if (!c.customer.authenticated) return [];
  const ids = conversationIdsOf(state, c.customer.key);
  const found: Conversation[] = [];
  for (let i = ids.indexOf(c.id) - 1; i >= 0 && found.length < HISTORY_LIMIT; i--) {
    const earlier = state.conversations[ids[i]!];
    if (earlier && earlier.customer.authenticated && earlier.state === "closed") found.push(earlier);
  }
  return found;
}

/** The wrap-up reason of the rep who handled it last, else the last one submitted, as its label. */
function wrapUpReason(state: State, c: Conversation): string | null {
  const submitted = c.wrapUps ?? [];
  const chosen = submitted.findLast((w) => w.repId === c.lastOwnerId) ?? submitted.at(-1);
  if (!chosen) return null;
  return state.org.wrapUpReasons.find((r) => r.id === chosen.reasonId)?.label ?? chosen.reasonId;
}

export function historyItemView(state: State, c: Conversation): HistoryItemView {
  const ws = state.org.workstreams.find((w) => w.id === c.workstreamId);
  const repId = c.lastOwnerId ?? c.ownerId;
  return {
    id: c.id,
    state: c.state,
    mode: c.mode,
    createdAt: c.createdAt,
    closedAt: c.closedAt,
    queueName: state.queues[c.queueId]?.name ?? c.queueId,
    workstreamName: ws?.name ?? c.workstreamId,
    repName: repId ? (state.users[repId]?.name ?? repId) : null,
    wrapUpReason: wrapUpReason(state, c),
    title: staffTitle(state, c),
  };
}

/** `history`: the earlier conversations of the customer of a conversation the viewer can see. */
export function customerHistory(
  state: State,
  viewer: Viewer,
  conversationId: string,
): HistoryAnswer<HistoryItemView[]> {
  const c = visibleConversation(state, viewer, conversationId);
  if (!c) return notFound(`There is no conversation ${conversationId} that you can see.`);
  return { ok: true, value: earlierConversations(state, c).map((e) => historyItemView(state, e)) };
}

/**
 * `history_conversation`: one conversation of that history, whole (messages and notes, masked as staff see them),
 * for reading only. Anything the history does not list is refused as if it did not exist.
 */
export function earlierConversation(
  state: State,
  viewer: Viewer,
  conversationId: string,
  earlierId: string,
): HistoryAnswer<ConversationView> {
  const c = visibleConversation(state, viewer, conversationId);
  if (!c) return notFound(`There is no conversation ${conversationId} that you can see.`);
  const earlier = earlierConversations(state, c).find((e) => e.id === earlierId);
  if (!earlier) return notFound(`There is no earlier conversation ${earlierId} of this customer.`);
  return { ok: true, value: conversationView(state, earlier, true) };
}
