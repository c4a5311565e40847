// drivers/pci/pcie/portdrv.c: the PCIe port services driver.
import type { ClientDriver } from "../kernel.ts";

/**
 * pcieport: a bool Kconfig (CONFIG_PCIEPORTBUS), so always built in; it sets driver_managed_dma
 * from 5.19 (so VFIO can take a port's group) but uses the DMA API like any driver.
 */
export const PCIEPORT: ClientDriver = { name: "pcieport", bus: "pci", initcall: "device", builtin: true, driverManagedDma: "pcieportDriverManagedDma", keepsDmaApi: true };
