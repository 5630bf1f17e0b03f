// Views: what each viewer may see of the state, and which changes an event means for them.
// Masking (L6) happens here, before anything reaches a rep or a supervisor.
import type {
  AuthorView,
  Change,
  ConversationView,
  CustomerConversationView,
  MessageView,
  NoteView,
  OfferView,
  RatingView,
  OrgView,
  Snapshot,
  UserView,
} from "../../src/protocol/views.js";
import { usedUnits } from "./evolve.js";
import { conversationIdsOf, holdersOf } from "./indexes.js";
import { dict } from "./dict.js";
import { DEFAULT_MASKING_REGIONS, maskName, maskText } from "./masking.js";
import type { Conversation, Customer, DomainEvent, Message, Note, Offer, Rating, State, UserState } from "./model.js";
import { rateUntil } from "./rating.js";
import { reasonsFor } from "../../src/protocol/rules.js";
import { PRESENCE_WORD, REASON_PRESENCES } from "../../src/protocol/vocabulary.js";
import type { PresenceReasons } from "../../src/protocol/vocabulary.js";

/** A customer who came in with a conversation token sees only that conversation (`conversationId`). */
export type Viewer =
  { role: "rep" | "supervisor"; id: string } | { role: "customer"; key: string; conversationId?: string };

const PREVIEW_MESSAGES = 3;

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

function nameOf(state: State, id: string | null): string | null {
  return id ? (state.users[id]?.name ?? id) : null;
}

/** The regions whose national phone number formats masking knows (L6). */
function regionsOf(state: State): readonly string[] {
  return state.org.maskingRegions ?? DEFAULT_MASKING_REGIONS;
}

function staffText(state: State, text: string): string {
  return state.org.masking ? maskText(text, regionsOf(state)) : text;
}

/** What `maskedOnce` knows of an owner's text: the regions it was masked for, alone when masking left it unchanged. */
type MaskedCache<K extends object> = WeakMap<K, readonly string[] | { regions: readonly string[]; text: string }>;
const MAYBE_MASKED = /[\d@]/;

/**
 * `text` as staff see it, masked once per `owner` (a message, a customer record: neither changes once made) however
 * many staff views and viewers ask for it, and again if the org's regions change. Only texts with a digit or an @ are
 * kept: for the others masking is a single test and the answer the text itself. A text masking leaves as it is (most
 * names with a number, "Visitor 12") is kept as the regions alone, an object less per owner.
 */
function maskedOnce<K extends object>(
  state: State,
  cache: MaskedCache<K>,
  owner: K,
  text: string,
  mask: (text: string, regions: readonly string[]) => string,
): string {
  if (!state.org.masking || !MAYBE_MASKED.test(text)) return text;
  const regions = regionsOf(state);
  const cached = cache.get(owner);
  if (cached === regions) return text;
  if (cached !== undefined && "text" in cached && cached.regions === regions) return cached.text;
  const masked = mask(text, regions);
  cache.set(owner, masked === text ? regions : { regions, text: masked });
  return masked;
}

const maskedTexts: MaskedCache<Message> = new WeakMap();
const maskedNames: MaskedCache<Customer> = new WeakMap();

function staffMessageText(state: State, m: Message): string {
  return maskedOnce(state, maskedTexts, m, m.text, maskText);
}

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

/** A customer's name as staff see it, masked once per customer record (shared by a conversation's copies). */
function staffCustomerName(state: State, c: Conversation): string {
  return maskedOnce(state, maskedNames, c.customer, c.customer.name, maskName);
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

/** A conversation's title as staff see it (masked when the org masks). */
export function staffTitle(state: State, c: Conversation): string {
  return state.org.masking ? maskName(c.title, regionsOf(state)) : c.title;
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
    arrivedAt: c.createdAt,
    preview: c.messages
      .filter((m) => m.author.role !== "system")
      .slice(-PREVIEW_MESSAGES)
      .map((m) => messageView(state, m, false, customerName)),
    sentiment: c.sentiment,
    alert: c.alert,
  };
}

/** A user's presence, capacity and load; `reasons` (the org's) name the reason given with the presence. */
export function userView(u: UserState, reasons?: PresenceReasons): UserView {
  const view: UserView = {
    id: u.id,
    name: u.name,
    role: u.role,
    presence: u.presence,
    capacity: u.capacity,
    used: usedUnits(u),
    conversations: Object.values(u.items).filter((i) => i.role === "owner" || i.role === "conference").length,
    queues: [...u.queues],
  };
  if (u.presenceReasonId) {
    // A reason the org no longer lists keeps its id as its label.
    const reason = reasonsFor(reasons, u.presence).find((r) => r.id === u.presenceReasonId);
    view.presenceReason = { id: u.presenceReasonId, label: reason?.label ?? u.presenceReasonId };
  }
  if (u.presenceSince !== undefined) view.presenceSince = u.presenceSince;
  return view;
}

/** The org as clients see it; staff also get the quick replies. */
export function orgView(state: State, forStaff = true): OrgView {
  const org = state.org;
  const view: OrgView = {
    name: org.name,
    masking: org.masking,
    supervisor: { ...org.supervisor, setPresence: org.supervisor.setPresence ?? false },
    queues: org.queues.map((q) => ({ id: q.id, name: q.name })),
    workstreams: org.workstreams.map((w) => ({
      id: w.id,
      name: w.name,
      mode: w.mode,
      queueId: w.queueId,
      sentimentThreshold: w.sentimentThreshold as -3,
      ...(forStaff && w.responseTargets ? { responseTargets: { ...w.responseTargets } } : {}),
    })),
    wrapUpReasons: org.wrapUpReasons.map((r) => ({ ...r })),
  };
  if (forStaff && org.quickReplies && org.quickReplies.length > 0)
    view.quickReplies = org.quickReplies.map((r) => ({ ...r }));
  const reasons = presenceReasonsView(org.presenceReasons);
  if (forStaff && reasons) view.presenceReasons = reasons;
  return view;
}

function presenceReasonsView(reasons: PresenceReasons | undefined): PresenceReasons | undefined {
  const view: PresenceReasons = {};
  for (const p of REASON_PRESENCES) {
    const list = reasons?.[p];
    if (list && list.length > 0) view[p] = list.map((r) => ({ id: r.id, label: r.label }));
  }
  return Object.keys(view).length > 0 ? view : undefined;
}

function activeUsers(state: State): UserState[] {
  return state.org.users.map((u) => state.users[u.id]!).filter((u) => u && !u.deleted);
}

/**
 * How many Closed conversations a rep's snapshot carries, the most recently closed first: enough for Home's
 * "Recently closed", while a rep's history of weeks would make every sign-in a download of megabytes.
 */
export const RECENTLY_CLOSED_IN_SNAPSHOT = 20;

/** Closed conversations beyond the most recent `RECENTLY_CLOSED_IN_SNAPSHOT` are left out. */
function withRecentlyClosed(conversations: Conversation[]): Conversation[] {
  const closed = conversations.filter((c) => c.state === "closed");
  if (closed.length <= RECENTLY_CLOSED_IN_SNAPSHOT) return conversations;
  const kept = new Set(
    closed
      .sort((a, b) => (b.closedAt ?? 0) - (a.closedAt ?? 0) || b.id.localeCompare(a.id, "en"))
      .slice(0, RECENTLY_CLOSED_IN_SNAPSHOT),
  );
  return conversations.filter((c) => c.state !== "closed" || kept.has(c));
}

/** Everything a viewer may see now: sent in `welcome`, and on a resume that cannot be served from the log. */
export function snapshot(state: State, viewer: Viewer): Snapshot {
  // A customer's conversations come from the index by customer key, not from a scan of every conversation.
  const candidates =
    viewer.role === "customer"
      ? conversationIdsOf(state, viewer.key).map((id) => state.conversations[id]!)
      : Object.values(state.conversations);
  const visible = candidates.filter(
    (c) => canSee(state, viewer, c) && (c.state !== "closed" || viewer.role !== "supervisor"),
  );
  const conversations = viewer.role === "rep" ? withRecentlyClosed(visible) : visible;
  if (viewer.role === "customer") {
    return {
      org: orgView(state, false),
      me: null,
      users: [],
      conversations: [],
      // P8: after a rep's End, a persistent conversation's history is no longer shown to the returning customer.
      customerConversations: conversations
        .filter((c) => c.state !== "closed" && !(c.mode === "persistent" && c.state === "wrapup"))
        .map((c) => customerConversationView(state, c, true)),
      offers: [],
    };
  }
  const me = state.users[viewer.id];
  return {
    org: orgView(state),
    me: me ? userView(me, state.org.presenceReasons) : null,
    users: activeUsers(state).map((u) => userView(u, state.org.presenceReasons)),
    conversations: conversations.map((c) => conversationView(state, c, true)),
    customerConversations: [],
    offers: Object.values(state.offers)
      .filter((o) => o.status === "pending" && o.repId === viewer.id)
      .map((o) => offerView(state, o)),
  };
}

/** Who an event concerns: the shell sends `changesFor` only to these. */
export interface Audience {
  /** Users concerned, in order; one may be named more than once (the shell gives each connection the event once). */
  users: string[];
  /** The key of the customer of the conversation the event concerns, if it concerns one. */
  customer: string | null;
  supervisors: boolean;
}

function conversationOf(state: State, event: DomainEvent): Conversation | undefined {
  if ("conversationId" in event) return state.conversations[event.conversationId];
  if (event.type === "conversation_created") return state.conversations[event.conversation.id];
  if (event.type === "offered") return state.conversations[event.offer.conversationId];
  return undefined;
}

export function audienceOf(state: State, event: DomainEvent): Audience {
  // A list, not a set: this runs for every event fanned out, and a repeated user costs the shell one test.
  const users: string[] = [];
  const c = conversationOf(state, event);
  if (c) {
    if (c.ownerId) users.push(c.ownerId);
    if (c.lastOwnerId) users.push(c.lastOwnerId);
    if (c.conference?.repId) users.push(c.conference.repId);
    for (const id of c.participants) if (id) users.push(id);
    for (const id of c.consultants) if (id) users.push(id);
    for (const id of c.wrapUpBy) if (id) users.push(id);
  }
  if ("repId" in event) users.push(event.repId);
  if ("repIds" in event) for (const id of event.repIds) users.push(id);
  if ("userId" in event) users.push(event.userId);
  if ("byRepId" in event) users.push(event.byRepId);
  if (event.type === "transfer_ended" && event.fromRepId) users.push(event.fromRepId);
  if (event.type === "offered") users.push(event.offer.repId);
  // A new configuration concerns every rep and supervisor.
  if (event.type === "configured") for (const id in state.users) users.push(id);
  return { users, customer: c ? c.customer.key : null, supervisors: true };
}

/** Events that change what a rep holds, and so their capacity view. */
const CAPACITY_EVENTS = new Set<DomainEvent["type"]>([
  "offered",
  "offer_ended",
  "offer_accepted",
  "assigned",
  "left",
  "waiting",
  "wrapup_started",
  "wrapup_submitted",
  "closed",
  "queued",
  "conference_joined",
]);

const CUSTOMER_VISIBLE = new Set<DomainEvent["type"]>([
  "conversation_created",
  "queued",
  "assigned",
  "waiting",
  "wrapup_started",
  "closed",
  "left",
  "aborted",
  "rating_given",
]);

/** The conversations a viewer has been sent in full (a Set, or the gateway's SeenConversations). */
export interface Seen {
  has(id: string): boolean;
  add(id: string): unknown;
}

/**
 * The views a viewer was given earlier in one run of events projected with the same state (a batch fanned out
 * together, a resume's replay). Views are built from that state, which already holds every event of the run, so a
 * later event's view of the same conversation or user would repeat an earlier one word for word: it is left out.
 */
export interface GivenViews {
  /** Whether this conversation's (or user's) view was given earlier in the run; from now on it counts as given. */
  again(kind: "conversation" | "user", id: string): boolean;
}

/** A run whose views are all given anew: each event's changes stand alone. */
const NONE_GIVEN: GivenViews = { again: () => false };

/** Given views kept in two sets, for one run (a resume's replay, one connection's share of a batch). */
export function givenViews(): GivenViews {
  const given = { conversation: new Set<string>(), user: new Set<string>() };
  return {
    again(kind, id) {
      if (given[kind].has(id)) return true;
      given[kind].add(id);
      return false;
    },
  };
}

/**
 * The changes `event` (already applied to `state`) means for `viewer`. `seen` holds the conversations
 * this viewer has been sent in full; a conversation seen for the first time comes with its history. `given`: the
 * views given earlier in the same run, which are not repeated.
 */
export function changesFor(
  state: State,
  event: DomainEvent,
  viewer: Viewer,
  seen: Seen,
  given: GivenViews = NONE_GIVEN,
): Change[] {
  const changes: Change[] = [];
  const c = conversationOf(state, event);

  if (viewer.role === "customer") {
    if (!c || !canSee(state, viewer, c)) return changes;
    if (!seen.has(c.id)) {
      seen.add(c.id);
      given.again("conversation", c.id);
      changes.push({ kind: "customer_conversation", conversation: customerConversationView(state, c, true) });
      return changes;
    }
    if (event.type === "message_added")
      changes.push({
        kind: "message",
        conversationId: c.id,
        message: messageView(state, event.message, true, c.customer.name),
      });
    else if (CUSTOMER_VISIBLE.has(event.type) && !given.again("conversation", c.id))
      changes.push({ kind: "customer_conversation", conversation: customerConversationView(state, c, false) });
    return changes;
  }

  const me = viewer.id;
  if (c && canSee(state, viewer, c)) {
    if (!seen.has(c.id)) {
      seen.add(c.id);
      given.again("conversation", c.id);
      changes.push({ kind: "conversation", conversation: conversationView(state, c, true) });
    } else if (event.type === "message_added") {
      changes.push({
        kind: "message",
        conversationId: c.id,
        message: messageView(state, event.message, false, staffCustomerName(state, c)),
      });
    } else if (event.type === "note_added") {
      changes.push({ kind: "note", conversationId: c.id, note: noteView(event.note) });
    } else if (!given.again("conversation", c.id)) {
      changes.push({ kind: "conversation", conversation: conversationView(state, c, false) });
    }
  }

  switch (event.type) {
    case "offered":
      if (event.offer.repId === me)
        changes.push({ kind: "offer", offer: offerView(state, state.offers[event.offer.id] ?? event.offer) });
      break;
    case "offer_ended":
    case "offer_accepted":
      if (event.repId === me) {
        const status = event.type === "offer_accepted" ? "accepted" : event.status;
        changes.push({ kind: "offer_ended", offerId: event.offerId, conversationId: event.conversationId, status });
        if (status === "withdrawn")
          changes.push({
            kind: "notice",
            code: "offer_withdrawn",
            text: "The offer was withdrawn.",
            conversationId: event.conversationId,
          });
      }
      break;
    case "presence_changed":
      if (event.reason === "rona" && event.userId === me) {
        changes.push({
          kind: "notice",
          code: "rona",
          text: "You did not answer an offer in time and are now RONA: no offers reach you until you set yourself Available.",
        });
      }
      // The rep learns who changed their presence for them, and to what.
      if (event.by !== undefined && event.by !== me && event.userId === me) {
        // The event's own reason: the presence may have moved on within the same command (Busy at capacity).
        const reason =
          event.reasonId === undefined
            ? undefined
            : (reasonsFor(state.org.presenceReasons, event.presence).find((r) => r.id === event.reasonId)?.label ??
              event.reasonId);
        changes.push({
          kind: "notice",
          code: "presence_set",
          text: `${nameOf(state, event.by)} set your presence to ${PRESENCE_WORD[event.presence]}${reason ? ` · ${reason}` : ""}.`,
        });
      }
      break;
    case "sentiment_changed":
      if (event.alert && c && canSee(state, viewer, c)) {
        changes.push({
          kind: "notice",
          code: "sentiment_alert",
          text: `${conversationView(state, c, false).title}. Urgent attention needed in your conversation.`,
          conversationId: c.id,
        });
      }
      break;
    case "assigned":
      // P12: the customer wrote again in a parked chat, and it came straight back to its rep, without an offer.
      if (event.by === "auto" && event.repId === me && c)
        changes.push({
          kind: "notice",
          code: "customer_back",
          text: `${staffCustomerName(state, c)} is back: their conversation is assigned to you again.`,
          conversationId: c.id,
        });
      break;
    case "wrapup_started":
      if (event.customerEnded && event.repIds.includes(me)) {
        changes.push({
          kind: "notice",
          code: "customer_ended",
          text: "Customer ended the conversation",
          conversationId: event.conversationId,
        });
      }
      break;
    case "aborted":
      if (c && canSee(state, viewer, c))
        changes.push({
          kind: "notice",
          code: "aborted",
          text: `Conversation aborted: ${event.reason}. It can only be ended.`,
          conversationId: event.conversationId,
        });
      break;
    case "consultant_left":
      // The consultant no longer sees the conversation: they are told, so their console lets it go.
      if (event.repId === me && c)
        changes.push({
          kind: "notice",
          code: "consult_ended",
          text:
            event.by === me
              ? `You left the consult on ${conversationView(state, c, false).title}.`
              : `${nameOf(state, event.by)} ended your consult on ${conversationView(state, c, false).title}.`,
          conversationId: c.id,
        });
      break;
    case "configured": {
      // Settings, names, queues and reasons as the org now has them; users' capacities and queues may have changed.
      changes.push({ kind: "org", org: orgView(state) });
      const users =
        viewer.role === "supervisor" ? activeUsers(state) : [state.users[me]].filter((u) => u && !u.deleted);
      for (const u of users) changes.push({ kind: "user", user: userView(u!, state.org.presenceReasons) });
      break;
    }
    case "transfer_ended":
      // L10: the rep who transferred it learns that the target did not take it, and where it went.
      if (event.notAcceptedBy && event.fromRepId === me && c) {
        changes.push({
          kind: "notice",
          code: "transfer_not_accepted",
          text: `${nameOf(state, event.notAcceptedBy)} did not accept the transfer of ${conversationView(state, c, false).title}; it went back to the ${state.queues[c.queueId]?.name ?? c.queueId} queue.`,
          conversationId: c.id,
        });
      }
      if (event.outcome === "rejected" && viewer.role === "supervisor") {
        changes.push({
          kind: "notice",
          code: "transfer_rejected",
          text: "The transfer was rejected; the conversation stays where it was.",
          conversationId: event.conversationId,
        });
      }
      break;
    default:
      break;
  }

  // Capacity and presence: the user concerned sees themselves; supervisors see everyone.
  if (event.type === "presence_changed" || event.type === "user_deleted" || CAPACITY_EVENTS.has(event.type)) {
    const concerned = usersConcerned(event, c);
    const shown = viewer.role === "supervisor" ? [...new Set(concerned)].sort() : concerned.includes(me) ? [me] : [];
    for (const id of shown) {
      const u = state.users[id];
      if (u && !given.again("user", id)) changes.push({ kind: "user", user: userView(u, state.org.presenceReasons) });
    }
  }
  return changes;
}

/** The users whose presence or capacity `event` may have changed (with repeats). */
function usersConcerned(event: DomainEvent, c: Conversation | undefined): string[] {
  const users: string[] = [];
  if ("userId" in event) users.push(event.userId);
  if ("repId" in event) users.push(event.repId);
  if ("repIds" in event) users.push(...event.repIds);
  if (event.type === "offered") users.push(event.offer.repId);
  if (c) for (const id of [c.ownerId, c.lastOwnerId, ...c.participants, ...c.wrapUpBy]) if (id) users.push(id);
  return users;
}
