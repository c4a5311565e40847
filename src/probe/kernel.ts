// The emulated kernel's state: one record of per-subsystem states, each owned by the module that
// stands for the kernel file that keeps it (the driver core's deferred list in base/dd.ts, the IOMMU
// core's groups in iommu/core, the arm32 mappings in dma/), and the structures they share (struct
// device as DevState, the client driver rows). Types only (and stateFor): every module imports this
// file and nothing in it imports them back.
import type { Device, DeviceGraph } from "../graph/index.ts";
import type { IommuCore, IommuDev, IommuDomain, IommuGroup, IommuInstance, Result } from "../iommu/index.ts";
import type { FeatureFlag, KernelFeatures } from "../kernel/index.ts";
import type { OfDriver, PciDriver } from "../kernel-data/index.ts";
import type { AsyncProbeRequest } from "./base/async-probe.ts";
import type { Deque } from "./deque.ts";
import type { InitcallLevel, UnboundReason } from "./drivers/binding.ts";
import type { DriverCatalog } from "./drivers/catalog.ts";
import type { ArmSharedMappings } from "./dma/arm-shared-mapping.ts";
import type { KernelLog } from "./log.ts";
import type { PciHostState } from "./pci/host-state.ts";
import type { ProbeOptions, ResolvedConfig } from "./options.ts";
import type { DeviceOutcome } from "./types.ts";

export type { InitcallLevel, UnboundReason } from "./drivers/binding.ts";

/**
 * Where a device's driver name comes from: the kernel's driver table (data/kernel, or the
 * user's tree), the --pci file, dtprobe's own driver models (IOMMU drivers, client rows when no
 * table applies), dtprobe's assumption (--assume-drivers, or no table), or a scenario's
 * driver_override.
 */
export type DriverSource = "kernel-data" | "pci-file" | "model" | "assumed" | "override";

/** Which driver binds a device, and when it registers. */
export interface DriverMatch {
  /** Driver name, or null when no driver binds. */
  readonly name: string | null;
  /** The name is an assumption, not a modelled driver. */
  readonly assumed: boolean;
  readonly initcall: InitcallLevel;
  /** driver_managed_dma: the driver owns DMA and does not use the default domain. */
  readonly driverManagedDma: boolean;
  /** The driver does its own IOMMU work and never uses the DMA API (user-space DMA drivers). */
  readonly ownsDma: boolean;
  /** Why no driver binds (for the report). */
  readonly reason?: string;
  /** The modelled behaviour of the driver (its row), if any. */
  readonly row?: ClientDriver;
  /** Where the name comes from (null: no driver). */
  readonly source: DriverSource | null;
  /**
   * Registration order among the drivers of its level (the kernel's link order for built-in
   * drivers; the order udev loads modules in for a module); 0 when unknown (assumed drivers).
   */
  readonly link: number;
  /** A module (=m): KBUILD_MODNAME of the module udev loads for it after boot. */
  readonly module?: string;
  /** Why no driver binds, as a code (the report's unboundReason). */
  readonly unbound?: UnboundReason;
  /** The driver table's row of the driver, when a table applies. */
  readonly kernelDriver?: OfDriver | PciDriver;
}

/** A struct device: the IOMMU core's part (IommuDev) and the driver core's. */
export interface DevState extends IommuDev {
  readonly out: DeviceOutcome;
  /** The driver that binds (a scenario `bind DEV DRIVER` replaces it: driver_override). */
  match: DriverMatch;
  /** The instance object when this device is itself an IOMMU. */
  readonly instance: IommuInstance | undefined;
  onDeferredList: boolean;
  rangesDone: boolean;
  dmaOpsDone: boolean;
  /** The specifiers were recorded (first parse). */
  specsRecorded: boolean;
  /** Inside really_probe (dev->driver is set: messages carry the driver name). */
  inProbe: boolean;
  /**
   * The instances already noted as programmed into the first IOMMU: from 6.15 every registration
   * walk configures the device again, which made one note per walk (N² events for a device on N
   * instances).
   */
  firstIommuNoted: Set<IommuInstance> | null;
  /**
   * A newer struct device has its name: this one was removed (device_del, then freed by its last
   * put_device) and a PCI rescan added a new one (pci_device_add -> device_add). The report shows
   * the device by that name as it is at the end, so it leaves this one out; the timeline keeps it.
   */
  replaced: boolean;
}

/**
 * A client driver's own IOMMU work at probe (outside the DMA API): on arm32 it may release the
 * implicit arm_iommu mapping first, then decide whether to allocate a paging domain of its own
 * and attach its group to it (drivers/own-domain.ts runs it; undone at remove).
 */
export interface OwnDomainSpec {
  /** The kernel function that releases the arm_iommu mapping on this kernel, or null when none does. */
  releaseIn(has: KernelFeatures): string | null;
  /** The decision after the release (the device's current domain is read again, as the driver does). */
  plan(k: Kernel, s: DevState, current: IommuDomain | null): { readonly kind: "none"; readonly why: string } | { readonly kind: "alloc"; readonly where: string };
  /** dev_err lines the probe prints when its own domain cannot be set up, innermost first. */
  failureLog(errno: number): readonly string[];
  /** The errno of a failed attach the driver treats as "no IOMMU" (-ENODEV, say). */
  readonly toleratesAttachErrno?: string;
  /**
   * How the domain is attached: iommu_attach_group (default) or iommu_attach_device, which
   * needs a group of one device (-EINVAL otherwise).
   */
  readonly attach?: "group" | "device";
  /** A failure is printed (failureLog) and the probe goes on without the domain. */
  readonly failureIsNotFatal?: true;
}

/**
 * A composite (aggregate) driver: a logical device that probes once all its components are bound
 * (the component framework, a host's bus of subdevices), and tears down when one goes.
 */
export interface Aggregate {
  /** After every successful bind. */
  deviceBound(s: DevState): void;
  /** Before a device's driver is released. */
  deviceUnbinding(s: DevState): void;
}

/**
 * A client driver as a row: its behaviour, keyed by the kernel's driver name. When a driver table
 * applies (the shipped data/kernel tables, --kernel-src), the table decides which driver binds a
 * device, at which initcall level and in which order; the row with that `name` and `bus` supplies
 * what the driver does. `compatible` / `pattern` / `initcall` are used only when no table applies
 * (--assume-drivers, or a kernel no table covers).
 */
export interface ClientDriver {
  /** platform_driver.driver.name / pci_driver.name, exactly as in the driver table (its `name`). */
  readonly name: string;
  readonly bus: "platform" | "amba" | "pci";
  /** Without a driver table: the compatibles the model takes it to match... */
  readonly compatible?: readonly string[];
  /** ...or a pattern for SoC-numbered families. */
  readonly pattern?: RegExp;
  /** A string every pattern match starts with (a cheap test before the pattern). */
  readonly prefix?: string;
  /** Without a driver table: when it registers. */
  readonly initcall: InitcallLevel;
  /** driver_managed_dma: always, or from a kernel change. */
  readonly driverManagedDma?: true | FeatureFlag;
  /** driver_managed_dma, yet the DMA API is set up as for any driver (PCIe port services). */
  readonly keepsDmaApi?: true;
  /** A scenario may bind it with driver_override. */
  readonly override?: true;
  /**
   * The model gives this driver's behaviour but the report keeps dtprobe's assumption
   * (`(assumed)`) as its name, as before the driver was modelled.
   */
  readonly reportAssumed?: true;
  /** PCI: built in (bool Kconfig); otherwise a tristate PCI driver is taken to be a module. */
  readonly builtin?: true;
  /** Its probe creates platform devices for its DT children (devm_of_platform_populate). */
  readonly populatesChildren?: true;
  /**
   * Child nodes (by name) its probe registers as platform devices of their own with
   * platform_device_register_full (the node as fwnode, no compatible needed, no driver binds
   * them): the graph creates them; the probe adds and configures them itself.
   */
  readonly registersChildren?: readonly string[];
  /**
   * Its index in the driver array its module registers (platform_register_drivers) after the
   * devices it binds were created by another driver's bind. The devices one bind adds are
   * attached driver by driver in this order, each in add order (base/dd.ts); devices of drivers
   * without one keep add order, before them.
   */
  readonly registerOrder?: number;
  /** The driver's probe, after dma_configure (really_probe's drv->probe). */
  probe?(k: Kernel, s: DevState): Result<void>;
  /** Its remove, before the driver core's teardown. */
  remove?(k: Kernel, s: DevState): void;
  /** Its own IOMMU domain at probe (drivers/own-domain.ts). */
  readonly ownDomain?: OwnDomainSpec;
  /** The composite device whose driver binds once this driver's components are bound. */
  readonly aggregate?: (k: Kernel) => Aggregate;
}

/** drivers/base/dd.c's state: registered drivers, the bind queue, the deferred list. */
export interface DriverCoreState {
  /** Initcall levels whose drivers have registered. */
  readonly registeredLevels: Set<InitcallLevel>;
  /** late_initcall ran (deferred_probe_initcall). */
  initcallsDone: boolean;
  /** The deferred probe timeout expired. */
  timeoutExpired: boolean;
  /** Drivers built as modules and not loaded (a scenario's `modules` until `load-module`). */
  readonly unloadedModules: Set<string>;
  /** deferred_probe_pending_list. */
  readonly deferred: DevState[];
  /** Bind attempts queued (bus_probe_device, driver_attach, the deferred trigger). */
  readonly queue: Deque<DevState>;
  /**
   * States by their driver's initcall level, in creation order: driver registration visits only
   * its level's devices. A state's level changes only with a scenario's `bind` (driver_override),
   * which runs after the last registration.
   */
  readonly statesByLevel: Map<InitcallLevel, DevState[]>;
  /** Devices added by one bind (populated children, PCI functions), queued in add order. */
  addBatch: DevState[] | null;
  /** `driver_async_probe=` from the command line (undefined: every driver binds synchronously). */
  readonly asyncProbe: AsyncProbeRequest | undefined;
}

/** The DMA-mapping layer's state. */
export interface DmaState {
  /**
   * ARM_DMA_USE_IOMMU semantics: no IOMMU_DMA, DMA ops from arm_iommu mappings. The per-device
   * policy anywhere (arm32's own; on arm64 hypothetical), and every policy on arm32.
   */
  readonly armDmaMapping: boolean;
  /**
   * arm32 under a hypothetical policy (per-group, per-instance): the arm_iommu mapping is shared
   * per group or per IOMMU instance instead of created per device (the 2014 proposal).
   */
  readonly armShared: ArmSharedMappings | undefined;
}

/** The client drivers' run-time state. */
export interface DriversState {
  /** Which drivers this kernel has (a driver table, or dtprobe's assumption). */
  readonly catalog: DriverCatalog;
  /** Each distinct compatible list's match, made once per run (DriverMatch is read-only). */
  readonly matches: WeakMap<readonly string[], DriverMatch>;
  /** The composite drivers of the modelled rows, one each. */
  readonly aggregates: readonly Aggregate[];
  /** Domains drivers allocated for themselves (ownDomain), per device. */
  readonly ownDomains: Map<DevState, { readonly domain: IommuDomain; readonly group: IommuGroup }>;
}

/**
 * device_add / device_del as the driver core reaches them from really_probe and
 * __device_release_driver (a driver's of_platform_populate / depopulate of its children).
 */
export interface DeviceLifecycle {
  add(s: DevState): void;
  removeTree(s: DevState): void;
}

export interface Kernel {
  readonly graph: DeviceGraph;
  readonly options: ProbeOptions;
  /** Policy and architecture in force, and what makes the run hypothetical. */
  readonly config: ResolvedConfig;
  /** The kernel changes this version has (src/kernel/changes.ts), resolved once. */
  readonly has: KernelFeatures;
  /** The command line in force (--bootargs, else /chosen/bootargs), and its words. */
  readonly bootargsText: string;
  readonly bootargs: ReadonlyMap<string, string>;
  /** The modelled boolean parameters the command line sets, as this kernel's kstrtobool reads them (cmdline.ts). */
  readonly boolParams: ReadonlyMap<string, boolean>;
  readonly log: KernelLog;
  /** Every device's state, by Device.id. */
  readonly states: readonly DevState[];
  readonly iommu: IommuCore;
  readonly dd: DriverCoreState;
  readonly dma: DmaState;
  readonly drivers: DriversState;
  /** The PCI core's host bridges: domain numbers and registered root buses. */
  readonly pci: PciHostState;
  readonly lifecycle: DeviceLifecycle;
}

export const stateFor = (k: Kernel, dev: Device): DevState => k.states[dev.id]!;
