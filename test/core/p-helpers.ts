// Small helpers shared by the persistent/live chat tests (SPEC §1, L2, S2). Not a test file itself.
import { expect } from "vitest";
import type { Actor, Command, DomainEvent, Message } from "../../server/core/model.js";
import type { OperatingHours } from "../../server/core/org.js";
import { changesFor } from "../../server/core/changes.js";
import { snapshot } from "../../server/core/snapshot.js";
import type { Change, CustomerConversationView } from "../../src/protocol/views.js";
import { customer, rep } from "../helpers/core.js";
import type { CoreHarness } from "../helpers/core.js";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * The harness clock starts at 2023-11-14T22:13:20Z, a Tuesday evening: outside these hours.
 * The next opening is Wednesday 2023-11-15 09:00 UTC.
 */
export const OFFICE_HOURS: OperatingHours = {
  days: [1, 2, 3, 4, 5],
  open: "09:00",
  close: "17:00",
  utcOffsetMinutes: 0,
};
export const NEXT_OPENING = Date.UTC(2023, 10, 15, 9, 0);

/** The actor of an authenticated customer, as the harness's `start` names them. */
export const signedIn = (id: string): Actor => customer(`auth:${id}`);

/** Accept the pending offer `repId` has for `conversationId`, failing the test if there is none. */
export function accept(h: CoreHarness, repId: string, conversationId: string): void {
  const offerId = h.offerFor(repId, conversationId);
  expect(offerId, `${repId} should have an offer for ${conversationId}`).toBeDefined();
  h.ok(rep(repId), { type: "accept", offerId: offerId! });
}

/** Run a command that must succeed and return the events it produced. */
export function eventsOf(h: CoreHarness, actor: Actor, command: Command): DomainEvent[] {
  const outcome = h.run(actor, command);
  if (!outcome.ok) throw new Error(`expected ${command.type} to succeed, got ${outcome.error.code}`);
  return outcome.events;
}

/** The refusal of a command that must fail: its code and its message (what the user is told). */
export function refusal(h: CoreHarness, actor: Actor, command: Command): { code: string; message: string } {
  const outcome = h.run(actor, command);
  if (outcome.ok) throw new Error(`expected ${command.type} to be refused`);
  return { code: outcome.error.code, message: outcome.error.message };
}

export function systemMessages(h: CoreHarness, conversationId: string): Message[] {
  return h.thread(conversationId).filter((m) => m.author.role === "system");
}

export function systemCodes(h: CoreHarness, conversationId: string): string[] {
  return systemMessages(h, conversationId).map((m) => m.code ?? "");
}

/** What a customer sees on (re)connecting: the conversations of their snapshot. */
export function customerSees(h: CoreHarness, key: string): CustomerConversationView[] {
  return snapshot(h.state, { role: "customer", key }).customerConversations;
}

/** The changes a set of events means for a rep who has already seen `seenIds` in full. */
export function repChanges(h: CoreHarness, repId: string, events: DomainEvent[], seenIds: string[] = []): Change[] {
  const seen = new Set(seenIds);
  return events.flatMap((event) => changesFor(h.state, event, { role: "rep", id: repId }, seen));
}
