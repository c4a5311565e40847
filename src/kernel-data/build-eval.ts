// What a configuration makes of the data's conditions: whether a file is built in, a module or
// not built (its BuildCondition), and whether a compatible's preprocessor guard holds.
import { configEnv, evaluateCondition } from "./c-expr.ts";
import type { BuildCondition, ConfigValues, Tristate } from "./types.ts";

const RANK: Record<Tristate, number> = { n: 0, m: 1, y: 2 };
const OF_RANK: Tristate[] = ["n", "m", "y"];

/** A symbol lookup over one of the data file's configurations (absent symbols are n). */
export function configLookup(config: ConfigValues): (symbol: string) => Tristate {
  const y = new Set(config.y);
  const m = new Set(config.m);
  return (s) => (y.has(s) ? "y" : m.has(s) ? "m" : "n");
}

/**
 * y when every clause has a literal that is y; m when the weakest clause is m (an object under an
 * obj-m directory or symbol is a module); n when some clause has no literal set. A `!CONFIG_X`
 * literal is y when X is n.
 */
export function buildState(build: BuildCondition, value: (symbol: string) => Tristate): Tristate {
  let state = 2;
  for (const clause of build) {
    let best = 0;
    for (const lit of clause) {
      const v = lit.startsWith("!") ? (value(lit.slice(1)) === "n" ? 2 : 0) : RANK[value(lit)];
      if (v > best) best = v;
    }
    if (best < state) state = best;
    if (state === 0) break;
  }
  return OF_RANK[state]!;
}

/** Whether a preprocessor guard (as stored in `guards`) holds in the configuration. */
export function guardHolds(guard: string, value: (symbol: string) => Tristate, asModule = false): boolean {
  return evaluateCondition(guard, configEnv(value, asModule)) !== 0;
}
