// `--fail-on error|warning|never`: whether findings in a report make the command exit 1.
// (Defined here for compare, diff, verify and batch until the shared definition of the report
// command lands; same name and meaning: default never; exit 1 when the run holds that class.)
//   error:   a device failed to bind, or some device met an error (an -E... from the model), or an
//            error diagnostic;
//   warning: any of those, or a device still deferred at the end, or a warning diagnostic.
import type { Report } from "../report/index.ts";
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

/** The worst class of finding the report holds, or null when it holds none. */
export function findingLevel(report: Report): "error" | "warning" | null {
  let warning = false;
  for (const d of report.devices) {
    if (d.state === "failed" || d.errors.length > 0) return "error";
    if (d.state === "deferred") warning = true;
  }
  for (const d of report.diagnostics) {
    if (d.severity === "error") return "error";
    if (d.severity === "warning") warning = true;
  }
  return warning ? "warning" : null;
}

/** Whether a finding of `level` (or none) trips `failOn`. */
export function failsOn(failOn: FailOn, level: "error" | "warning" | null): boolean {
  if (level === null || failOn === "never") return false;
  return failOn === "warning" || level === "error";
}
