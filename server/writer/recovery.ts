// The state a log holds: its latest snapshot and every committed event after it, through the same evolve the live
// server uses. A restart, a rebuild after a command failed part-way, and a reader's first replica all start here.
import { dict } from "../core/dict.js";
import { evolve, initialState, upgradeState } from "../core/evolve.js";
import { shareAllConversations } from "../core/sharing.js";
import type { DomainEvent, State } from "../core/model.js";
import type { Org } from "../core/org.js";
import type { EventStore } from "../store/store.js";

/** The store's meta key of the org a log began with (JSON of the core's Org). */
export const INITIAL_ORG_KEY = "initial-org";

/**
 * The org a log began with: recorded by the first writer of an empty log (Writer.open), for a replay from its start
 * (no snapshot yet) to meet the users, queues and workstreams its first events name. An org file edited since may
 * no longer list them: its `configured` event, further on, removes them in order. A log begun by an earlier version
 * has none recorded: `org` then.
 */
export async function orgAtStart(store: Pick<EventStore<State>, "getMeta">, org: Org): Promise<Org> {
  const recorded = await store.getMeta(INITIAL_ORG_KEY);
  return recorded === undefined ? org : (JSON.parse(recorded) as Org);
}

/** The log's initial org (else `org`) starts the state when the log has no snapshot yet. */
export async function replayLog(
  store: EventStore<State>,
  org: Org,
): Promise<{ state: State; replayed: number; fromSnapshot: number | null }> {
  const snap = await store.loadSnapshot();
  const state = snap ? upgradeState(snap.state) : initialState(await orgAtStart(store, org));
  let replayed = 0;
  for await (const page of store.eventPagesAfter(snap?.seq ?? 0)) {
    for (const event of page) evolve(state, event as unknown as DomainEvent);
    replayed += page.length;
  }
  return { state, replayed, fromSnapshot: snap?.seq ?? null };
}

/**
 * A second state equal to `state`, for a gateway in the same process to start its replica from instead of reading the
 * snapshot and the events after it again. Its records are its own, as a snapshot's would be (through JSON), except
 * the conversations, which it shares with `state` (core/sharing.ts: the first change to one for either state leaves
 * the other a copy). A conversation is most of a state: this costs a small part of reading the snapshot.
 */
export function replicaOf(state: State): State {
  const { conversations, ...rest } = state;
  const replica = upgradeState({
    ...(JSON.parse(JSON.stringify(rest)) as Omit<State, "conversations">),
    conversations: dict(),
  });
  for (const id in conversations) replica.conversations[id] = conversations[id]!;
  shareAllConversations(state, replica);
  return replica;
}
