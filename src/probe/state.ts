// struct device for each Device of the graph, at boot: its driver (the table's match), and every
// field of the IOMMU core's and the driver core's part set, so every state keeps one shape.
import type { Device } from "../graph/index.ts";
import { EMPTY, type IommuInstance } from "../iommu/index.ts";
import type { DevState, DriverMatch } from "./kernel.ts";
import type { DeviceOutcome } from "./types.ts";

const MASK32 = 0xffffffffn;

export function newDevState(dev: Device, match: DriverMatch, instance: IommuInstance | undefined): DevState {
  const out: DeviceOutcome = {
    device: dev,
    driver: match.name,
    driverAssumed: match.assumed,
    driverManagedDma: match.driverManagedDma,
    driverModule: match.module ?? null,
    unboundReason: match.unbound ?? null,
    state: "not-created",
    stateReason: match.reason,
    iommu: null,
    extraIommus: EMPTY,
    iommuWanted: null,
    // Shared empty lists until something is recorded (a 200,000-device board allocates
    // five arrays per device otherwise); addError / addNote replace them on first use.
    specifiers: EMPTY,
    ids: EMPTY,
    group: null,
    domain: null,
    dmaOps: "direct",
    coherent: false,
    dmaLimit: MASK32,
    dmaRanges: null,
    errors: EMPTY,
    notes: EMPTY,
  };
  return {
    dev,
    out,
    match,
    instance,
    added: false,
    onDeferredList: false,
    fwspec: null,
    rangesDone: false,
    dmaOpsDone: false,
    usesDefaultDomain: false,
    specsRecorded: false,
    // Shared until the IOMMU core reads the device's regions (never pushed to).
    resvRegions: EMPTY,
    requireDirect: false,
    // The optional fields too: set later, they would move the state to another hidden class and
    // allocate an out-of-object property store per device.
    inProbe: false,
    deferReason: undefined,
    noDefaultNoted: false,
    firstIommuNoted: null,
    replaced: false,
  };
}
