// A device's reserved regions from its board's tree (of_iommu_get_resv_regions: `memory-region`
// entries whose reserved-memory node has `iommu-addresses` for it, as the device graph read them),
// for the sysfs view.
import { deviceReservedRegions } from "../../iommu/index.ts";
import { kernelFeatures } from "../../kernel/index.ts";
import type { BoardRun } from "../pipeline.ts";
import type { TreeRegions } from "./resv-regions.ts";

export function treeRegionsOf(run: BoardRun): TreeRegions {
  const has = kernelFeatures(run.result.options.kernel.version);
  // dev->of_node's `memory-region`s: a device without a node has none.
  const byPath = new Map(run.graph.devices.filter((d) => d.node !== null).map((d) => [d.path, d]));
  return (d) => {
    const dev = d.path === null ? undefined : byPath.get(d.path);
    return dev ? deviceReservedRegions(dev.dma.reserved, has).regions : [];
  };
}
