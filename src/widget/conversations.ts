// The customer's conversations as the widget holds them: views merged from the server's snapshots and changes, their
// messages in order, which one is shown, and whether earlier messages exist that are not read yet.
import type { Change, CustomerConversationView, MessageView } from "../protocol/views.js";
import type { WidgetState } from "./state.js";
import type { Entry } from "./types.js";

/** Whether earlier messages of a conversation exist that are not shown. */
export function hasEarlier(entry: Entry | null): entry is Entry {
  if (!entry) return false;
  return entry.earlier ? entry.earlier.more : (entry.view.messageCount ?? 0) > entry.messages.length;
}

function messageNumber(message: MessageView): number | undefined {
  const n = /^m(\d+)$/.exec(message.id);
  return n ? Number(n[1]) : undefined;
}

export function createConversations(state: WidgetState, showError: (message: string) => void) {
  function upsert(view: CustomerConversationView): void {
    const known = state.conversations.get(view.id);
    const entry: Entry = known || { view, messages: [] };
    const merged = Object.assign({}, entry.view, view);
    delete merged.messages;
    entry.view = merged;
    state.conversations.set(view.id, entry);
    if (view.messages) for (const m of view.messages) addMessage(view.id, m);
  }

  function addMessage(conversationId: string, message: MessageView): void {
    const entry = state.conversations.get(conversationId);
    if (!entry || entry.messages.some((m) => m.id === message.id)) return;
    // Message ids grow with time ("m120"): a page of earlier ones, or a resume, may come out of order, so a message
    // goes before the first one numbered after it. One whose id has no number keeps its place of arrival.
    const n = messageNumber(message);
    const at = n === undefined ? -1 : entry.messages.findIndex((m) => (messageNumber(m) ?? -1) > n);
    if (at < 0) entry.messages.push(message);
    else entry.messages.splice(at, 0, message);
    if (message.clientId) state.outbox = state.outbox.filter((o) => o.clientId !== message.clientId);
  }

  function applyChange(change: Change): void {
    if (change.kind === "customer_conversation") upsert(change.conversation);
    else if (change.kind === "message") {
      const entry = state.conversations.get(change.conversationId);
      const known = !!entry && entry.messages.some((m) => m.id === change.message.id);
      addMessage(change.conversationId, change.message);
      // A message comes without its view: the count follows it, until the next view says it again.
      if (entry && !known)
        entry.view = Object.assign({}, entry.view, { messageCount: (entry.view.messageCount ?? 0) + 1 });
      const role = change.message.author.role;
      if (!known && !state.panelOpen && (role === "rep" || role === "supervisor")) state.unread++;
    } else if (change.kind === "notice" && typeof change.text === "string") showError(change.text);
  }

  /** Welcomed: a snapshot's conversations replace those held (a resume's come as changes); one is picked to show. */
  function welcomed(snapshot: CustomerConversationView[] | null): void {
    if (snapshot) {
      state.conversations.clear();
      for (const c of snapshot) upsert(c);
      if (state.current && !state.conversations.has(state.current)) state.current = null;
    }
    if (!state.current) state.current = pickCurrent();
  }

  /** The conversation to show: the latest one still going, else the latest one. */
  function pickCurrent(): string | null {
    let best: { id: string; rank: number } | null = null;
    for (const [id, entry] of state.conversations) {
      const last = entry.messages[entry.messages.length - 1]?.at ?? 0;
      const rank = (entry.view.ended ? 0 : 1) * 1e15 + last;
      if (!best || rank >= best.rank) best = { id, rank };
    }
    return best ? best.id : null;
  }

  function currentEntry(): Entry | null {
    return state.current ? state.conversations.get(state.current) || null : null;
  }

  return { addMessage, applyChange, welcomed, currentEntry };
}
