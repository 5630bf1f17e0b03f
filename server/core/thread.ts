// What a conversation keeps of its thread in memory: the latest few messages (for views and offer previews), how
// many there are, and the little routing needs of the rest (the customer's latest sentiment steps, the reply wait,
// the client ids of the latest messages, when the customer was told the hours closed). The whole thread is in the
// event log, read a page at a time (server/store, `threadPage`): a persistent chat parked for weeks costs the same
// memory at its thousandth message as at its tenth.
import type { Author, Conversation, Message } from "./model.js";
import type { SentimentStep } from "./sentiment.js";
import { replyWaitAfter } from "../../src/protocol/response-targets.js";
import { RECENT_MESSAGES } from "../../src/protocol/wire.js";

/** How many of the customer's latest sentiment steps make the conversation's sentiment (S9). */
export const SENTIMENT_WINDOW = 3;

/**
 * How many of a conversation's latest client ids are remembered: a retry (the same client id, its ack lost with the
 * connection) is recognised while fewer than this many messages with client ids came after the first attempt.
 */
export const CLIENT_ID_WINDOW = 8;

/**
 * The client ids of a conversation's latest messages, flat (one array, no object per entry: it is kept for every
 * conversation): for each, who sent it (a staff member's id; null for the customer), the client id, and the number of
 * the message it became.
 */
export type RecentClientIds = (string | number | null)[];

/** Who wrote a message, for client ids: null for the customer, else the staff member's id (the system sends none). */
function authorKey(author: Author): string | null {
  return author.role === "customer" || author.role === "system" ? null : author.id;
}

/**
 * The one empty thread that every conversation holding no messages shares (one parked in Waiting): an array of its own
 * would cost each of them 16 bytes and more. Frozen: adding a message makes a new array (addMessage).
 */
export const NO_MESSAGES: Message[] = Object.freeze([] as Message[]) as Message[];

/**
 * For evolve: a conversation parked in Waiting keeps none of its messages (a client reads them from the log, a page at
 * a time, when it opens the conversation: `messages`), and of its client ids only the customer's: they are the only
 * ones who can write in it before a rep takes it again, so a staff retry could not be recognised in it anyway.
 */
export function park(c: Conversation): void {
  c.messages = NO_MESSAGES;
  const ids = c.recentClientIds;
  if (!ids) return;
  let kept = 0;
  for (let i = 0; i < ids.length; i += 3) if (ids[i] === null) kept += 3;
  if (kept === ids.length) return;
  // Of just the length needed (one grown by push holds room for more), and undefined rather than deleted when there
  // are none: a deleted field would turn the record into a dictionary (record.ts).
  const customers: RecentClientIds = new Array<string | number | null>(kept);
  for (let i = 0, j = 0; i < ids.length; i += 3)
    if (ids[i] === null) {
      customers[j++] = null;
      customers[j++] = ids[i + 1]!;
      customers[j++] = ids[i + 2]!;
    }
  (c as { recentClientIds?: RecentClientIds | undefined }).recentClientIds = kept === 0 ? undefined : customers;
}

/** For evolve: the message joins the thread; what is kept of it is updated and the oldest kept message leaves. */
export function addMessage(c: Conversation, m: Message): void {
  c.messages = latest(c.messages, RECENT_MESSAGES, m);
  c.messageCount++;
  remember(c, m);
}

/** The kept facts of one more message (shared by addMessage and the upgrade of an older state). */
function remember(c: Conversation, m: Message): void {
  if (m.author.role === "customer" && m.sentiment !== undefined)
    c.recentSentiments = latest(c.recentSentiments ?? [], SENTIMENT_WINDOW, m.sentiment);
  const wait = replyWaitAfter(
    { customerWaitingSince: c.customerWaitingSince ?? null, firstResponseAt: c.firstResponseAt ?? null },
    m,
  );
  c.customerWaitingSince = wait.customerWaitingSince;
  c.firstResponseAt = wait.firstResponseAt;
  if (m.code === "outside_hours") c.outsideHoursAt = m.at;
  if (m.clientId !== undefined)
    c.recentClientIds = latest(
      c.recentClientIds ?? [],
      3 * CLIENT_ID_WINDOW,
      authorKey(m.author),
      m.clientId,
      messageNumber(m.id),
    );
}

/**
 * The last `max` of `kept` followed by `a` (then `b` and `c`, when `b` is given), in a new array of just that length:
 * these arrays are kept for every conversation, and one grown by push holds room for 17 entries where it needs 3. One
 * array per call and no other: this runs for every message, in the writer's state and in the gateway's.
 */
function latest<T>(kept: readonly T[], max: number, a: T, b?: T, c?: T): T[] {
  const added = b === undefined ? 1 : 3;
  const drop = Math.max(0, kept.length + added - max);
  const out = new Array<T>(kept.length - drop + added);
  let at = 0;
  for (let i = drop; i < kept.length; i++) out[at++] = kept[i]!;
  out[at++] = a;
  if (added === 3) {
    out[at++] = b as T;
    out[at] = c as T;
  }
  return out;
}

/**
 * A conversation stored by an earlier version, with its whole thread in `messages` and none of the kept facts: the
 * facts are worked out from the thread, and only the latest messages stay (none when it is parked).
 */
export function upgradeThread(c: Conversation): void {
  if (c.messageCount === undefined) {
    const all = c.messages;
    c.messageCount = all.length;
    for (const m of all) remember(c, m);
    c.messages = all.slice(-RECENT_MESSAGES);
  }
  // Stored by a version that kept the latest messages of parked conversations too.
  if (c.state === "waiting") park(c);
  else if (c.messages.length === 0) c.messages = NO_MESSAGES;
}

/** The id of the message `author` sent in `c` with this client id, among the latest (CLIENT_ID_WINDOW). */
export function messageIdByClientId(c: Conversation, author: Author, clientId: string): string | undefined {
  const key = authorKey(author);
  const ids = c.recentClientIds ?? [];
  for (let i = ids.length - 3; i >= 0; i -= 3)
    if (ids[i + 1] === clientId && ids[i] === key) return `m${ids[i + 2] as number}`;
  return undefined;
}

/** The sentiment steps the conversation's sentiment is made of: the customer's latest (S9). */
export function recentSentiments(c: Conversation): readonly SentimentStep[] {
  return c.recentSentiments ?? [];
}

/** Whether the customer was told the hours closed since the conversation last entered its queue. */
export function toldClosed(c: Conversation): boolean {
  return c.outsideHoursAt !== undefined && (c.queuedAt === null || c.outsideHoursAt >= c.queuedAt);
}

/** A message's number ("m42" → 42): its place in the thread, as the event log pages it. */
export function messageNumber(id: string): number {
  return Number(id.slice(1));
}
