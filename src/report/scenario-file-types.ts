// A scenario file as `dtprobe run` and `dtprobe test` read it (schemas/scenario.schema.json): the
// inputs at the top, then the steps. Today's steps are the probe layer's ScenarioStep; the steps
// the kernel model does not run yet are typed here so that the model can take them over as they
// are (the field names are the schema's contract).
import type { PciFunctionInput } from "../graph/index.ts";
import type { Policy, ScenarioOp, ScenarioStep } from "../probe/index.ts";
import type { Span } from "../source/index.ts";

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
  /** The domain its group is on: a report domain id, a name an attach-domain step gave, or null. */
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
  /** ASIDs (tegra-smmu `asids`, arm-smmu-v3 `asids`). */
  readonly addressSpacesUsed?: number;
  /** Context banks (arm-smmu `contextBanks`, ipmmu-vmsa `contexts`). */
  readonly contextBanksUsed?: number;
  readonly comment?: string;
}

/** `expect` on the previous step's result. */
export interface ExpectResultStep {
  readonly op: "expect";
  readonly error?: ErrnoName;
  readonly ok?: true;
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

/** Steps the kernel model does not run yet, in the schema's shape. */
export type ModelPendingStep = ExpectStep | ModuleStep | DeferredTimeoutStep | PciAddStep | ReleaseDmaMappingStep | DmaBufferStep | DmaReleaseStep;
export type ModelPendingOp = ModelPendingStep["op"];

export type ScenarioFileStep = ScenarioStep | ModelPendingStep;
export type ScenarioFileOp = ScenarioOp | ModelPendingOp;

/** A path from the file, as written and resolved against the scenario's directory. */
export interface InputPath {
  readonly given: string;
  readonly path: string;
}

export interface ScenarioInputs {
  readonly board?: InputPath;
  readonly pci?: InputPath;
  readonly hw?: InputPath;
  readonly kconfig?: InputPath;
  readonly kernel?: string;
  readonly policy?: Policy;
  readonly bootargs?: string;
  /** Driver names built as modules. */
  readonly modules: readonly string[];
}

export interface ScenarioStepSpans {
  /** The step object. */
  readonly step: Span;
  /** Each field's value, by name (`device`, `module`, `size`, ...). */
  readonly fields: ReadonlyMap<string, Span>;
}

export interface ScenarioFile {
  /** The file name as given. */
  readonly file: string;
  readonly format: "json" | "yaml";
  readonly description?: string;
  readonly inputs: ScenarioInputs;
  readonly steps: readonly ScenarioFileStep[];
  readonly spans: readonly ScenarioStepSpans[];
  /** Where each input field's value is (`board`, `kernel`, `modules`...). */
  readonly inputSpans: ReadonlyMap<string, Span>;
}
