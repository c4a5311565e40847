// `--fail-on error|warning|never`: whether findings in a report (src/report/findings.ts) make
// the command exit 1. Defined here for compare and batch until the shared definition of the
// report command lands; same name and meaning: default never; exit 1 when the run holds that
// class (warning: warnings or errors).
import type { FindingLevel } from "../report/findings.ts";
import { UsageError, type OptionSpec } from "./args.ts";

export type FailOn = "error" | "warning" | "never";

const LEVELS: readonly FailOn[] = ["error", "warning", "never"];

export const failOnSpec: OptionSpec = {
  long: "fail-on",
  key: "fail-on",
  takesValue: true,
  valueName: "LEVEL",
  help: "exit 1 when a board holds findings of LEVEL: error (failed devices, errors), warning (also deferred devices, warnings), never (default)",
};

export function parseFailOn(values: readonly string[]): FailOn {
  const text = values.at(-1) ?? "never";
  if (!(LEVELS as readonly string[]).includes(text)) throw new UsageError(`invalid --fail-on '${text}' (${LEVELS.join(", ")})`);
  return text as FailOn;
}

/** Whether a finding of `level` (or none) trips `failOn`. */
export function failsOn(failOn: FailOn, level: FindingLevel | null): boolean {
  if (level === null || failOn === "never") return false;
  return failOn === "warning" || level === "error";
}
