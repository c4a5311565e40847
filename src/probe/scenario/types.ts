// Runtime scenarios (`--scenario FILE`): steps applied after boot, in order, as user space or an
// in-kernel user would do them. docs/scenarios.md describes the file; schemas/scenario.schema.json
// validates it.
import type { Span } from "../../source/index.ts";
import type { Errno } from "../../iommu/index.ts";

export type ScenarioOp = "unbind" | "bind" | "remove" | "vfio-claim" | "vfio-attach" | "vfio-release" | "attach-domain" | "detach-domain" | "sysfs-type";

/** One step as written. A target is a device (dev_name or DT path) or a group number. */
export interface ScenarioStep {
  readonly op: ScenarioOp;
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

export interface Scenario {
  /** The file name as given. */
  readonly file: string;
  readonly steps: readonly ScenarioStep[];
  /** Per step: the span of the step object and of its `device` value (for diagnostics). */
  readonly spans: readonly { readonly step: Span; readonly device?: Span }[];
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
}

export interface ScenarioOutcome {
  readonly file: string;
  readonly steps: readonly StepOutcome[];
}
