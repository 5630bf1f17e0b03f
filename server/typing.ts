// Typing indicators: transient frames the shell relays between a conversation's customer and its staff. Never an
// event, never stored, never replayed; at most one per conversation and direction every TYPING_INTERVAL_MS.
import type { Conversation, State } from "./core/model.js";
import { TYPING_INTERVAL_MS } from "../src/protocol/wire.js";

export type TypingDirection = "customer" | "rep";

/** Drops typing frames that come sooner than `intervalMs` after the last one relayed in the same direction. */
export class TypingThrottle {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly intervalMs = TYPING_INTERVAL_MS,
  ) {}

  /** Whether a typing frame in this conversation and direction may be relayed now (and if so, counts it). */
  allow(conversationId: string, direction: TypingDirection): boolean {
    const now = this.now();
    const key = `${direction}:${conversationId}`;
    const previous = this.last.get(key);
    if (previous !== undefined && now - previous < this.intervalMs) return false;
    if (this.last.size >= 10_000) this.forgetOld(now);
    this.last.set(key, now);
    return true;
  }

  private forgetOld(now: number): void {
    for (const [key, at] of this.last) if (now - at >= this.intervalMs) this.last.delete(key);
  }
}

/** Whether this rep or supervisor writes in the conversation, so that their typing means something to the customer. */
export function staffTypes(c: Conversation, userId: string, role: "rep" | "supervisor"): boolean {
  if (c.state !== "active" && c.state !== "wrapup") return false;
  if (c.ownerId === userId || c.participants.includes(userId)) return true;
  return role === "supervisor" && c.supervisors[userId] === "join";
}

/** Staff who see a customer's typing: those handling the conversation and supervisors watching it. */
export function staffWatching(state: State, c: Conversation): string[] {
  const ids = new Set<string>();
  for (const id of [c.ownerId, ...c.participants, ...c.consultants, ...Object.keys(c.supervisors)])
    if (id && state.users[id]) ids.add(id);
  return [...ids];
}
