// Timing inside this process: warm-up runs first (JIT, caches), then timed runs, each preceded by
// an untimed setup (a fresh input when the timed step consumes or mutates it) and a young-generation
// garbage collection. Not a full one: on node 20 a forced full GC (`gc()`) throws away the JIT's
// work, so every run after it measured cold code (a 254 kB corpus board: ~170 ms with a full GC
// before each run, ~25 ms without). One full GC precedes the warm-up instead.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// `gc` without starting node with --expose-gc: set the flag, then fetch it from a fresh context.
setFlagsFromString("--expose-gc");
const gc = globalThis.gc ?? runInNewContext("gc");

export const HAVE_GC = typeof gc === "function";

/**
 * `fullGc: false` skips the full collection before the warm-up: for many small timings in one
 * process (the corpus boards), where it threw the shared loader's compiled code away before every
 * board and two warm-up runs did not win it back (apq8016-sbc: 11-19 ms that way, 5 ms without).
 */
export async function timeInProcess(step, { runs = 5, warmup = 2, setup, fullGc = true } = {}) {
  const times = [];
  let result;
  if (HAVE_GC && fullGc) gc();
  for (let k = 0; k < warmup + runs; k++) {
    // The previous run's result is let go first: a run must not pay for the collector tracing
    // an earlier run's output (an 80 MB tree alive beside the one being built made the
    // parse + tree figure ~30 % slower, through the old-generation collections it triggers).
    result = undefined;
    const input = setup ? await setup() : undefined;
    if (HAVE_GC) gc({ type: "minor" });
    const start = process.hrtime.bigint();
    const out = await step(input);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (k >= warmup) times.push(ms);
    if (k === warmup + runs - 1) result = out;
  }
  return { times, result };
}
