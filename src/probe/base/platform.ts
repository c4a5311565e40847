// drivers/base/platform.c (and amba's, pci-driver.c's twins): the bus's dma_configure at bind —
// of_dma_configure, then (5.19+) iommu_device_use_default_domain unless the driver manages DMA
// itself, with arch_teardown_dma_ops undoing an attempt that defers — and dma_cleanup at unbind.
import { unuseDefaultDomain, useDefaultDomain, type Failure } from "../../iommu/index.ts";
import { setupDmaOps, teardownDmaOps } from "../dma/arch.ts";
import type { DevState, Kernel } from "../kernel.ts";
import { ofDmaConfigure } from "../of/device.ts";

/** platform_dma_configure (withDriver false: the creation era's of_dma_configure at device_add). */
export function platformDmaConfigure(k: Kernel, s: DevState, withDriver: boolean): "ok" | "defer" | Failure {
  const r = ofDmaConfigure(k, s, withDriver);
  if (r === "defer" || !withDriver) return r;
  const errorsBefore = s.out.errors.length;
  // of_dma_configure_id's last step.
  setupDmaOps(k, s);
  if (k.has.dmaOwnership && !s.match.driverManagedDma && s.out.group) {
    const u = useDefaultDomain(k.iommu, s);
    if (u === "defer") {
      // platform/amba/pci_dma_configure: arch_teardown_dma_ops() undoes this attempt's DMA ops
      // (an arm32 mapping is released); the retry sets them up again and reports its own errors.
      teardownDmaOps(k, s);
      if (s.out.errors.length > errorsBefore) s.out.errors = s.out.errors.slice(0, errorsBefore);
    }
    if (u !== "ok") return u;
  }
  return "ok";
}

/** platform_dma_cleanup / pci_dma_cleanup: iommu_device_unuse_default_domain. */
export function platformDmaCleanup(s: DevState): void {
  unuseDefaultDomain(s);
}
