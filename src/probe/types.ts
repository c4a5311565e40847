// What the probe emulation produces: per-device outcome, the IOMMU core's objects, the event log.
import type { Device, DeviceGraph } from "../graph/index.ts";
import type { DomainType, IommuDomain, IommuGroup, IommuInstance, IommuOutcome } from "../iommu/index.ts";
import type { KernelDataInfo } from "./drivers/catalog.ts";
import type { UnboundReason } from "./drivers/binding.ts";
import type { ProbeOptions, ResolvedConfig } from "./options.ts";
import type { ScenarioOutcome } from "./scenario/types.ts";
import type { EventLog } from "./event-log.ts";

export type { EventKind, ProbeEvent } from "./event-log.ts";

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

/** One device's end state: its driver and bind state, and its IOMMU and DMA configuration. */
export interface DeviceOutcome extends IommuOutcome {
  readonly device: Device;
  driverAssumed: boolean;
  driverManagedDma: boolean;
  /** Its driver is a module (=m): the module udev loads for it after boot (KBUILD_MODNAME). */
  driverModule: string | null;
  /** Why no driver binds it, as a code (null: a driver matches). */
  unboundReason: UnboundReason | null;
  state: DeviceState;
  /** Why it is deferred/failed/driverless. */
  stateReason: string | undefined;
}

export interface ProbeResult {
  readonly graph: DeviceGraph;
  readonly options: ProbeOptions;
  /** Policy and architecture in force, and why the run is hypothetical (if it is). */
  readonly config: ResolvedConfig;
  readonly bootargs: string;
  /** The driver table the run used (or why drivers were assumed). */
  readonly drivers: KernelDataInfo;
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
