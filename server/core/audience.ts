// Whom an event concerns, so that the gateway works out what it means (changes.ts) only for their connections.
import { indexesOf } from "./indexes.js";
import type { Conversation, DomainEvent, State } from "./model.js";

/** Who an event concerns: the shell sends `changesFor` only to these. */
export interface Audience {
  /** Users concerned, in order; one may be named more than once (the shell gives each connection the event once). */
  users: string[];
  /** The key of the customer of the conversation the event concerns, if it concerns one. */
  customer: string | null;
  supervisors: boolean;
}

/** The id of the conversation an event is about, if any. */
export function conversationIdOf(event: DomainEvent): string | undefined {
  if ("conversationId" in event) return event.conversationId;
  if (event.type === "conversation_created") return event.conversation.id;
  if (event.type === "offered") return event.offer.conversationId;
  return undefined;
}

/** The conversation an event is about, if any. */
export function conversationOf(state: State, event: DomainEvent): Conversation | undefined {
  const id = conversationIdOf(event);
  return id === undefined ? undefined : state.conversations[id];
}

/**
 * The staff who may see `c` (viewer.ts canSee), or may have, added to `into`: its owner and last owner, conference,
 * participants, consultants, those wrapping up, and the reps holding a work item for it — an offer too: a rep it is
 * offered to was sent it whole, so what the customer writes before they accept must reach them.
 */
export function staffOf(state: State, c: Conversation, into: string[]): void {
  if (c.ownerId) into.push(c.ownerId);
  if (c.lastOwnerId) into.push(c.lastOwnerId);
  if (c.conference?.repId) into.push(c.conference.repId);
  for (const id of c.participants) if (id) into.push(id);
  for (const id of c.consultants) if (id) into.push(id);
  for (const id of c.wrapUpBy) if (id) into.push(id);
  const holders = indexesOf(state).holders.get(c.id);
  if (holders) for (const id of holders) into.push(id);
}

export function audienceOf(state: State, event: DomainEvent): Audience {
  // A list, not a set: this runs for every event fanned out, and a repeated user costs the shell one test.
  const users: string[] = [];
  const c = conversationOf(state, event);
  if (c) staffOf(state, c, users);
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
