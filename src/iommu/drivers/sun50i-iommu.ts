// sun50i-iommu (drivers/iommu/sun50i-iommu.c): one group (and page table) per IOMMU, allocated in
// sun50i_iommu_probe.
import type { IommuDriver, IommuDriverEntry } from "../driver.ts";
import { attachNoResource, inputBitsAperture, instanceGroup, type InstanceGroupSlot, ok, PAGING_DRIVER_CAPS, xlateFirstCell } from "./common.ts";

export const sun50iIommu: IommuDriver<InstanceGroupSlot> = {
  name: "sun50i-iommu",
  initcall: "device",
  caps: PAGING_DRIVER_CAPS,
  newInstanceState: () => ({ group: undefined }),
  probeInstance(inst, core) {
    instanceGroup(inst, core);
    return ok(undefined);
  },
  ofXlate: xlateFirstCell,
  deviceGroup: (fwspec, _dev, core) => ok(instanceGroup(fwspec.instance, core)),
  attachDev: attachNoResource,
  aperture: inputBitsAperture,
};

export const SUN50I_IOMMU: IommuDriverEntry = {
  driver: sun50iIommu,
  ofMatch: [
    { compatible: "allwinner,sun50i-h6-iommu", driver: sun50iIommu, model: "Allwinner H6 IOMMU", iommuCells: [1], defaults: { inputBits: 32 } },
    { compatible: "allwinner,sun50i-h616-iommu", driver: sun50iIommu, model: "Allwinner H616 IOMMU", iommuCells: [1], defaults: { inputBits: 32 } },
  ],
};
