// `--format sysfs`: what /sys/kernel/iommu_groups would hold after boot. Per group N:
//   N/type              iommu_group_show_type: the default domain's type, "unknown" without one
//   N/name              only for groups a driver named (iommu_group_set_name, e.g. Tegra's "drm")
//   N/devices/DEV       a link per member device
//   N/reserved_regions  iommu_group_show_resv_regions (./resv-regions.ts)
// printed as a tree, or written as files under a directory (the device links point where sysfs
// puts devices, ../../../../devices/DEV, which does not exist outside a booted system).
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Report } from "../types.ts";
import { formatRegion, groupReservedRegions, type TreeRegions } from "./resv-regions.ts";

export interface SysfsGroup {
  readonly id: number;
  readonly name: string | null;
  readonly type: string;
  readonly devices: readonly string[];
  /** reserved_regions, line by line. */
  readonly reservedRegions: readonly string[];
}

export function sysfsGroups(report: Report, treeRegions?: TreeRegions): SysfsGroup[] {
  const types = new Map(report.domains.map((d) => [d.id, d.type as string]));
  const index = new Map(report.devices.map((d) => [d.name, d]));
  // A group the scenario emptied is gone from sysfs (its kobject is released with the last device).
  return report.groups
    .filter((g) => g.devices.length > 0)
    .map((g) => ({
      id: g.id,
      name: g.name,
      type: g.defaultDomain === null ? "unknown" : (types.get(g.defaultDomain) ?? "unknown"),
      devices: g.devices,
      reservedRegions: groupReservedRegions(report, g, treeRegions, index).map(formatRegion),
    }));
}

/** The groups as an indented tree, directories ending in `/`, a file's content after it. */
export function renderSysfsTree(groups: readonly SysfsGroup[]): string {
  const lines = ["/sys/kernel/iommu_groups/"];
  for (const g of groups) {
    lines.push(`  ${g.id}/`);
    lines.push("    devices/");
    for (const d of g.devices) lines.push(`      ${d}`);
    if (g.name !== null) lines.push(`    name: ${g.name}`);
    if (g.reservedRegions.length === 0) lines.push("    reserved_regions: (empty)");
    else {
      lines.push("    reserved_regions:");
      for (const r of g.reservedRegions) lines.push(`      ${r}`);
    }
    lines.push(`    type: ${g.type}`);
  }
  if (groups.length === 0) lines.push("  (no groups)");
  return lines.join("\n") + "\n";
}

/**
 * Writes the groups as files under `dir`, all or nothing: built in a temporary directory beside
 * it, then renamed into place. An existing empty `dir` is replaced; a non-empty one is refused.
 */
export function writeSysfsTree(groups: readonly SysfsGroup[], dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} exists and is not empty`);
  const tmp = join(dirname(dir), `.${basename(dir)}.${process.pid}.tmp`);
  try {
    mkdirSync(tmp);
    for (const g of groups) {
      const at = join(tmp, String(g.id));
      mkdirSync(join(at, "devices"), { recursive: true });
      writeFileSync(join(at, "type"), `${g.type}\n`);
      if (g.name !== null) writeFileSync(join(at, "name"), `${g.name}\n`);
      writeFileSync(join(at, "reserved_regions"), g.reservedRegions.map((r) => `${r}\n`).join(""));
      for (const d of g.devices) symlinkSync(`../../../../devices/${d}`, join(at, "devices", d));
    }
    if (existsSync(dir)) rmdirSync(dir);
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
