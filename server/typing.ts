// Typing indicators: transient frames the shell relays between a conversation's customer and its staff. Never an
// event, never stored, never replayed; at most one per conversation and direction every TYPING_INTERVAL_MS. Who may
// type where, and who sees it, are queries of the core (server/core/queries.ts).
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
