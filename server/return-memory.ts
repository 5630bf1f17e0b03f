// A long-running server's RSS should follow what it holds. glibc's malloc gives freed memory back to the system only
// from the top of an arena: what connections, their buffers and V8's bookkeeping freed in between stays in the
// process, so a server whose customers come and go grows by what they once took (~2–3 MB per 1,000 connections here,
// docs/benchmarks.md, memory-parked). After a full garbage collection — when V8 has freed what it can — the server
// asks malloc to give back every whole free page (malloc_trim(0), as Ruby does after its full collections) once its
// event loop is not busy. The call is a small native addon (native/malloc-trim, built by `npm ci`); without it
// (another libc, no compiler at install) the server runs as before.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { constants, PerformanceObserver } from "node:perf_hooks";
import type { EventLoopUtilization, PerformanceEntry } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

/**
 * A trim walks malloc's free lists (~2 ms with nothing to give back) and gives back what it finds (~90 ms for 90 MB).
 * Under load what malloc frees is taken again at once, and pages given back cost a fault each when they are: trimming
 * a second after each full collection took 3–4 % more CPU a message at the relay's saturation. So a trim waits until
 * the event loop was busy less than half of the last CHECK_MS, or MAX_WAIT_MS after the collection at the latest.
 */
const CHECK_MS = 1_000;
const BUSY = 0.5;
const MAX_WAIT_MS = 30_000;

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
function mallocTrim(): MallocTrim | null {
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
interface Pending {
  timer: NodeJS.Timeout;
  /** When the first full collection not trimmed after came. */
  since: number;
  /** The event loop's use when the wait began. */
  loop: EventLoopUtilization;
  done: Promise<void>;
  end: () => void;
}
let pending: Pending | null = null;

function afterCollection(trim: MallocTrim, entries: readonly PerformanceEntry[]): void {
  const full = entries.some(
    (entry) => (entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR,
  );
  if (!full || pending) return;
  let end!: () => void;
  const done = new Promise<void>((resolve) => {
    end = resolve;
  });
  const loop = performance.eventLoopUtilization();
  pending = { timer: waitThenTrim(trim), since: performance.now(), loop, done, end };
}

function waitThenTrim(trim: MallocTrim): NodeJS.Timeout {
  const timer = setTimeout(() => {
    const waiting = pending!;
    const busy = performance.eventLoopUtilization(waiting.loop).utilization > BUSY;
    if (busy && performance.now() - waiting.since < MAX_WAIT_MS) {
      waiting.loop = performance.eventLoopUtilization();
      waiting.timer = waitThenTrim(trim);
      return;
    }
    pending = null;
    trim.trim();
    waiting.end();
  }, CHECK_MS);
  timer.unref();
  return timer;
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
