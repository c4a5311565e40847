// The vocabulary of driver binding shared by the driver catalog and the kernel's state (kernel.ts
// re-exports it): when a driver registers, and why a device has none.
import type { InitcallLevel as KernelInitcallLevel } from "../../kernel-data/index.ts";

/**
 * When a driver registers: a built-in driver at its initcall level (include/linux/init.h, in
 * do_initcalls order), a module after the built-in initcalls, when udev loads it.
 */
export type InitcallLevel = KernelInitcallLevel | "module";

/**
 * Why no driver binds a device: no driver of this kernel matches it; drivers match but the
 * configuration does not build them; the only match is a module nothing loads (no
 * MODULE_DEVICE_TABLE, and no other driver's alias loads its .ko); early init code handles the
 * node (IRQCHIP_DECLARE, CLK_OF_DECLARE, TIMER_OF_DECLARE) and no driver binds it; an AMBA device
 * whose peripheral ID is unknown; a PCI function from the tree without IDs; the --pci file says
 * none binds; an IOMMU compatible no modelled IOMMU driver knows.
 */
export type UnboundReason = "no-match" | "not-built" | "module-not-loaded" | "early-init" | "amba-id-unknown" | "pci-ids-unknown" | "pci-file" | "unknown-iommu";
