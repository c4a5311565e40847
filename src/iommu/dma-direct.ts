// dma-direct (kernel/dma/direct.h, include/linux/dma-direct.h): no IOVA at all. A buffer's DMA
// address is its physical address through the device's dma_range_map; it must fit the DMA mask
// and the bus limit, else it is bounced through swiotlb when the device has a pool, else the
// mapping fails. Coherent allocations come from the memory zone the coherent mask can reach.
// Same rule in 6.1 and 6.12, except that 6.2+ also bounces kmalloc buffers that are not
// cache-line safe for non-coherent devices (`dma_kmalloc_needs_bounce`, not modelled: the
// scenario's buffers are page-backed).

/** One `struct bus_dma_region` (from dma-ranges): CPU and DMA starts and a size in bytes. */
export interface DmaRegion {
  readonly cpuStart: bigint;
  readonly dmaStart: bigint;
  readonly size: bigint;
}

export interface DirectDevice {
  /** `*dev->dma_mask` (streaming) or `coherent_dma_mask` (allocations), as the call uses. */
  readonly dmaMask: bigint;
  /** `dev->bus_dma_limit` (0n: none). */
  readonly busDmaLimit: bigint;
  /** `dev->dma_range_map`; null: DMA addresses are physical addresses. */
  readonly dmaRangeMap: readonly DmaRegion[] | null;
  /**
   * Kernels with a 32-bit dma_addr_t (arm32 without LPAE): the DMA address of the first RAM page
   * (phys_to_dma(PFN_PHYS(min_low_pfn))); RAM below it is not DMA-capable. Absent: 64-bit.
   */
  readonly lowestRamDma?: bigint;
}

/** The device's swiotlb pool (physical, [start, end)); `forceBounce`: swiotlb=force / restricted pool. */
export interface SwiotlbPool {
  readonly start: bigint;
  readonly end: bigint;
  readonly forceBounce?: boolean;
}

/** IO_TLB_SEGSIZE × IO_TLB_SIZE: the longest contiguous bounce (swiotlb_max_mapping_size). */
export const SWIOTLB_MAX_MAPPING = 128n * 2048n;

export type DirectMapResult =
  | { readonly ok: true; readonly dma: bigint; readonly bounced: false }
  /** Bounced: the slot swiotlb picks is not modelled; `fits` says whether any slot of the pool can work. */
  | { readonly ok: true; readonly dma: null; readonly bounced: true; readonly fits: true | "partly" }
  | { readonly ok: false; readonly reason: "overflow" | "swiotlb-overflow" | "swiotlb-too-large"; readonly message: string };

const minNotZero = (a: bigint, b: bigint) => (a === 0n ? b : b === 0n ? a : a < b ? a : b);
const hex = (v: bigint) => `0x${v.toString(16)}`;

/** translate_phys_to_dma: null where no region covers the address (DMA_MAPPING_ERROR). */
export function physToDma(dev: DirectDevice, phys: bigint): bigint | null {
  if (!dev.dmaRangeMap) return phys;
  for (const m of dev.dmaRangeMap) if (phys >= m.cpuStart && phys - m.cpuStart < m.size) return m.dmaStart + (phys - m.cpuStart);
  return null;
}

/** The highest DMA address the device takes: min_not_zero(mask, bus limit). */
export function dmaLimit(dev: DirectDevice): bigint {
  return minNotZero(dev.dmaMask, dev.busDmaLimit);
}

/** dma_capable(dev, addr, size, is_ram = true). */
export function dmaCapable(dev: DirectDevice, addr: bigint | null, size: number): boolean {
  if (addr === null) return false;
  const end = addr + BigInt(size) - 1n;
  if (dev.lowestRamDma !== undefined && (addr < end ? addr : end) < dev.lowestRamDma) return false;
  return end <= dmaLimit(dev);
}

/** dma_direct_map_page (dma_map_single / dma_map_page without an IOMMU). */
export function dmaDirectMap(dev: DirectDevice, phys: bigint, size: number, swiotlb: SwiotlbPool | null): DirectMapResult {
  const dma = physToDma(dev, phys);
  if (swiotlb?.forceBounce) return bounce(dev, size, swiotlb);
  if (dmaCapable(dev, dma, size)) return { ok: true, dma: dma!, bounced: false };
  if (swiotlb) return bounce(dev, size, swiotlb);
  return { ok: false, reason: "overflow", message: `DMA addr ${dma === null ? "(no dma-ranges translation)" : hex(dma)}+${size} overflow (mask ${hex(dev.dmaMask)}, bus limit ${hex(dev.busDmaLimit)}).` };
}

/** swiotlb_map: a bounce slot of at most 256 KiB that the device must itself be able to reach. */
function bounce(dev: DirectDevice, size: number, pool: SwiotlbPool): DirectMapResult {
  if (BigInt(size) > SWIOTLB_MAX_MAPPING) return { ok: false, reason: "swiotlb-too-large", message: `swiotlb buffer is full (sz: ${size} bytes): a bounce is at most ${SWIOTLB_MAX_MAPPING} bytes` };
  const lo = physToDma(dev, pool.start);
  const hi = physToDma(dev, pool.end - BigInt(size));
  if (dmaCapable(dev, hi, size)) return { ok: true, dma: null, bounced: true, fits: true };
  if (dmaCapable(dev, lo, size)) return { ok: true, dma: null, bounced: true, fits: "partly" };
  return { ok: false, reason: "swiotlb-overflow", message: `swiotlb addr ${lo === null ? "(untranslatable)" : hex(lo)}+${size} overflow (mask ${hex(dev.dmaMask)}, bus limit ${hex(dev.busDmaLimit)}).` };
}

/**
 * dma_direct_optimal_gfp_mask: the zone dma_alloc_coherent starts from (it falls back to lower
 * zones when the pages it got do not fit). `zoneDmaLimit`: the top of ZONE_DMA (arm64: from the
 * DT's lowest dma-ranges, ≤ 4 GiB; 6.1 keeps it as zone_dma_bits).
 */
export function directAllocZone(dev: DirectDevice, zoneDmaLimit: bigint): "DMA" | "DMA32" | "NORMAL" {
  const limit = dmaLimit(dev);
  // dma_to_phys of the limit: through the range map when there is one.
  let physLimit = limit;
  if (dev.dmaRangeMap) {
    const m = dev.dmaRangeMap.find((r) => limit >= r.dmaStart && limit - r.dmaStart < r.size);
    if (m) physLimit = m.cpuStart + (limit - m.dmaStart);
  }
  if (physLimit <= zoneDmaLimit) return "DMA";
  if (physLimit <= 0xffff_ffffn) return "DMA32";
  return "NORMAL";
}
