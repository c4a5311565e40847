// What the probe emulation produces: per-device outcome, the IOMMU core's objects, the event log.
import type { Device, DeviceGraph } from "../graph/index.ts";
import type { DomainType, Failure, IommuDomain, IommuGroup, IommuInstance } from "../iommu/index.ts";
import type { DmaRegion } from "../of/index.ts";
import type { ProbeOptions, ResolvedConfig } from "./options.ts";
import type { ScenarioOutcome } from "./scenario-types.ts";
import type { EventLog } from "./event-log.ts";

export type DeviceState =
  /** Never created: the device that would create it never bound. */
  | "not-created"
  /** Added, a driver bound. */
  | "bound"
  /** Still on the deferred-probe list at the end. */
  | "deferred"
  /** Binding failed (probe error, dma_configure error). */
  | "failed"
  /** Added, no driver binds. */
  | "no-driver"
  /** A scenario step unbound its driver. */
  | "unbound"
  /** A scenario step removed it (device_del). */
  | "removed";

export interface DeviceOutcome {
  readonly device: Device;
  driver: string | null;
  driverAssumed: boolean;
  driverManagedDma: boolean;
  state: DeviceState;
  /** Why it is deferred/failed/driverless. */
  stateReason: string | undefined;
  /** The instance the fwspec names (null: no IOMMU). */
  iommu: IommuInstance | null;
  /** Further instances of the same driver in the fwspec (Apple DART, Exynos, rockchip): they translate too. */
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

export type EventKind = "notifier" | "log" | "note";

export interface ProbeEvent {
  readonly seq: number;
  /** The initcall stage the event happened in. */
  readonly stage: string;
  readonly kind: EventKind;
  /** dev_name, or null for subsystem messages. */
  readonly device: string | null;
  /** What the kernel prefixes: the bound driver name, else the bus name; subsystem for null device. */
  readonly prefix: string;
  readonly level: "info" | "warn" | "err" | "debug";
  readonly message: string;
}

export interface ProbeResult {
  readonly graph: DeviceGraph;
  readonly options: ProbeOptions;
  /** Policy and architecture in force, and why the run is hypothetical (if it is). */
  readonly config: ResolvedConfig;
  readonly bootargs: string;
  /** The global default domain type (iommu_def_domain_type). */
  readonly defaultDomainType: DomainType;
  readonly devices: readonly DeviceOutcome[];
  readonly instances: readonly IommuInstance[];
  readonly groups: readonly IommuGroup[];
  readonly domains: readonly IommuDomain[];
  /** The event log, column-wise (EventLog.at / toArray give ProbeEvent objects). */
  readonly events: EventLog;
  /** The runtime scenario's steps and their results (when one ran). */
  readonly scenario?: ScenarioOutcome;
}
