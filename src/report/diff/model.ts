// `dtprobe diff OLD NEW`: what a change to the board (a DT patch) changes, device by device.
// Devices are matched by name, groups by their members, IOMMU instances by DT path: never by
// group, domain or phandle numbers, which renumber with any change in probe or source order.
import { changedFields, deviceOutcomes, type DeviceOutcome, type OutcomeField } from "../outcome/device-outcome.ts";
import type { Report, ReportIommu } from "../types.ts";
import { resourceUse } from "../views/resources.ts";

export const DIFF_VERSION = 1;

export interface DeviceChange {
  readonly name: string;
  readonly change: "changed" | "added" | "removed";
  /** For "changed": the fields that differ; empty otherwise. */
  readonly fields: readonly OutcomeField[];
  readonly old: DeviceOutcome | null;
  readonly new: DeviceOutcome | null;
}

export interface ValueChange {
  readonly field: string;
  readonly old: string | number | null;
  readonly new: string | number | null;
}

export interface InstanceChange {
  readonly path: string;
  readonly change: "changed" | "added" | "removed";
  readonly fields: readonly ValueChange[];
}

export interface BoardDiff {
  readonly version: typeof DIFF_VERSION;
  readonly tool: "dtprobe";
  readonly command: "diff";
  readonly old: { readonly input: string | null; readonly config: Report["config"]; readonly summary: Report["summary"] };
  readonly new: { readonly input: string | null; readonly config: Report["config"]; readonly summary: Report["summary"] };
  /** Configuration that differs (architecture, policy, bootargs, default domain type...). */
  readonly config: readonly ValueChange[];
  /** True when some device or instance outcome changed (the exit status). */
  readonly changed: boolean;
  readonly counts: { readonly changed: number; readonly added: number; readonly removed: number; readonly unchanged: number };
  /** Changed, added and removed devices, in the new report's order, removed ones last. */
  readonly devices: readonly DeviceChange[];
  readonly iommus: readonly InstanceChange[];
}

/** What is compared of an IOMMU instance: its driver, state and each resource used. */
function instanceFacts(i: ReportIommu): Map<string, string | number | null> {
  const facts = new Map<string, string | number | null>([
    ["driver", i.driver],
    ["state", i.state],
  ]);
  for (const r of resourceUse(i)) facts.set(`used.${r.name}`, r.used);
  return facts;
}

function diffInstances(oldReport: Report, newReport: Report): InstanceChange[] {
  const olds = new Map(oldReport.iommus.map((i) => [i.path, i]));
  const news = new Map(newReport.iommus.map((i) => [i.path, i]));
  const out: InstanceChange[] = [];
  for (const [path, n] of news) {
    const o = olds.get(path);
    if (!o) {
      out.push({ path, change: "added", fields: [] });
      continue;
    }
    const a = instanceFacts(o);
    const b = instanceFacts(n);
    const fields: ValueChange[] = [];
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(key) ?? null;
      const y = b.get(key) ?? null;
      if (x !== y) fields.push({ field: key, old: x, new: y });
    }
    if (fields.length > 0) out.push({ path, change: "changed", fields });
  }
  for (const path of olds.keys()) if (!news.has(path)) out.push({ path, change: "removed", fields: [] });
  return out;
}

function diffConfig(a: Report["config"], b: Report["config"]): ValueChange[] {
  const keys = ["kernel", "era", "arch", "policy", "bootargs", "defaultDomainType"] as const;
  return keys.filter((k) => a[k] !== b[k]).map((k) => ({ field: k, old: a[k], new: b[k] }));
}

export function diffReports(oldReport: Report, newReport: Report): BoardDiff {
  const olds = deviceOutcomes(oldReport);
  const news = deviceOutcomes(newReport);
  const devices: DeviceChange[] = [];
  let unchanged = 0;
  let changedCount = 0;
  let added = 0;
  for (const [name, n] of news) {
    const o = olds.get(name);
    if (!o) {
      added++;
      devices.push({ name, change: "added", fields: [], old: null, new: n });
      continue;
    }
    const fields = changedFields(o, n);
    if (fields.length === 0) unchanged++;
    else {
      changedCount++;
      devices.push({ name, change: "changed", fields, old: o, new: n });
    }
  }
  let removed = 0;
  for (const [name, o] of olds) {
    if (news.has(name)) continue;
    removed++;
    devices.push({ name, change: "removed", fields: [], old: o, new: null });
  }
  const iommus = diffInstances(oldReport, newReport);
  const side = (r: Report) => ({ input: r.config.input, config: r.config, summary: r.summary });
  return {
    version: DIFF_VERSION,
    tool: "dtprobe",
    command: "diff",
    old: side(oldReport),
    new: side(newReport),
    config: diffConfig(oldReport.config, newReport.config),
    changed: devices.length > 0 || iommus.length > 0,
    counts: { changed: changedCount, added, removed, unchanged },
    devices,
    iommus,
  };
}
