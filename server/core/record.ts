// What a conversation record costs in memory. The state keeps a record for every conversation that is not closed,
// parked persistent chats included (for weeks), so what each holds of its own counts: an empty array or dictionary of
// its own per record, or its own copy of a string every record has (its mode, its workstream's and queue's ids, which
// a record built from JSON or a structured clone carries as new strings), is paid once per conversation. Records share
// the empty ones and the windows of sentiment steps (frozen: evolve replaces them rather than changing them) and the
// org's strings.
import type { Conversation, Customer, State } from "./model.js";
import { NO_MESSAGES, sharedSentiments } from "./thread.js";

/** The one empty list of ids every record without participants, consultants, wrap-ups due or declines shares. */
export const NO_IDS: string[] = Object.freeze([] as string[]) as string[];

/** `ids`, or NO_IDS in place of an empty list. */
export function idList(ids: string[]): string[] {
  return ids.length === 0 ? NO_IDS : ids;
}

/**
 * A customer with nothing but their key, whether they signed in, and name (most customers) as a literal of those three:
 * the one decide builds, with its optional fields spread in, is ~80 bytes, this 48. Any other field: as it is.
 */
function compactCustomer(customer: Customer): Customer {
  for (const field in customer)
    if (
      field !== "key" &&
      field !== "authenticated" &&
      field !== "name" &&
      customer[field as keyof Customer] !== undefined
    )
      return customer;
  return { key: customer.key, authenticated: customer.authenticated, name: customer.name };
}

/**
 * For evolve: the record of `c` (just built from an event or read from a snapshot), sharing the empty lists and the
 * org's strings, as one object literal with every field of a conversation in one order. A record built from JSON or
 * a clone, or given fields later (a rating, notes, the reply wait), keeps most of its ~40 fields in a separate
 * property array (~280 bytes); a literal holds them all in the object. Fields a conversation does not have yet are
 * undefined, which JSON leaves out: snapshots and events read as before.
 */
export function compactRecord(state: State, c: Conversation): Conversation {
  const ws = state.org.workstreams.find((w) => w.id === c.workstreamId);
  const queue = state.queues[c.queueId];
  const record: Record<keyof Conversation, unknown> = {
    id: c.id,
    workstreamId: ws ? ws.id : c.workstreamId,
    queueId: queue ? queue.id : c.queueId,
    mode: c.mode === "persistent" ? "persistent" : "live",
    state: c.state,
    customer: compactCustomer(c.customer),
    title: c.title === c.customer.name ? c.customer.name : c.title,
    proactive: c.proactive,
    context: c.context,
    ownerId: c.ownerId,
    lastOwnerId: c.lastOwnerId,
    participants: idList(c.participants),
    consultants: idList(c.consultants),
    conference: c.conference,
    transfer: c.transfer,
    supervisors: c.supervisors,
    wrapUpBy: idList(c.wrapUpBy),
    wrapUps: c.wrapUps,
    offerId: c.offerId,
    declinedBy: idList(c.declinedBy),
    returning: c.returning,
    messages: c.messages.length === 0 ? NO_MESSAGES : c.messages,
    messageCount: c.messageCount,
    recentClientIds: c.recentClientIds,
    recentSentiments: c.recentSentiments && sharedSentiments(c.recentSentiments),
    customerWaitingSince: c.customerWaitingSince,
    firstResponseAt: c.firstResponseAt,
    outsideHoursAt: c.outsideHoursAt,
    notes: c.notes,
    sentiment: c.sentiment,
    alert: c.alert,
    createdAt: c.createdAt,
    queuedAt: c.queuedAt,
    assignedAt: c.assignedAt,
    waitingUntil: c.waitingUntil,
    customerEnded: c.customerEnded,
    aborted: c.aborted,
    closedAt: c.closedAt,
    closedBy: c.closedBy,
    endedAt: c.endedAt,
    rating: c.rating,
  };
  return record as unknown as Conversation;
}
