// The routing core's cycles for an instruction count: `node core-count.js REPS QUEUED WARMUP CYCLES` builds the
// scenario of core-child.ts (REPS busy reps, QUEUED conversations queued behind), runs WARMUP cycles, then CYCLES
// more, and exits. Run under `valgrind --tool=callgrind` (or `perf stat -e instructions`) twice with different CYCLES,
// the difference of the two counts over the difference of the cycles is the instructions of one cycle, without
// node's start, the build or the warm-up (bench/instructions.ts).
import { Scenario } from "./core-child.js";

const [reps, queued, warmup, cycles] = process.argv.slice(2).map(Number) as [number, number, number, number];
const scenario = new Scenario(reps, queued);
for (let i = 0; i < warmup + cycles; i++) scenario.cycle(false);
scenario.checkQueue();
