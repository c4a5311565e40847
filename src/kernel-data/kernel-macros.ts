// The kernel macros the extractor reads by name rather than by expanding them: driver
// registration (include/linux/platform_device.h, include/linux/device/driver.h, include/linux/pci.h,
// include/linux/amba/bus.h), initcalls (include/linux/init.h, include/linux/module.h), and the
// *_OF_DECLARE family (include/linux/of.h and the subsystem headers).
import type { InitcallLevel } from "./types.ts";

/** module_*_driver-style macros: the first argument is the driver. */
export const DRIVER_MACROS: Record<string, { probeOnce?: true }> = {
  module_platform_driver: {},
  builtin_platform_driver: {},
  module_platform_driver_probe: { probeOnce: true },
  builtin_platform_driver_probe: { probeOnce: true },
  module_amba_driver: {},
  builtin_amba_driver: {},
  module_pci_driver: {},
  builtin_pci_driver: {},
  module_driver: {},
  builtin_driver: {},
};

export const INITCALL_MACROS: Record<string, InitcallLevel> = {
  early_initcall: "early",
  pure_initcall: "pure",
  core_initcall: "core",
  core_initcall_sync: "core_sync",
  postcore_initcall: "postcore",
  postcore_initcall_sync: "postcore_sync",
  arch_initcall: "arch",
  arch_initcall_sync: "arch_sync",
  subsys_initcall: "subsys",
  subsys_initcall_sync: "subsys_sync",
  fs_initcall: "fs",
  fs_initcall_sync: "fs_sync",
  rootfs_initcall: "rootfs",
  device_initcall: "device",
  device_initcall_sync: "device_sync",
  late_initcall: "late",
  late_initcall_sync: "late_sync",
  module_init: "device",
  __initcall: "device",
};

/** *_OF_DECLARE-style macros and the argument that holds the compatible. */
export const EARLY_MACROS: Record<string, number> = {
  IRQCHIP_DECLARE: 1,
  CLK_OF_DECLARE: 1,
  CLK_OF_DECLARE_DRIVER: 1,
  TIMER_OF_DECLARE: 1,
  CLOCKSOURCE_OF_DECLARE: 1,
  RESERVEDMEM_OF_DECLARE: 1,
  IOMMU_OF_DECLARE: 1,
  OF_DECLARE_1: 2,
  OF_DECLARE_1_RET: 2,
  OF_DECLARE_2: 2,
};

/** Every macro read by name: never expanded, even where its definition is visible. */
export function isKnownKernelMacro(name: string): boolean {
  return name in DRIVER_MACROS || name in INITCALL_MACROS || name in EARLY_MACROS;
}
