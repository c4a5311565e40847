// Reserved regions from the device tree (drivers/iommu/of_iommu.c of_iommu_get_resv_regions, 6.3+):
// every `memory-region` of the device whose reserved-memory node carries `iommu-addresses =
// <&dev iova length>` naming this device (read once by the graph: DmaFacts.reserved). With `reg`
// equal to the IOVA range the region is IOMMU_RESV_DIRECT (mapped 1:1, and the device then refuses
// blocking domains); without `reg` it is an IOVA reservation; with a different `reg` the kernel
// warns and reserves.
import type { ReservedRegionEntry } from "../../graph/index.ts";
import type { KernelFeatures } from "../../kernel/index.ts";

export interface ResvRegion {
  readonly start: bigint;
  readonly length: bigint;
  readonly type: "direct" | "reserved";
  /** The reserved-memory node's path. */
  readonly path: string;
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

/** The regions and the kernel messages (dev_warn/dev_err text) met while reading them. */
export function deviceReservedRegions(entries: readonly ReservedRegionEntry[], has: KernelFeatures): { regions: ResvRegion[]; messages: { level: "warn" | "err"; text: string }[] } {
  const regions: ResvRegion[] = [];
  const messages: { level: "warn" | "err"; text: string }[] = [];
  for (const e of entries) {
    if (e.kind === "unparsable") {
      messages.push({ level: "err", text: `failed to parse memory region ${e.path}: -22` });
      continue;
    }
    const { iova, length, phys } = e;
    if (length === 0n && has.zeroSizeResvRejected) {
      messages.push({ level: "warn", text: "Cannot reserve IOVA region of 0 size" });
      continue;
    }
    const end = iova + length - 1n;
    let type: ResvRegion["type"] = "reserved";
    if (phys && phys.start < phys.end) {
      if (iova === phys.start && end === phys.end) type = "direct";
      else messages.push({ level: "warn", text: `treating non-direct mapping [mem ${hex(phys.start)}-${hex(phys.end)}] -> [${hex(iova)}-${hex(end)}] as reservation` });
    }
    regions.push({ start: iova, length, type, path: e.path });
  }
  return { regions, messages };
}
