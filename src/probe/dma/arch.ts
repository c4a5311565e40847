// arch_setup_dma_ops / arch_teardown_dma_ops: which DMA ops a device gets once its IOMMU is
// configured: arm32 (ARM_DMA_USE_IOMMU) an arm_iommu mapping (arm-dma-mapping.ts), otherwise
// iommu-dma on its group's domain (dma-iommu.ts), dma-direct without an IOMMU.
import { opsOf } from "../../iommu/index.ts";
import type { DevState, Kernel } from "../kernel.ts";
import { armSetupIommuDmaOps, releaseArmMapping } from "./arm-dma-mapping.ts";
import { describeSharedRelease } from "./arm-shared-mapping.ts";
import { iommuSetupDmaOps } from "./dma-iommu.ts";

/** arch_setup_dma_ops (and iommu_setup_dma_ops), once per bind. */
export function setupDmaOps(k: Kernel, s: DevState): void {
  if (s.dmaOpsDone) return;
  s.dmaOpsDone = true;
  const g = s.out.group;
  if (!g || !s.fwspec) {
    s.out.dmaOps = "direct";
    // Streams that were never configured: the IOMMU faults them or lets them bypass.
    const wanted = s.out.iommuWanted;
    const faults = wanted?.driver && s.out.errors.length > 0 && wanted.available ? opsOf(wanted).unconfiguredStreamsFault(wanted, k.boolParams) : undefined;
    if (faults) k.log.note(s, `its stream IDs are not configured on ${wanted!.path}; ${faults}`);
    return;
  }
  if (s.match.ownsDma) {
    // A user-space DMA driver: it does its own IOMMU work and never uses the DMA API.
    s.out.dmaOps = "direct";
    return;
  }
  if (k.dma.armDmaMapping) {
    armSetupIommuDmaOps(k, s, g);
    return;
  }
  iommuSetupDmaOps(k, s, g);
}

/** device_unbind_cleanup -> arch_teardown_dma_ops: an arm32 mapping is detached and released. */
export function teardownDmaOps(k: Kernel, s: DevState): void {
  s.dmaOpsDone = false;
  const r = releaseArmMapping(k, s);
  if (r && k.dma.armShared?.owner === r.domain.owner) {
    k.log.note(s, `arch_teardown_dma_ops dropped its reference on the shared ${r.domain.owner} arm_iommu mapping (domain ${r.domain.id}); ${describeSharedRelease(r, s.out.domain === r.domain)}`);
  }
}
