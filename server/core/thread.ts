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
 * The client ids of a conversation's latest messages, oldest first, in one string: it is kept for every conversation,
 * and one string of ~170 bytes costs less than half of an array of entries and a string per client id. Each entry is
 * `<number of the message>,<length of the author key>,<length of the client id>,<author key><client id>`, where the
 * author key is the staff member's id, empty for the customer: lengths, not separators, so any client id is safe.
 * (Snapshots of earlier versions hold a flat array, [author key or null, client id, number] per entry: upgradeThread.)
 */
export type RecentClientIds = string;

/** One entry of RecentClientIds, read at `at`; `next` is where the following one begins. */
interface ClientIdEntry {
  number: number;
  keyAt: number;
  keyLength: number;
  idAt: number;
  idLength: number;
  next: number;
}

/**
 * The entry readEntry read last, filled in place: entries are read several times for every message (the retry check,
 * then evolve in each state), and an object per entry and per number read was most of that work. Every caller uses
 * it before reading the next.
 */
const entry: ClientIdEntry = { number: 0, keyAt: 0, keyLength: 0, idAt: 0, idLength: 0, next: 0 };

function readEntry(ids: string, at: number): ClientIdEntry {
  entry.number = digitsAt(ids, at);
  entry.keyLength = digitsAt(ids, digitsEnd);
  entry.idLength = digitsAt(ids, digitsEnd);
  entry.keyAt = digitsEnd;
  entry.idAt = entry.keyAt + entry.keyLength;
  entry.next = entry.idAt + entry.idLength;
  return entry;
}

/** Where the number digitsAt read last ended: past its comma. */
let digitsEnd = 0;

/** The decimal number at `at`, ended by a comma. */
function digitsAt(ids: string, at: number): number {
  let value = 0;
  let i = at;
  for (; i < ids.length && ids.charCodeAt(i) !== COMMA; i++) value = value * 10 + ids.charCodeAt(i) - ZERO;
  digitsEnd = i + 1;
  return value;
}

const COMMA = 44;
const ZERO = 48;

/** How many client ids `c` keeps. */
export function clientIdCount(c: Conversation): number {
  const ids = c.recentClientIds ?? "";
  let count = 0;
  for (let at = 0; at < ids.length; count++) at = readEntry(ids, at).next;
  return count;
}

function encodeEntry(key: string, clientId: string, number: number): string {
  return `${number},${key.length},${clientId.length},${key}${clientId}`;
}

/** Who wrote a message, for client ids: "" for the customer, else the staff member's id (the system sends none). */
function authorKey(author: Author): string {
  return author.role === "customer" || author.role === "system" ? "" : author.id;
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
  if (ids === undefined) return;
  const customers: string[] = [];
  let staff = false;
  for (let at = 0; at < ids.length;) {
    const read = readEntry(ids, at);
    if (read.keyLength === 0) customers.push(ids.slice(at, read.next));
    else staff = true;
    at = read.next;
  }
  if (!staff) return;
  // Undefined rather than deleted when there are none: a deleted field would turn the record into a dictionary
  // (record.ts).
  (c as { recentClientIds?: RecentClientIds | undefined }).recentClientIds =
    customers.length === 0 ? undefined : customers.join("");
}

/**
 * For evolve: a Closed conversation keeps none of its messages nor client ids — nobody writes in it again (a retried
 * send to it is refused, not recognised), and a client reads its thread from the log (`messages`,
 * `history_conversation`). The state keeps every conversation it ever had, so what a Closed one holds is what the
 * server's memory grows by, for ever.
 */
export function closeThread(c: Conversation): void {
  c.messages = NO_MESSAGES;
  // Undefined rather than deleted (see park).
  (c as { recentClientIds?: RecentClientIds | undefined }).recentClientIds = undefined;
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
    c.recentSentiments = sharedSentiments(latest(c.recentSentiments ?? [], SENTIMENT_WINDOW, m.sentiment));
  const wait = replyWaitAfter(
    { customerWaitingSince: c.customerWaitingSince ?? null, firstResponseAt: c.firstResponseAt ?? null },
    m,
  );
  c.customerWaitingSince = wait.customerWaitingSince;
  c.firstResponseAt = wait.firstResponseAt;
  if (m.code === "outside_hours") c.outsideHoursAt = m.at;
  if (m.clientId !== undefined)
    c.recentClientIds = withClientId(c.recentClientIds ?? "", authorKey(m.author), m.clientId, messageNumber(m.id));
}

/** `ids` with one more entry, and without its oldest once it holds CLIENT_ID_WINDOW. */
function withClientId(ids: string, key: string, clientId: string, number: number): string {
  let count = 0;
  let first = 0;
  for (let at = 0; at < ids.length; count++) {
    at = readEntry(ids, at).next;
    if (count === 0) first = at;
  }
  // Joined, not concatenated: `+` makes a rope of a slice of the old string, which keeps the old string alive.
  return [count >= CLIENT_ID_WINDOW ? ids.slice(first) : ids, encodeEntry(key, clientId, number)].join("");
}

/**
 * The one frozen array equal to `steps`, shared by every conversation whose customer's latest steps are these: there
 * are 399 windows of up to SENTIMENT_WINDOW steps of 7 values, and an array of its own costs a conversation ~70 bytes.
 */
export function sharedSentiments(steps: readonly SentimentStep[]): SentimentStep[] {
  let key = steps.length;
  for (const step of steps) key = key * 8 + step + 3;
  let shared = SENTIMENT_WINDOWS.get(key);
  if (shared === undefined) SENTIMENT_WINDOWS.set(key, (shared = Object.freeze([...steps])));
  return shared as SentimentStep[];
}

const SENTIMENT_WINDOWS = new Map<number, readonly SentimentStep[]>();

/**
 * The last `max` of `kept` followed by `a`, in a new array of just that length: these arrays are kept for every
 * conversation, and one grown by push holds room for 17 entries where it needs 3.
 */
function latest<T>(kept: readonly T[], max: number, a: T): T[] {
  const drop = Math.max(0, kept.length + 1 - max);
  const out = new Array<T>(kept.length - drop + 1);
  let at = 0;
  for (let i = drop; i < kept.length; i++) out[at++] = kept[i]!;
  out[at] = a;
  return out;
}

/**
 * A conversation stored by an earlier version, with its whole thread in `messages` and none of the kept facts: the
 * facts are worked out from the thread, and only the latest messages stay (none when it is parked).
 */
export function upgradeThread(c: Conversation): void {
  const earlier = c.recentClientIds as unknown;
  if (Array.isArray(earlier)) {
    let ids = "";
    for (let i = 0; i + 2 < earlier.length; i += 3)
      ids = withClientId(ids, (earlier[i] as string | null) ?? "", earlier[i + 1] as string, earlier[i + 2] as number);
    c.recentClientIds = ids;
  }
  if (c.messageCount === undefined) {
    const all = c.messages;
    c.messageCount = all.length;
    for (const m of all) remember(c, m);
    c.messages = all.slice(-RECENT_MESSAGES);
  }
  // Stored by a version that kept the latest messages of parked and Closed conversations too.
  if (c.state === "waiting") park(c);
  else if (c.state === "closed") closeThread(c);
  else if (c.messages.length === 0) c.messages = NO_MESSAGES;
}

/** The id of the message `author` sent in `c` with this client id, among the latest (CLIENT_ID_WINDOW). */
export function messageIdByClientId(c: Conversation, author: Author, clientId: string): string | undefined {
  const key = authorKey(author);
  const ids = c.recentClientIds ?? "";
  let found: number | undefined;
  for (let at = 0; at < ids.length;) {
    const read = readEntry(ids, at);
    if (
      read.idLength === clientId.length &&
      read.keyLength === key.length &&
      ids.startsWith(key, read.keyAt) &&
      ids.startsWith(clientId, read.idAt)
    )
      found = read.number;
    at = read.next;
  }
  return found === undefined ? undefined : `m${found}`;
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
