// dtc's checks (checks.c, dtc 1.8.1): the table in dtc's order with dtc's names, levels,
// prerequisites, messages and positions, and the -W/-E/-q machinery.
import type { DiagnosticSink } from "../source/index.ts";
import type { DeviceTree } from "../tree/model.ts";
import { RETIRED_CHECKS, splitOverrideName, type CheckOverride } from "./levels.ts";
import { runCheckTable } from "./runner.ts";
import { checkTable } from "./table.ts";
import type { CheckRunOptions } from "./types.ts";

export type { CheckOverride } from "./levels.ts";
export type { BusKind, CheckContext, CheckDefinition, CheckLevel, CheckRunOptions, CheckState } from "./types.ts";

export interface ChecksOptions extends CheckRunOptions {
  /** -W/-E options in command-line order. */
  readonly overrides: readonly CheckOverride[];
  /** -q count: 1 hides warnings, 2 also errors (the run still fails), 3 everything. */
  readonly quiet: number;
}

/** Every check name, in dtc's table order. */
export const checkNames: readonly string[] = checkTable.map((c) => c.name);

const known = new Set(checkNames);

/** Validates an override name (with or without `no-`/`no_`); returns dtc's error message or undefined. */
export function validateCheckName(name: string): string | undefined {
  const bare = splitOverrideName(name).name;
  return known.has(bare) || RETIRED_CHECKS.has(bare) ? undefined : `Unrecognized check name "${bare}"`;
}

/**
 * Runs the table in dtc's order; failures go to `sink` as diagnostics (severity "error" for an
 * error-level check, "warning" otherwise; code = check name; message = `/path[:prop]: text`;
 * span = the property's span, else the node's first span, none for "Failed prerequisite";
 * related = each further definition of the node, for node messages). Reference resolution
 * happens here too (phandle_references, path_references), as in dtc. Returns whether an
 * error-class check failed (dtc then exits 2 unless -f).
 */
export function runChecks(tree: DeviceTree, options: ChecksOptions, sink: DiagnosticSink): { errors: boolean } {
  return runCheckTable(tree, checkTable, options, sink);
}
