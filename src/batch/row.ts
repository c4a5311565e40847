// One board's line in `dtprobe batch`: what it holds (devices, IOMMU users, instances, groups)
// and what went wrong (failed, deferred and unbound devices, device errors), or why it could
// not be loaded. The JSON Lines output is these rows (schemas/batch-row.schema.json).
import type { Finding } from "../report/summary.ts";
import type { Report } from "../report/index.ts";

export interface BoardCounts {
  readonly devices: number;
  /** Devices whose DMA goes through an IOMMU (their fwspec names an instance). */
  readonly iommuUsers: number;
  readonly instances: number;
  readonly groups: number;
  readonly domains: number;
  readonly failed: number;
  readonly deferred: number;
  /** Devices that exist but have no driver bound at the end (no driver, or unbound). */
  readonly unbound: number;
  /** Device errors (an -E... the model met), summed over the devices. */
  readonly errors: number;
}

export type BoardRow =
  | ({ readonly board: string; readonly status: "ok"; readonly finding: Exclude<Finding, "none"> | null; readonly message: null } & BoardCounts)
  /** load-error: the board could not be read, preprocessed, parsed or checked; internal-error: a bug. */
  | { readonly board: string; readonly status: "load-error" | "internal-error"; readonly finding: "error"; readonly message: string };

export function rowFromReport(board: string, report: Report): BoardRow {
  let iommuUsers = 0;
  let unbound = 0;
  for (const d of report.devices) {
    if (d.iommu !== null) iommuUsers++;
    if (d.state === "no-driver" || d.state === "unbound") unbound++;
  }
  const s = report.summary;
  return {
    board,
    status: "ok",
    finding: report.summary.findings === "none" ? null : report.summary.findings,
    message: null,
    devices: s.devices,
    iommuUsers,
    instances: report.iommus.length,
    groups: s.groups,
    domains: s.domains,
    failed: s.failed,
    deferred: s.deferred,
    unbound,
    errors: s.errors,
  };
}

export function errorRow(board: string, status: "load-error" | "internal-error", message: string): BoardRow {
  return { board, status, finding: "error", message };
}
