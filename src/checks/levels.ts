// Check levels and the -W/-E options (checks.c parse_checks_option): raising a check also raises
// its prerequisites; lowering one also lowers every check that needs it.
import type { CheckDefinition } from "./types.ts";

export interface CheckOverride {
  readonly name: string;
  readonly kind: "warning" | "error";
  readonly enable: boolean;
}

/** A check's two level flags, as dtc's `warn` and `error` (both false: off). */
export interface Level {
  warn: boolean;
  error: boolean;
}

/**
 * Checks dtc has removed that build scripts still name: accepted by -W/-E and ignored, so that a
 * kernel build's dtc command line works unchanged (Linux 6.1 and 6.12 pass
 * -Wno-graph_child_address; dtc 1.8.0 removed the check, commit cba90ce).
 */
export const RETIRED_CHECKS: ReadonlySet<string> = new Set(["graph_child_address"]);

/** `no-x` / `no_x` mean "lower x"; returns the bare name and direction. */
export function splitOverrideName(arg: string): { name: string; enable: boolean } {
  if (arg.startsWith("no-") || arg.startsWith("no_")) return { name: arg.slice(3), enable: false };
  return { name: arg, enable: true };
}

export class Levels {
  private readonly levels = new Map<string, Level>();
  private readonly dependants = new Map<string, CheckDefinition[]>();

  constructor(private readonly table: readonly CheckDefinition[]) {
    for (const c of table) {
      this.levels.set(c.name, { warn: c.defaultLevel === "warning", error: c.defaultLevel === "error" });
      for (const p of c.prerequisites) {
        const list = this.dependants.get(p);
        if (list) list.push(c);
        else this.dependants.set(p, [c]);
      }
    }
  }

  get(name: string): Level {
    return this.levels.get(name)!;
  }

  has(name: string): boolean {
    return this.levels.has(name);
  }

  /**
   * enable_warning_error: recursion follows prerequisites, which form a shallow acyclic graph
   * (at most a handful of levels), so it cannot run deep.
   */
  raise(check: CheckDefinition, warn: boolean, error: boolean): void {
    const l = this.get(check.name);
    if ((warn && !l.warn) || (error && !l.error)) for (const p of check.prerequisites) this.raise(this.byName(p), warn, error);
    l.warn ||= warn;
    l.error ||= error;
  }

  /** disable_warning_error: dependants are visited in table order, as dtc scans its table. */
  lower(check: CheckDefinition, warn: boolean, error: boolean): void {
    const l = this.get(check.name);
    if ((warn && l.warn) || (error && l.error)) for (const d of this.dependants.get(check.name) ?? []) this.lower(d, warn, error);
    l.warn &&= !warn;
    l.error &&= !error;
  }

  /** Applies one -W/-E option; false if the name is not a check. */
  apply(o: CheckOverride): boolean {
    const { name, enable } = splitOverrideName(o.name);
    if (RETIRED_CHECKS.has(name)) return true;
    if (!this.has(name)) return false;
    const check = this.byName(name);
    const warn = o.kind === "warning";
    const error = o.kind === "error";
    if (o.enable && enable) this.raise(check, warn, error);
    else this.lower(check, warn, error);
    return true;
  }

  private byName(name: string): CheckDefinition {
    return this.table.find((c) => c.name === name)!;
  }
}
