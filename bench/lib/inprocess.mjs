// Timing inside this process: warm-up runs first (JIT, caches), then timed runs, each preceded by
// an untimed setup (a fresh input when the timed step consumes or mutates it) and a full garbage
// collection, so one run's garbage is not billed to the next.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// `gc` without starting node with --expose-gc: set the flag, then fetch it from a fresh context.
setFlagsFromString("--expose-gc");
const gc = globalThis.gc ?? runInNewContext("gc");

export const HAVE_GC = typeof gc === "function";

export async function timeInProcess(step, { runs = 5, warmup = 2, setup } = {}) {
  const times = [];
  let result;
  for (let k = 0; k < warmup + runs; k++) {
    const input = setup ? await setup() : undefined;
    if (HAVE_GC) gc();
    const start = process.hrtime.bigint();
    result = await step(input);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (k >= warmup) times.push(ms);
  }
  return { times, result };
}
