// VFIO bus drivers (drivers/vfio/platform/vfio_platform.c, vfio_amba.c, drivers/vfio/pci/ and its
// variant drivers) and pci-stub: driver_managed_dma, they do their own IOMMU work and never use the
// DMA API; a VFIO driver's probe needs an IOMMU group (noiommu mode off).
import type { Result } from "../../iommu/index.ts";
import type { ClientDriver, DevState, Kernel } from "../kernel.ts";

/** vfio_group_find_or_alloc (before 5.16, vfio_iommu_group_get): no group, no VFIO device. */
function vfioProbe(k: Kernel, s: DevState): Result<void> {
  if (s.out.group) return { ok: true, value: undefined };
  const where = k.has.vfioGroupFindOrAlloc ? "vfio_group_find_or_alloc" : "vfio_iommu_group_get";
  return { ok: false, failure: { errno: "-EINVAL", where, message: `No IOMMU group for device ${s.dev.name} (VFIO needs one; noiommu mode is off)` } };
}

const vfio = (name: string, bus: ClientDriver["bus"], extra: Partial<ClientDriver> = {}): ClientDriver => ({
  name,
  bus,
  initcall: "device",
  driverManagedDma: true,
  probe: vfioProbe,
  ...extra,
});

export const VFIO_DRIVERS: readonly ClientDriver[] = [
  // dtprobe's convention: a node whose compatible is "vfio-platform" is bound to it at boot.
  vfio("vfio-platform", "platform", { compatible: ["vfio-platform"], override: true }),
  vfio("vfio-amba", "amba", { override: true }),
  vfio("vfio-pci", "pci", { override: true }),
  vfio("mlx5_vfio_pci", "pci"),
  vfio("hisi_acc_vfio_pci", "pci"),
  vfio("nvgrace_gpu_vfio_pci", "pci"),
];

/** pci-stub: claims a function for user space (driver_managed_dma since 5.19's ownership API). */
export const PCI_STUB: ClientDriver = { name: "pci-stub", bus: "pci", initcall: "device", driverManagedDma: true, override: true };

/** Whether a driver name is a VFIO bus driver (a group can be claimed through it). */
export function isVfioDriver(name: string | null): boolean {
  return name !== null && VFIO_DRIVERS.some((d) => d.name === name);
}
