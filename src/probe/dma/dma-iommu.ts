// drivers/iommu/dma-iommu.c: iommu_setup_dma_ops / iommu_dma_init_domain for a device in a group
// with a translated (DMA, DMA-FQ) domain (its IOVA space: iova-spaces.ts); dma-direct otherwise.
import { addError, type IommuGroup } from "../../iommu/index.ts";
import type { DevState, Kernel } from "../kernel.ts";
import { iommuDmaInitDomain } from "./iova-spaces.ts";

/** iommu_setup_dma_ops: iommu-dma on the group's DMA domain if its aperture reaches the device's DMA ranges. */
export function iommuSetupDmaOps(k: Kernel, s: DevState, g: IommuGroup): void {
  const domain = g.domain;
  if (!domain && !k.has.coreSetsUpDmaOps) {
    // iommu_setup_dma_ops called from arch_setup_dma_ops: no domain (the driver could not allocate
    // a default one). From 6.10 (b67483b3c44e) the core calls it per attached group device and
    // a device without a domain stays on dma-direct silently (coreSetsUpDmaOps).
    k.log.emit("log", null, "warn", `Failed to set up IOMMU for device ${s.dev.name}; retaining platform DMA ops`, "");
    k.log.note(s, `group ${g.id} has no domain: iommu_setup_dma_ops keeps dma-direct`);
    s.out.dmaOps = "direct";
    return;
  }
  if (!domain || (domain.type !== "DMA" && domain.type !== "DMA-FQ")) {
    s.out.dmaOps = "direct";
    return;
  }
  // iommu_dma_init_domain: the device's DMA ranges must reach into the aperture.
  const ap = domain.aperture!;
  const ranges = s.out.dmaRanges;
  if (ranges && ranges.length > 0 && ranges.every((r) => r.dmaStart > ap.end || r.dmaStart + r.size - 1n < ap.start)) {
    // dma-iommu.c pr_warn lines (no pr_fmt there).
    k.log.emit("log", null, "warn", "specified DMA range outside IOMMU capability", "");
    k.log.emit("log", null, "warn", `Failed to set up IOMMU for device ${s.dev.name}; retaining platform DMA ops`, "");
    addError(s.out, { errno: "-EFAULT", where: "iommu_dma_init_domain", message: "specified DMA range outside IOMMU capability" });
    s.out.dmaOps = "direct";
    return;
  }
  // The domain's IOVA space: its first device sets it up, later ones must agree with it.
  const f = iommuDmaInitDomain(k, s, domain);
  if (f) {
    k.log.emit("log", null, "warn", f.message, "");
    k.log.emit("log", null, "warn", `Failed to set up IOMMU for device ${s.dev.name}; retaining platform DMA ops`, "");
    addError(s.out, f);
    s.out.dmaOps = "direct";
    return;
  }
  s.out.dmaOps = "iommu";
}
