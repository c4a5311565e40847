// Which driver binds each device, and when it registers. IOMMU instances get their IOMMU driver
// (src/iommu/table.ts). PCI functions take the driver named in the --pci file (null: none binds).
// For DT platform/AMBA devices dtprobe assumes that some driver binds (a board's DT describes
// hardware that has drivers) unless the table below says the node is consumed without a struct
// device_driver (OF_DECLARE'd early code) or names a specific modelled driver.
import type { Device } from "../graph/index.ts";
import { iommuMatchForCompatible } from "../iommu/index.ts";

export type InitcallLevel = "arch" | "subsys" | "device" | "module";

export interface DriverMatch {
  /** Driver name, or null when no driver binds. */
  readonly name: string | null;
  /** The name is an assumption, not a modelled driver. */
  readonly assumed: boolean;
  readonly initcall: InitcallLevel;
  /** driver_managed_dma: the driver owns DMA and does not use the default domain. */
  readonly driverManagedDma: boolean;
  /** Why no driver binds (for the report). */
  readonly reason?: string;
}

/** Compatibles handled by *_OF_DECLARE early init or by no driver at all. */
const NO_DRIVER = new Set([
  "syscon",
  "fixed-clock",
  "fixed-factor-clock",
  "arm,psci",
  "arm,psci-0.2",
  "arm,psci-1.0",
  "arm,armv7-timer",
  "arm,armv8-timer",
  "arm,gic-400",
  "arm,gic-v3",
  "arm,cortex-a15-gic",
  "arm,cortex-a9-gic",
  "arm,cortex-a7-gic",
]);

/** Platform drivers that set driver_managed_dma (they manage the IOMMU themselves). */
const DRIVER_MANAGED = new Map<string, string>([
  ["vfio-platform", "vfio-platform"],
]);

/** VFIO bus drivers: driver_managed_dma, and their probe needs an IOMMU group. */
export const VFIO_DRIVERS: ReadonlySet<string> = new Set(["vfio-platform", "vfio-amba", "vfio-pci", "mlx5_vfio_pci", "hisi_acc_vfio_pci", "nvgrace_gpu_vfio_pci"]);

/** Drivers a scenario may bind with driver_override, per bus; all of them set driver_managed_dma. */
export const OVERRIDE_DRIVERS: Readonly<Record<string, readonly string[]>> = {
  platform: ["vfio-platform"],
  amba: ["vfio-amba"],
  pci: ["vfio-pci", "pci-stub"],
};

/** PCI drivers behind bool Kconfig symbols are built in; tristate ones are assumed to be modules. */
const BUILTIN_PCI_DRIVERS = new Set(["pcieport"]);

// The answers shared by many devices, made once (frozen: DriverMatch is read-only): a large
// board asks for hundreds of thousands of them.
const ASSUMED: DriverMatch = Object.freeze({ name: "(assumed)", assumed: true, initcall: "device", driverManagedDma: false });
const PCI_NONE: DriverMatch = Object.freeze({ name: null, assumed: false, initcall: "device", driverManagedDma: false, reason: "no driver binds (--pci driver null)" });
const UNKNOWN_IOMMU: DriverMatch = Object.freeze({ name: null, assumed: false, initcall: "device", driverManagedDma: false, reason: "unknown IOMMU compatible: no modelled driver" });
const EARLY: DriverMatch = Object.freeze({ name: null, assumed: false, initcall: "device", driverManagedDma: false, reason: "initialised early (OF_DECLARE) or no driver: no struct device_driver binds" });

export function matchDriver(dev: Device, isIommuNode: boolean): DriverMatch {
  if (dev.bus === "pci") {
    const f = dev.pci!;
    if (f.driver === null) return PCI_NONE;
    if (f.driver === undefined) return ASSUMED;
    return { name: f.driver, assumed: false, initcall: BUILTIN_PCI_DRIVERS.has(f.driver) ? "device" : "module", driverManagedDma: f.driverManagedDma };
  }
  if (isIommuNode) {
    const match = iommuMatchForCompatible(dev.compatible);
    if (!match) return UNKNOWN_IOMMU;
    return { name: match.driver.name, assumed: false, initcall: match.driver.initcall, driverManagedDma: false };
  }
  const compatible = dev.compatible;
  for (let i = 0; i < compatible.length; i++) {
    const managed = DRIVER_MANAGED.get(compatible[i]!);
    if (managed) return { name: managed, assumed: false, initcall: "device", driverManagedDma: true };
  }
  if (compatible.length > 0 && compatible.every((c) => NO_DRIVER.has(c))) return EARLY;
  return ASSUMED;
}
