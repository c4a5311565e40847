// `dtprobe compare`: one board run several ways (policies, kernels or command lines), side by
// side. Per IOMMU instance: domains, the hardware resources used of the limit, groups, DMA ops,
// failed and deferred devices and the errors its devices met; then the devices whose outcome is
// not the same in every column (src/report/outcome: compared up to renumbering).
import { changedFields, deviceOutcomes, type DeviceOutcome } from "../outcome/device-outcome.ts";
import type { Report, ReportDevice, ReportIommu } from "../types.ts";
import { isFull, resourceUse, type ResourceUse } from "../views/resources.ts";

export const COMPARE_VERSION = 1;

/** What varies between the columns (the option given as a list). */
export type CompareAxis = "policy" | "kernel" | "bootargs";

export interface CompareColumnInput {
  /** The column heading: the option's value. */
  readonly label: string;
  readonly report: Report;
}

export interface ErrorCount {
  readonly errno: string;
  readonly where: string;
  /** Devices with at least one such error. */
  readonly devices: number;
}

export interface DeviceCounts {
  /** Devices counted (for an instance: the devices whose fwspec or tree names it). */
  readonly devices: number;
  readonly dmaOps: { readonly iommu: number; readonly direct: number };
  readonly failed: number;
  readonly deferred: number;
  readonly errors: readonly ErrorCount[];
}

export interface InstanceColumn extends DeviceCounts {
  readonly state: ReportIommu["state"];
  readonly domains: number;
  readonly groups: number;
  readonly resources: readonly ResourceUse[];
  /** Resources with every unit in use. */
  readonly full: readonly string[];
}

export interface InstanceComparison {
  readonly path: string;
  readonly name: string | null;
  readonly driver: string | null;
  readonly model: string | null;
  /** One per column; null when the instance is not in that column's report. */
  readonly columns: readonly (InstanceColumn | null)[];
}

export interface BoardColumn extends DeviceCounts {
  readonly withIommu: number;
  readonly groups: number;
  readonly domains: number;
}

export interface DeviceComparison {
  readonly name: string;
  /** One per column; null when the device does not exist in that column. */
  readonly columns: readonly (DeviceOutcome | null)[];
}

export interface Comparison {
  readonly version: typeof COMPARE_VERSION;
  readonly tool: "dtprobe";
  readonly command: "compare";
  readonly input: string | null;
  readonly axis: CompareAxis;
  readonly columns: readonly { readonly label: string; readonly config: Report["config"]; readonly summary: Report["summary"] }[];
  readonly instances: readonly InstanceComparison[];
  readonly board: readonly BoardColumn[];
  /** Devices whose outcome differs between some two columns, in the first column's order. */
  readonly devices: readonly DeviceComparison[];
  /** Devices with the same outcome in every column. */
  readonly unchanged: number;
}

/** Devices that exist on the (emulated) system at the end. */
const exists = (d: ReportDevice) => d.state !== "not-created" && d.state !== "removed";

function countDevices(devices: readonly ReportDevice[]): DeviceCounts {
  let iommu = 0;
  let direct = 0;
  let failed = 0;
  let deferred = 0;
  const errors = new Map<string, { errno: string; where: string; devices: number }>();
  for (const d of devices) {
    if (d.dmaOps === "iommu") iommu++;
    else direct++;
    if (d.state === "failed") failed++;
    else if (d.state === "deferred") deferred++;
    const seen = new Set<string>();
    for (const e of d.errors) {
      const key = `${e.errno} ${e.where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const c = errors.get(key);
      if (c) c.devices++;
      else errors.set(key, { errno: e.errno, where: e.where, devices: 1 });
    }
  }
  return { devices: devices.length, dmaOps: { iommu, direct }, failed, deferred, errors: [...errors.values()] };
}

function instanceColumn(report: Report, i: ReportIommu, devices: readonly ReportDevice[]): InstanceColumn {
  const resources = resourceUse(i);
  return {
    state: i.state,
    domains: report.domains.filter((d) => d.iommu === i.path).length,
    groups: report.groups.filter((g) => g.iommu === i.path).length,
    resources,
    full: resources.filter(isFull).map((r) => r.name),
    ...countDevices(devices),
  };
}

export function compareReports(axis: CompareAxis, inputs: readonly CompareColumnInput[]): Comparison {
  if (inputs.length === 0) throw new Error("compareReports needs at least one column");
  // Instances in first-seen order over all columns (normally every column has the same ones).
  const instances = new Map<string, ReportIommu>();
  for (const { report } of inputs) for (const i of report.iommus) if (!instances.has(i.path)) instances.set(i.path, i);
  const perColumn = inputs.map(({ report }) => {
    const byInstance = new Map<string, ReportDevice[]>();
    const present: ReportDevice[] = [];
    for (const d of report.devices) {
      if (!exists(d)) continue;
      present.push(d);
      const at = d.iommu ?? d.wantedIommu;
      if (at === null) continue;
      const list = byInstance.get(at);
      if (list) list.push(d);
      else byInstance.set(at, [d]);
    }
    return { report, byInstance, present, iommus: new Map(report.iommus.map((i) => [i.path, i])) };
  });

  const instanceRows: InstanceComparison[] = [...instances.values()].map((first) => ({
    path: first.path,
    name: first.name,
    driver: first.driver,
    model: first.model,
    columns: perColumn.map((c) => {
      const i = c.iommus.get(first.path);
      return i ? instanceColumn(c.report, i, c.byInstance.get(first.path) ?? []) : null;
    }),
  }));

  const board: BoardColumn[] = perColumn.map((c) => ({
    withIommu: c.present.filter((d) => d.iommu !== null).length,
    groups: c.report.groups.length,
    domains: c.report.domains.length,
    ...countDevices(c.present),
  }));

  const outcomes = perColumn.map((c) => deviceOutcomes(c.report));
  const names: string[] = [];
  const seen = new Set<string>();
  for (const o of outcomes) for (const name of o.keys()) if (!seen.has(name)) (seen.add(name), names.push(name));
  const devices: DeviceComparison[] = [];
  for (const name of names) {
    const columns = outcomes.map((o) => o.get(name) ?? null);
    const first = columns[0]!;
    const differs = columns.some((c) => (c === null) !== (first === null) || (c !== null && first !== null && changedFields(first, c).length > 0));
    if (differs) devices.push({ name, columns });
  }

  return {
    version: COMPARE_VERSION,
    tool: "dtprobe",
    command: "compare",
    input: inputs[0]!.report.config.input,
    axis,
    columns: inputs.map(({ label, report }) => ({ label, config: report.config, summary: report.summary })),
    instances: instanceRows,
    board,
    devices,
    unchanged: names.length - devices.length,
  };
}
