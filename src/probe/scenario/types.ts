// Runtime scenarios (`--scenario FILE`, `dtprobe run`): steps applied after boot, in order, as user
// space or an in-kernel user would do them, and checks of the state between them (`expect`).
// docs/scenarios.md describes the file; schemas/scenario.schema.json validates it (its field names
// are the contract these types follow).
import type { PciFunctionInput } from "../../graph/index.ts";
import type { Span } from "../../source/index.ts";
import type { Errno } from "../../iommu/index.ts";

/** Kernel errno names an `expect` step may name, with their values (include/uapi/asm-generic/errno*.h, EPROBE_DEFER from linux/err.h's internal range). */
export const ERRNO_NAMES = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EAGAIN: 11,
  EWOULDBLOCK: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  ERANGE: 34,
  EOPNOTSUPP: 95,
  ETIMEDOUT: 110,
  EPROBE_DEFER: 517,
} as const;

export type ErrnoName = keyof typeof ERRNO_NAMES;

/** The steps of the first scenario model: sysfs writes, VFIO ioctls, in-kernel domain users. */
export type BasicOp = "unbind" | "bind" | "remove" | "vfio-claim" | "vfio-attach" | "vfio-release" | "attach-domain" | "detach-domain" | "sysfs-type";

/** One of the basic steps as written. A target is a device (dev_name or DT path) or a group number. */
export interface BasicStep {
  readonly op: BasicOp;
  readonly device?: string;
  readonly group?: number;
  /** bind: the driver to bind (driver_override); default: the device's own driver. */
  readonly driver?: string;
  /** vfio-claim: the container the group joins (default: a container of its own). */
  readonly container?: string;
  /** attach-domain / detach-domain: the name of the in-kernel user's domain. */
  readonly domain?: string;
  /** attach-domain: iommu_attach_group (default) or the legacy iommu_attach_device. */
  readonly api?: "group" | "device";
  /** sysfs-type: what is written to /sys/kernel/iommu_groups/N/type. */
  readonly type?: "identity" | "DMA" | "DMA-FQ" | "auto";
  readonly comment?: string;
}

/** The report's values an `expect` step compares with (src/report/types.ts). */
export type ExpectDomainType = "DMA" | "DMA-FQ" | "identity" | "blocked" | "unmanaged";
export type ExpectState = "bound" | "deferred" | "failed" | "no-driver" | "not-created" | "unbound" | "removed";

/** `expect` on a device: every field given must hold. */
export interface ExpectDeviceStep {
  readonly op: "expect";
  readonly device: string;
  /** The group number, null for none. */
  readonly group?: number | null;
  /** Shares its group with this device. */
  readonly sameGroupAs?: string;
  /** The domain it translates through: a report domain id, a name an attach-domain step gave, or null. */
  readonly domain?: number | string | null;
  readonly domainType?: ExpectDomainType | null;
  readonly dmaOps?: "iommu" | "direct";
  readonly state?: ExpectState;
  readonly driver?: string | null;
  /** The instance that translates for it (DT path or dev_name), null for none. */
  readonly iommu?: string | null;
  readonly comment?: string;
}

/** `expect` on an IOMMU instance: the counter its driver keeps (the report's `used`). */
export interface ExpectInstanceStep {
  readonly op: "expect";
  readonly iommu: string;
  /** ASIDs (tegra-smmu, arm-smmu-v3). */
  readonly addressSpacesUsed?: number;
  /** Context banks (arm-smmu, ipmmu-vmsa contexts). */
  readonly contextBanksUsed?: number;
  readonly device?: undefined;
  readonly comment?: string;
}

/** `expect` on the previous step's result. */
export interface ExpectResultStep {
  readonly op: "expect";
  readonly error?: ErrnoName;
  readonly ok?: true;
  readonly device?: undefined;
  readonly iommu?: undefined;
  readonly comment?: string;
}

export type ExpectStep = ExpectDeviceStep | ExpectInstanceStep | ExpectResultStep;

/** A driver from the file's `modules` is loaded (modprobe) or unloaded (rmmod). */
export interface ModuleStep {
  readonly op: "load-module" | "unload-module";
  readonly module: string;
  readonly comment?: string;
}

/** deferred_probe_timeout_work_func runs now. */
export interface DeferredTimeoutStep {
  readonly op: "deferred-timeout";
  readonly comment?: string;
}

/** A PCI function appears (hotplug / rescan), as a --pci entry behind `hostBridge`. */
export interface PciAddStep {
  readonly op: "pci-add";
  readonly hostBridge?: string;
  readonly function: PciFunctionInput;
  readonly comment?: string;
}

/** arm32: arm_iommu_detach_device + arm_iommu_release_mapping on the device. */
export interface ReleaseDmaMappingStep {
  readonly op: "release-dma-mapping";
  readonly device: string;
  readonly comment?: string;
}

/** dma_map_single / dma_alloc_coherent of `count` buffers of `size` bytes under one name. */
export interface DmaBufferStep {
  readonly op: "dma-map" | "dma-alloc";
  readonly device: string;
  readonly name: string;
  /** Bytes (the file's "64K" already converted). */
  readonly size: number;
  readonly count: number;
  /** dma_set_mask_and_coherent(DMA_BIT_MASK(mask)) before mapping. */
  readonly mask?: number;
  /** dma-map: the buffer's physical address. */
  readonly phys?: bigint;
  readonly comment?: string;
}

/** dma_unmap_single / dma_free_coherent of every buffer under the name, in the order they were made. */
export interface DmaReleaseStep {
  readonly op: "dma-unmap" | "dma-free";
  readonly device: string;
  readonly name: string;
  readonly comment?: string;
}

export type ScenarioStep = BasicStep | ExpectStep | ModuleStep | DeferredTimeoutStep | PciAddStep | ReleaseDmaMappingStep | DmaBufferStep | DmaReleaseStep;
export type ScenarioOp = ScenarioStep["op"];

export interface Scenario {
  /** The file name as given. */
  readonly file: string;
  readonly steps: readonly ScenarioStep[];
  /** Per step: the span of the step object and of its `device` value (for diagnostics). */
  readonly spans: readonly { readonly step: Span; readonly device?: Span }[];
  /**
   * Drivers built as modules (the file's `modules`): not registered at boot; a `load-module` step
   * registers them.
   */
  readonly modules?: readonly string[];
}

/** One thing a step changed, for the timeline: a device's, instance's or domain's field. */
export interface StateChange {
  /** dev_name, an instance's DT path, or `domain N`. */
  readonly subject: string;
  readonly field: string;
  readonly from: string | number | boolean | null;
  readonly to: string | number | boolean | null;
}

/** One field an `expect` step checked. */
export interface ExpectCheck {
  readonly field: string;
  readonly expected: string | number | boolean | null;
  readonly actual: string | number | boolean | null;
  readonly holds: boolean;
}

export interface StepOutcome {
  /** 1-based step number. */
  readonly step: number;
  /** Line of the step in the scenario file. */
  readonly line: number;
  readonly op: ScenarioOp;
  /** What the step acted on, resolved (`54200000.dc`, `group 3`). */
  readonly target: string;
  readonly ok: boolean;
  readonly errno: Errno | null;
  readonly where: string | null;
  readonly message: string;
  /** What the step changed (devices, instances' counters, domains), in subject order. */
  readonly changes: readonly StateChange[];
  /** An `expect` step: every field it checked (`ok` says whether all hold). */
  readonly checks?: readonly ExpectCheck[];
}

export interface ScenarioOutcome {
  readonly file: string;
  readonly steps: readonly StepOutcome[];
  /** `expect` steps that did not hold. */
  readonly failedExpectations: number;
}
