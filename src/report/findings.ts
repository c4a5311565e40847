// The worst class of finding a report holds, for `--fail-on error|warning`:
//   error:   a device failed to bind, or some device met an error (an -E... from the model), or an
//            error diagnostic;
//   warning: a device still deferred at the end, or a warning diagnostic.
import type { Report } from "./types.ts";

export type FindingLevel = "error" | "warning";

export function findingLevel(report: Report): FindingLevel | null {
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
