// The state a log holds: its latest snapshot and every committed event after it, through the same evolve the live
// server uses. A restart, a rebuild after a command failed part-way, and a reader's first replica all start here.
import { evolve, initialState, upgradeState } from "../core/evolve.js";
import type { DomainEvent, State } from "../core/model.js";
import type { Org } from "../core/org.js";
import type { EventStore } from "../store/store.js";

/** `org` starts the state when the log has no snapshot yet. */
export async function replayLog(
  store: EventStore<State>,
  org: Org,
): Promise<{ state: State; replayed: number; fromSnapshot: number | null }> {
  const snap = await store.loadSnapshot();
  const state = snap ? upgradeState(snap.state) : initialState(org);
  let replayed = 0;
  for await (const event of store.eventsAfter(snap?.seq ?? 0)) {
    evolve(state, event as unknown as DomainEvent);
    replayed++;
  }
  return { state, replayed, fromSnapshot: snap?.seq ?? null };
}
