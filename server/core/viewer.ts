// Who is looking, and which conversations they may see.
import type { Conversation, State } from "./model.js";

/** A customer who came in with a conversation token sees only that conversation (`conversationId`). */
export type Viewer =
  { role: "rep" | "supervisor"; id: string } | { role: "customer"; key: string; conversationId?: string };

export function canSee(state: State, viewer: Viewer, c: Conversation): boolean {
  if (viewer.role === "customer")
    return c.customer.key === viewer.key && (viewer.conversationId === undefined || viewer.conversationId === c.id);
  if (viewer.role === "supervisor") return true;
  const id = viewer.id;
  return (
    c.ownerId === id ||
    c.lastOwnerId === id ||
    c.participants.includes(id) ||
    c.consultants.includes(id) ||
    c.wrapUpBy.includes(id) ||
    c.conference?.repId === id ||
    c.id in (state.users[id]?.items ?? {})
  );
}
