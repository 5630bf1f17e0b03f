// CSAT: when the customer of an ended conversation may still rate it. One rule for the command that rates and for
// the customer's view, which tells their client to ask.
import type { Conversation } from "./model.js";
import { RATING_WINDOW_MS } from "../../src/protocol/vocabulary.js";

/**
 * Until when the customer may rate it (Unix ms): null while it goes on, once it is rated, and when no rep ever
 * answered it (a customer who gave up in the queue rated nobody's work).
 */
export function rateUntil(c: Conversation): number | null {
  if (c.rating || !c.lastOwnerId || (c.state !== "wrapup" && c.state !== "closed")) return null;
  const ended = c.endedAt ?? c.closedAt;
  return ended === null || ended === undefined ? null : ended + RATING_WINDOW_MS;
}
