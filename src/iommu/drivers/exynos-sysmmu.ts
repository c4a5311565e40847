// exynos-sysmmu (drivers/iommu/exynos-iommu.c): no IDs; a master may list several SYSMMUs, and
// every one of them translates for it with its one page table; per-device groups.
import type { IommuDriver, IommuDriverEntry } from "../driver.ts";
import { attachNoResource, genericDeviceGroup, inputBitsAperture, ok, PAGING_DRIVER_CAPS } from "./common.ts";

export const exynosSysmmu: IommuDriver<undefined> = {
  name: "exynos-sysmmu",
  initcall: "device",
  caps: {
    ...PAGING_DRIVER_CAPS,
    multiInstance: true,
  },
  newInstanceState: () => undefined,

  // exynos_iommu_of_xlate links each SYSMMU into owner->controllers: all of them translate for
  // the master (the first one holds the fwspec).
  ofXlate(inst, _dev, _args, fwspec) {
    if (inst !== fwspec.instance && !fwspec.extraInstances.includes(inst)) fwspec.extraInstances.push(inst);
    return ok(undefined);
  },

  deviceGroup: genericDeviceGroup,
  attachDev: attachNoResource,
  aperture: inputBitsAperture,
};

export const EXYNOS_SYSMMU: IommuDriverEntry = {
  driver: exynosSysmmu,
  ofMatch: [{ compatible: "samsung,exynos-sysmmu", driver: exynosSysmmu, model: "Exynos SYSMMU", iommuCells: [0], defaults: { inputBits: 32 } }],
};
