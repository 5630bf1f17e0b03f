// A resume: the events a client missed, projected for its viewer with the current state, showing no more than a
// snapshot would (docs/protocol.md, "Sequence numbers and resume").
import type { DomainEvent, State } from "./core/model.js";
import { changesFor } from "./core/views.js";
import type { Viewer } from "./core/views.js";
import type { StoredEvent } from "./store/store.js";
import type { EventFrame } from "../src/protocol/messages.js";
import type { Change, Snapshot } from "../src/protocol/views.js";

/**
 * The missed `events` as frames for `viewer`, showing nothing the snapshot `snap` would not. Conversations come
 * whole the first time, so nothing is lost, and clients drop messages whose id they already hold, so nothing shows
 * twice; a conversation sent whole here already holds every message up to now, so later replayed messages of it are
 * not sent again. A conversation the snapshot leaves out (Closed; for a customer also one a rep ended, P8) is never
 * replayed with its messages: staff get its current state alone, and for a customer whose replay would touch one
 * the answer is null: they get the snapshot instead, which is exactly what they may see.
 * `seen` (the conversations the connection was sent whole) grows with what the replay sends, only if it is sent.
 */
export function replay(
  state: State,
  events: Iterable<StoredEvent>,
  viewer: Viewer,
  seen: Set<string>,
  snap: Snapshot,
): EventFrame[] | null {
  const shown = new Set<string>();
  for (const c of snap.conversations) shown.add(c.id);
  for (const c of snap.customerConversations) shown.add(c.id);
  const sending = new Set(seen);
  const sentWhole = new Set<string>();
  const frames: EventFrame[] = [];
  for (const stored of events) {
    const event = stored as unknown as DomainEvent;
    const changes: Change[] = [];
    for (let change of changesFor(state, event, viewer, sending)) {
      const id = shownConversationOf(change);
      if (id !== undefined && !shown.has(id)) {
        if (viewer.role === "customer") return null;
        if (change.kind === "message" || change.kind === "note") continue;
        if (change.kind === "conversation" && change.conversation.messages) {
          const { messages: _hidden, ...rest } = change.conversation;
          change = { kind: "conversation", conversation: rest };
        }
      }
      if (change.kind === "message" && sentWhole.has(change.conversationId)) continue;
      if ((change.kind === "conversation" || change.kind === "customer_conversation") && change.conversation.messages)
        sentWhole.add(change.conversation.id);
      changes.push(change);
    }
    if (changes.length > 0) frames.push({ type: "event", seq: event.seq, at: event.at, changes });
  }
  for (const id of sending) seen.add(id);
  return frames;
}

/** The conversation a change shows (whole, or one of its messages); offers and notices are not conversations. */
function shownConversationOf(change: Change): string | undefined {
  switch (change.kind) {
    case "conversation":
    case "customer_conversation":
      return change.conversation.id;
    case "message":
    case "note":
      return change.conversationId;
    case "offer":
    case "offer_ended":
    case "notice":
    case "user":
    case "org":
      return undefined;
  }
}
