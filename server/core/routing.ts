// Selection policy: who may take a conversation, and who gets it first. Pure and deterministic:
// eligibility by presence, queue membership and capacity; then affinity; then the longest idle rep,
// then the smallest id. Never depends on object iteration order.
import { usedUnits } from "./evolve.js";
import { availableReps, memberIds, repsWithRoom } from "./indexes.js";
import type { Conversation, State, UserState } from "./model.js";
import type { Workstream } from "./org.js";

export function workstreamOf(state: State, c: Conversation): Workstream {
  const ws = state.org.workstreams.find((w) => w.id === c.workstreamId);
  if (!ws) throw new Error(`routing: unknown workstream ${c.workstreamId}`);
  return ws;
}

export function fits(rep: UserState, units: number): boolean {
  return usedUnits(rep) + units <= rep.capacity;
}

/** Whether `rep` could take `c` now but for having declined it: Available, in its queue, with room, not holding it. */
export function free(rep: UserState, c: Conversation, units: number): boolean {
  return (
    !rep.deleted &&
    rep.presence === "available" &&
    rep.capacity > 0 &&
    rep.queues.includes(c.queueId) &&
    !(c.id in rep.items) &&
    fits(rep, units)
  );
}

/** Whether `rep` may be offered `c` right now (L2: only Available reps receive offers). */
export function eligible(rep: UserState, c: Conversation, units: number): boolean {
  return free(rep, c, units) && !c.declinedBy.includes(rep.id);
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

function before(a: UserState, b: UserState): boolean {
  return a.idleSince < b.idleSince || (a.idleSince === b.idleSince && a.id < b.id);
}

/** The rep to offer `c` to, or null when nobody eligible is free. */
export function selectRep(state: State, c: Conversation, ws: Workstream): UserState | null {
  if (ws.affinity && c.lastOwnerId) {
    const previous = state.users[c.lastOwnerId];
    if (previous && eligible(previous, c, ws.capacityCost)) return previous;
  }
  // Only Available reps with room are eligible (any Available rep for what costs nothing): those are looked at, not
  // the whole org. The order is the policy's own.
  const members = memberIds(state.org);
  let best: UserState | null = null;
  for (const id of ws.capacityCost > 0 ? repsWithRoom(state) : availableReps(state)) {
    const rep = state.users[id]!;
    if (members.has(id) && eligible(rep, c, ws.capacityCost) && (!best || before(rep, best))) best = rep;
  }
  return best;
}
