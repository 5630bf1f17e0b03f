// A long-running server's RSS should follow what it holds. glibc's malloc gives freed memory back to the system only
// from the top of an arena: what connections, their buffers and V8's bookkeeping freed in between stays in the
// process, so a server whose customers come and go grows by what they once took (~2–3 MB per 1,000 connections here,
// docs/benchmarks.md, memory-parked). After each full garbage collection — when V8 has freed what it can — the server
// asks malloc to give back every whole free page (malloc_trim(0), as Ruby does after its full collections), at most
// every MIN_INTERVAL_MS. The call is a small native addon (native/malloc-trim, built by `npm ci`); without it
// (another libc, no compiler at install) the server runs as before.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { constants, PerformanceObserver } from "node:perf_hooks";
import type { PerformanceEntry } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

/**
 * A trim walks malloc's free lists (~2 ms with nothing to give back) and gives back what it finds (~90 ms for 90 MB):
 * after a burst of full collections, one.
 */
const MIN_INTERVAL_MS = 1_000;

/**
 * Blocks from 128 KB up are mmapped and go back when freed (glibc's starting threshold, kept); a free top of an arena
 * goes back from 1 MB (at glibc's 128 KB, V8's helper threads gave theirs back and took it again at every scavenge).
 */
const MMAP_THRESHOLD_BYTES = 128 * 1024;
const TRIM_THRESHOLD_BYTES = 1024 * 1024;

const ADDON = join("native", "malloc-trim", "build", "Release", "malloc_trim.node");

interface MallocTrim {
  /** malloc_trim(0): true when some memory went back to the system. */
  trim(): boolean;
  /** mallopt M_MMAP_THRESHOLD and M_TRIM_THRESHOLD, no longer raised by glibc as large blocks are freed. */
  fixThresholds(mmapBytes: number, trimBytes: number): boolean;
}

let addon: MallocTrim | null | undefined;

/** The addon, found from this module up (server/, dist/server/ or dist/bundle/ of the package), or null. */
export function mallocTrim(): MallocTrim | null {
  if (addon !== undefined) return addon;
  addon = null;
  for (let dir = dirname(fileURLToPath(import.meta.url)), depth = 0; depth < 4; dir = dirname(dir), depth++) {
    const file = join(dir, ADDON);
    if (!existsSync(file)) continue;
    try {
      addon = createRequire(import.meta.url)(file) as MallocTrim;
    } catch {
      // Built for another Node or machine: run without it.
    }
    break;
  }
  return addon;
}

let users = 0;
let observer: PerformanceObserver | null = null;
let lastTrim = -Infinity;
let pending: { timer: NodeJS.Timeout; done: Promise<void>; end: () => void } | null = null;

function afterCollection(trim: MallocTrim, entries: readonly PerformanceEntry[]): void {
  const full = entries.some(
    (entry) => (entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR,
  );
  if (!full || pending) return;
  // Not inside the collection's callback, and not more often than every MIN_INTERVAL_MS (the last one waits).
  let end!: () => void;
  const done = new Promise<void>((resolve) => {
    end = resolve;
  });
  const timer = setTimeout(
    () => {
      pending = null;
      lastTrim = performance.now();
      trim.trim();
      end();
    },
    Math.max(0, lastTrim + MIN_INTERVAL_MS - performance.now()),
  );
  timer.unref();
  pending = { timer, done, end };
}

/** Resolves once the trim that follows the full collections just made, if any, is done (benchmarks read RSS then). */
export async function memoryReturned(): Promise<void> {
  // A collection's entry reaches the observer after the immediates of the turn it was made in.
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  await pending?.done;
}

/**
 * Give freed memory back after full collections while at least one server of this process runs; the returned
 * function ends this server's share. Without the addon it does nothing.
 */
export function returnFreedMemory(): () => void {
  const trim = mallocTrim();
  if (!trim) return () => undefined;
  if (users++ === 0) {
    trim.fixThresholds(MMAP_THRESHOLD_BYTES, TRIM_THRESHOLD_BYTES);
    observer = new PerformanceObserver((list) => afterCollection(trim, list.getEntries()));
    observer.observe({ entryTypes: ["gc"] });
  }
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    if (--users > 0) return;
    observer?.disconnect();
    observer = null;
    if (pending) {
      clearTimeout(pending.timer);
      pending.end();
    }
    pending = null;
  };
}
