// drivers/of/device.c of_dma_configure_id: the device's coherence and dma_range_map (from the
// facts the graph read), of_iommu_configure, the IOMMU core's replay of iommu_probe_device for a
// device that has just got a fwspec. Its last step, arch_setup_dma_ops, is dma/arch.ts, called
// by the bus's dma_configure (base/platform.ts) when a driver binds.
import { iommuProbeDevice } from "../../iommu/index.ts";
import type { DevState, Kernel } from "../kernel.ts";
import { ofIommuConfigure } from "./iommu.ts";

/** of_dma_configure_id up to arch_setup_dma_ops (`withDriver`: the dma_configure of a bind). */
export function ofDmaConfigure(k: Kernel, s: DevState, withDriver: boolean): "ok" | "defer" {
  if (!s.rangesDone) configureRanges(k, s);
  const r = ofIommuConfigure(k, s);
  if (r === "defer") return "defer";
  if (s.fwspec && !s.out.group) {
    // 6.15+ __iommu_probe_device: a replay at bind warns once iommu_init_device has succeeded (a
    // master its IOMMU driver refuses fails before the warning, 73d2f10957f5).
    const late = k.options.kernel.era === "add" && withDriver ? () => k.log.emit("log", s.dev, "warn", "late IOMMU probe at driver bind, something fishy here!") : undefined;
    iommuProbeDevice(k.iommu, s, "replay", late);
  }
  return "ok";
}

/** of_dma_configure_id's coherence and dma_range_map, from the facts the graph read. */
export function configureRanges(k: Kernel, s: DevState): void {
  s.rangesDone = true;
  const dma = s.dev.dma;
  s.out.coherent = dma.coherent;
  const map = dma.ranges;
  if (!map) return;
  if (map.kind === "error") {
    k.log.emit("log", s.dev, "err", map.message, "OF");
    return;
  }
  if (map.kind !== "map") return;
  s.out.dmaRanges = map.regions;
  s.out.dmaLimit = map.limit;
}

/** 6.15+: iommu_probe_device at BUS_NOTIFY_ADD_DEVICE runs dma_configure without a driver. */
export function iommuProbeAtAdd(k: Kernel, s: DevState): void {
  if (!s.rangesDone) configureRanges(k, s);
  const r = ofIommuConfigure(k, s);
  if (r === "defer" || !s.fwspec) return;
  iommuProbeDevice(k.iommu, s, "add");
}
