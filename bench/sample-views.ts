// A conversation as the server sends it, with every field of the wire type: built by the console benchmark's
// sessions and by the app tests' fixtures, so that a field added to ConversationView is added here once.
import type { ConversationView } from "../src/protocol/views.js";

/** An Active live chat of Alice's in General, created at `createdAt`; `overrides` change any field. */
export function sampleConversation(
  id: string,
  createdAt: number,
  overrides: Partial<ConversationView> = {},
): ConversationView {
  const visitor = `Visitor ${id.slice(1)}`;
  return {
    id,
    state: "active",
    mode: "live",
    workstreamId: "live",
    workstreamName: "Live chat",
    queueId: "general",
    queueName: "General",
    title: visitor,
    customer: { name: visitor, authenticated: false },
    proactive: false,
    context: {},
    ownerId: "alice",
    ownerName: "Alice Moreau",
    lastOwnerId: "alice",
    participants: [],
    consultants: [],
    conferenceRequested: null,
    offeredTo: null,
    transfer: null,
    supervisors: {},
    wrapUpBy: [],
    sentiment: 0,
    alert: false,
    createdAt,
    queuedAt: null,
    assignedAt: null,
    waitingUntil: null,
    customerWaitingSince: null,
    firstResponseAt: null,
    customerEnded: false,
    aborted: null,
    closedAt: null,
    closedBy: null,
    messageCount: overrides.messages?.length ?? 0,
    messages: [],
    ...overrides,
  };
}
