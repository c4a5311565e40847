// What /sys/kernel/iommu_groups/N/reserved_regions holds: iommu_get_group_resv_regions over the
// group's devices (stopping at the first without an IOMMU), each device's regions from its
// driver's ops->get_resv_regions, merged as iommu_insert_resv_region does (sorted by start, then
// type; overlapping or adjacent regions of one type become one). Per driver (6.1 / 6.12):
//   arm-smmu, arm-smmu-v3 (arm_smmu_get_resv_regions): the software MSI window MSI_IOVA_BASE
//     0x8000000, MSI_IOVA_LENGTH 0x100000 (IOMMU_RESV_SW_MSI), then iommu_dma_get_resv_regions;
//   apple-dart (apple_dart_get_resv_regions): for PCI devices with CONFIG_PCIE_APPLE (assumed y:
//     kernels for Apple silicon build the PCIe driver that goes with the DART) the MSI
//     doorbell page at DOORBELL_ADDR 0xfffff000 (IOMMU_RESV_MSI), then iommu_dma_get_resv_regions;
//   mtk-iommu (mtk_iommu_get_resv_regions): the SoC's other IOVA regions that lie inside the
//     device's region (IOMMU_RESV_RESERVED);
//   the other modelled drivers have no get_resv_regions.
// iommu_dma_get_resv_regions adds of_iommu_get_resv_regions (6.3+): the device's `memory-region`s
// with `iommu-addresses` (src/iommu/core/resv-regions.ts), given here by the caller, who has the
// device graph.
import { iommuMatchForCompatible, iommuOps } from "../../iommu/index.ts";
import { iovaRegions } from "../../iommu/drivers/mtk-regions.ts";
import { kernelFeatures, parseKernelVersion } from "../../kernel/index.ts";
import type { Report, ReportDevice, ReportGroup } from "../types.ts";

/** enum iommu_resv_type, in its order (the order regions of one start address sort in). */
const RESV_TYPES = ["direct", "direct-relaxable", "reserved", "msi", "sw-msi"] as const;
export type ResvType = (typeof RESV_TYPES)[number];

/** iommu_group_resv_type_string: both MSI kinds print as "msi". */
export const resvTypeName = (t: ResvType): string => (t === "sw-msi" ? "msi" : t);

export interface ResvRegion {
  readonly start: bigint;
  /** Inclusive. */
  readonly end: bigint;
  readonly type: ResvType;
}

/** A device's regions from the tree (of_iommu_get_resv_regions); empty when it has none. */
export type TreeRegions = (device: ReportDevice) => readonly { readonly start: bigint; readonly length: bigint; readonly type: "direct" | "reserved" }[];

const MSI_IOVA_BASE = 0x8000000n;
const MSI_IOVA_LENGTH = 0x100000n;
const DART_DOORBELL_ADDR = 0xfffff000n;

/** ops->get_resv_regions of one device, in the order the driver adds them. */
function deviceRegions(report: Report, d: ReportDevice, iommu: Report["iommus"][number], treeRegions: TreeRegions | undefined): ResvRegion[] {
  // The driver's of_match_table entry for the instance (of_match_node: its first matching compatible).
  const driver = iommuMatchForCompatible(iommu.compatible)?.driver;
  if (!driver) return [];
  const family = driver.name;
  const kernel = parseKernelVersion(report.config.kernel);
  const has = kernel && kernelFeatures(kernel.version);
  const out: ResvRegion[] = [];
  if (family === "arm-smmu" || family === "arm-smmu-v3") out.push({ start: MSI_IOVA_BASE, end: MSI_IOVA_BASE + MSI_IOVA_LENGTH - 1n, type: "sw-msi" });
  if (family === "apple-dart" && d.bus === "pci") {
    const page = iommu.limits["cpuPageSize"]?.value;
    out.push({ start: DART_DOORBELL_ADDR, end: DART_DOORBELL_ADDR + BigInt(typeof page === "number" ? page : 4096) - 1n, type: "msi" });
  }
  if (family === "mtk-iommu" && has) {
    // mtk_iommu_get_resv_regions: the device's region is its domain's aperture
    // (mtk_iommu_domain_finalise); the others strictly inside it are reserved.
    const aperture = report.domains.find((x) => x.id === d.domain)?.aperture;
    if (aperture) {
      const base = BigInt(aperture.start);
      const end = BigInt(aperture.end) + 1n;
      for (const r of iovaRegions(iommu.compatible[0] ?? "", has)) {
        if (r.base <= base || r.base + r.size >= end) continue;
        out.push({ start: r.base, end: r.base + r.size - 1n, type: "reserved" });
      }
    }
  }
  if (iommuOps(driver).dtReservedRegions && treeRegions && has?.ofIommuResvRegions) {
    for (const r of treeRegions(d)) out.push({ start: r.start, end: r.start + r.length - 1n, type: r.type });
  }
  return out;
}

/** iommu_insert_resv_region, for a whole list: sort by start then type, merge one type's neighbours. */
export function mergeRegions(regions: readonly ResvRegion[]): ResvRegion[] {
  const rank = (t: ResvType) => RESV_TYPES.indexOf(t);
  const sorted = [...regions].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : rank(a.type) - rank(b.type)));
  const out: { start: bigint; end: bigint; type: ResvType }[] = [];
  const lastOfType = new Map<ResvType, { start: bigint; end: bigint; type: ResvType }>();
  for (const r of sorted) {
    const top = lastOfType.get(r.type);
    if (top && r.start <= top.end + 1n) {
      if (r.end > top.end) top.end = r.end;
      continue;
    }
    const kept = { ...r };
    out.push(kept);
    lastOfType.set(r.type, kept);
  }
  return out;
}

/** The group's reserved regions, as the kernel lists them. */
export function groupReservedRegions(report: Report, group: ReportGroup, treeRegions?: TreeRegions, index?: ReadonlyMap<string, ReportDevice>): ResvRegion[] {
  const byName = index ?? new Map(report.devices.map((d) => [d.name, d]));
  const iommus = new Map(report.iommus.map((i) => [i.path, i]));
  const all: ResvRegion[] = [];
  for (const name of group.devices) {
    const d = byName.get(name);
    // for_each_group_device ... if (!dev_has_iommu(dev)) break;
    if (!d || d.iommu === null) break;
    const iommu = iommus.get(d.iommu);
    if (iommu) all.push(...deviceRegions(report, d, iommu, treeRegions));
  }
  return mergeRegions(all);
}

/** One line of reserved_regions: "0x%016llx 0x%016llx %s\n" (iommu_group_show_resv_regions). */
export function formatRegion(r: ResvRegion): string {
  const hex16 = (v: bigint) => `0x${v.toString(16).padStart(16, "0")}`;
  return `${hex16(r.start)} ${hex16(r.end)} ${resvTypeName(r.type)}`;
}
