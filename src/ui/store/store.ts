// A tiny external store for useSyncExternalStore: the client and the keys dispatch into it from outside React.
import type { Action } from "./reducer.js";
import { reduce } from "./reducer.js";
import type { UiState } from "./state.js";

export interface Store {
  getState(): UiState;
  dispatch(action: Action): void;
  subscribe(listener: () => void): () => void;
}

export function createStore(initial: UiState, reducer: (state: UiState, action: Action) => UiState = reduce): Store {
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
