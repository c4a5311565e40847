// tegra-vde (drivers/media/platform/nvidia/tegra-vde/iommu.c; drivers/staging/media/tegra-vde/
// before 5.19): tegra_vde_probe -> tegra_vde_iommu_init, a domain of its own.
import type { ClientDriver } from "../kernel.ts";

/**
 * From "media: staging: tegra-vde: Add IOMMU support" (5.3): with a group, release the arm_iommu
 * mapping, allocate a domain, attach the group; any failure fails the probe.
 */
export const TEGRA_VDE: ClientDriver = {
  name: "tegra-vde",
  bus: "platform",
  pattern: /^nvidia,tegra(20|30|114|124)-vde$/,
  prefix: "nvidia,tegra",
  initcall: "device",
  reportAssumed: true,
  ownDomain: {
    releaseIn: (has) => (has.tegraVdeIommu ? "tegra_vde_iommu_init" : null),
    plan: (k) => (k.has.tegraVdeIommu ? { kind: "alloc", where: "tegra_vde_iommu_init" } : { kind: "none", why: "tegra-vde uses the DMA API before 5.3" }),
    failureLog: (errno) => [`Failed to initialize IOMMU: ${errno}`],
  },
};
