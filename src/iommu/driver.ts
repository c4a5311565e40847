// An IOMMU driver as a row, the way the kernel describes one with `struct iommu_ops`: what it can
// do is data (IommuCaps), what it does is a set of hooks, and a hook left out means the core's
// default, as a NULL op does in the kernel. Each driver keeps its own typed private state per
// instance (its `struct foo_iommu`) and, where the kernel driver has file-level globals, per run.
// Adding a driver: one file in drivers/ exporting an IommuDriver, one row in table.ts.
import type { Device } from "../graph/index.ts";
import type { FeatureFlag, KernelFeatures, KernelVersion } from "../kernel/index.ts";
import type { OfNode, PhandleIndex } from "../of/index.ts";
import type { DomainType, Limit, LimitValue, Result } from "./types.ts";

/** When a driver has something: from the start, never, or from a kernel change (src/kernel/changes.ts). */
export type Since = "always" | "never" | FeatureFlag;

export function since(s: Since, has: KernelFeatures): boolean {
  return s === "always" ? true : s === "never" ? false : has[s];
}

export interface IommuCaps {
  /** IOMMU_CAP_DEFERRED_FLUSH: a DMA-FQ domain can use a flush queue. */
  readonly deferredFlush: boolean;
  /** get_resv_regions reaches iommu_dma_get_resv_regions (DT `iommu-addresses`, 6.3+). */
  readonly dtReservedRegions: boolean;
  /** The domain types domain_alloc supports (driver.supportsType may narrow them per instance). */
  readonly domains: { readonly identity: Since; readonly dma: Since; readonly dmaFq: Since; readonly unmanaged: Since };
  /**
   * ops->blocked_domain: a static BLOCKED domain. Without one the core's blocking domain is an
   * empty UNMANAGED domain, which takes hardware resources when attached.
   */
  readonly blockedDomain: Since;
  /**
   * The driver's probe_device finds the master's IDs itself, without a fwspec from
   * of_iommu_configure (the bus-ops era), so the core probes devices at BUS_NOTIFY_ADD_DEVICE and
   * when the instance registers, in the bind era too; undefined: never. The flag is the change
   * that ended it.
   */
  readonly probesAtAddUntil?: FeatureFlag;
  /**
   * of_xlate accepts entries naming several instances of the driver for one master (they all
   * translate, or the driver picks one); otherwise the IDs of a later instance are programmed into
   * the fwspec's first one.
   */
  readonly multiInstance: boolean;
  /** The driver's probe creates platform devices for the IOMMU node's children (qcom_iommu's contexts). */
  readonly populatesChildren?: true;
  /**
   * The `used` counter that holds the address spaces (ASIDs) or the context banks the driver
   * hands out to domains, when it counts either (a scenario's `expect` reads them).
   */
  readonly counters?: { readonly addressSpaces?: string; readonly contextBanks?: string };
}

/** One of_match_table entry: a compatible and the SoC data the driver keeps for it. */
export interface IommuMatch {
  readonly compatible: string;
  readonly driver: IommuDriver;
  /** Hardware model / generation. */
  readonly model: string;
  /** `#iommu-cells` values the binding allows. */
  readonly iommuCells: readonly number[];
  /** Default limits for what the tree does not say (each can be given per instance with --hw). */
  readonly defaults: Readonly<Record<string, LimitValue>>;
}

/** What the IOMMU core hands a driver: groups, the other instances, logging, the kernel in force. */
export interface IommuCoreApi {
  newGroup(instance: IommuInstance, name?: string): IommuGroup;
  /** The group still exists (it has not been freed after its last device left). */
  groupAlive(group: IommuGroup): boolean;
  /** dev->dma_range_map as of_dma_configure set it (null: none). */
  dmaRangesOf(dev: Device): readonly { readonly dmaStart: bigint; readonly size: bigint }[] | null;
  /** Every IOMMU instance, in tree order (drivers that share state across instances: mtk hw_list). */
  allInstances(): readonly IommuInstance[];
  /** The instance of a node (the driver's own phandle references: ipmmu's main IPMMU). */
  instanceOf(node: OfNode): IommuInstance | undefined;
  /** pci_device_group. */
  pciDeviceGroup(dev: Device, instance: IommuInstance): Result<IommuGroup>;
  log(dev: Device | null, level: "info" | "warn" | "err" | "debug", message: string): void;
  /** The kernel version, for per-entry version tables; changes go through `has`. */
  readonly version: KernelVersion;
  /** The kernel changes this version has (src/kernel/changes.ts). */
  readonly has: KernelFeatures;
  readonly bootargs: ReadonlyMap<string, string>;
  /** For the OF helpers a driver calls on its own node (ofIrqCount, ofParsePhandle). */
  readonly phandles: PhandleIndex;
  /** The driver's state shared by all its instances (file-level globals: the SMMUv3 ASID space). */
  driverState<G>(driver: IommuDriver<unknown, G>): G;
}

/**
 * A driver. S is its per-instance state, G its per-run global state. Hooks marked optional have
 * the core's default when absent (the kernel's NULL-op rule), given with each.
 */
export interface IommuDriver<S = unknown, G = unknown> {
  /** The kernel driver's name (dev_driver_string of the IOMMU's platform device). */
  readonly name: string;
  /** Initcall level at which the driver registers (decides who probes first). */
  readonly initcall: "arch" | "subsys" | "device";
  readonly caps: IommuCaps;
  /** The driver's private state of one instance, made when the instance is found. */
  newInstanceState(inst: IommuInstance<S>): S;
  /** Its state shared by every instance, made at first use in a run. Default: none. */
  newDriverState?(): G;

  /** The dev_err the driver's probe prints when iommu_device_register fails ("Failed to register iommu"). Default: none. */
  readonly registerFailedLog?: string;
  /** The driver's probe up to iommu_device_register: checks the node, fills in limits. Default: ok. */
  probeInstance?(inst: IommuInstance<S>, core: IommuCoreApi): Result<void>;
  /** of_xlate: one `iommus` (or mapped) specifier into fwspec IDs. Default: -ENODEV (no of_xlate). */
  ofXlate?(inst: IommuInstance<S>, dev: Device, args: readonly number[], fwspec: Fwspec<S>, core: IommuCoreApi): Result<void>;
  /** probe_device: validate IDs, claim per-master resources (SMEs, stream table entries). Default: ok. */
  probeDevice?(fwspec: Fwspec<S>, dev: Device, core: IommuCoreApi): Result<void>;
  /** release_device: undo probeDevice. Default: nothing. */
  releaseDevice?(fwspec: Fwspec<S>, dev: Device, core: IommuCoreApi): void;
  /** device_group (required). */
  deviceGroup(fwspec: Fwspec<S>, dev: Device, core: IommuCoreApi): Result<IommuGroup>;
  /**
   * The instance that really translates for the master when the driver picks one itself rather
   * than the fwspec's first (rk_iommu_of_xlate keeps the last `iommus` entry). Default: the first.
   */
  translatingInstance?(fwspec: Fwspec<S>, dev: Device): IommuInstance;
  /** def_domain_type: the driver's preference. Default: none (0). */
  defDomainType?(fwspec: Fwspec<S>, dev: Device, core: IommuCoreApi): DomainType | undefined;
  /** Narrows caps.domains for one instance (apple-dart: identity only with bypass). Default: caps. */
  supportsType?(inst: IommuInstance<S>, type: DomainType, core: IommuCoreApi): boolean;
  /** Resources taken when a domain is allocated (SMMUv3 ASIDs from 6.9). Default: none. */
  allocDomain?(domain: IommuDomain<S>, core: IommuCoreApi): Result<void>;
  /** attach_dev (required): resources taken at first attach (context bank, tegra ASID), checks. */
  attachDev(domain: IommuDomain<S>, dev: Device, fwspec: Fwspec<S>, core: IommuCoreApi): Result<void>;
  /**
   * The device left `domain` (attached elsewhere or released); `domain.devices` no longer lists
   * it. Drivers that refcount a resource per attachment (tegra-smmu ASIDs) release it. Default: nothing.
   */
  detachDev?(domain: IommuDomain<S>, dev: Device, core: IommuCoreApi): void;
  /** Returns a domain's resources when it is freed. Default: nothing. */
  freeDomain?(domain: IommuDomain<S>, core: IommuCoreApi): void;
  /** The aperture of a paging domain on this instance (required). */
  aperture(inst: IommuInstance<S>): { start: bigint; end: bigint };
  /**
   * domain->pgsize_bitmap of a paging domain (its lowest bit is the IOVA granule of iommu-dma).
   * Default: io-pgtable's 4K | 2M | 1G with 4 KiB CPU pages.
   */
  pgsizeBitmap?(inst: IommuInstance<S>): bigint;
  /**
   * Why a master whose stream IDs were not configured faults instead of bypassing (arm-smmu with
   * disable_bypass), or undefined when it bypasses. Default: it bypasses.
   */
  unconfiguredStreamsFault?(inst: IommuInstance<S>, boolParams: ReadonlyMap<string, boolean>): string | undefined;
}

/** A driver and its of_match_table: one row of the driver table (table.ts). */
export interface IommuDriverEntry {
  readonly driver: IommuDriver;
  /** Exact compatibles. */
  readonly ofMatch: readonly IommuMatch[];
  /** SoC-specific compatibles matched by pattern (many compatibles, one driver). */
  readonly ofMatchPattern?: (compatible: string) => IommuMatch | undefined;
}

// ---------------------------------------------------------------- the objects

export type InstanceState = "registered" | "probe-failed" | "unknown-driver" | "disabled" | "not-probed";

export interface IommuInstance<S = unknown> {
  readonly index: number;
  /** Its device_node, for the driver's OF helpers (ofPropertyReadU32...). */
  readonly node: OfNode;
  /** %pOF of the node. */
  readonly path: string;
  /** %pOFn of the node. */
  readonly name: string;
  readonly compatible: readonly string[];
  /** of_device_is_available on its node. */
  readonly available: boolean;
  /** The platform device of the IOMMU (null when its node is not populated). */
  readonly device: Device | null;
  /** The driver whose of_match_table matches the node (undefined: no modelled driver). */
  readonly driver: IommuDriver | undefined;
  /** The matching of_match_table entry (the SoC data). */
  readonly match: IommuMatch | undefined;
  state: InstanceState;
  stateMessage: string | undefined;
  limits: Record<string, Limit>;
  /** iommu->ready (set when iommu_device_register returned). */
  registered: boolean;
  /** The driver's private state (its struct for the instance: SMR table, ASID bitmap...). */
  readonly priv: S;
  /** Resources in use, for the report (`contextBanks`, `asids`, `smrs`...). */
  used: Record<string, number>;
  /**
   * What the board needs beyond a limit the driver reads from the hardware at boot and dtprobe
   * only assumed (a documented default, neither in the tree nor from --hw): the count or width
   * needed. The model attaches as if the hardware had it; the report says "needs N".
   */
  needs: Record<string, number>;
}

export interface Fwspec<S = unknown> {
  readonly instance: IommuInstance<S>;
  /** The IDs of_xlate added (packed as the driver packs them). */
  readonly ids: number[];
  /** What the tree said: the `iommus` args per entry, or the mapped IDs for PCI. */
  readonly specifiers: number[][];
  /** Further instances of the same driver named by the device (Apple DART, Exynos). */
  readonly extraInstances: IommuInstance<S>[];
}

export interface IommuGroup {
  readonly id: number;
  readonly instance: IommuInstance;
  readonly devices: Device[];
  /** A named group from the driver (tegra-smmu "display"). */
  readonly name: string | undefined;
  defaultDomain: IommuDomain | null;
  domain: IommuDomain | null;
  /** group->blocking_domain: allocated at the first DMA-ownership claim, kept until the group dies. */
  blockingDomain: IommuDomain | null;
  ownerCnt: number;
  owner: string | null;
}

export interface IommuDomain<S = unknown> {
  readonly id: number;
  readonly type: DomainType;
  readonly instance: IommuInstance<S>;
  /**
   * Who allocated it: "default" (core), "arm-dma-mapping" (arm32 per device), "per-instance" (the
   * instance's shared domain or arm32 mapping), "per-group" (a group's arm32 mapping), a driver name.
   */
  readonly owner: string;
  /** Driver resource it holds: arm-smmu context bank, SMMUv3/tegra ASID, ipmmu context. */
  resource: { readonly kind: "context" | "asid"; readonly value: number } | null;
  /** Paging domains only; a driver may narrow it when the domain is finalised (mtk IOVA regions). */
  aperture: { readonly start: bigint; readonly end: bigint } | null;
  readonly devices: Device[];
  /** Whether the driver resource was taken (first attach for arm-smmu/tegra). */
  finalised: boolean;
}
