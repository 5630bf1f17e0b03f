// Instruction counts of the pure routing core: unlike its timings, they do not move with what else the machine does
// (another process on the core, the CPU's clock, the hypervisor), so a change in them is a change in the code.
// valgrind's callgrind counts every instruction node executes (exactly, also in a virtual machine without hardware
// counters, ~50× slower); `perf stat -e instructions:u` reads the CPU's counter where the kernel exposes it. Without
// either, the routing bench reports its timings alone and says how to install one.
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR } from "./lib.js";

export type CountingTool = "callgrind" | "perf";

export interface Counter {
  tool: CountingTool | null;
  /** How the counts are taken, or why there are none and how to get them. */
  note: string;
}

// V8 made as deterministic as it goes: no background threads (compilation and GC marking run on the main thread),
// V8's predictable mode and GC schedule, fixed seeds for hashing and Math.random. Two identical runs still differ by
// ~0.02–0.08 % of their count, which the row reports as its spread; the per-cycle figure moved more between runs
// (2–20 %, bench/notes.ts), so it does not yet decide anything on its own.
const NODE_FLAGS = [
  "--single-threaded",
  "--predictable",
  "--predictable-gc-schedule",
  "--random-seed=1",
  "--hash-seed=1",
  "--max-old-space-size=2048",
];

let counter: Counter | null = null;

export function instructionCounter(): Counter {
  if (counter) return counter;
  const valgrind = spawnSync("valgrind", ["--version"], { encoding: "utf8" });
  if (valgrind.status === 0)
    counter = {
      tool: "callgrind",
      note: `valgrind --tool=callgrind (${valgrind.stdout.trim()}), node ${NODE_FLAGS.join(" ")}`,
    };
  else {
    const perf = spawnSync("perf", ["stat", "-x", ",", "-e", "instructions:u", "--", "true"], { encoding: "utf8" });
    const works = perf.status === 0 && /^\d+,/m.test(perf.stderr);
    counter = works
      ? { tool: "perf", note: `perf stat -e instructions:u, node ${NODE_FLAGS.join(" ")}` }
      : {
          tool: null,
          note:
            perf.status === 0
              ? "no instruction count: this machine's kernel exposes no instruction counter to perf, and valgrind is missing (Debian/Ubuntu: apt-get install valgrind)"
              : "no instruction count: neither valgrind nor perf is installed (Debian/Ubuntu: apt-get install valgrind, or linux-perf)",
        };
  }
  return counter;
}

/** Instructions of one run of core-count.js: node's start, the build, the warm-up and `cycles` cycles. */
function countRun(tool: CountingTool, tmp: string, args: number[]): Promise<number> {
  const out = join(tmp, `callgrind.${process.pid}.${Date.now()}`);
  const node = [process.execPath, ...NODE_FLAGS, join(BENCH_DIR, "core-count.js"), ...args.map(String)];
  const command =
    tool === "callgrind"
      ? ["valgrind", ["--tool=callgrind", `--callgrind-out-file=${out}`, ...node]]
      : ["perf", ["stat", "-x", ",", "-e", "instructions:u", "--", ...node]];
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] as string, command[1] as string[], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("exit", (code) => {
      rmSync(out, { force: true });
      const match = tool === "callgrind" ? /Collected : (\d+)/.exec(stderr) : /^(\d+),[^,]*,instructions/m.exec(stderr);
      if (code !== 0 || !match) reject(new Error(`${tool} exited ${code}: ${stderr.slice(-500)}`));
      else resolve(Number(match[1]));
    });
  });
}

export interface CycleCount {
  reps: number;
  queued: number;
  /** Instructions per cycle (end, wrap-up and the routing decision, an arrival, an accept). */
  perCycle: number;
  /** The two counts of the longer run (the same run twice): how exactly a count repeats; null when not repeated. */
  repeat: [number, number] | null;
  cycles: [number, number];
}

/**
 * Instructions per cycle of the routing core's scenario: the same run with `short` and `long` measured cycles after
 * the same build and warm-up; the difference of the counts over the difference of the cycles leaves out node's start,
 * the build and the warm-up. With `repeat`, the long run goes twice, to show how exactly a count repeats.
 */
export async function countCycle(
  tool: CountingTool,
  tmp: string,
  params: { reps: number; queued: number; warmup: number; short: number; long: number; repeat: boolean },
): Promise<CycleCount> {
  const run = (cycles: number) => countRun(tool, tmp, [params.reps, params.queued, params.warmup, cycles]);
  const short = await run(params.short);
  const long = await run(params.long);
  // Each run under callgrind costs a minute on a busy machine: the repeat is taken when asked for.
  const again = params.repeat ? await run(params.long) : null;
  return {
    reps: params.reps,
    queued: params.queued,
    perCycle: (long - short) / (params.long - params.short),
    repeat: again === null ? null : [long, again],
    cycles: [params.short, params.long],
  };
}
