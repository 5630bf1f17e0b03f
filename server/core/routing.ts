// Selection policy: who may take a conversation, and who gets it first. Pure and deterministic:
// eligibility by presence, queue membership and capacity; then affinity; then the longest idle rep,
// then the smallest id. Never depends on object iteration order.
// Routing and its explanation (`why`, server/core/why.ts) run the same functions: `barrierTo` says what keeps a
// rep from an offer, `choose` picks; routing looks only at the reps the indexes say may be free, an explanation at
// every rep and hears each verdict.
import { usedUnits } from "./load.js";
import { availableReps, memberIds, repsWithRoom } from "./indexes.js";
import type { Conversation, State, UserState } from "./model.js";
import type { Workstream } from "./org.js";
import type { Barrier, ChosenBy } from "../../src/protocol/why.js";

export function workstreamOf(state: State, c: Conversation): Workstream {
  const ws = state.org.workstreams.find((w) => w.id === c.workstreamId);
  if (!ws) throw new Error(`routing: unknown workstream ${c.workstreamId}`);
  return ws;
}

export function fits(rep: UserState, units: number): boolean {
  return usedUnits(rep) + units <= rep.capacity;
}

/**
 * What keeps `rep` from taking `c` now but for having declined it, or null when nothing does: a deleted rep is
 * "deleted"; then not a member of its queue, not Available (L2), already holding it, no room.
 */
export function unfreeBecause(rep: UserState, c: Conversation, units: number): Barrier | "deleted" | null {
  if (rep.deleted) return "deleted";
  if (!rep.queues.includes(c.queueId)) return "not_in_queue";
  if (rep.presence !== "available") return "presence";
  if (c.id in rep.items) return "holds_it";
  if (rep.capacity <= 0 || !fits(rep, units)) return "capacity";
  return null;
}

/** What keeps `rep` from being offered `c` now (having declined it included), or null when they may be (L2). */
export function barrierTo(rep: UserState, c: Conversation, units: number): Barrier | "deleted" | null {
  return unfreeBecause(rep, c, units) ?? (c.declinedBy.includes(rep.id) ? "declined" : null);
}

/** Whether `rep` could take `c` now but for having declined it: Available, in its queue, with room, not holding it. */
export function free(rep: UserState, c: Conversation, units: number): boolean {
  return unfreeBecause(rep, c, units) === null;
}

/** Whether `rep` may be offered `c` right now (L2: only Available reps receive offers). */
export function eligible(rep: UserState, c: Conversation, units: number): boolean {
  return barrierTo(rep, c, units) === null;
}

/**
 * Whether every rep free to take `c` has declined it (and there is at least one): then nothing but old declines keeps
 * it waiting. Only the decliners need looking at: when the selection found nobody, any free rep is one of them.
 */
export function onlyDeclinesStandInTheWay(state: State, c: Conversation, ws: Workstream): boolean {
  const members = memberIds(state.org);
  return c.declinedBy.some((id) => {
    const rep = state.users[id];
    return rep !== undefined && members.has(id) && free(rep, c, ws.capacityCost);
  });
}

/** Whether `a` is offered before `b` when neither has affinity: the longest idle first, then the smallest id. */
export function before(a: UserState, b: UserState): boolean {
  return a.idleSince < b.idleSince || (a.idleSince === b.idleSince && a.id < b.id);
}

export interface Selection {
  rep: UserState;
  by: Extract<ChosenBy, "affinity" | "longest_idle">;
}

/** A rep looked at and what kept them from an offer (null: nothing; "not_member": no longer in the org). */
export type Judged = (rep: UserState, barrier: Barrier | "deleted" | "not_member" | null) => void;

/**
 * The policy: the previous owner when the workstream keeps affinity (P11) and they are eligible; else the eligible
 * rep of `candidates` idle longest. Candidates who may not be eligible are skipped, so routing passes only those the
 * indexes say may be (Available, with room when it costs something); an explanation passes every rep and `judged`
 * hears each one's verdict (then every candidate is looked at, even when affinity decides).
 */
export function choose(
  state: State,
  c: Conversation,
  ws: Workstream,
  candidates: Iterable<string>,
  judged?: Judged,
): Selection | null {
  let kept: UserState | null = null;
  if (ws.affinity && c.lastOwnerId) {
    const previous = state.users[c.lastOwnerId];
    if (previous && eligible(previous, c, ws.capacityCost)) {
      if (!judged) return { rep: previous, by: "affinity" };
      kept = previous;
    }
  }
  const members = memberIds(state.org);
  let best: UserState | null = null;
  for (const id of candidates) {
    const rep = state.users[id];
    if (!rep) continue;
    const barrier = members.has(id) ? barrierTo(rep, c, ws.capacityCost) : "not_member";
    judged?.(rep, barrier);
    if (barrier === null && (!best || before(rep, best))) best = rep;
  }
  if (kept) return { rep: kept, by: "affinity" };
  return best && { rep: best, by: "longest_idle" };
}

/** The rep to offer `c` to, or null when nobody eligible is free. */
export function selectRep(state: State, c: Conversation, ws: Workstream): UserState | null {
  // Only Available reps with room are eligible (any Available rep for what costs nothing): those are looked at, not
  // the whole org.
  return choose(state, c, ws, ws.capacityCost > 0 ? repsWithRoom(state) : availableReps(state))?.rep ?? null;
}
