// A device's reserved regions from its board's tree (of_iommu_get_resv_regions: `memory-region`
// entries whose reserved-memory node has `iommu-addresses` for it), for the sysfs view.
import { deviceReservedRegions } from "../../probe/reserved-regions.ts";
import { findNodeByPath } from "../../tree/index.ts";
import type { BoardRun } from "../pipeline.ts";
import type { TreeRegions } from "./resv-regions.ts";

export function treeRegionsOf(run: BoardRun): TreeRegions {
  const version = run.result.options.kernel.version;
  return (d) => {
    const node = d.path === null ? undefined : findNodeByPath(run.tree, d.path);
    return node ? deviceReservedRegions(node, run.graph.phandles, version).regions : [];
  };
}
