// drivers/base/dd.c's asynchronous binds (`driver_async_probe=`: __driver_attach_async_helper,
// __device_attach_async_helper, deferred-probe retries included), modelled only where they change
// an outcome: the two windows of an IOMMU's registration in which a bind on another thread meets
// a half-registered IOMMU (6.15+). dtprobe is sequential, so it takes the worst case
// deterministically: every pending asynchronous bind runs inside the window.
import type { IommuGroup, IommuInstance } from "../../iommu/index.ts";
import { stateFor, type DevState, type Kernel } from "../kernel.ts";
import { firstIommusTarget } from "../of/iommu.ts";
import { asyncProbeRequested } from "./async-probe.ts";
import { driverBound, leaveDeferredList, reallyProbe } from "./dd.ts";

/**
 * The first window: the instance is on iommu_device_list but not ready, and bus_iommu_probe() has
 * not reached a device yet. An asynchronous bind of such a device passes the instance lookup in
 * iommu_fwspec_init() and, having no dev->iommu, gets -EPROBE_DEFER (da33e87bd2bf, 6.15): every
 * pending asynchronous bind of a device whose first `iommus` entry names this instance runs before
 * the walk starts.
 */
export function asyncBindsBeforeWalk(k: Kernel, inst: IommuInstance): void {
  if (!k.dd.asyncProbe) return;
  const pending: DevState[] = [];
  for (let i = 0, states = k.states; i < states.length; i++) {
    const s = states[i]!;
    if (!s.fwspec && !s.out.group && asyncBindPending(k, s) && firstIommusTarget(k, s) === inst) pending.push(s);
  }
  for (const s of pending) {
    k.log.note(s, `driver_async_probe: its asynchronous bind runs while ${inst.path} is registered but not ready (bus_iommu_probe() has not reached the device; worst-case interleaving)`);
    runAsyncBind(k, s);
  }
}

/**
 * The window between bus_iommu_probe()'s two phases: the walk has put devices into new groups
 * and their default domains are not set up yet. A bind running on another thread can reach
 * platform_dma_configure() here; since "iommu: Handle race with default domain setup"
 * (b46064a18810, 6.15) iommu_device_use_default_domain() then returns -EPROBE_DEFER, and the IOMMU
 * driver's own successful bind (driver_bound -> driver_deferred_probe_trigger) retries it: every
 * asynchronous bind pending for a device of those groups (queued, or deferred and due for a
 * retry) runs now. Drivers with driver_managed_dma never ask for the default domain and keep
 * their place.
 */
export function asyncBindsInWindow(k: Kernel, inst: IommuInstance, newGroups: readonly IommuGroup[]): void {
  if (!k.dd.asyncProbe || newGroups.length === 0) return;
  const pending: DevState[] = [];
  for (const g of newGroups) {
    for (const d of g.devices) {
      const s = stateFor(k, d);
      if (asyncBindPending(k, s)) pending.push(s);
    }
  }
  pending.sort((a, b) => a.dev.id - b.dev.id);
  for (const s of pending) {
    const g = s.out.group!;
    k.log.note(s, `driver_async_probe: its asynchronous bind runs while bus_iommu_probe() for ${inst.path} has put it in group ${g.id} but not yet set up the group's default domain (worst-case interleaving)`);
    runAsyncBind(k, s);
  }
}

/**
 * An asynchronous bind of `s` may be running now: added, not bound, its driver registered and
 * named by `driver_async_probe=`, and not driver_managed_dma (those never ask for the default
 * domain, so they keep their place).
 */
function asyncBindPending(k: Kernel, s: DevState): boolean {
  if (!s.added || s.out.state !== "not-created" || s.inProbe || !s.match.name || s.match.driverManagedDma) return false;
  return k.dd.registeredLevels.has(s.match.initcall) && asyncProbeRequested(k.dd.asyncProbe, s.match);
}

/** One asynchronous bind attempt in the registration window; a deferral waits for the IOMMU's bind. */
function runAsyncBind(k: Kernel, s: DevState): void {
  // deferred_probe_work_func takes a device off the list before it retries it.
  leaveDeferredList(k, s);
  if (reallyProbe(k, s)) driverBound(k, s);
  else if (s.onDeferredList) k.log.note(s, `bind deferred: ${s.out.stateReason ?? "-EPROBE_DEFER"}; retried when the IOMMU driver's bind completes`);
}
