// Reads the server answers from the routing state without a command: pure queries (nothing here changes the state),
// answered next to the sockets over the state as committed.
import type { Actor, Conversation, DomainError, State } from "./model.js";
import { notFound } from "./history.js";
import type { HistoryAnswer } from "./history.js";
import { conversationView } from "./conversation-views.js";
import { userView } from "./org-views.js";
import { settingRefusal } from "../../src/protocol/rules.js";

/** The most open items one `open_items` answer lists per queue. */
export const OPEN_ITEMS_PER_QUEUE = 50;

/** A customer's `status` of one of their conversations: its state and, for live chat, its place in the queue (P4). */
export function conversationStatus(
  state: State,
  actor: Actor & { role: "customer" },
  conversationId: string,
): HistoryAnswer<Record<string, unknown>> {
  const c = state.conversations[conversationId];
  if (!c || c.customer.key !== actor.key || (actor.conversationId !== undefined && actor.conversationId !== c.id))
    return notFound(`There is no conversation ${conversationId}.`);
  const queue = state.queues[c.queueId];
  const position = c.state === "open" && queue ? queue.open.positionOf(c.id) : 0;
  const stats = state.waitStats[c.workstreamId];
  const result: Record<string, unknown> = { state: c.state, mode: c.mode };
  // P4: position and wait only for live chat.
  if (c.mode === "live" && position > 0) {
    result.queuePosition = position;
    result.averageWaitMinutes = Math.max(1, Math.round((stats?.meanMs ?? 120_000) / 60_000));
  }
  return { ok: true, value: result };
}

/** Transfer and conference targets: queues and reps with presence and capacity (L10, L11). */
export function transferTargets(state: State, now: number): Record<string, unknown> {
  return {
    queues: state.org.queues.map((q) => ({ id: q.id, name: q.name, open: state.queues[q.id]?.open.length ?? 0 })),
    reps: state.org.users.map((u) => userView(state.users[u.id]!, state.org.presenceReasons)),
    at: now,
  };
}

/** What this rep could pick now (S3): not one waiting for a transfer's target, nor one they still wrap up. */
export function openItems(state: State, userId: string): Record<string, unknown> {
  const me = state.users[userId];
  const items = [];
  for (const queueId of me?.queues ?? []) {
    let listed = 0;
    for (const id of state.queues[queueId]?.open ?? []) {
      const c = state.conversations[id];
      if (!c || c.transfer || me?.items[id]?.role === "wrapup") continue;
      items.push(conversationView(state, c, false));
      if (++listed === OPEN_ITEMS_PER_QUEUE) break;
    }
  }
  return { items };
}

/** Whether a supervisor may ask `why` of a conversation (SV8): null when they may, else the refusal. */
export function whyRefusal(state: State, conversationId: string): DomainError | null {
  const refusal = settingRefusal(state.org.supervisor, "monitor");
  if (refusal) return refusal;
  if (!state.conversations[conversationId])
    return { code: "conversation/not_found", message: `There is no conversation ${conversationId}.` };
  return null;
}

/** The conversation `actor` may send a typing indicator in now, or undefined (never stored: a relay). */
export function typingConversation(state: State, actor: Actor, conversationId: string): Conversation | undefined {
  const c = Object.hasOwn(state.conversations, conversationId) ? state.conversations[conversationId] : undefined;
  if (!c) return undefined;
  if (actor.role === "customer") {
    const mine =
      c.customer.key === actor.key &&
      (actor.conversationId === undefined || actor.conversationId === c.id) &&
      (c.state === "open" || c.state === "active");
    return mine ? c : undefined;
  }
  return (actor.role === "rep" || actor.role === "supervisor") && staffTypes(c, actor.id, actor.role) ? c : undefined;
}

/** Whether this rep or supervisor writes in the conversation, so that their typing means something to the customer. */
export function staffTypes(c: Conversation, userId: string, role: "rep" | "supervisor"): boolean {
  if (c.state !== "active" && c.state !== "wrapup") return false;
  if (c.ownerId === userId || c.participants.includes(userId)) return true;
  return role === "supervisor" && c.supervisors[userId] === "join";
}

/** Staff who see a customer's typing: those handling the conversation and supervisors watching it. */
export function staffWatching(state: State, c: Conversation): string[] {
  const ids = new Set<string>();
  for (const id of [c.ownerId, ...c.participants, ...c.consultants, ...Object.keys(c.supervisors)])
    if (id && state.users[id]) ids.add(id);
  return [...ids];
}
