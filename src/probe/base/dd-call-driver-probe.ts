// drivers/base/dd.c call_driver_probe: the line a failed probe leaves in the log, for the devices
// really_probe binds (dd.ts) and for the ones the model keeps no Device for (the logical device a
// composite driver adds on its own bus). Apart from dd.ts so that drivers can use it without an
// import cycle (dd.ts imports the driver tables).
import { ERRNO_VALUES } from "../../iommu/index.ts";
import type { DevState, Kernel } from "../kernel.ts";
import { ASSUMED_DRIVER_PREFIX } from "../log.ts";

/**
 * call_driver_probe's line for a probe that failed: pr_warn "<drv>: probe of <dev> failed with
 * error N", without the device's metadata, until 6.9 made it dev_err "probe with driver <drv>
 * failed with error N" (probeFailureDevErr).
 */
export function logProbeFailure(k: Kernel, s: DevState, errno: number): void {
  logCallDriverProbeFailure(k, s.dev.name, s.out.driverAssumed ? ASSUMED_DRIVER_PREFIX : (s.out.driver ?? s.dev.bus), errno);
}

/**
 * logProbeFailure for any struct device, named by dev_name and its driver's name (dev->driver is
 * set during really_probe, so dev_err's prefix is the driver): also the devices the model keeps
 * no Device for, as a composite's logical device (its bus's probe hook calls the composite's).
 * -ENODEV (and -ENXIO, no errno the model produces) is a dev_dbg "rejects match": not logged.
 */
export function logCallDriverProbeFailure(k: Kernel, devName: string, drv: string, errno: number): void {
  if (errno === ERRNO_VALUES["-ENODEV"]) return;
  if (k.has.probeFailureDevErr) k.log.emitNamed("log", devName, "err", `probe with driver ${drv} failed with error ${errno}`, drv);
  else k.log.emitNamed("log", null, "warn", `probe of ${devName} failed with error ${errno}`, drv);
}
