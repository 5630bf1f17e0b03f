// A resume: the events a client missed, projected for its viewer with the current state, showing no more than a
// snapshot would (docs/protocol.md, "Sequence numbers and resume").
import type { DomainEvent, State } from "./core/model.js";
import { changesFor, givenViews } from "./core/changes.js";
import type { Seen } from "./core/changes.js";
import type { Viewer } from "./core/viewer.js";
import type { StoredEvent } from "./store/store.js";
import type { EventFrame } from "../src/protocol/messages.js";
import type { Change, Snapshot } from "../src/protocol/views.js";

/**
 * The missed `events` as frames for `viewer`, showing nothing the snapshot `snap` would not. The client holds what it
 * was sent before: nothing is sent whole again. A conversation comes as its view without `messages`, and every missed
 * message as its own change, so a resume costs what was missed, not whole threads; a conversation new to the client
 * holds fewer messages than its `messageCount`, and the client reads the earlier ones with `messages`. A conversation
 * the snapshot leaves out (Closed; for a customer also one a rep ended, P8) is never replayed with its messages:
 * staff get its current state alone, and for a customer whose replay would touch one the answer is null: they get
 * the snapshot instead, which is exactly what they may see. `seen` (the conversations the connection holds) grows
 * with the conversations the replay sends.
 */
export function replay(
  state: State,
  events: Iterable<StoredEvent>,
  viewer: Viewer,
  seen: Seen,
  snap: Snapshot,
): EventFrame[] | null {
  const shown = new Set<string>();
  for (const c of snap.conversations) shown.add(c.id);
  for (const c of snap.customerConversations) shown.add(c.id);
  const frames: EventFrame[] = [];
  const sent = new Set<string>();
  // Every frame is projected with the same state: a view goes once, in the first frame that shows it.
  const given = givenViews();
  for (const stored of events) {
    const event = stored as unknown as DomainEvent;
    const changes: Change[] = [];
    for (const change of changesFor(state, event, viewer, HELD, given)) {
      const id = shownConversationOf(change);
      if (id !== undefined) {
        if (!shown.has(id)) {
          if (viewer.role === "customer") return null;
          if (change.kind === "message" || change.kind === "note") continue;
        }
        sent.add(id);
      }
      changes.push(change);
    }
    if (changes.length > 0) frames.push({ type: "event", seq: event.seq, at: event.at, changes });
  }
  for (const id of sent) seen.add(id);
  return frames;
}

/** For a resume: every conversation counts as held, so that changesFor never sends one whole. */
const HELD: Seen = {
  has: () => true,
  add: () => undefined,
  delete: () => undefined,
};

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
    case "gone":
      return undefined;
  }
}
