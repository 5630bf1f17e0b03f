// The customer's history in the console: a signed-in customer's earlier conversations, as the details line and the
// history picker show them. The server lists them through a conversation the rep can see; an earlier conversation
// opened read-only keeps asking through the one it was opened from.
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { HistoryItemView } from "../../protocol/views.js";
import type { PickerItem } from "../components/Picker.js";
import type { Session, UiState } from "../mirror/state.js";
import { clock } from "../text/index.js";

/** The conversation a session's history is asked through. */
export function historyOrigin(session: Session): string {
  return session.historyOf ?? session.id;
}

/** The earlier conversations listed for a session; undefined until the server answered (or for a visitor). */
export function historyOf(state: UiState, session: Session): HistoryItemView[] | undefined {
  if (!session.view.customer.authenticated) return undefined;
  return state.history[historyOrigin(session)];
}

/** "21 Nov 2026, 13:04 · General · Alice Moreau · Resolved": when, queue, rep and wrap-up reason. */
export function historyText(item: HistoryItemView): string {
  return [
    clock().dateTime(item.createdAt),
    sanitizeLine(item.queueName),
    item.repName === null ? "no rep" : sanitizeLine(item.repName),
    item.wrapUpReason === null ? "no wrap-up reason" : sanitizeLine(item.wrapUpReason),
  ].join(" · ");
}

/**
 * The details line: the earlier conversations, the newest first, and the key that lists them all; in an earlier
 * conversation opened read-only, which one it is. Empty for a visitor, or with no history.
 */
export function historyLine(state: UiState, session: Session): string {
  const items = historyOf(state, session) ?? [];
  if (session.historyOf) {
    const self = items.find((item) => item.id === session.id);
    const others = items.length - (self ? 1 : 0);
    return `Earlier conversation of this customer, read-only${self ? `: ${historyText(self)}` : ""}${others > 0 ? ` · Alt+H lists the ${others} other${others === 1 ? "" : "s"}` : ""}`;
  }
  if (items.length === 0) return "";
  const shown = items.slice(0, 3).map(historyText).join(" | ");
  return `Earlier conversations (${items.length}, Alt+H opens): ${shown}${items.length > 3 ? " | …" : ""}`;
}

export function historyItems(state: UiState, conversationId: string): PickerItem[] {
  return (state.history[conversationId] ?? []).map((item) => ({
    id: item.id,
    label: `${clock().dateTime(item.createdAt)} · ${sanitizeLine(item.queueName)}`,
    detail: `${item.repName === null ? "no rep" : sanitizeLine(item.repName)} · ${item.wrapUpReason === null ? "no wrap-up reason" : sanitizeLine(item.wrapUpReason)}`,
  }));
}
