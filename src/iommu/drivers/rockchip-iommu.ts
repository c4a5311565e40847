// rockchip-iommu (drivers/iommu/rockchip-iommu.c): no IDs; one group (and page directory) per
// IOMMU, allocated in rk_iommu_probe; a master naming several IOMMUs is translated by the last.
import type { Device } from "../../graph/index.ts";
import type { IommuDriver, IommuDriverEntry, IommuInstance } from "../driver.ts";

import { attachNoResource, inputBitsAperture, instanceGroup, type InstanceGroupSlot, ok, PAGING_DRIVER_CAPS } from "./common.ts";

/** struct rk_iommu, the parts modelled. */
interface RockchipState extends InstanceGroupSlot {
  /** rk_iommu_of_xlate: the last `iommus` entry of each master (dev_iommu_priv). */
  readonly lastFor: Map<Device, IommuInstance<RockchipState>>;
}

export const rockchipIommu: IommuDriver<RockchipState> = {
  name: "rk_iommu",
  initcall: "device",
  caps: {
    ...PAGING_DRIVER_CAPS,
    multiInstance: true,
  },
  newInstanceState: () => ({ group: undefined, lastFor: new Map() }),

  // rk_iommu_probe: iommu_group_alloc() for the instance, so group numbers follow IOMMU probe
  // order, masters or not.
  probeInstance(inst, core) {
    instanceGroup(inst, core);
    return ok(undefined);
  },

  ofXlate(inst, dev, _args, fwspec) {
    fwspec.instance.priv.lastFor.set(dev, inst);
    return ok(undefined);
  },

  translatingInstance: (fwspec, dev) => fwspec.instance.priv.lastFor.get(dev) ?? fwspec.instance,

  deviceGroup(fwspec, dev, core) {
    return ok(instanceGroup(rockchipIommu.translatingInstance!(fwspec, dev) as IommuInstance<RockchipState>, core));
  },

  attachDev: attachNoResource,
  aperture: inputBitsAperture,
};

export const ROCKCHIP_IOMMU: IommuDriverEntry = {
  driver: rockchipIommu,
  ofMatch: [
    { compatible: "rockchip,iommu", driver: rockchipIommu, model: "Rockchip IOMMU v1", iommuCells: [0], defaults: { inputBits: 32 } },
    { compatible: "rockchip,rk3568-iommu", driver: rockchipIommu, model: "Rockchip IOMMU v2", iommuCells: [0], defaults: { inputBits: 32 } },
  ],
};
