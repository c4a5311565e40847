// The IOVA policy of drivers/iommu/dma-iommu.c on top of ./iova.ts: how a DMA (or DMA-FQ) domain's
// address space is set up for its first device (`iommu_dma_init_domain`: granule, start pfn,
// aperture check, `iova_reserve_iommu_regions`), how a mapping asks for space
// (`iommu_dma_alloc_iova`: the device's DMA limit, the bus limit, the aperture, the 32-bit first
// try for PCI), and how it gives it back (`iommu_dma_free_iova`: straight into the range caches, or
// through the flush queue of a DMA-FQ domain). Addresses are bigint bytes; sizes are bytes.
import { IovaDomain, type IovaUsage, type RcacheDepot } from "./iova.ts";

const U64_MAX = (1n << 64n) - 1n;
const DMA_BIT_MASK_32 = 0xffff_ffffn;

/**
 * Version behaviour this layer needs (resolved by the caller from the kernel version).
 * - `limitChecks`: "device-base" up to 6.9 — `iommu_dma_init_domain(domain, base, limit, dev)`
 *   takes the DMA window of `arch_setup_dma_ops`: start pfn max(1, base >> order), and the
 *   -EFAULT check against the aperture only when it is forced; "self-contained" from 6.10
 *   (≈, the dma_range_map rework): start pfn max(1, aperture start >> order), the check whenever
 *   the device has a dma_range_map.
 * - `sac`: "every-map" up to 6.3 (each PCI mapping above 32 bits first tries below 4 GiB unless
 *   `iommu.forcedac=1`); "until-first-failure" from 6.4 (≈): a per-device
 *   `pci_32bit_workaround`, cleared with the notice "Using N-bit DMA addresses" the first time the
 *   32-bit try fails.
 * - `depot`: see RcacheDepot.
 */
export interface DmaIommuVersion {
  readonly limitChecks: "device-base" | "self-contained";
  readonly sac: "every-map" | "until-first-failure";
  readonly depot: RcacheDepot;
}

/** `domain->geometry`: what the IOMMU can translate (bytes, inclusive end). */
export interface DomainGeometry {
  readonly apertureStart: bigint;
  readonly apertureEnd: bigint;
  readonly forceAperture: boolean;
}

/** `enum iommu_resv_type` as the IOVA layer sees it. */
export type ResvType = "direct" | "direct-relaxable" | "reserved" | "msi" | "sw-msi";

export interface ResvRegion {
  readonly start: bigint;
  readonly length: bigint;
  readonly type: ResvType;
}

/** A host-bridge window (`struct resource_entry`): CPU addresses and the bus offset. */
export interface BridgeWindow {
  readonly start: bigint;
  readonly end: bigint;
  readonly offset: bigint;
}

/** The PCI host bridge of a PCI device: `bridge->windows` (memory only) and `bridge->dma_ranges`. */
export interface HostBridgeWindows {
  readonly memWindows: readonly BridgeWindow[];
  readonly dmaRanges: readonly BridgeWindow[];
}

/** What the first device of a domain brings to `iommu_dma_init_domain`. */
export interface DmaDomainInit {
  /** `domain->pgsize_bitmap`: the lowest set bit is the IOVA granule. */
  readonly pgsizeBitmap: bigint;
  readonly geometry: DomainGeometry;
  /**
   * The device's DMA window, inclusive: "device-base" the [base, limit] arch_setup_dma_ops passes
   * (of_dma_configure: from dma-ranges, else [0, coherent mask]); "self-contained"
   * dma_range_map_min / dma_range_map_max. null: no window (no dma_range_map).
   */
  readonly deviceWindow: { readonly start: bigint; readonly end: bigint } | null;
  /** `iommu_get_resv_regions(dev)`, in the driver's order. */
  readonly resvRegions: readonly ResvRegion[];
  /** For a PCI device: its host bridge's windows (`iova_reserve_pci_windows`). */
  readonly hostBridge?: HostBridgeWindows;
  /** The domain is DMA-FQ and the flush queue could be set up (else strict). */
  readonly flushQueue?: { readonly entries: number; readonly timeoutMs: number } | null;
  readonly cpus?: number;
}

/** The per-device state dma-iommu keeps (`dev->iommu->pci_32bit_workaround`, bus limit). */
export interface DmaIovaDevice {
  readonly name: string;
  readonly isPci: boolean;
  /** `dev->bus_dma_limit` (0n: none). */
  readonly busDmaLimit: bigint;
  /** Set by iommu_setup_dma_ops for PCI devices: !iommu.forcedac. */
  pci32bitWorkaround: boolean;
}

export type InitResult = { readonly ok: true; readonly space: IommuDmaIovaSpace } | { readonly ok: false; readonly errno: "-EFAULT" | "-EINVAL"; readonly message: string };

export type MapResult =
  | { readonly ok: true; readonly dma: bigint; readonly notice?: string }
  | { readonly ok: false; readonly errno: "-ENOMEM"; readonly message: string; readonly notice?: string };

/** The 6.1 flush-queue entry count and timer (IOVA_FQ_SIZE, IOVA_FQ_TIMEOUT); 6.7+ keeps them as the per-CPU defaults. */
export const DEFAULT_FLUSH_QUEUE = { entries: 256, timeoutMs: 10 } as const;

/** bits_per(): the bits needed to hold n. */
export function bitsPer(n: bigint): number {
  // order_base_2(n) + 1 for a power of two, order_base_2(n) otherwise: fls64(n) either way.
  return n < 2n ? 1 : n.toString(2).length;
}

const minNotZero = (a: bigint, b: bigint) => (a === 0n ? b : b === 0n ? a : a < b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

interface FqEntry {
  readonly pfn: number;
  readonly pages: number;
}

export class IommuDmaIovaSpace {
  readonly iovad: IovaDomain;
  readonly granule: bigint;
  private readonly shift: bigint;
  /** Per CPU: entries waiting for the next IOTLB flush (oldest first). */
  private readonly fq: FqEntry[][] | null;
  private readonly fqEntries: number;
  /** MSI doorbells mapped into this domain (`cookie->msi_page_list`): phys -> IOVA. */
  private readonly msiPages = new Map<bigint, bigint>();
  /** Flushes of the IOTLB the flush queue did (full queue or timer). */
  flushes = 0;

  private constructor(
    private readonly init: DmaDomainInit,
    private readonly version: DmaIommuVersion,
    startPfn: number,
  ) {
    const order = lowestBit(init.pgsizeBitmap);
    this.granule = 1n << BigInt(order);
    this.shift = BigInt(order);
    this.iovad = new IovaDomain({ granule: Number(this.granule), startPfn, rcaches: true, depot: version.depot, cpus: init.cpus });
    const cpus = Math.max(1, init.cpus ?? 1);
    this.fq = init.flushQueue ? Array.from({ length: cpus }, () => []) : null;
    this.fqEntries = init.flushQueue?.entries ?? 0;
  }

  /** iommu_dma_init_domain for the domain's first device; the result holds its IOVA space. */
  static create(init: DmaDomainInit, version: DmaIommuVersion): InitResult {
    const start = startPfnFor(init, version);
    if (!start.ok) return start;
    const space = new IommuDmaIovaSpace(init, version, start.pfn);
    const r = space.reserveRegions(init);
    if (!r.ok) return r;
    return { ok: true, space };
  }

  /**
   * iommu_dma_init_domain for a later device of the same domain: nothing is reserved again; a
   * different granule or start pfn is "Incompatible range for DMA domain" (-EFAULT).
   */
  checkCompatible(init: DmaDomainInit): { ok: true } | { ok: false; errno: "-EFAULT"; message: string } {
    const start = startPfnFor(init, this.version);
    if (!start.ok) return start as { ok: false; errno: "-EFAULT"; message: string };
    if (1n << BigInt(lowestBit(init.pgsizeBitmap)) !== this.granule || start.pfn !== this.iovad.startPfn) {
      return { ok: false, errno: "-EFAULT", message: "Incompatible range for DMA domain" };
    }
    return { ok: true };
  }

  get strict(): boolean {
    return this.fq === null;
  }

  usage(): IovaUsage & { readonly queuedRanges: number } {
    return { ...this.iovad.usage(), queuedRanges: this.fq ? this.fq.reduce((n, q) => n + q.length, 0) : 0 };
  }

  /**
   * iommu_dma_alloc_iova: `size` bytes (a multiple of the granule) at or below the device's limit.
   * Returns the IOVA, or 0n when the space is exhausted (the caller's DMA_MAPPING_ERROR).
   */
  allocIova(size: bigint, dmaLimit: bigint, dev: DmaIovaDevice, cpu = 0): { iova: bigint; notice?: string } {
    const len = Number(size >> this.shift);
    let limit = minNotZero(dmaLimit, dev.busDmaLimit);
    if (this.init.geometry.forceAperture) limit = min(limit, this.init.geometry.apertureEnd);
    let notice: string | undefined;
    const tryLow = this.version.sac === "every-map" ? dev.isPci && dev.pci32bitWorkaround : dev.pci32bitWorkaround;
    if (limit > DMA_BIT_MASK_32 && tryLow) {
      const pfn = this.iovad.allocIovaFast(len, Number(DMA_BIT_MASK_32 >> this.shift), false, cpu);
      if (pfn !== null) return { iova: BigInt(pfn) << this.shift };
      if (this.version.sac === "until-first-failure") {
        dev.pci32bitWorkaround = false;
        notice = `Using ${bitsPer(limit)}-bit DMA addresses`;
      }
    }
    const pfn = this.iovad.allocIovaFast(len, Number(limit >> this.shift), true, cpu);
    return { iova: pfn === null ? 0n : BigInt(pfn) << this.shift, notice };
  }

  /** iommu_dma_free_iova: through the flush queue when the domain has one, else free_iova_fast. */
  freeIova(iova: bigint, size: bigint, cpu = 0): void {
    const pfn = Number(iova >> this.shift);
    const pages = Number(size >> this.shift);
    if (this.fq) this.queueIova(pfn, pages, cpu);
    else this.iovad.freeIovaFast(pfn, pages, cpu);
  }

  /**
   * __iommu_dma_map (dma_map_page / dma_map_single): the in-granule offset of `phys` is kept, the
   * size grows to whole granules around it.
   */
  map(phys: bigint, size: number, dmaMask: bigint, dev: DmaIovaDevice, cpu = 0): MapResult {
    const off = phys & (this.granule - 1n);
    const len = this.align(BigInt(size) + off);
    const { iova, notice } = this.allocIova(len, dmaMask, dev, cpu);
    if (iova === 0n) return { ok: false, errno: "-ENOMEM", message: `no ${len}-byte IOVA range at or below ${hex(this.effectiveLimit(dmaMask, dev))}`, notice };
    return { ok: true, dma: iova + off, notice };
  }

  /** __iommu_dma_unmap: the same granules back (queued on DMA-FQ). */
  unmap(dma: bigint, size: number, cpu = 0): void {
    const off = dma & (this.granule - 1n);
    this.freeIova(dma - off, this.align(BigInt(size) + off), cpu);
  }

  /**
   * iommu_dma_alloc (dma_alloc_coherent, blocking): the remap path
   * (`__iommu_dma_alloc_noncontiguous`) sizes the IOVA as whole pages, then whole granules,
   * below the coherent mask. `pageSize` is the CPU's PAGE_SIZE.
   */
  allocCoherent(size: number, coherentMask: bigint, dev: DmaIovaDevice, pageSize = 4096, cpu = 0): MapResult {
    let bytes = BigInt(size);
    const minSize = this.granule < BigInt(pageSize) ? BigInt(pageSize) : this.granule;
    bytes = ((bytes + minSize - 1n) / minSize) * minSize;
    const len = this.align(bytes);
    const { iova, notice } = this.allocIova(len, coherentMask, dev, cpu);
    if (iova === 0n) return { ok: false, errno: "-ENOMEM", message: `no ${len}-byte IOVA range at or below ${hex(this.effectiveLimit(coherentMask, dev))}`, notice };
    return { ok: true, dma: iova, notice };
  }

  /** iommu_dma_free -> __iommu_dma_unmap of the page-aligned size. */
  freeCoherent(dma: bigint, size: number, pageSize = 4096, cpu = 0): void {
    const p = BigInt(pageSize);
    this.unmap(dma, Number(((BigInt(size) + p - 1n) / p) * p), cpu);
  }

  /** iommu_dma_get_msi_page: one granule per doorbell, allocated the first time a device needs it. */
  msiPage(doorbell: bigint, dev: DmaIovaDevice, dmaMask: bigint): MapResult {
    const page = doorbell & ~(this.granule - 1n);
    const known = this.msiPages.get(page);
    if (known !== undefined) return { ok: true, dma: known + (doorbell - page) };
    const { iova, notice } = this.allocIova(this.granule, dmaMask, dev);
    if (iova === 0n) return { ok: false, errno: "-ENOMEM", message: "no IOVA page for the MSI doorbell", notice };
    this.msiPages.set(page, iova);
    return { ok: true, dma: iova + (doorbell - page), notice };
  }

  /** fq_flush_timeout: the timer (10 ms) flushes the IOTLB and frees every queued range. */
  runFlushTimer(): number {
    if (!this.fq) return 0;
    let freed = 0;
    this.flushes++;
    this.fq.forEach((q, cpu) => {
      for (const e of q) this.iovad.freeIovaFast(e.pfn, e.pages, cpu);
      freed += q.length;
      q.length = 0;
    });
    return freed;
  }

  /**
   * queue_iova: entries queued before the last flush are freed first; a full ring (entries - 1
   * in use) flushes the IOTLB and frees all of it; then the range joins the ring. One thread
   * runs here, so a completed flush always covers every older entry.
   */
  private queueIova(pfn: number, pages: number, cpu: number): void {
    const q = this.fq![cpu]!;
    if (q.length === this.fqEntries - 1) {
      this.flushes++;
      for (const e of q) this.iovad.freeIovaFast(e.pfn, e.pages, cpu);
      q.length = 0;
    }
    q.push({ pfn, pages });
  }

  private align(bytes: bigint): bigint {
    return ((bytes + this.granule - 1n) / this.granule) * this.granule;
  }

  private effectiveLimit(mask: bigint, dev: DmaIovaDevice): bigint {
    const l = minNotZero(mask, dev.busDmaLimit);
    return this.init.geometry.forceAperture ? min(l, this.init.geometry.apertureEnd) : l;
  }

  /** iova_reserve_iommu_regions (+ iova_reserve_pci_windows for a PCI device). */
  private reserveRegions(init: DmaDomainInit): { ok: true } | { ok: false; errno: "-EINVAL"; message: string } {
    const pfn = (a: bigint) => Number(a >> this.shift);
    if (init.hostBridge) {
      for (const w of init.hostBridge.memWindows) this.iovad.reserveIova(pfn(w.start - w.offset), pfn(w.end - w.offset));
      // The gaps between the bridge's dma-ranges (sorted by CPU start) are not reachable.
      const ranges = [...init.hostBridge.dmaRanges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
      let start = 0n;
      ranges.forEach((w, i) => {
        let end = w.start - w.offset;
        for (;;) {
          if (end > start) this.iovad.reserveIova(pfn(start), pfn(end));
          else if (end < start) throw new DmaRangesOverlap(start, end);
          start = w.end - w.offset + 1n;
          if (i === ranges.length - 1 && end !== U64_MAX) {
            end = U64_MAX;
            continue;
          }
          break;
        }
      });
    }
    for (const r of init.resvRegions) {
      // "We ARE the software that manages these": the software MSI window is not reserved.
      if (r.type === "sw-msi") continue;
      this.iovad.reserveIova(pfn(r.start), pfn(r.start + r.length - 1n));
    }
    return { ok: true };
  }
}

/** iova_reserve_pci_windows' "Failed to reserve IOVA [start-end]" (-EINVAL). */
export class DmaRangesOverlap extends Error {
  constructor(
    readonly start: bigint,
    readonly end: bigint,
  ) {
    super(`Failed to reserve IOVA [${hex(start)}-${hex(end)}]`);
  }
}

/** Builds a domain's space, turning overlapping bridge dma-ranges into the kernel's -EINVAL. */
export function createDmaIovaSpace(init: DmaDomainInit, version: DmaIommuVersion): InitResult {
  try {
    return IommuDmaIovaSpace.create(init, version);
  } catch (e) {
    if (e instanceof DmaRangesOverlap) return { ok: false, errno: "-EINVAL", message: e.message };
    throw e;
  }
}

/** iommu_dma_init_domain's start pfn for a device (or its -EFAULT when the device's window misses the aperture). */
export function startPfnFor(init: DmaDomainInit, version: DmaIommuVersion): { ok: true; pfn: number } | { ok: false; errno: "-EFAULT"; message: string } {
  const order = BigInt(lowestBit(init.pgsizeBitmap));
  const g = init.geometry;
  const w = init.deviceWindow;
  const outside = { ok: false as const, errno: "-EFAULT" as const, message: "specified DMA range outside IOMMU capability" };
  if (version.limitChecks === "device-base") {
    let base = w ? w.start >> order : 0n;
    if (base < 1n) base = 1n;
    if (g.forceAperture) {
      if (w && (w.start > g.apertureEnd || w.end < g.apertureStart)) return outside;
      const a = g.apertureStart >> order;
      if (a > base) base = a;
    }
    return { ok: true, pfn: Number(base) };
  }
  if (w && (w.start > g.apertureEnd || w.end < g.apertureStart)) return outside;
  const a = g.apertureStart >> order;
  return { ok: true, pfn: Number(a > 1n ? a : 1n) };
}

function lowestBit(bitmap: bigint): number {
  if (bitmap <= 0n) throw new RangeError("empty pgsize_bitmap");
  let i = 0;
  while (((bitmap >> BigInt(i)) & 1n) === 0n) i++;
  return i;
}

export function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}
