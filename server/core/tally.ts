// A rep's own figures of the day for the console's Home ("Today: accepted · ended · transferred"), kept by the
// routing state from the events so that every console of the rep, and one opened after a restart, shows the same.
// Counted per quarter hour and kept for two days: the console asks from its own local midnight (every time zone is a
// whole number of quarter hours from UTC), which is at most a day ago.
import type { DomainEvent, State, TallyBucket, UserState } from "./model.js";
import type { TodayView } from "../../src/protocol/views.js";

export const TALLY_BUCKET_MS = 15 * 60_000;
/** How far back the buckets go: a day and its time-zone margin, with room to spare. */
export const TALLY_KEEP_MS = 48 * 60 * 60_000;

export type TallyKind = "accepted" | "ended" | "transferred";

/**
 * What `event` adds to the reps' tallies, read from the state before it is applied. The definitions are the report's
 * (server/reports/fold.ts): accepted: an offer accepted (a route, a transfer or a conference) or an open item picked;
 * ended: a conversation ended while the rep had it (by them or by the customer); transferred: a conversation taken
 * from the rep by a transfer — theirs (it leaves them at once, into a queue) or a supervisor's (to a queue at once;
 * to a rep once that rep accepts: one who rejects leaves it where it was).
 */
export function talliedBy(state: State, event: DomainEvent): readonly (readonly [string, TallyKind])[] {
  switch (event.type) {
    case "offer_accepted":
      return [[event.repId, "accepted"]];
    case "assigned": {
      const previous = state.conversations[event.conversationId]?.ownerId;
      const taken = previous && previous !== event.repId ? [[previous, "transferred"] as const] : [];
      return event.by === "pick" ? [...taken, [event.repId, "accepted"]] : taken;
    }
    case "wrapup_started":
      return event.repIds.map((id) => [id, "ended"] as const);
    case "queued": {
      const from = event.declinedBy?.[0];
      return from === undefined ? [] : [[from, "transferred"]];
    }
    default:
      return [];
  }
}

/** Add `event` to the tallies of the reps it counts for (evolve, before it applies the event). */
export function tallyEvent(state: State, event: DomainEvent): void {
  for (const [id, kind] of talliedBy(state, event)) {
    const user = state.users[id];
    if (user?.role === "rep") user.tally = added(user.tally ?? [], event.at, kind);
  }
}

/** A new list (the state's are never changed in place): the buckets of the last TALLY_KEEP_MS, one more at `at`. */
function added(tally: readonly TallyBucket[], at: number, kind: TallyKind): TallyBucket[] {
  const start = at - (at % TALLY_BUCKET_MS);
  const kept = tally.filter((b) => b.at > start - TALLY_KEEP_MS);
  const i = kept.findLastIndex((b) => b.at === start);
  if (i >= 0) kept[i] = counted(kept[i]!, kind);
  else kept.push(counted({ at: start, accepted: 0, ended: 0, transferred: 0 }, kind));
  return kept;
}

/** A copy of `b` with one more of `kind` (built whole, so that every bucket has the same shape). */
function counted(b: TallyBucket, kind: TallyKind): TallyBucket {
  return {
    at: b.at,
    accepted: b.accepted + (kind === "accepted" ? 1 : 0),
    ended: b.ended + (kind === "ended" ? 1 : 0),
    transferred: b.transferred + (kind === "transferred" ? 1 : 0),
  };
}

/** The rep's figures from `since` (a quarter-hour boundary in any time zone); older than what is kept: from then. */
export function todayOf(user: UserState | undefined, since: number, now: number): TodayView {
  const from = Math.max(since, now - TALLY_KEEP_MS + TALLY_BUCKET_MS);
  const today: TodayView = { since: from, accepted: 0, ended: 0, transferred: 0 };
  for (const b of user?.tally ?? []) {
    if (b.at < from) continue;
    today.accepted += b.accepted;
    today.ended += b.ended;
    today.transferred += b.transferred;
  }
  return today;
}
