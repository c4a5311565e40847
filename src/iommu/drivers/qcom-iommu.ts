// qcom_iommu (drivers/iommu/arm/arm-smmu/qcom_iommu.c): `iommus = <&apps_iommu ctx>`; the
// context banks are the `iommu-ctx` children (populated as devices when the IOMMU binds).
import { ofChildren, ofDeviceIsAvailable, ofPropertyReadU32, ofRegAddress } from "../../of/index.ts";
import type { IommuDriver, IommuDriverEntry } from "../driver.ts";
import { attachNoResource, fail, genericDeviceGroup, inputBitsAperture, ok, PAGING_DRIVER_CAPS, treeLimit } from "./common.ts";

/** struct qcom_iommu_dev, the parts modelled: the context banks' ASIDs. */
interface QcomIommuState {
  ctxAsids: Set<number>;
}

export const qcomIommu: IommuDriver<QcomIommuState> = {
  name: "qcom-iommu",
  // dev_err in the driver's probe when iommu_device_register fails.
  registerFailedLog: "Failed to register iommu",
  initcall: "device",
  caps: {
    ...PAGING_DRIVER_CAPS,
    multiInstance: true,
    // Context banks are child devices (qcom_iommu_device_probe: devm_of_platform_populate).
    populatesChildren: true,
  },
  newInstanceState: () => ({ ctxAsids: new Set() }),

  probeInstance(inst) {
    const asids = new Set<number>();
    for (const c of ofChildren(inst.node)) {
      if (!ofDeviceIsAvailable(c)) continue;
      const asid = ofPropertyReadU32(c, "qcom,ctx-asid") ?? Number((ofRegAddress(c) ?? 0n) / 0x1000n);
      asids.add(asid);
    }
    inst.priv.ctxAsids = asids;
    treeLimit(inst, "contextBanks", asids.size, "iommu-ctx child nodes");
    if (asids.size === 0) return fail("-ENODEV", "qcom_iommu_device_probe", "no context banks");
    return ok(undefined);
  },

  ofXlate(inst, _dev, args, fwspec) {
    const asid = args[0] ?? 0;
    if (fwspec.instance !== inst) return fail("-EINVAL", "qcom_iommu_of_xlate", "a master may only use one qcom_iommu instance (WARN_ON)");
    if (asid < 1) return fail("-EINVAL", "qcom_iommu_of_xlate", "context 0 is not valid (WARN_ON(asid < 1))");
    if (!inst.priv.ctxAsids.has(asid)) return fail("-EINVAL", "qcom_iommu_of_xlate", `no context bank ${asid} (WARN_ON)`);
    fwspec.ids.push(asid);
    return ok(undefined);
  },

  deviceGroup: genericDeviceGroup,
  attachDev: attachNoResource,
  aperture: inputBitsAperture,
};

export const QCOM_IOMMU: IommuDriverEntry = {
  driver: qcomIommu,
  ofMatch: [
    { compatible: "qcom,msm-iommu-v1", driver: qcomIommu, model: "Qualcomm IOMMU v1", iommuCells: [1], defaults: { inputBits: 32 } },
    { compatible: "qcom,msm-iommu-v2", driver: qcomIommu, model: "Qualcomm IOMMU v2", iommuCells: [1], defaults: { inputBits: 32 } },
  ],
};
