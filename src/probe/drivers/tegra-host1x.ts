// host1x (drivers/gpu/host1x/dev.c: host1x_probe -> host1x_iommu_init -> host1x_iommu_attach): it
// populates its engines (display, gr2d, gr3d, vic...) as devices, sets up a domain of its own, and
// hosts the Tegra DRM composite (tegra-drm.ts).
import type { ClientDriver, OwnDomainSpec } from "../kernel.ts";
import { tegraDrm } from "./tegra-drm.ts";

/** host1x generations whose dma_mask is 32 bits (host1x01/02: Tegra20, Tegra30, Tegra114). */
export const HOST1X_32BIT = /^nvidia,tegra(20|30|114)-host1x$/;

/**
 * - The arm_iommu release: in host1x_probe before "gpu: host1x: Support DMA mapping of buffers"
 *   (af1cbfb9bf0f, 5.5) removed it (it is in the 5.2–5.4 sources; its first version, taken here as
 *   4.19, is not in the stored sources); back in host1x_iommu_attach from "gpu: host1x: Add back
 *   arm_iommu_detach_device()" (d5185965c3b5, 5.17; stable 5.10.y/5.15.y/5.16.y not modelled).
 * - Own domain, 5.5+ (host1x_iommu_attach): none when host1x_wants_iommu is false (Tegra20 GART;
 *   a 32-bit dma_mask with CONFIG_TEGRA_HOST1X_FIREWALL, default y and assumed) or the device
 *   already has a domain (the DMA API's); an IDENTITY domain counts as none from
 *   "gpu: host1x: Do not assume that a NULL domain means no DMA IOMMU" (6.14). Else
 *   iommu_domain_alloc (iommu_paging_domain_alloc later) + iommu_attach_group, -ENODEV tolerated.
 *   Before 5.5 the firewall (default y) skipped the IOMMU set-up outright.
 */
const HOST1X_DOMAIN: OwnDomainSpec = {
  releaseIn: (has) => (has.host1xDetachBack ? "host1x_iommu_attach" : has.host1xReleasesMappingInProbe && !has.host1xDmaMapping ? "host1x_probe" : null),
  plan(k, s, current) {
    if (!k.has.host1xDmaMapping) return { kind: "none", why: "CONFIG_TEGRA_HOST1X_FIREWALL (default y) skips host1x's IOMMU set-up before 5.5" };
    if (k.graph.machineCompatible.includes("nvidia,tegra20")) return { kind: "none", why: "host1x_wants_iommu: not on Tegra20 (GART)" };
    if (s.dev.compatible.some((c) => HOST1X_32BIT.test(c))) return { kind: "none", why: "host1x_wants_iommu: 32-bit dma_mask with CONFIG_TEGRA_HOST1X_FIREWALL (default y)" };
    const identityIsNone = k.has.host1xIdentityIsNoDomain;
    if (current && !(identityIsNone && current.type === "identity")) return { kind: "none", why: `already on domain ${current.id} (${current.type}): host1x_iommu_attach keeps it` };
    return { kind: "alloc", where: "host1x_iommu_attach" };
  },
  failureLog: (errno) => [`failed to attach to IOMMU: ${errno}`, `failed to setup IOMMU: ${errno}`],
  // host1x_iommu_attach treats -ENODEV from iommu_attach_group as "no IOMMU".
  toleratesAttachErrno: "-ENODEV",
};

export const HOST1X: ClientDriver = {
  name: "tegra-host1x",
  bus: "platform",
  pattern: /^nvidia,tegra\d+-host1x$/,
  prefix: "nvidia,tegra",
  initcall: "device",
  reportAssumed: true,
  populatesChildren: true,
  ownDomain: HOST1X_DOMAIN,
  aggregate: tegraDrm,
};
