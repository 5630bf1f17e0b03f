// The widget's state, one object shared by its parts (connection, conversations, rating, invitations, rendering):
// most of them read what the others change, so it is kept in one place that says what each field means.
import type { InvitationRule } from "./rules.js";
import type { Entry, OutboxItem, Pending, SignedIdentity, WidgetConfig } from "./types.js";

export type WidgetState = ReturnType<typeof createState>;

export function createState(identity: SignedIdentity | null, token: string | null) {
  return {
    config: null as WidgetConfig | null,
    configError: null as string | null,
    identity,
    /** A visitor's conversation token (scoped to one conversation), kept for this tab's session. */
    token,
    ws: null as WebSocket | null,
    generation: 0,
    welcomed: false,
    /** Welcomed at least once with the current credentials: a drop is then retried until it comes back. */
    session: false,
    reconnecting: false,
    /** The connection came in with a conversation token: it reaches that conversation only. */
    scoped: false,
    lastSeq: undefined as number | undefined,
    /** The server history lastSeq belongs to (welcome.epoch): a resume sends both. */
    epoch: undefined as string | undefined,
    waiters: [] as { resolve: () => void; reject: (error: Error) => void }[],
    pending: new Map<string, Pending>(),
    reqSeq: 0,
    /** Requests refused for a rate limit, and those made since: sent again in order when the server says. */
    held: [] as Pending[],
    heldTimer: null as ReturnType<typeof setTimeout> | null,
    clientSeq: 0,
    clientPrefix: Math.random().toString(36).slice(2, 10),
    reconnectDelay: 250,
    reconnectTimer: null as ReturnType<typeof setTimeout> | null,
    stopped: null as string | null,
    conversations: new Map<string, Entry>(),
    current: null as string | null,
    outbox: [] as OutboxItem[],
    queue: null as { position: number; minutes: unknown } | null,
    statusTimer: null as ReturnType<typeof setTimeout> | null,
    error: null as string | null,
    panelOpen: false,
    invitation: null as { rule: InvitationRule; timer: ReturnType<typeof setTimeout>; shownAt: number } | null,
    invitationShown: false,
    invitationIntro: null as { text: string; conversationId: string | null } | null,
    ruleTimers: [] as ReturnType<typeof setTimeout>[],
    busy: false,
    /** A message that failed to send: sent again unchanged, it keeps its clientId, so it cannot arrive twice. */
    unsent: null as { text: string; clientId: string } | null,
    /** Messages from a rep that arrived while the panel was closed: the launcher's badge. */
    unread: 0,
    /** End chat was pressed: the panel asks before ending. */
    confirmingEnd: false,
    /** The rating being given (CSAT) of an ended conversation: the score chosen so far, and whether it is on its way. */
    rating: { conversationId: null as string | null, score: null as number | null, sending: false },
    /** Conversations whose rating the customer skipped, or rated here (then they are thanked). */
    ratingSkipped: new Set<string>(),
    ratedHere: new Set<string>(),
  };
}
