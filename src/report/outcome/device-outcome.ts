// A device's outcome in a form that can be compared between two reports of the same board (other
// policies or kernels: compare) or of two boards (diff): everything named by device names and
// DT paths, never by group, domain, ASID or phandle numbers, which renumber whenever probe
// order or the source changes. Groups are the sets of their members' names, domains their type,
// whose they are, and the devices sharing them; errors are errno and kernel function (their
// messages may name group numbers).
import type { Report, ReportDevice, ReportDomain } from "../types.ts";

export interface OutcomeError {
  readonly errno: string;
  readonly where: string;
  readonly message: string;
}

export interface OutcomeDomain {
  readonly type: ReportDomain["type"];
  readonly owner: string;
  /** Every device translating through the domain, sorted (the device itself included). */
  readonly devices: readonly string[];
}

export interface DeviceOutcome {
  readonly name: string;
  readonly bus: ReportDevice["bus"];
  /** DT path of the instance in the fwspec, or null. */
  readonly iommu: string | null;
  /** fwspec IDs as the driver packs them (what is compared). */
  readonly ids: readonly number[];
  /** The `iommus` cells per entry, or the mapped ID per DMA alias for PCI (what is shown). */
  readonly specifiers: readonly (readonly number[])[];
  /** The group's members, sorted (the device itself included); null: no group. */
  readonly group: readonly string[] | null;
  readonly domain: OutcomeDomain | null;
  readonly dmaOps: ReportDevice["dmaOps"];
  readonly state: ReportDevice["state"];
  readonly errors: readonly OutcomeError[];
}

/** The fields two outcomes are compared on, in the order they are shown. */
export const OUTCOME_FIELDS = ["iommu", "ids", "group", "domain", "dmaOps", "state", "errors"] as const;
export type OutcomeField = (typeof OUTCOME_FIELDS)[number];

/**
 * Owners that stand for "the domain the DMA API uses" (the group's default domain, the arm32
 * per-device mapping, the per-group or per-instance shared one). Comparing policies, these differ
 * by definition; what matters is the domain's type and who shares it. Other owners (tegra-drm,
 * tegra-vde, vfio, blocking, a scenario's) are compared as they are.
 */
const DMA_API_OWNERS: ReadonlySet<string> = new Set(["default", "arm-dma-mapping", "per-group", "per-instance"]);

const ownerClass = (owner: string) => (DMA_API_OWNERS.has(owner) ? "dma-api" : owner);

function sameList<T>(a: readonly T[] | null, b: readonly T[] | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether one field of two outcomes is the same (up to renumbering). */
export function sameField(field: OutcomeField, a: DeviceOutcome, b: DeviceOutcome): boolean {
  switch (field) {
    case "iommu":
      return a.iommu === b.iommu;
    case "ids":
      return sameList(a.ids, b.ids);
    case "group":
      return sameList(a.group, b.group);
    case "domain":
      if (a.domain === null || b.domain === null) return a.domain === b.domain;
      return a.domain.type === b.domain.type && ownerClass(a.domain.owner) === ownerClass(b.domain.owner) && sameList(a.domain.devices, b.domain.devices);
    case "dmaOps":
      return a.dmaOps === b.dmaOps;
    case "state":
      return a.state === b.state;
    case "errors":
      return sameList(
        a.errors.map((e) => `${e.errno} ${e.where}`),
        b.errors.map((e) => `${e.errno} ${e.where}`),
      );
  }
}

/** The fields on which two outcomes differ (empty: the same outcome). */
export function changedFields(a: DeviceOutcome, b: DeviceOutcome): OutcomeField[] {
  return OUTCOME_FIELDS.filter((f) => !sameField(f, a, b));
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every device's outcome, keyed by name, in the report's device order. A name met twice (the
 * model creates devices with the kernel's names, which are unique on a booted system, but a
 * hand-written tree may repeat one) gets `#2`, `#3`... in creation order.
 */
export function deviceOutcomes(report: Report): Map<string, DeviceOutcome> {
  const groupMembers = new Map<number, string[]>();
  for (const g of report.groups) groupMembers.set(g.id, [...g.devices].sort(byName));
  const domains = new Map<number, OutcomeDomain>();
  for (const d of report.domains) domains.set(d.id, { type: d.type, owner: d.owner, devices: [...d.devices].sort(byName) });
  const out = new Map<string, DeviceOutcome>();
  for (const d of report.devices) {
    let key = d.name;
    for (let n = 2; out.has(key); n++) key = `${d.name}#${n}`;
    out.set(key, {
      name: d.name,
      bus: d.bus,
      iommu: d.iommu,
      ids: d.ids,
      specifiers: d.specifiers,
      group: d.group === null ? null : (groupMembers.get(d.group) ?? [d.name]),
      domain: d.domain === null ? null : (domains.get(d.domain) ?? null),
      dmaOps: d.dmaOps,
      state: d.state,
      errors: d.errors.map((e) => ({ errno: e.errno, where: e.where, message: e.message })),
    });
  }
  return out;
}
