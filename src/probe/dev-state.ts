// The emulated kernel's per-device state (struct device + dev->iommu + driver-core flags), shared
// by the engine and the runtime pieces (ownership, scenarios, the Tegra DRM composite).
import type { Device } from "../graph/index.ts";
import type { Fwspec, IommuInstance } from "../iommu/index.ts";
import type { DriverMatch } from "./client-drivers.ts";
import type { ResvRegion } from "./reserved-regions.ts";
import type { DeviceOutcome } from "./types.ts";

export interface DevState {
  readonly dev: Device;
  readonly out: DeviceOutcome;
  /** The driver that binds (a scenario `bind DEV DRIVER` replaces it: driver_override). */
  match: DriverMatch;
  /** The instance object when this device is itself an IOMMU. */
  readonly instance: IommuInstance | undefined;
  added: boolean;
  onDeferredList: boolean;
  fwspec: Fwspec | null;
  rangesDone: boolean;
  dmaOpsDone: boolean;
  usesDefaultDomain: boolean;
  /** The specifiers were recorded (first parse). */
  specsRecorded: boolean;
  /** Inside really_probe (dev->driver is set: messages carry the driver name). */
  inProbe?: boolean;
  /** iommu_get_resv_regions from the tree (`iommu-addresses`), read at IOMMU probe. */
  resvRegions: ResvRegion[];
  /** Why the current bind attempt defers, when it is not the IOMMU's absence. */
  deferReason?: string;
  /** The "group has no default domain" note was given. */
  noDefaultNoted?: boolean;
  /** dev->iommu->require_direct: an IOMMU_RESV_DIRECT region exists. */
  requireDirect: boolean;
}
