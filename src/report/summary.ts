// The report's summary: every device counted by what happened to it, and the worst finding, which
// `--fail-on` turns into an exit status. One pass over the devices (200,000 on generated boards).
import type { DiagnosticJson } from "../source/index.ts";
import type { Report, ReportDevice } from "./types.ts";

/**
 * The classes of finding, worst first:
 * - "error": a device with an error the kernel treats as a failure (anything but -ENODEV), or
 *   one that failed to bind;
 * - "warning": a device still deferred when boot ended, one that names an IOMMU and ended in no
 *   group, one its IOMMU declined (-ENODEV: a disabled IOMMU, a driver's allow list; the kernel
 *   gives it dma-direct without a message), or a warning diagnostic (the tree's checks, an input
 *   entry that was not used);
 * - "none".
 */
export type Finding = "none" | "warning" | "error";

export const FINDINGS: readonly Finding[] = ["none", "warning", "error"];

/** A device that exists (neither never created nor removed by a scenario). */
function exists(d: ReportDevice): boolean {
  return d.state !== "not-created" && d.state !== "removed";
}

/** of_iommu_configure's -ENODEV: "no IOMMU for this device", which the kernel does not report. */
function declinedOnly(d: ReportDevice): boolean {
  if (d.errors.length === 0) return false;
  for (const e of d.errors) if (e.errno !== "-ENODEV") return false;
  return true;
}

export function summarise(devices: readonly ReportDevice[], groups: number, domains: number, diagnostics: readonly DiagnosticJson[]): Report["summary"] {
  let withIommu = 0;
  let deferred = 0;
  let failed = 0;
  let errors = 0;
  let withErrors = 0;
  let declined = 0;
  let notAttached = 0;
  let noDriver = 0;
  let notCreated = 0;
  let unbound = 0;
  let removed = 0;
  for (const d of devices) {
    if (d.iommu !== null) withIommu++;
    switch (d.state) {
      case "deferred": deferred++; break;
      case "failed": failed++; break;
      case "no-driver": noDriver++; break;
      case "not-created": notCreated++; break;
      case "unbound": unbound++; break;
      case "removed": removed++; break;
      case "bound": break;
    }
    errors += d.errors.length;
    if (declinedOnly(d)) declined++;
    else if (d.errors.length > 0) withErrors++;
    if (d.group === null && d.wantedIommu !== null && exists(d)) notAttached++;
  }
  let warnings = 0;
  let diagnosticErrors = 0;
  for (const x of diagnostics) {
    if (x.severity === "warning") warnings++;
    else if (x.severity === "error") diagnosticErrors++;
  }
  const findings: Finding = withErrors + failed + diagnosticErrors > 0 ? "error" : deferred + notAttached + declined + warnings > 0 ? "warning" : "none";
  return { devices: devices.length, withIommu, groups, domains, deferred, failed, errors, withErrors, declined, notAttached, noDriver, notCreated, unbound, removed, warnings, findings };
}

/** The summary line of the text form (docs/report.md). */
export function summaryLine(s: Report["summary"]): string {
  let line = `${s.devices} devices, ${s.withIommu} behind an IOMMU, ${s.groups} groups, ${s.domains} domains, ${s.deferred} deferred, ${s.failed} failed`;
  line += `, ${s.withErrors} with errors, ${s.notAttached} not attached, ${s.noDriver} without a driver`;
  if (s.declined > 0) line += `, ${s.declined} declined by their IOMMU (-ENODEV)`;
  if (s.notCreated > 0) line += `, ${s.notCreated} not created`;
  if (s.unbound > 0) line += `, ${s.unbound} unbound`;
  if (s.removed > 0) line += `, ${s.removed} removed`;
  if (s.warnings > 0) line += `, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}`;
  return `${line}; findings: ${s.findings}`;
}

/** True when the report holds a finding of class `threshold` or worse ("never": never). */
export function hasFindings(s: Report["summary"], threshold: Finding | "never"): boolean {
  if (threshold === "never" || threshold === "none") return false;
  return FINDINGS.indexOf(s.findings) >= FINDINGS.indexOf(threshold);
}
