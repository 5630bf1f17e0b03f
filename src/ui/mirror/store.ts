// A tiny external store for useSyncExternalStore: the client and the keys dispatch into it from outside React.
import type { Action } from "./reducer.js";
import { reduce } from "./reducer.js";
import type { UiState } from "./state.js";

export interface Store<S = UiState, A = Action> {
  getState(): S;
  dispatch(action: A): void;
  subscribe(listener: () => void): () => void;
}

/** The console's store by default; the monitor passes its own state and reducer. */
export function createStore<S = UiState, A = Action>(
  initial: S,
  reducer: (state: S, action: A) => S = reduce as unknown as (state: S, action: A) => S,
): Store<S, A> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = reducer(state, action);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
