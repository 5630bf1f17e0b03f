// What a viewer sees of a conversation, its messages, notes and rating, and of an offer: staff through staff-text.ts
// (masked when the org masks), its customer as they wrote it.
import type {
  AuthorView,
  ConversationView,
  CustomerConversationView,
  MessageView,
  NoteView,
  OfferView,
  RatingView,
} from "../../src/protocol/views.js";
import { dict } from "./dict.js";
import { holdersOf } from "./indexes.js";
import type { Conversation, Message, Note, Offer, Rating, State } from "./model.js";
import { nameOf } from "./org-views.js";
import { rateUntil } from "./rating.js";
import { staffCustomerName, staffMessageText, staffText, staffTitle } from "./staff-text.js";
import { canSee } from "./viewer.js";
import type { Viewer } from "./viewer.js";

/** How many of its latest messages (not system ones) an offer shows the rep. */
const PREVIEW_MESSAGES = 3;

export function messageView(state: State, m: Message, forCustomer: boolean, customerName: string): MessageView {
  let author: AuthorView;
  if (m.author.role === "customer") author = { role: "customer", name: customerName };
  else if (m.author.role === "system") author = { role: "system" };
  else author = { role: m.author.role, id: m.author.id, name: m.author.name };
  const masked = !forCustomer && m.author.role === "customer";
  const view: MessageView = { id: m.id, at: m.at, author, text: masked ? staffMessageText(state, m) : m.text };
  if (m.clientId !== undefined) view.clientId = m.clientId;
  if (!forCustomer && m.sentiment !== undefined) view.sentiment = m.sentiment;
  if (m.code !== undefined) view.code = m.code;
  return view;
}

/**
 * How `viewer` sees the messages of conversation `c`, read from the log a page at a time (`messages`), when they may
 * see its thread: staff who can see the conversation; its customer, except after a rep's End of a persistent chat
 * (P8: that history is no longer shown to them). Null when they may not.
 */
export function threadViewer(state: State, viewer: Viewer, c: Conversation): ((m: Message) => MessageView) | null {
  if (!canSee(state, viewer, c)) return null;
  if (viewer.role === "customer" && c.mode === "persistent" && (c.state === "wrapup" || c.state === "closed"))
    return null;
  return messageViewer(state, c, viewer.role === "customer");
}

/** The messages of `c` as its customer (`forCustomer`) or staff see them. */
export function messageViewer(state: State, c: Conversation, forCustomer: boolean): (m: Message) => MessageView {
  const customerName = forCustomer ? c.customer.name : staffCustomerName(state, c);
  return (m) => messageView(state, m, forCustomer, customerName);
}

/**
 * Every rep still choosing a wrap-up reason for this conversation: those of its end, and a rep who
 * transferred it or left its conference (they hold a wrap-up item while it carries on without them).
 */
function wrappingUp(state: State, c: Conversation): string[] {
  const extra = holdersOf(state, c.id).filter(
    (id) => state.users[id]!.items[c.id]!.role === "wrapup" && !c.wrapUpBy.includes(id),
  );
  return extra.length === 0 ? [...c.wrapUpBy] : [...c.wrapUpBy, ...extra.sort()];
}

function offeredTo(state: State, c: Conversation): ConversationView["offeredTo"] {
  const o = c.offerId ? state.offers[c.offerId] : undefined;
  return o?.status === "pending" ? { repId: o.repId, repName: nameOf(state, o.repId)!, expiresAt: o.expiresAt } : null;
}

export function conversationView(state: State, c: Conversation, withMessages: boolean): ConversationView {
  const ws = state.org.workstreams.find((w) => w.id === c.workstreamId);
  const customerName = staffCustomerName(state, c);
  const customer: ConversationView["customer"] = { name: customerName, authenticated: c.customer.authenticated };
  if (c.customer.email !== undefined) customer.email = staffText(state, c.customer.email);
  if (c.customer.phone !== undefined) customer.phone = staffText(state, c.customer.phone);
  if (c.customer.account !== undefined) customer.account = c.customer.account;
  if (c.customer.caseTitle !== undefined) customer.caseTitle = c.customer.caseTitle;
  // The customer's page context: any key is an entry (dict.ts).
  const context = dict<string>();
  for (const key of Object.keys(c.context)) context[key] = staffText(state, c.context[key]!);
  const view: ConversationView = {
    id: c.id,
    state: c.state,
    mode: c.mode,
    workstreamId: c.workstreamId,
    workstreamName: ws?.name ?? c.workstreamId,
    queueId: c.queueId,
    queueName: state.queues[c.queueId]?.name ?? c.queueId,
    title: staffTitle(state, c),
    customer,
    proactive: c.proactive,
    context,
    ownerId: c.ownerId,
    ownerName: nameOf(state, c.ownerId),
    lastOwnerId: c.lastOwnerId,
    participants: [...c.participants],
    consultants: [...c.consultants],
    conferenceRequested: c.conference
      ? { repId: c.conference.repId, repName: nameOf(state, c.conference.repId)! }
      : null,
    offeredTo: offeredTo(state, c),
    transfer: c.transfer
      ? {
          by: c.transfer.by,
          fromRepId: c.transfer.fromRepId,
          target: {
            ...c.transfer.target,
            name:
              (c.transfer.target.kind === "queue"
                ? state.queues[c.transfer.target.id]?.name
                : nameOf(state, c.transfer.target.id)) ?? c.transfer.target.id,
          },
        }
      : null,
    supervisors: { ...c.supervisors },
    wrapUpBy: wrappingUp(state, c),
    sentiment: c.sentiment,
    alert: c.alert,
    createdAt: c.createdAt,
    queuedAt: c.queuedAt,
    assignedAt: c.assignedAt ?? null,
    waitingUntil: c.waitingUntil,
    customerWaitingSince: c.customerWaitingSince ?? null,
    firstResponseAt: c.firstResponseAt ?? null,
    customerEnded: c.customerEnded,
    aborted: c.aborted,
    closedAt: c.closedAt,
    closedBy: c.closedBy,
    messageCount: c.messageCount,
  };
  if (c.rating) view.rating = ratingView(c.rating, (text) => staffText(state, text));
  if (withMessages) {
    view.messages = c.messages.map((m) => messageView(state, m, false, customerName));
    view.notes = (c.notes ?? []).map(noteView);
  }
  return view;
}

/** A rating as a viewer sees it: the comment through `text` (masking for staff, as it is for its customer). */
function ratingView(r: Rating, text: (comment: string) => string): RatingView {
  return r.comment === undefined
    ? { score: r.score, at: r.at }
    : { score: r.score, comment: text(r.comment), at: r.at };
}

export function noteView(n: Note): NoteView {
  const view: NoteView = { id: n.id, at: n.at, author: { ...n.author }, text: n.text };
  if (n.kind) view.kind = n.kind;
  return view;
}

export function customerConversationView(
  state: State,
  c: Conversation,
  withMessages: boolean,
): CustomerConversationView {
  const view: CustomerConversationView = {
    id: c.id,
    state: c.state,
    mode: c.mode,
    repName: c.state === "active" ? nameOf(state, c.ownerId) : null,
    // An aborted conversation (L4) takes no more customer messages: for the customer it is over.
    ended: c.state === "wrapup" || c.state === "closed" || c.aborted !== null,
    messageCount: c.messageCount,
  };
  const until = rateUntil(c);
  if (until !== null) view.rateUntil = until;
  if (c.rating) view.rating = ratingView(c.rating, (text) => text);
  if (withMessages) view.messages = c.messages.map((m) => messageView(state, m, true, c.customer.name));
  return view;
}

export function offerView(state: State, o: Offer): OfferView {
  const c = state.conversations[o.conversationId]!;
  const customerName = staffCustomerName(state, c);
  return {
    id: o.id,
    conversationId: c.id,
    kind: o.kind,
    status: o.status,
    createdAt: o.createdAt,
    expiresAt: o.expiresAt,
    byName: nameOf(state, o.byId),
    title: staffTitle(state, c),
    customerName,
    queueName: state.queues[c.queueId]?.name ?? c.queueId,
    proactive: c.proactive,
    // How long the customer has waited: since their oldest unanswered line (a persistent chat's customer back after
    // weeks waits from then, not from its start), else since it entered the queue.
    arrivedAt: c.customerWaitingSince ?? c.queuedAt ?? c.createdAt,
    preview: c.messages
      .filter((m) => m.author.role !== "system")
      .slice(-PREVIEW_MESSAGES)
      .map((m) => messageView(state, m, false, customerName)),
    sentiment: c.sentiment,
    alert: c.alert,
    ...(o.kind === "route" && c.returning ? { returning: true } : {}),
  };
}
