// mtk_iommu (drivers/iommu/mtk_iommu.c): which IOVA region a multimedia master gets. The region
// is the master's iommu group on the multi-region M4Us (one group per region, in the first M4U of
// the shared hw_list) and the aperture of its domain (mtk_iommu_domain_finalise).
//
// Two rules, switched by kernel version:
// - before 6.4, from the master's dev->dma_range_map (its first entry): a region that matches it
//   exactly, else the last region that contains it, else dev_err + -EINVAL; no dma_range_map
//   gives region 0 ("iommu/mediatek: Add get_domain_id from dev->dma_range_map", 5.13; the
//   function was mtk_iommu_get_domain_id until "Change the domid to iova_region_id", d72e0ff5424e, 5.19).
// - from 6.4, from a per-SoC larb/port table (iova_region_larb_msk) indexed by the larb and ports
//   of the master's IDs, not from dma-ranges ("iommu/mediatek: Get regionid from larb/port id",
//   b2a6876d215b, pushed to Linus' tree on 2023-04-30, the 6.4 merge window). The same series made
//   every region 8 MiB short of 4 GiB ("Add a gap for the iova regions", 3df9bdd4ae8e).
// The tables below are the kernel's, as data.
import type { KernelFeatures } from "../../kernel/index.ts";
import { fail, ok, type Result } from "../types.ts";

/** The kernel changes these rules switch on (src/kernel/changes.ts). */
export type MtkRegionFeatures = Pick<KernelFeatures, "mtkLarbPortRegion" | "mtkIovaRegionGap" | "mtkIovaRegionIdName">;

export interface IovaRegion {
  readonly base: bigint;
  readonly size: bigint;
}

const SZ_4G = 1n << 32n;
const SZ_8M = 8n << 20n;
/** MTK_IOMMU_IOVA_SZ_4G from 6.4 (8 MiB gap: some vcodec HW computes end = address + size). */
const region4G = (has: MtkRegionFeatures) => (has.mtkIovaRegionGap ? SZ_4G - SZ_8M : SZ_4G);

/** single_domain: every M4U with one region (mt8173, mt8183, the infra IOMMUs...). */
function singleDomain(has: MtkRegionFeatures): readonly IovaRegion[] {
  return [{ base: 0n, size: region4G(has) }];
}

/**
 * mt8192_multi_dom (mt8192, mt8195 vdo/vpp, mt8186 mm, mt8188 vdo/vpp): 0-4G, 4-8G, 8-12G,
 * 12-16G, CCU0, CCU1. (arm64 only: without CONFIG_ARCH_DMA_ADDR_T_64BIT it is region 0 alone.)
 */
function multiDomain(has: MtkRegionFeatures): readonly IovaRegion[] {
  const s = region4G(has);
  return [
    { base: 0n, size: s },
    { base: SZ_4G, size: s },
    { base: 2n * SZ_4G, size: s },
    { base: 3n * SZ_4G, size: s },
    { base: 0x240000000n, size: 0x4000000n },
    { base: 0x244000000n, size: 0x4000000n },
  ];
}

const ALL = 0xffffffff;
const bit = (...ports: number[]) => ports.reduce((m, p) => (m | (1 << p)) >>> 0, 0);
const not = (m: number) => ~m >>> 0;
/** One region's row of iova_region_larb_msk: larb -> mask of its ports (MTK_LARB_NR_MAX = 32 larbs). */
type LarbRow = Readonly<Record<number, number>>;
const larbs = (ids: readonly number[], mask = ALL): Record<number, number> => Object.fromEntries(ids.map((l) => [l, mask]));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** mt8192_larb_region_msk. */
const MT8192_MSK: readonly LarbRow[] = [
  larbs([0, 1]),
  larbs([4, 5, 7]),
  { ...larbs([2, 9, 11, 16, 17, 18, 19, 20]), 13: not(bit(9, 10)), 14: not(bit(4, 5)) },
  {},
  { 13: bit(9, 10) },
  { 14: bit(4, 5) },
];
/** mt8195_larb_region_msk (vdo and vpp). */
const MT8195_MSK: readonly LarbRow[] = [
  larbs([0, 1, 2, 3]),
  larbs(range(19, 24)),
  larbs([...range(4, 17), ...range(25, 28)]),
  {},
  { 18: bit(0, 1) },
  { 18: bit(2, 3) },
];
/** mt8186_larb_region_msk. */
const MT8186_MSK: readonly LarbRow[] = [
  larbs([0, 1, 2]),
  larbs([4, 7]),
  { ...larbs([8, 9, 11, 16, 17, 19, 20]), 13: not(bit(9, 10)) },
  {},
  { 13: bit(9, 10) },
  { 14: ALL },
];
/** mt8188_larb_region_msk (vdo and vpp; MT8188 support itself arrived ≈6.5, with its table). */
const MT8188_MSK: readonly LarbRow[] = [
  larbs([0, 1, 2, 3]),
  larbs([21, 22, 23]),
  larbs([...range(4, 20), 25]),
  {},
  { 24: bit(0, 1) },
  { 24: bit(2, 3) },
];

/** mtk_iommu_of_ids entries whose plat_data uses mt8192_multi_dom, with their larb tables. */
const MULTI_REGION: ReadonlyMap<string, readonly LarbRow[]> = new Map([
  ["mediatek,mt8192-m4u", MT8192_MSK],
  ["mediatek,mt8195-iommu-vdo", MT8195_MSK],
  ["mediatek,mt8195-iommu-vpp", MT8195_MSK],
  ["mediatek,mt8186-iommu-mm", MT8186_MSK],
  ["mediatek,mt8188-iommu-vdo", MT8188_MSK],
  ["mediatek,mt8188-iommu-vpp", MT8188_MSK],
]);

/** plat_data->iova_region of the M4U with this compatible, on this kernel. */
export function iovaRegions(compatible: string, has: MtkRegionFeatures): readonly IovaRegion[] {
  return MULTI_REGION.has(compatible) ? multiDomain(has) : singleDomain(has);
}

/** MTK_M4U_TO_LARB / MTK_M4U_TO_PORT (include/dt-bindings/memory/mtk-memory-port.h). */
export const m4uLarb = (id: number) => (id >>> 5) & 0x1f;
export const m4uPort = (id: number) => id & 0x1f;

/** The pre-6.4 rule on one dma_range_map entry: exact match, else the last region containing it. */
export function regionByDmaRange(regions: readonly IovaRegion[], r: { readonly dmaStart: bigint; readonly size: bigint }): number | undefined {
  const end = r.dmaStart + r.size - 1n;
  let candidate: number | undefined;
  for (let i = 0; i < regions.length; i++) {
    const g = regions[i]!;
    if (r.dmaStart === g.base && end === g.base + g.size - 1n) return i;
    if (r.dmaStart >= g.base && end < g.base + g.size) candidate = i;
  }
  return candidate;
}

/** The 6.4+ rule: the first region whose row holds every port of the master in its (first ID's) larb. */
export function regionByLarbPort(rows: readonly LarbRow[], ids: readonly number[]): number | undefined {
  const larb = m4uLarb(ids[0]!);
  const ports = portMask(ids);
  for (let i = 0; i < rows.length; i++) {
    if (((rows[i]![larb] ?? 0) & ports) >>> 0 === ports) return i;
  }
  return undefined;
}

const portMask = (ids: readonly number[]) => ids.reduce((m, id) => (m | (1 << m4uPort(id))) >>> 0, 0);
const hex = (n: bigint) => `0x${n.toString(16)}`;

/**
 * mtk_iommu_get_iova_region_id for a master with fwspec IDs `ids` and dma_range_map `dmaRanges`
 * (null: none) on the M4U with `compatible`. A failure carries the kernel's dev_err text.
 */
export function mtkIovaRegionId(compatible: string, has: MtkRegionFeatures, ids: readonly number[], dmaRanges: readonly { readonly dmaStart: bigint; readonly size: bigint }[] | null): Result<number> {
  const rows = MULTI_REGION.get(compatible);
  if (!rows) return ok(0); // iova_region_nr == 1
  if (has.mtkLarbPortRegion) {
    const region = regionByLarbPort(rows, ids);
    if (region !== undefined) return ok(region);
    return fail("-EINVAL", "mtk_iommu_get_iova_region_id", `Can NOT find the region for larb(${m4uLarb(ids[0]!)}-${portMask(ids).toString(16)}).`);
  }
  const r = dmaRanges?.[0];
  if (!r) return ok(0);
  const region = regionByDmaRange(multiDomain(has), r);
  if (region !== undefined) return ok(region);
  // %pad prints a dma_addr_t zero-padded to 16 hex digits (arm64).
  const where = has.mtkIovaRegionIdName ? "mtk_iommu_get_iova_region_id" : "mtk_iommu_get_domain_id";
  return fail("-EINVAL", where, `Can NOT find the iommu domain id(0x${r.dmaStart.toString(16).padStart(16, "0")} ${hex(r.size)}).`);
}
