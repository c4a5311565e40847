// Reserved regions from the device tree (drivers/iommu/of_iommu.c of_iommu_get_resv_regions, 6.3+):
// every `memory-region` of the device whose reserved-memory node carries `iommu-addresses =
// <&dev iova length>` naming this device. With `reg` equal to the IOVA range the region is
// IOMMU_RESV_DIRECT (mapped 1:1, and the device then refuses blocking domains); without `reg` it is
// an IOVA reservation; with a different `reg` the kernel warns and reserves.
import { busAddressCells, busSizeCells, cellsOf, dmaParent, parsePhandleList, readNumber, readReg, translateAddress, BAD_ADDRESS, type PhandleIndex } from "../of/index.ts";
import type { DtNode } from "../tree/model.ts";
import type { KernelFeatures } from "../kernel/index.ts";

export interface ResvRegion {
  readonly start: bigint;
  readonly length: bigint;
  readonly type: "direct" | "reserved";
  /** The reserved-memory node. */
  readonly node: DtNode;
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

/** The regions and the kernel messages (dev_warn/dev_err text) met while reading them. */
export function deviceReservedRegions(devNode: DtNode, phandles: PhandleIndex, has: KernelFeatures): { regions: ResvRegion[]; messages: { level: "warn" | "err"; text: string }[] } {
  const regions: ResvRegion[] = [];
  const messages: { level: "warn" | "err"; text: string }[] = [];
  const list = parsePhandleList(phandles, devNode, "memory-region", "", 0);
  for (const e of list.entries) {
    const rmem = e.node;
    let phys: { start: bigint; end: bigint } | null = null;
    if (rmem.property("reg")) {
      const r = readReg(rmem)[0];
      const cpu = r ? translateAddress(rmem, r.addressCells) : BAD_ADDRESS;
      if (!r || cpu === BAD_ADDRESS) {
        messages.push({ level: "err", text: `failed to parse memory region ${rmem.path}: -22` });
        continue;
      }
      phys = { start: cpu, end: cpu + r.size - 1n };
    }
    const maps = cellsOf(rmem.property("iommu-addresses"));
    if (!maps) continue;
    // of_translate_dma_region: cell counts of the referenced device's DMA parent bus.
    const parent = dmaParent(devNode, phandles);
    const na = parent ? busAddressCells(parent) : 1;
    const ns = parent ? busSizeCells(parent) : 1;
    // The kernel steps one cell at a time and only consumes address/size after a matching phandle.
    for (let i = 0; i < maps.length; ) {
      const target = phandles.get(maps[i++]!);
      if (target !== devNode) continue;
      if (i + na + ns > maps.length) break;
      const iova = readNumber(maps, i, na);
      const length = readNumber(maps, i + na, ns);
      i += na + ns;
      if (length === 0n) {
        if (has.zeroSizeResvRejected) {
          messages.push({ level: "warn", text: "Cannot reserve IOVA region of 0 size" });
          continue;
        }
      }
      const end = iova + length - 1n;
      let type: ResvRegion["type"] = "reserved";
      if (phys && phys.start < phys.end) {
        if (iova === phys.start && end === phys.end) type = "direct";
        else messages.push({ level: "warn", text: `treating non-direct mapping [mem ${hex(phys.start)}-${hex(phys.end)}] -> [${hex(iova)}-${hex(end)}] as reservation` });
      }
      regions.push({ start: iova, length, type, node: rmem });
    }
  }
  return { regions, messages };
}
