// The IOMMU core's objects (drivers/iommu/iommu.c): instances, fwspecs, groups, domains, and the
// interface each modelled IOMMU driver implements (the iommu_ops callbacks that matter here).
import type { Device } from "../graph/index.ts";
import type { OfNode, PhandleIndex } from "../of/index.ts";
import type { KernelFeatures, KernelVersion } from "../kernel/index.ts";

/** Kernel errno names, as the kernel returns them (negative). */
export type Errno = "-ENODEV" | "-EINVAL" | "-ENOSPC" | "-EBUSY" | "-EPERM" | "-EEXIST" | "-ERANGE" | "-EFAULT" | "-EPROBE_DEFER" | "-ETIMEDOUT" | "-ENOMEM" | "-EOPNOTSUPP" | "-ENOENT" | "-EACCES";

export const ERRNO_VALUES: Record<Errno, number> = {
  "-ENOENT": -2,
  "-ENOMEM": -12,
  "-EACCES": -13,
  "-EFAULT": -14,
  "-EBUSY": -16,
  "-EEXIST": -17,
  "-ENODEV": -19,
  "-EINVAL": -22,
  "-ENOSPC": -28,
  "-ERANGE": -34,
  "-EPERM": -1,
  "-EOPNOTSUPP": -95,
  "-ETIMEDOUT": -110,
  "-EPROBE_DEFER": -517,
};

/** A failure with the message the kernel logs for it (if it logs one). */
export interface Failure {
  readonly errno: Errno;
  readonly message: string;
  /** Kernel function where the error arises (for the report and docs). */
  readonly where: string;
  /**
   * The failure exists only because of a limit dtprobe assumed (a documented default, not the
   * tree or --hw): the limit's name. The real hardware may have more.
   */
  readonly assumedLimit?: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: Failure };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(errno: Errno, where: string, message: string): Result<T> => ({ ok: false, failure: { errno, where, message } });

/** sysfs names of domain types. */
export type DomainType = "blocked" | "identity" | "unmanaged" | "DMA" | "DMA-FQ";

/** The IOMMU_DOMAIN_* value a type has (include/linux/iommu.h), for the kernel's own messages. */
export const DOMAIN_TYPE_VALUES: Record<DomainType, number> = { blocked: 0, unmanaged: 1, DMA: 3, identity: 4, "DMA-FQ": 11 };

export type LimitValue = number | boolean | string;

/** Hardware limits of one instance, each with where its value came from. */
export interface Limit {
  readonly value: LimitValue;
  readonly source: "tree" | "default" | "hw";
  readonly description: string;
}

export type InstanceState = "registered" | "probe-failed" | "unknown-driver" | "disabled" | "not-probed";

export interface IommuInstance {
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
  readonly row: IommuDriverRow | undefined;
  state: InstanceState;
  stateMessage: string | undefined;
  limits: Record<string, Limit>;
  /** iommu->ready (set when iommu_device_register returned). */
  registered: boolean;
  /** Driver-private state (SMR table, ASID bitmap, stream ownership...). */
  priv: Record<string, unknown>;
  /** Resources in use, for the report (`contextBanks`, `asids`, `smrs`...). */
  used: Record<string, number>;
}

export interface Fwspec {
  readonly instance: IommuInstance;
  /** The IDs of_xlate added (packed as the driver packs them). */
  readonly ids: number[];
  /** What the tree said: the `iommus` args per entry, or the mapped IDs for PCI. */
  readonly specifiers: number[][];
  /** Further instances of the same driver named by the device (Apple DART, Exynos). */
  readonly extraInstances: IommuInstance[];
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

export interface IommuDomain {
  readonly id: number;
  readonly type: DomainType;
  readonly instance: IommuInstance;
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

/** What the core hands a driver model so it can create groups and log like the kernel. */
export interface IommuCoreApi {
  newGroup(instance: IommuInstance, name?: string): IommuGroup;
  /** The group still exists (it has not been freed after its last device left). */
  groupAlive(group: IommuGroup): boolean;
  groupOf(dev: Device): IommuGroup | undefined;
  /** dev->dma_range_map as of_dma_configure set it (null: none). */
  dmaRangesOf(dev: Device): readonly { readonly dmaStart: bigint; readonly size: bigint }[] | null;
  /** Every IOMMU instance, in tree order (drivers that share state across instances: mtk hw_list). */
  allInstances(): readonly IommuInstance[];
  /** pci_device_group. */
  pciDeviceGroup(dev: Device, instance: IommuInstance): Result<IommuGroup>;
  log(dev: Device | null, level: "info" | "warn" | "err" | "debug", message: string): void;
  /** Kernel version as [major, minor] (for per-entry version tables; changes go through `has`). */
  readonly version: KernelVersion;
  /** The kernel changes this version has (src/kernel/changes.ts). */
  readonly has: KernelFeatures;
  readonly bootargs: ReadonlyMap<string, string>;
  readonly phandles: PhandleIndex;
  /** State shared by every instance of a driver (the SMMUv3 global ASID xarray). */
  readonly shared: Map<string, unknown>;
}

export interface IommuDriverOps {
  /** Validates the instance's node and fills in limits (the driver's probe up to iommu_device_register). */
  probeInstance(inst: IommuInstance, core: IommuCoreApi): Result<void>;
  /** of_xlate: turn one `iommus` (or mapped) specifier into fwspec IDs. */
  ofXlate(inst: IommuInstance, dev: Device, args: readonly number[], fwspec: Fwspec, core: IommuCoreApi): Result<void>;
  /** probe_device: validate IDs and claim per-master resources (SMEs, stream table entries). */
  probeDevice(fwspec: Fwspec, dev: Device, core: IommuCoreApi): Result<void>;
  /** release_device: undo probeDevice. */
  releaseDevice(fwspec: Fwspec, dev: Device, core: IommuCoreApi): void;
  deviceGroup(fwspec: Fwspec, dev: Device, core: IommuCoreApi): Result<IommuGroup>;
  /**
   * The driver's probe_device finds the master's IDs itself, without a fwspec from
   * of_iommu_configure (tegra-smmu before 6.8): the core probes devices at BUS_NOTIFY_ADD_DEVICE
   * and when the instance registers, in the bind era too.
   */
  probesAtAdd?(inst: IommuInstance, core: IommuCoreApi): boolean;
  /**
   * The instance that really translates for the master when the driver picks one itself rather
   * than the fwspec's first (rk_iommu_of_xlate keeps the last `iommus` entry). Default: the first.
   */
  translatingInstance?(fwspec: Fwspec, dev: Device): IommuInstance;
  /** def_domain_type: the driver's preference, or undefined for none (0). */
  defDomainType(fwspec: Fwspec, dev: Device, core: IommuCoreApi): DomainType | undefined;
  /** Whether domain_alloc supports a type (identity, DMA-FQ...). */
  supportsType(inst: IommuInstance, type: DomainType, core: IommuCoreApi): boolean;
  /** Resources taken when the domain is allocated (SMMUv3 ASIDs). */
  allocDomain(domain: IommuDomain, core: IommuCoreApi): Result<void>;
  /** attach_dev: resources taken at first attach (context bank, tegra ASID), domain/instance checks. */
  attachDev(domain: IommuDomain, dev: Device, fwspec: Fwspec, core: IommuCoreApi): Result<void>;
  /**
   * The device left `domain` (attached elsewhere or released); `domain.devices` no longer lists
   * it. Drivers that refcount a resource per attachment (tegra-smmu ASIDs) release it here.
   */
  detachDev?(domain: IommuDomain, dev: Device, core: IommuCoreApi): void;
  /**
   * The driver has a static BLOCKED domain (ops->blocked_domain); without one the core's
   * blocking domain is an empty UNMANAGED domain, which takes hardware resources at attach.
   */
  hasBlockedDomain?(inst: IommuInstance, core: IommuCoreApi): boolean;
  /** get_resv_regions reaches iommu_dma_get_resv_regions (DT `iommu-addresses`, 6.3+). */
  readonly dtReservedRegions?: boolean;
  /** Returns a domain's resources when it is freed. */
  freeDomain(domain: IommuDomain, core: IommuCoreApi): void;
  /** Aperture of a paging domain on this instance. */
  aperture(inst: IommuInstance): { start: bigint; end: bigint };
  /** IOMMU_CAP_DEFERRED_FLUSH (DMA-FQ usable). */
  readonly deferredFlush: boolean;
}

/** One row of the IOMMU driver table: a compatible string and what the kernel does with it. */
export interface IommuDriverRow {
  readonly compatible: string;
  /** Kernel driver name (dev_driver_string). */
  readonly driver: string;
  readonly family: IommuFamily;
  /** Hardware model / generation. */
  readonly model: string;
  /** `#iommu-cells` values the binding allows. */
  readonly iommuCells: readonly number[];
  /** Default limits for what the tree does not say. */
  readonly defaults: Readonly<Record<string, LimitValue>>;
  /** Initcall level at which the driver registers (decides who probes first). */
  readonly initcall: "arch" | "subsys" | "device";
}

export type IommuFamily = "arm-smmu" | "arm-smmu-v3" | "tegra-smmu" | "qcom-iommu" | "rockchip-iommu" | "exynos-sysmmu" | "mtk-iommu" | "apple-dart" | "ipmmu-vmsa" | "sun50i-iommu";
