// Options shared by commands: dtc's diagnostic options (-q, -W, -E) and `--fail-on`, which every
// command that prints a report (report now; compare, diff, batch and run later) takes with the
// same spelling and meaning, so that CI scripts can use one line for all of them.
import type { CheckOverride } from "../checks/index.ts";
import { hasFindings, type Finding } from "../report/summary.ts";
import type { Report } from "../report/types.ts";
import { UsageError, type OptionSpec, type ParsedArgs } from "./args.ts";
import { parseCheckOption } from "./compile-command.ts";

export type FailOn = Exclude<Finding, "none"> | "never";

const FAIL_ON: readonly FailOn[] = ["error", "warning", "never"];

export function failOnOption(defaultClass: FailOn): OptionSpec {
  return {
    long: "fail-on",
    key: "fail-on",
    takesValue: true,
    valueName: "CLASS",
    help: `exit 1 when the report holds a finding of CLASS or worse: error (a device with an error, or failed), warning (also: deferred, not attached, declined by its IOMMU, warning diagnostics) or never (default ${defaultClass})`,
  };
}

export const quietOption: OptionSpec = { short: "q", long: "quiet", key: "quiet", takesValue: false, help: "quiet: -q suppresses warnings on standard error, -qqq errors too" };
export const warningOption: OptionSpec = { short: "W", long: "warning", key: "W", takesValue: true, valueName: "[no-]CHECK", help: "enable or disable one of dtc's checks at warning level" };
export const errorOption: OptionSpec = { short: "E", long: "error", key: "E", takesValue: true, valueName: "[no-]CHECK", help: "enable or disable one of dtc's checks at error level (an error stops the run)" };

/** `--fail-on CLASS` (the last one given), or the command's default. */
export function parseFailOn(parsed: ParsedArgs, defaultClass: FailOn): FailOn {
  const given = parsed.options.filter((o) => o.key === "fail-on").at(-1);
  if (!given) return defaultClass;
  const v = given.value ?? "";
  if ((FAIL_ON as readonly string[]).includes(v)) return v as FailOn;
  throw new UsageError(`invalid ${given.spelling} '${v}' (${FAIL_ON.join(", ")})`);
}

/** The exit status a report earns under `--fail-on`: 1 when it holds such a finding, else 0. */
export function findingsExitStatus(summary: Report["summary"], failOn: FailOn): 0 | 1 {
  return hasFindings(summary, failOn) ? 1 : 0;
}

/** -q count and -W/-E overrides in command-line order (later ones win, as in dtc). */
export function parseDiagnosticOptions(parsed: ParsedArgs): { quiet: number; checkOverrides: CheckOverride[] } {
  let quiet = 0;
  const checkOverrides: CheckOverride[] = [];
  for (const o of parsed.options) {
    if (o.key === "quiet") quiet++;
    else if (o.key === "W") checkOverrides.push(parseCheckOption("warning", o.value ?? ""));
    else if (o.key === "E") checkOverrides.push(parseCheckOption("error", o.value ?? ""));
  }
  return { quiet, checkOverrides };
}
