// A rep's own figures of the day for the console's Home ("Today: accepted · ended · transferred"), kept by the
// routing state from the events so that every console of the rep, and one opened after a restart, shows the same.
// Counted per quarter hour and kept for two days: the console asks from its own local midnight (every time zone is a
// whole number of quarter hours from UTC), which is at most a day ago.
import type { DomainEvent, State, UserState } from "./model.js";
import type { TodayView } from "../../src/protocol/views.js";

export const TALLY_BUCKET_MS = 15 * 60_000;
/** How far back the buckets go: a day and its time-zone margin, with room to spare. */
export const TALLY_KEEP_MS = 48 * 60 * 60_000;

export type TallyKind = "accepted" | "ended" | "transferred";

/**
 * Add `event` to the tallies of the reps it counts for, read from the state before evolve applies it. The definitions
 * are the report's (server/reports/fold.ts): accepted: an offer accepted (a route, a transfer or a conference) or an
 * open item picked; ended: a conversation ended while the rep had it (by them or by the customer); transferred: a
 * conversation taken from the rep by a transfer — theirs (it leaves them at once, into a queue) or a supervisor's (to
 * a queue at once; to a rep once that rep accepts: one who rejects leaves it where it was). Every other event costs
 * this switch only.
 */
export function tallyEvent(state: State, event: DomainEvent): void {
  switch (event.type) {
    case "offer_accepted":
      return count(state, event.repId, event.at, "accepted");
    case "assigned": {
      const previous = state.conversations[event.conversationId]?.ownerId;
      if (previous && previous !== event.repId) count(state, previous, event.at, "transferred");
      if (event.by === "pick") count(state, event.repId, event.at, "accepted");
      return;
    }
    case "wrapup_started":
      for (const id of event.repIds) count(state, id, event.at, "ended");
      return;
    case "queued": {
      const from = event.declinedBy?.[0];
      if (from !== undefined) count(state, from, event.at, "transferred");
      return;
    }
    default:
      return;
  }
}

/** One more of `kind` for the rep at `at`, in its quarter hour's bucket; buckets older than TALLY_KEEP_MS go. */
function count(state: State, repId: string, at: number, kind: TallyKind): void {
  const user = state.users[repId];
  if (user?.role !== "rep") return;
  const start = at - (at % TALLY_BUCKET_MS);
  // Changed in place, as a rep's work items are: a rep's record belongs to one state (only conversations are shared).
  const tally = (user.tally ??= []);
  while (tally.length > 0 && tally[0]!.at <= start - TALLY_KEEP_MS) tally.shift();
  // The running quarter hour is the last bucket but when the clock stepped back.
  const bucket = tally.at(-1)?.at === start ? tally.at(-1) : tally.find((b) => b.at === start);
  if (bucket) bucket[kind]++;
  else tally.push({ at: start, accepted: 0, ended: 0, transferred: 0, [kind]: 1 });
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
