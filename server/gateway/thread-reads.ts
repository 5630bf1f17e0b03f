// A conversation's thread read from the log: the routing state keeps only its latest messages (core/thread.ts), and
// the rest is read here, a page at a time, by the message numbers the log indexes it by (store `threadPage`).
import type { DomainEvent, Message } from "../core/model.js";
import { messageNumber } from "../core/thread.js";
import type { EventStore, StoredEvent } from "../store/store.js";

export type ThreadLog = Pick<EventStore, "threadPage">;

/** Where a message event sits in its conversation's thread: the store option `threadOf`. */
export function threadOf(event: StoredEvent): { thread: string; position: number } | undefined {
  const e = event as unknown as DomainEvent;
  return e.type === "message_added" ? { thread: e.conversationId, position: messageNumber(e.message.id) } : undefined;
}

/** The `limit` latest messages of a conversation before message number `before` (all when undefined), oldest first. */
export async function threadPage(
  log: ThreadLog,
  conversationId: string,
  before: number | undefined,
  limit: number,
): Promise<{ messages: Message[]; more: boolean }> {
  const page = await log.threadPage(conversationId, before === undefined ? { limit } : { before, limit });
  return {
    messages: page.events.map((e) => (e as unknown as DomainEvent & { message: Message }).message),
    more: page.more,
  };
}

/** Pages read at a time for a whole thread. */
const WHOLE_THREAD_PAGE = 1000;

/** Every message of a conversation, oldest first. */
export async function wholeThread(log: ThreadLog, conversationId: string): Promise<Message[]> {
  const pages: Message[][] = [];
  let before: number | undefined;
  for (;;) {
    const page = await threadPage(log, conversationId, before, WHOLE_THREAD_PAGE);
    pages.unshift(page.messages);
    if (!page.more || page.messages.length === 0) return pages.flat();
    before = messageNumber(page.messages[0]!.id);
  }
}

/** A `before` the client sent: a message id ("m42"), as its number; undefined when it is not one. */
export function beforeNumber(id: string): number | undefined {
  return /^m[1-9][0-9]{0,15}$/.test(id) ? messageNumber(id) : undefined;
}
