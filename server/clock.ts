// Time for the server shell. Production uses the system clock; tests pass a manual one.
export interface Clock {
  now(): number;
  setTimer(callback: () => void, delayMs: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    // setTimeout caps at ~24.8 days; a longer deadline is re-checked when the timer fires.
    const handle = setTimeout(callback, Math.min(Math.max(0, delayMs), 2_000_000_000));
    handle.unref();
    return () => clearTimeout(handle);
  },
};
