// The IOMMU core's state (drivers/iommu/iommu.c's globals: the instances, groups, domains, their
// ID allocators) and the per-device part it keeps (dev->iommu, dev->iommu_group). The core reaches
// the rest of the kernel only through the small interfaces below, as iommu.c does through bus
// callbacks: the log, the devices on the buses and their dma_configure, and the DMA layer.
import type { Device, DeviceGraph, PciFunction } from "../../graph/index.ts";
import type { EraName, KernelFeatures, KernelVersion } from "../../kernel/index.ts";
import type { DmaRegion, OfNode } from "../../of/index.ts";
import type { IommuCoreApi, IommuDriver, Fwspec, IommuDomain, IommuGroup, IommuInstance } from "../driver.ts";
import type { DomainType, Failure } from "../types.ts";
import type { ResvRegion } from "./resv-regions.ts";
import type { BusWalkIndex } from "./walk-index.ts";

/** What a device's IOMMU and DMA configuration came to (the report's per-device fields). */
export interface IommuOutcome {
  /** The bound (or binding) driver's name (dev_driver_string). */
  driver: string | null;
  /** The instance the fwspec names (null: no IOMMU). */
  iommu: IommuInstance | null;
  /** Further instances of the same driver in the fwspec (IommuCaps.multiInstance drivers): they translate too. */
  extraIommus: IommuInstance[];
  /** The instance the tree names, even when configuration failed. */
  iommuWanted: IommuInstance | null;
  /** `iommus` args per entry, or the mapped ID(s) for PCI. */
  specifiers: number[][];
  /** fwspec IDs as the driver packed them. */
  ids: number[];
  group: IommuGroup | null;
  /** The domain the device translates through (group domain, or its arm32 mapping). */
  domain: IommuDomain | null;
  dmaOps: "iommu" | "direct";
  coherent: boolean;
  /** Highest DMA address the device can drive (dma-ranges / mask). */
  dmaLimit: bigint;
  dmaRanges: DmaRegion[] | null;
  errors: Failure[];
  /** Model notes (not kernel messages): silent kernel behaviour worth showing. */
  notes: string[];
}

/** A struct device as the IOMMU core sees it. */
export interface IommuDev {
  readonly dev: Device;
  readonly out: IommuOutcome;
  /** device_add has run (the device is on its bus). */
  added: boolean;
  /** dev->iommu->fwspec. */
  fwspec: Fwspec | null;
  /** It holds owner_cnt (iommu_device_use_default_domain succeeded). */
  usesDefaultDomain: boolean;
  /** iommu_get_resv_regions from the tree (`iommu-addresses`), read at IOMMU probe. */
  resvRegions: ResvRegion[];
  /** dev->iommu->require_direct: an IOMMU_RESV_DIRECT region exists. */
  requireDirect: boolean;
  /** The "group has no default domain" note was given. */
  noDefaultNoted: boolean;
  /** Why the current bind attempt defers, when it is not the IOMMU's absence. */
  deferReason: string | undefined;
}

export type LogLevel = "info" | "warn" | "err" | "debug";
export type LogKind = "notifier" | "log" | "note";

/** The kernel log as the core writes to it, and the device outcomes' errors and notes. */
export interface CoreLog {
  emit(kind: LogKind, dev: Device | null, level: LogLevel, message: string, prefix?: string): void;
  note(d: IommuDev, message: string): void;
  failWith(d: IommuDev, f: Failure, level: "err" | "warn" | "debug" | null): void;
}

/**
 * What the core calls outside itself: the devices on the buses and their dma_configure (bus
 * callbacks), the windows in which asynchronous binds may run during registration (the driver
 * core), and the DMA layer's view of domains. Set when the kernel is put together.
 */
export interface IommuBus {
  /** Every device, in creation order (bus_for_each_dev over the buses). */
  readonly devices: readonly IommuDev[];
  stateOf(dev: Device): IommuDev;
  /** bus_iommu_probe's own call of the device's dma_configure (of_iommu_configure). */
  configure(d: IommuDev): "ok" | "defer";
  /** The registered instance a device's first `iommus` entry names when its driver probes at add. */
  addProbeTarget(d: IommuDev): IommuInstance | undefined;
  /** The instance is on iommu_device_list, bus_iommu_probe has not started its walk. */
  beforeWalk(inst: IommuInstance): void;
  /** bus_iommu_probe grouped `newGroups` and has not set up their default domains yet. */
  inWindow(inst: IommuInstance, newGroups: readonly IommuGroup[]): void;
  /** A domain the DMA API uses for its group besides the default one (a shared arm32 mapping). */
  isDmaApiDomain(d: IommuDomain | null): boolean;
  /** A domain was freed (the DMA layer forgets its mappings). */
  domainFreed(d: IommuDomain): void;
}

/** The kernel configuration the core follows. */
export interface IommuConfig {
  /** iommu_def_domain_type. */
  readonly defaultType: DomainType;
  /** The default type came from the command line (iommu.passthrough), and the strictness (iommu.strict). */
  readonly typeFromCmdline: boolean;
  readonly strictFromCmdline: boolean;
  /** ARM_DMA_USE_IOMMU (no IOMMU_DMA: no DMA default domains, arm_iommu mappings at bind). */
  readonly armDmaMapping: boolean;
  /** What an arm32 mapping is shared by: each device (mainline), or (hypothetical) group / instance. */
  readonly armMappingScope: "device" | "group" | "instance";
  /** The hypothetical per-instance policy: one DMA default domain per IOMMU instance. */
  readonly sharedDefaultPerInstance: boolean;
  /** "6.1" (messages). */
  readonly kernelLabel: string;
  /** When the core configures devices (device creation, driver bind, device add). */
  readonly era: EraName;
}

/** drivers/iommu/iommu.c's state for one run, and the driver-facing API over it. */
export interface IommuCore extends IommuCoreApi {
  readonly graph: DeviceGraph;
  readonly config: IommuConfig;
  /** The kernel log (IommuCoreApi.log is the drivers' dev_* printing through it). */
  readonly klog: CoreLog;
  /** Set when the kernel is put together (before boot). */
  bus: IommuBus;
  readonly instances: IommuInstance[];
  readonly instanceByNode: Map<OfNode, IommuInstance>;
  /** Live groups and domains; Sets so that freeing one is O(1) (ordered by id at the end). */
  readonly groups: Set<IommuGroup>;
  readonly groupOfDev: Map<Device, IommuGroup>;
  readonly domains: Set<IommuDomain>;
  /** The group IDA: freed numbers, and the next new one. */
  readonly freeGroupIds: number[];
  nextGroupId: number;
  nextDomainId: number;
  /** The per-instance policy's shared DMA default domains. */
  readonly perInstanceDomain: Map<IommuInstance, IommuDomain>;
  /** Why the last domain allocation failed. */
  lastAllocFailure: Failure | undefined;
  /**
   * An instance on iommu_device_list whose iommu_device_register() has not returned: its
   * `iommu->ready` is still false (6.15+, da33e87bd2bf), so iommu_fwspec_init() defers a device
   * without dev->iommu.
   */
  notReady: IommuInstance | null;
  /** The device bus_iommu_probe() is configuring right now (its dma_configure call). */
  walking: IommuDev | null;
  /** Some registered IOMMU probes devices at BUS_NOTIFY_ADD_DEVICE (IommuCaps.probesAtAddUntil). */
  addProbing: boolean;
  readonly driverStates: Map<IommuDriver<unknown, unknown>, unknown>;
  /** PCI functions per (host bridge, bus), built once: pci_device_group asks for them per device. */
  readonly pciBuses: Map<unknown, Map<number, PciFunction[]>>;
  /** Which devices a bus_iommu_probe() walk visits (walk-index.ts; made at the first walk). */
  walkIndex: BusWalkIndex<OfNode> | undefined;
}

export interface IommuCoreOptions {
  readonly graph: DeviceGraph;
  readonly config: IommuConfig;
  readonly log: CoreLog;
  readonly version: KernelVersion;
  readonly has: KernelFeatures;
  readonly bootargs: ReadonlyMap<string, string>;
}
