// The kernel data file (data/kernel/VERSION.json, schemas/kernel-data.schema.json): facts read from
// a kernel source tree about the drivers a devicetree platform can bind. Only names, compatibles,
// IDs, file paths, Kconfig symbols, initcall levels and indexes: no kernel code or prose.

export const KERNEL_DATA_FORMAT = "dtprobe-kernel-data";
export const KERNEL_DATA_FORMAT_VERSION = 1;

/** A configuration symbol's value in one .config: `y` built in, `m` module; absent means not set. */
export type Tristate = "y" | "m" | "n";

/** The type Kconfig gives a symbol (`bool`/`def_bool` → bool, `tristate`/`def_tristate` → tristate). */
export type SymbolType = "bool" | "tristate";

/**
 * When a build condition holds: a conjunction of clauses, each clause a disjunction of symbols
 * (`CONFIG_X`, or `!CONFIG_X` for "not set"). Outermost directory first; the object's own
 * symbol is the last clause. Empty: always built (obj-y all the way down).
 */
export type BuildCondition = readonly (readonly string[])[];

/** Initcall levels in the order do_initcalls() runs them (include/linux/init.h). */
export const INITCALL_LEVELS = [
  "early",
  "pure",
  "core",
  "core_sync",
  "postcore",
  "postcore_sync",
  "arch",
  "arch_sync",
  "subsys",
  "subsys_sync",
  "fs",
  "fs_sync",
  "rootfs",
  "device",
  "device_sync",
  "late",
  "late_sync",
] as const;
export type InitcallLevel = (typeof INITCALL_LEVELS)[number];

/** How a driver registers: the macro or initcall that registers it, its level when built in. */
export interface Registration {
  /**
   * The registering macro as written: `module_platform_driver`, `builtin_platform_driver`,
   * `module_platform_driver_probe`, `module_pci_driver`, `module_amba_driver`, `module_driver`,
   * or the initcall macro of the function that calls the register function (`arch_initcall`,
   * `subsys_initcall`, `module_init`, ...).
   */
  readonly via: string;
  /** The initcall level when built in (`module_init` and `module_*_driver` are `device`). */
  readonly level: InitcallLevel;
  /** Registered with platform_driver_probe(): probes once at registration, never deferred. */
  readonly probeOnce?: true;
  /** The register call when registered from an initcall function (`platform_driver_register`, ...). */
  readonly call?: string;
  /** File of the registration when it is not the driver's own file (tegra-drm, host1x, ...). */
  readonly file?: string;
}

/** A call of interest found on the probe path, and the function it is in. */
export interface ProbeCall {
  readonly call: string;
  readonly in: string;
}

/** Where a source file sits in the build: its module name, build condition and link position. */
export interface BuildFacts {
  /** KBUILD_MODNAME of the object the file is linked into (`-` → `_`). */
  readonly module: string;
  /** The Kconfig symbol of the `obj-$(CONFIG_X) += ...` line that builds the object, or null for obj-y. */
  readonly symbol: string | null;
  readonly build: BuildCondition;
}

export type DriverBus = "platform" | "amba" | "pci";

interface DriverCommon extends BuildFacts {
  /** struct device_driver name. */
  readonly name: string;
  readonly bus: DriverBus;
  /** Source file of the driver struct, relative to the tree root. */
  readonly file: string;
  /** Sets driver_managed_dma (the driver owns DMA; no default domain use, ownership claimed); absent: false. */
  readonly managedDma?: true;
  /**
   * The ID table is exported with MODULE_DEVICE_TABLE(of|pci|amba, ...): built as a module, udev
   * loads it for a matching device (modalias). Absent: a module nothing loads automatically.
   */
  readonly modalias?: true;
  /** How it registers; absent when no registration was found (see `unresolved`). */
  readonly registration?: Registration;
  /**
   * Global link order: the order of registration among built-in drivers of one initcall level
   * (top-level Kbuild order, then each Makefile's obj- lines, then position in the file).
   */
  readonly link: number;
  /** The probe function (when named in the struct or by module_platform_driver_probe). */
  readonly probe?: string;
  /** Device-creating calls reachable from probe within the module. */
  readonly creates?: readonly ProbeCall[];
  /** IOMMU / DMA-configuration calls reachable from probe within the module. */
  readonly iommuCalls?: readonly ProbeCall[];
  /** Component framework calls reachable from probe (the driver is part of an aggregate device). */
  readonly component?: readonly ProbeCall[];
  /** MFD cells the probe path adds, with the compatible each cell matches. */
  readonly mfdCells?: readonly { readonly name: string; readonly compatible?: string }[];
}

export interface OfDriver extends DriverCommon {
  readonly bus: "platform" | "amba";
  /** OF match table compatibles in table order (empty for an AMBA driver matched by ID only). */
  readonly compatible: readonly string[];
  /** Preprocessor guards of individual compatibles (`#ifdef CONFIG_ARCH_TEGRA_2x_SOC`), by compatible. */
  readonly guards?: Readonly<Record<string, string>>;
  /** Name of the of_device_id table (absent for an AMBA driver without one). */
  readonly table?: string;
  /** AMBA: peripheral IDs (`id&mask`, 8 hex digits each); the AMBA bus matches these, not compatibles. */
  readonly amba?: readonly string[];
}

export interface PciDriver extends DriverCommon {
  readonly bus: "pci";
  /**
   * pci_device_id entries: `vvvv:dddd` with `*` for PCI_ANY_ID, then ` sub ssss:ssss` when the
   * subsystem IDs are not ANY, then ` class cccccc/mmmmmm` when class_mask is not 0.
   */
  readonly ids: readonly string[];
  /** The pci_device_id table (absent for pci-stub/vfio-pci style drivers bound by driver_override or new_id). */
  readonly table?: string;
}

/** A compatible consumed by early init code (`IRQCHIP_DECLARE`, `CLK_OF_DECLARE`, `TIMER_OF_DECLARE`, ...). */
export interface EarlyDeclaration extends BuildFacts {
  readonly macro: string;
  readonly compatible: string;
  readonly file: string;
}

export interface ConfigValues {
  /** Name the model selects it by (`arm64`, `armmp`). */
  readonly name: string;
  readonly arch: "arm64" | "arm";
  /** Config file name as given. */
  readonly file: string;
  /** Debian package and version that shipped the config, when known. */
  readonly package?: string;
  readonly packageVersion?: string;
  /** Symbols set to y / m, among those the data refers to (sorted). */
  readonly y: readonly string[];
  readonly m: readonly string[];
}

export interface UnresolvedItem {
  readonly file: string;
  /** Driver struct or table name. */
  readonly what: string;
  readonly reason: string;
}

export interface KernelDataStats {
  /** Platform/AMBA driver structs under drivers/ that name an OF match table. */
  readonly ofDriversInDrivers: number;
  /** ... of which the table's compatibles, the name and the registration were all resolved. */
  readonly ofDriversInDriversResolved: number;
  readonly ofDrivers: number;
  readonly compatibles: number;
  readonly pciDrivers: number;
  readonly pciIds: number;
  readonly early: number;
  /** Driver structs of other buses (i2c, spi, ...) that name an OF table: out of scope, counted. */
  readonly otherBusOfDrivers: Readonly<Record<string, number>>;
}

export interface KernelData {
  readonly format: typeof KERNEL_DATA_FORMAT;
  readonly formatVersion: typeof KERNEL_DATA_FORMAT_VERSION;
  readonly kernel: {
    /** VERSION.PATCHLEVEL.SUBLEVEL from the top Makefile. */
    readonly version: string;
    /** major.minor, the key `--kernel` resolves to. */
    readonly release: string;
  };
  readonly source: {
    /** As given to the extractor (a file name, not a path, for shipped data). */
    readonly input: string;
    readonly package?: string;
    readonly packageVersion?: string;
  };
  /** The command that regenerates the file. */
  readonly command: string;
  readonly arches: readonly ("arm64" | "arm")[];
  readonly configs: readonly ConfigValues[];
  /** Kconfig types of the symbols the data refers to. */
  readonly symbols: Readonly<Record<string, SymbolType>>;
  readonly drivers: readonly OfDriver[];
  readonly pci: readonly PciDriver[];
  readonly early: readonly EarlyDeclaration[];
  readonly stats: KernelDataStats;
  readonly unresolved: readonly UnresolvedItem[];
}
