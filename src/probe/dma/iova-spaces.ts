// The IOVA spaces behind the DMA API. A DMA (or DMA-FQ) domain gets its iova_domain when its first
// device sets up iommu-dma (iommu_dma_init_domain: granule, start pfn, the first device's reserved
// regions); a later device with another granule or start pfn is refused ("Incompatible range for
// DMA domain", -EFAULT). An arm32 mapping has its bitmap from arm_iommu_create_mapping. The spaces
// themselves are made on first use (a board reports thousands of domains that never map a byte),
// from what the first device brought: the same addresses come out as if made at setup.
import {
  ArmIommuMappingIova,
  armMappingWindow,
  createDmaIovaSpace,
  DEFAULT_FLUSH_QUEUE,
  opsOf,
  startPfnFor,
  type DmaDomainInit,
  type DmaIommuVersion,
  type Failure,
  type IommuDmaIovaSpace,
  type IommuDomain,
} from "../../iommu/index.ts";
import type { DevState, Kernel } from "../kernel.ts";

interface DmaCookie {
  /** iommu_dma_init_domain's inputs from the domain's first device. */
  readonly init: DmaDomainInit;
  readonly startPfn: number;
  space: IommuDmaIovaSpace | Failure | undefined;
}

interface ArmCookie {
  readonly window: { readonly base: number; readonly size: number };
  mapping: ArmIommuMappingIova | Failure | undefined;
}

/** Per domain (a freed domain is never used again: its entry goes with it). */
const dmaCookies = new WeakMap<IommuDomain, DmaCookie>();
const armCookies = new WeakMap<IommuDomain, ArmCookie>();

/** The version switches of dma-iommu.c and iova.c on this kernel. */
export function dmaIommuVersion(k: Kernel): DmaIommuVersion {
  return {
    limitChecks: k.has.archSetupDmaOpsSimplified ? "self-contained" : "device-base",
    sac: k.has.pciSacPerDevice ? "until-first-failure" : "every-map",
    depot: k.has.iovaDepotList ? "list" : "bounded",
  };
}

const MASK32 = 0xffff_ffffn;

/**
 * The device's DMA window as iommu_dma_init_domain sees it: before 6.10 of_dma_configure's
 * [dma_start, dma_start + size - 1] (from dma-ranges, else [0, the coherent mask]); from 6.10
 * dma_range_map_min / max (null without dma-ranges).
 */
function deviceWindow(k: Kernel, s: DevState): { start: bigint; end: bigint } | null {
  const ranges = s.out.dmaRanges;
  if (!ranges || ranges.length === 0) return k.has.archSetupDmaOpsSimplified ? null : { start: 0n, end: MASK32 };
  let start = ranges[0]!.dmaStart;
  let end = 0n;
  for (const r of ranges) {
    if (r.dmaStart < start) start = r.dmaStart;
    if (r.dmaStart + r.size > end) end = r.dmaStart + r.size;
  }
  // of_dma_configure_id treats an odd size as a mask (size + 1).
  let size = end - start;
  if (!k.has.archSetupDmaOpsSimplified && (size & 1n) === 1n) size += 1n;
  return { start, end: start + size - 1n };
}

function initFor(k: Kernel, s: DevState, domain: IommuDomain): DmaDomainInit {
  const ap = domain.aperture!;
  const ops = opsOf(domain.instance);
  return {
    pgsizeBitmap: ops.pgsizeBitmap(domain.instance),
    // Every modelled driver forces its aperture (domain->geometry.force_aperture).
    geometry: { apertureStart: ap.start, apertureEnd: ap.end, forceAperture: true },
    deviceWindow: deviceWindow(k, s),
    resvRegions: s.resvRegions.map((r) => ({ start: r.start, length: r.length, type: r.type })),
    // iommu_dma_init_fq: a DMA-FQ domain of a driver with deferred flush gets a flush queue.
    flushQueue: domain.type === "DMA-FQ" && ops.deferredFlush ? DEFAULT_FLUSH_QUEUE : null,
  };
}

/**
 * iommu_dma_init_domain for `s` joining `domain`: the first device's inputs are kept; a later one
 * must agree on granule and start pfn. Returns the failure (-EFAULT) or undefined.
 */
export function iommuDmaInitDomain(k: Kernel, s: DevState, domain: IommuDomain): Failure | undefined {
  const init = initFor(k, s, domain);
  const version = dmaIommuVersion(k);
  const start = startPfnFor(init, version);
  if (!start.ok) return { errno: "-EFAULT", where: "iommu_dma_init_domain", message: start.message };
  const cookie = dmaCookies.get(domain);
  if (!cookie) {
    dmaCookies.set(domain, { init, startPfn: start.pfn, space: undefined });
    return undefined;
  }
  if (start.pfn !== cookie.startPfn || init.pgsizeBitmap !== cookie.init.pgsizeBitmap) {
    return { errno: "-EFAULT", where: "iommu_dma_init_domain", message: "Incompatible range for DMA domain" };
  }
  return undefined;
}

/** The domain's iova_domain, made on first use; a failure of its reservations (-EINVAL) stays. */
export function iommuDmaSpace(k: Kernel, domain: IommuDomain): IommuDmaIovaSpace | Failure | undefined {
  const cookie = dmaCookies.get(domain);
  if (!cookie) return undefined;
  if (cookie.space === undefined) {
    const r = createDmaIovaSpace(cookie.init, dmaIommuVersion(k));
    cookie.space = r.ok ? r.space : { errno: r.errno, where: "iova_reserve_iommu_regions", message: r.message };
  }
  return cookie.space;
}

/** arm_iommu_create_mapping's window for the device that creates a mapping (base, size). */
export function recordArmMapping(k: Kernel, s: DevState, domain: IommuDomain): void {
  const ranges = s.out.dmaRanges;
  let window = armMappingWindow(null, "arch-args");
  if (ranges && ranges.length > 0) {
    let min = ranges[0]!.dmaStart;
    let max = 0n;
    for (const r of ranges) {
      if (r.dmaStart < min) min = r.dmaStart;
      if (r.dmaStart + r.size - 1n > max) max = r.dmaStart + r.size - 1n;
    }
    window = armMappingWindow({ min: Number(min), max: Number(max) }, k.has.archSetupDmaOpsSimplified ? "range-map" : "arch-args");
  }
  armCookies.set(domain, { window, mapping: undefined });
}

/** The arm32 mapping's IOVA bitmap, made on first use. */
export function armMappingSpace(domain: IommuDomain): ArmIommuMappingIova | Failure | undefined {
  const cookie = armCookies.get(domain);
  if (!cookie) return undefined;
  if (cookie.mapping === undefined) {
    const r = ArmIommuMappingIova.create({ base: cookie.window.base, size: cookie.window.size });
    cookie.mapping = r.ok ? r.mapping : { errno: r.errno, where: "arm_iommu_create_mapping", message: r.message };
  }
  return cookie.mapping;
}

/** A domain's IOVA use for the report, when DMA traffic has made its space. */
export function iovaSpaceUsed(domain: IommuDomain): { readonly kind: "iommu-dma"; readonly space: IommuDmaIovaSpace } | { readonly kind: "arm-mapping"; readonly mapping: ArmIommuMappingIova } | undefined {
  const d = dmaCookies.get(domain)?.space;
  if (d && !("errno" in d)) return { kind: "iommu-dma", space: d };
  const a = armCookies.get(domain)?.mapping;
  if (a && !("errno" in a)) return { kind: "arm-mapping", mapping: a };
  return undefined;
}

/** Time passes between scenario steps: every flush queue's timer fires, the depot work runs. */
export function letTimePass(domains: Iterable<IommuDomain>): void {
  for (const d of domains) {
    const space = dmaCookies.get(d)?.space;
    if (!space || "errno" in space) continue;
    space.runFlushTimer();
    space.iovad.runDepotWork();
  }
}
