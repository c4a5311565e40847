// nouveau on Tegra's integrated GPUs (drivers/gpu/drm/nouveau/nouveau_platform.c, the platform
// driver "nouveau": gk20a on Tegra124/132, gm20b on Tegra210, gp10b on Tegra186):
// nouveau_platform_probe -> nvkm_device_tegra_new -> nvkm_device_tegra_probe_iommu
// (nvkm/engine/device/tegra.c, the same in 6.1 and 6.12), at probe:
// - with ARM_DMA_USE_IOMMU (arm32) and an arm_iommu mapping from dma_configure:
//   arm_iommu_detach_device + arm_iommu_release_mapping (its address space is given back);
// - every chip has an `iommu_bit` (34, 34, 36), so when the device is device_iommu_mapped it
//   allocates iommu_domain_alloc(&platform_bus_type) — still in 6.12 — and iommu_attach_device()s
//   it (a group of one device): the GPU translates through nouveau's own UNMANAGED domain on
//   arm32 and arm64 alike (a tegra-smmu ASID). A failure prints "cannot initialize IOMMU MM" and
//   the probe goes on without it (the GPU then uses the DMA API).
import type { ClientDriver } from "../kernel.ts";

export const NOUVEAU_TEGRA: ClientDriver = {
  name: "nouveau",
  bus: "platform",
  compatible: ["nvidia,gk20a", "nvidia,gm20b", "nvidia,gp10b"],
  initcall: "device",
  reportAssumed: true,
  ownDomain: {
    // Called from nvkm_device_tegra_new in the probe; "no group" returns before this (iommu_group_get).
    releaseIn: () => "nvkm_device_tegra_probe_iommu",
    plan: () => ({ kind: "alloc", where: "nvkm_device_tegra_probe_iommu" }),
    failureLog: () => ["cannot initialize IOMMU MM"],
    attach: "device",
    failureIsNotFatal: true,
  },
};
