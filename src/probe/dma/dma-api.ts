// The DMA API as a bound driver calls it (include/linux/dma-mapping.h): dma_map_single /
// dma_unmap_single and dma_alloc_coherent / dma_free_coherent, through whatever DMA ops the device
// has now — iommu-dma on its group's default domain (iommu_dma_map_page, iommu_dma_alloc: the
// domain's iova_domain), the arm32 mapping (arm_iommu_map_page, arm_iommu_alloc_attrs: its
// bitmap), or dma-direct (no IOVA: the physical address through dma-ranges must fit the mask and
// the bus limit, else swiotlb bounces it, else the mapping fails). A failed mapping is
// DMA_MAPPING_ERROR; the driver turns it into -ENOMEM.
import {
  ARM_PAGE_SIZE,
  dmaCapable,
  dmaDirectMap,
  fail,
  ok,
  physToDma,
  type ArmIommuMappingIova,
  type DirectDevice,
  type DmaIovaDevice,
  type Failure,
  type IommuDmaIovaSpace,
  type Result,
} from "../../iommu/index.ts";
import type { DevState, Kernel } from "../kernel.ts";
import { reportedDmaOps, reportedState } from "../result.ts";
import { armMappingSpace, iommuDmaSpace } from "./iova-spaces.ts";

/** How one buffer was mapped, to give it back the same way. */
type Via =
  | { readonly kind: "iommu-dma"; readonly space: IommuDmaIovaSpace }
  | { readonly kind: "arm-mapping"; readonly mapping: ArmIommuMappingIova }
  | { readonly kind: "dma-direct" }
  | { readonly kind: "swiotlb" };

interface Buffer {
  /** The DMA address the driver got (null: a swiotlb slot, whose address is not modelled). */
  readonly dma: bigint | null;
  readonly size: number;
  readonly via: Via;
}

/** A device's DMA state: its masks (dma_set_mask_and_coherent), dma-iommu's per-device flags, its buffers. */
interface DeviceDma {
  mask: bigint | undefined;
  readonly iova: DmaIovaDevice;
  readonly buffers: Map<string, { readonly alloc: boolean; readonly list: Buffer[] }>;
}

/** The RAM the model hands out for buffers (lowest first) and the swiotlb pool's use. */
interface Memory {
  readonly ranges: readonly { readonly start: bigint; readonly size: bigint }[];
  next: { range: number; offset: bigint };
  readonly swiotlb: { readonly start: bigint; readonly end: bigint; used: bigint } | null;
}

const devices = new WeakMap<DevState, DeviceDma>();
const memories = new WeakMap<Kernel, Memory>();

const U64_MAX = (1n << 64n) - 1n;
const MASK32 = 0xffff_ffffn;
const GiB4 = 1n << 32n;
/** IO_TLB_DEFAULT_SIZE (64 MiB) and IO_TLB_SIZE (2 KiB slots). */
const SWIOTLB_SIZE = 64n << 20n;
const IO_TLB_SIZE = 2048n;
const bitMask = (bits: number) => (bits >= 64 ? U64_MAX : (1n << BigInt(bits)) - 1n);
const hex = (v: bigint) => `0x${v.toString(16)}`;
const pageAlign = (n: bigint) => (n + 4095n) & ~4095n;

function memoryOf(k: Kernel): Memory {
  let m = memories.get(k);
  if (!m) {
    const ranges = [...k.graph.memory].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    // arm64 mem_init: swiotlb only when RAM reaches above the DMA zone (taken as 4 GiB), its
    // 64 MiB pool at the top of the RAM below it (memblock allocates top-down). arm32 (armmp,
    // no LPAE) has none.
    let swiotlb: Memory["swiotlb"] = null;
    if (k.config.arch === "arm64" && ranges.some((r) => r.start + r.size > GiB4)) {
      let top = 0n;
      for (const r of ranges) if (r.start < GiB4) top = r.start + r.size < GiB4 ? r.start + r.size : GiB4;
      if (top >= SWIOTLB_SIZE) swiotlb = { start: top - SWIOTLB_SIZE, end: top, used: 0n };
    }
    m = { ranges, next: { range: 0, offset: 0n }, swiotlb };
    memories.set(k, m);
  }
  return m;
}

/** The model's choice of RAM for a buffer: one after another from the lowest RAM address. */
function takeRam(k: Kernel, size: number): bigint | Failure {
  const m = memoryOf(k);
  if (m.ranges.length === 0) return { errno: "-EINVAL", where: "scenario", message: "the board has no /memory node: give the buffer's `phys`" };
  const len = pageAlign(BigInt(size));
  for (; m.next.range < m.ranges.length; m.next = { range: m.next.range + 1, offset: 0n }) {
    const r = m.ranges[m.next.range]!;
    if (m.next.offset + len <= r.size) {
      const phys = r.start + m.next.offset;
      m.next.offset += len;
      return phys;
    }
  }
  return { errno: "-ENOMEM", where: "alloc_pages", message: `out of RAM: the board's /memory is used up by the scenario's buffers` };
}

function dmaOf(k: Kernel, s: DevState): DeviceDma {
  let d = devices.get(s);
  if (!d) {
    // iommu_setup_dma_ops: PCI devices start with the SAC trick unless iommu.forcedac=1.
    const forcedac = k.bootargs.get("iommu.forcedac");
    d = { mask: undefined, iova: { name: s.dev.name, isPci: s.dev.bus === "pci", busDmaLimit: s.out.dmaRanges ? s.out.dmaLimit : 0n, pci32bitWorkaround: s.dev.bus === "pci" && !(forcedac !== undefined && /^(1|y|Y|on|true)/.test(forcedac)) }, buffers: new Map() };
    devices.set(s, d);
  }
  return d;
}

/** *dev->dma_mask: the driver's (dma_set_mask_and_coherent), else 32 bits clipped by of_dma_configure to the dma-ranges. */
function maskOf(s: DevState, d: DeviceDma): bigint {
  if (d.mask !== undefined) return d.mask;
  if (!s.out.dmaRanges) return MASK32;
  const end = s.out.dmaLimit;
  return MASK32 & bitMask(end.toString(2).length);
}

function directDevice(s: DevState, mask: bigint, d: DeviceDma): DirectDevice {
  return { dmaMask: mask, busDmaLimit: d.iova.busDmaLimit, dmaRangeMap: s.out.dmaRanges };
}

/** Which DMA ops the device's driver calls into now. */
function currentVia(k: Kernel, s: DevState): Via | Failure {
  if (reportedDmaOps(s, reportedState(s)) !== "iommu") return { kind: "dma-direct" };
  if (k.dma.armDmaMapping) {
    // to_dma_iommu_mapping(dev): the device's arm_iommu mapping.
    const m = s.out.domain ? armMappingSpace(s.out.domain) : undefined;
    if (!m) return { errno: "-ENODEV", where: "arm_iommu_map_page", message: `${s.dev.name} has no arm_iommu mapping` };
    return "errno" in m ? m : { kind: "arm-mapping", mapping: m };
  }
  // iommu_get_dma_domain(dev): the group's default domain, whatever the group is attached to.
  const domain = s.out.group?.defaultDomain;
  const space = domain ? iommuDmaSpace(k, domain) : undefined;
  if (!space) return { errno: "-ENODEV", where: "iommu_dma_map_page", message: `${s.dev.name} has no iommu-dma domain` };
  return "errno" in space ? space : { kind: "iommu-dma", space };
}

/** One buffer through the current ops: its DMA address, or the failure (DMA_MAPPING_ERROR). */
function mapOne(k: Kernel, s: DevState, d: DeviceDma, via: Via, size: number, alloc: boolean, phys: bigint | undefined): Buffer | Failure {
  const mask = maskOf(s, d);
  const exhausted = (what: string): Failure => ({ errno: "-ENOMEM", where: alloc ? "dma_alloc_coherent" : "dma_map_single", message: what });
  switch (via.kind) {
    case "iommu-dma": {
      const at = phys ?? 0n;
      const r = alloc ? via.space.allocCoherent(size, mask, d.iova) : via.space.map(at, size, mask, d.iova);
      if (r.notice) k.log.emit("log", s.dev, "info", r.notice);
      if (!r.ok) return exhausted(`IOVA space exhausted: ${r.message}`);
      return { dma: r.dma, size, via };
    }
    case "arm-mapping": {
      const offset = Number((phys ?? 0n) % BigInt(ARM_PAGE_SIZE));
      const r = alloc ? via.mapping.allocAttrs(size) : via.mapping.mapPage(offset, size);
      if (r === null) return exhausted(`the arm_iommu mapping's IOVA bitmap has no room for ${size} bytes`);
      return { dma: BigInt(r), size, via };
    }
    case "dma-direct":
    case "swiotlb": {
      const at = phys ?? takeRam(k, size);
      if (typeof at !== "bigint") return at;
      const dev = directDevice(s, mask, d);
      if (alloc) {
        // dma_direct_alloc: pages the coherent mask reaches (the model's lowest-first RAM).
        const dma = physToDma(dev, at);
        if (!dmaCapable(dev, dma, size)) return exhausted(`no memory at or below the coherent mask ${hex(mask)} (the next free RAM is at ${hex(at)})`);
        return { dma, size, via: { kind: "dma-direct" } };
      }
      const pool = memoryOf(k).swiotlb;
      const r = dmaDirectMap(dev, at, size, pool);
      if (!r.ok) {
        k.log.emit("log", s.dev, "warn", r.message);
        return exhausted(r.message);
      }
      if (!r.bounced) return { dma: r.dma, size, via: { kind: "dma-direct" } };
      const slots = ((BigInt(size) + IO_TLB_SIZE - 1n) / IO_TLB_SIZE) * IO_TLB_SIZE;
      if (pool!.used + slots > pool!.end - pool!.start) return exhausted(`swiotlb buffer is full (sz: ${size} bytes)`);
      pool!.used += slots;
      return { dma: null, size, via: { kind: "swiotlb" } };
    }
  }
}

function unmapOne(k: Kernel, b: Buffer, alloc: boolean): void {
  const v = b.via;
  if (v.kind === "iommu-dma") {
    if (alloc) v.space.freeCoherent(b.dma!, b.size);
    else v.space.unmap(b.dma!, b.size);
  } else if (v.kind === "arm-mapping") {
    if (alloc) v.mapping.freeAttrs(Number(b.dma!), b.size);
    else v.mapping.unmapPage(Number(b.dma!), b.size);
  } else if (v.kind === "swiotlb") {
    const pool = memoryOf(k).swiotlb!;
    pool.used -= ((BigInt(b.size) + IO_TLB_SIZE - 1n) / IO_TLB_SIZE) * IO_TLB_SIZE;
  }
}

const OPS_NAME: Record<Via["kind"], string> = { "iommu-dma": "iommu-dma", "arm-mapping": "the arm_iommu mapping", "dma-direct": "dma-direct", swiotlb: "swiotlb" };

/**
 * `count` buffers of `size` bytes under `name` (dma_map_single, or dma_alloc_coherent when
 * `alloc`), after dma_set_mask_and_coherent(DMA_BIT_MASK(mask)) when a mask is given. Stops at
 * the first failure; the buffers mapped before it stay (the driver holds them).
 */
export function dmaMapBuffers(k: Kernel, s: DevState, o: { readonly name: string; readonly size: number; readonly count: number; readonly mask?: number; readonly phys?: bigint; readonly alloc: boolean }): Result<string> {
  if (reportedState(s) !== "bound") return fail("-ENODEV", o.alloc ? "dma_alloc_coherent" : "dma_map_single", `no driver is bound to ${s.dev.name} (only its driver maps DMA)`);
  const d = dmaOf(k, s);
  if (o.mask !== undefined) d.mask = bitMask(o.mask);
  const via = currentVia(k, s);
  if ("errno" in via) return { ok: false, failure: via };
  const list: Buffer[] = [];
  d.buffers.set(o.name, { alloc: o.alloc, list });
  let phys = o.phys;
  for (let i = 0; i < o.count; i++) {
    const b = mapOne(k, s, d, via, o.size, o.alloc, phys);
    if ("errno" in b) {
      const failure: Failure = { ...b, message: `buffer ${i + 1} of ${o.count}: ${b.message}${i > 0 ? ` (${i} mapped, kept)` : ""}` };
      return { ok: false, failure };
    }
    list.push(b);
    // Given a physical address, the buffers lie back to back from it.
    if (phys !== undefined) phys += BigInt(o.size);
  }
  const first = list[0]!;
  const last = list[list.length - 1]!;
  const where = first.dma === null ? "bounced through swiotlb" : o.count === 1 ? `at ${hex(first.dma)}` : `at ${hex(first.dma)} .. ${hex(last.dma!)}`;
  return ok(`${o.count} × ${o.size} bytes ${o.alloc ? "allocated" : "mapped"} through ${OPS_NAME[via.kind]}, ${where}`);
}

/** dma_unmap_single / dma_free_coherent of every buffer under `name`, in the order they were made. */
export function dmaReleaseBuffers(k: Kernel, s: DevState, name: string, alloc: boolean): Result<string> {
  const d = devices.get(s);
  const entry = d?.buffers.get(name);
  if (!d || !entry || entry.alloc !== alloc) return fail("-EINVAL", alloc ? "dma_free_coherent" : "dma_unmap_single", `${s.dev.name} holds no buffer named ${JSON.stringify(name)}`);
  for (const b of entry.list) unmapOne(k, b, alloc);
  d.buffers.delete(name);
  return ok(`${entry.list.length} buffer${entry.list.length === 1 ? "" : "s"} ${alloc ? "freed" : "unmapped"}`);
}

/** The buffers a device holds, for the report: per name, how many, their size and DMA addresses. */
export interface DeviceBuffers {
  readonly name: string;
  readonly kind: "map" | "alloc";
  readonly via: Via["kind"];
  readonly count: number;
  readonly size: number;
  readonly first: bigint | null;
  readonly last: bigint | null;
}

export function deviceBuffers(s: DevState): DeviceBuffers[] | undefined {
  const d = devices.get(s);
  if (!d || d.buffers.size === 0) return undefined;
  const out: DeviceBuffers[] = [];
  for (const [name, e] of d.buffers) {
    if (e.list.length === 0) continue;
    out.push({ name, kind: e.alloc ? "alloc" : "map", via: e.list[0]!.via.kind, count: e.list.length, size: e.list[0]!.size, first: e.list[0]!.dma, last: e.list[e.list.length - 1]!.dma });
  }
  return out.length > 0 ? out : undefined;
}
