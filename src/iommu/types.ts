// The IOMMU core's objects (drivers/iommu/iommu.c): instances, fwspecs, groups, domains, and the
// interface each modelled IOMMU driver implements (the iommu_ops callbacks that matter here).
import type { Device } from "../graph/index.ts";
import type { OfNode } from "../of/index.ts";
import type { IommuDriver, IommuMatch } from "./driver.ts";

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
