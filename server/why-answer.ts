// The server's side of `why`: the committed log folded, a slice per event-loop turn, through the core's WhyFold
// (server/core/why.ts). The fold works on a state of its own; the live state is never touched.
import { evolve, initialState, upgradeState } from "./core/evolve.js";
import type { DomainEvent, State } from "./core/model.js";
import type { Org } from "./core/org.js";
import { WhyFold } from "./core/why.js";
import type { EventStore } from "./store/store.js";
import { orgAtStart } from "./writer/recovery.js";
import type { WhyAnswer } from "../src/protocol/why.js";

/** Events folded per event-loop turn: other clients are served between slices. */
const SLICE = 5_000;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The routing decisions about `conversationId` in the committed log, and why it waits now if it is Open. The fold
 * starts from the latest snapshot when the conversation came after it (the snapshot does not hold it), else from the
 * start of the log with the org it began with, else `org` (as a restart without a snapshot would). Null when the log
 * does not hold the conversation, or `abandoned` says the answer is no longer wanted (the server is closing).
 */
export async function whyFromLog(
  store: Pick<EventStore<State>, "loadSnapshot" | "eventsAfter" | "getMeta">,
  org: Org,
  conversationId: string,
  now: () => number,
  abandoned: () => boolean,
): Promise<WhyAnswer | null> {
  const snap = await store.loadSnapshot();
  const fromSnapshot = snap !== undefined && !(conversationId in snap.state.conversations);
  const state = fromSnapshot ? upgradeState(snap.state) : initialState(await orgAtStart(store, org));
  const fold = new WhyFold(conversationId);
  let inSlice = 0;
  for await (const stored of store.eventsAfter(fromSnapshot ? snap.seq : 0)) {
    const event = stored as unknown as DomainEvent;
    fold.see(state, event);
    evolve(state, event);
    if (++inSlice === SLICE) {
      inSlice = 0;
      await nextTurn();
      if (abandoned()) return null;
    }
  }
  return fold.answer(state, now());
}
