// Family -> driver model.
import { armSmmuOps } from "./drivers/arm-smmu.ts";
import { armSmmuV3Ops } from "./drivers/arm-smmu-v3.ts";
import { appleDartOps, exynosOps, ipmmuOps, mtkOps, qcomIommuOps, rockchipOps, sun50iOps } from "./drivers/others.ts";
import { tegraSmmuOps } from "./drivers/tegra-smmu.ts";
import type { IommuDriverOps, IommuFamily } from "./types.ts";

export const IOMMU_OPS: Readonly<Record<IommuFamily, IommuDriverOps>> = {
  "arm-smmu": armSmmuOps,
  "arm-smmu-v3": armSmmuV3Ops,
  "tegra-smmu": tegraSmmuOps,
  "qcom-iommu": qcomIommuOps,
  "rockchip-iommu": rockchipOps,
  "exynos-sysmmu": exynosOps,
  "mtk-iommu": mtkOps,
  "apple-dart": appleDartOps,
  "ipmmu-vmsa": ipmmuOps,
  "sun50i-iommu": sun50iOps,
};
