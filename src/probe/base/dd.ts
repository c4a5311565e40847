// drivers/base/dd.c: binding drivers to devices. really_probe (dma_configure, the bus notifiers,
// the driver's probe, driver_bound), driver registration attaching the devices of its initcall
// level (driver_register -> driver_attach), the deferred-probe list and its triggers, and
// __device_release_driver; the bind and unbind sysfs files the scenarios write.
import { ERRNO_VALUES, iommuDeviceRegister, iommuProbeInstance, iommuWalksAfterTimeout, type Result } from "../../iommu/index.ts";
import { setupDmaOps, teardownDmaOps } from "../dma/arch.ts";
import { ownDomainProbe, ownDomainRemove } from "../drivers/own-domain.ts";
import { matchDriver, overrideDrivers, overrideMatch, type MatchContext } from "../drivers/match.ts";
import { stateFor, type DevState, type InitcallLevel, type Kernel } from "../kernel.ts";
import { ASSUMED_DRIVER_PREFIX } from "../log.ts";
import { pciRegisterHostBridge, pciRemoveRootBus } from "../pci/host-bridge.ts";
import { logProbeFailure } from "./dd-call-driver-probe.ts";
import { platformDmaCleanup, platformDmaConfigure } from "./platform.ts";

export { logProbeFailure };

/**
 * driver_register for every driver of `level`, in the kernel's link order (do_initcalls runs one
 * level's initcalls in the order the linker placed them: the order of the Makefiles, drivers/
 * before sound/); each driver's driver_attach -> __driver_attach tries its devices in add order.
 * Modules (level "module") go in the same order, though udev's parallel loading fixes none.
 */
export function registerLevel(k: Kernel, level: InitcallLevel): void {
  k.dd.registeredLevels.add(level);
  const states = k.dd.statesByLevel.get(level);
  if (!states) return;
  // Without a table every link is 0 and the order is add order.
  const ordered = states.some((s) => s.match.link !== 0) ? inLinkOrder(states) : states;
  for (let i = 0; i < ordered.length; i++) {
    const s = ordered[i]!;
    if (s.added && s.out.state === "not-created" && s.match.name && s.match.initcall === level && !s.onDeferredList && !k.dd.unloadedModules.has(s.match.name) && !(s.match.module !== undefined && k.dd.unloadedModules.has(s.match.module))) k.dd.queue.push(s);
  }
  drain(k);
}

/**
 * The devices of one level by their driver's link order. The drivers of one module that it
 * registers from an array (ClientDriver.registerOrder: platform_register_drivers) register in the
 * array's order, at the place of the module's first driver: the table's link order inside one
 * module is the order of its object files, not the order its init registers them in.
 * Array.prototype.sort is stable: one driver's devices stay in add order.
 */
function inLinkOrder(states: readonly DevState[]): DevState[] {
  const moduleLink = new Map<string, number>();
  const group = (s: DevState) => (s.match.row?.registerOrder !== undefined ? (s.match.kernelDriver?.module ?? s.match.module ?? "") : undefined);
  for (const s of states) {
    const g = group(s);
    if (g !== undefined) moduleLink.set(g, Math.min(moduleLink.get(g) ?? Infinity, s.match.link));
  }
  const key = (s: DevState): [number, number] => {
    const g = group(s);
    return g === undefined ? [s.match.link, -1] : [moduleLink.get(g)!, s.match.row!.registerOrder!];
  };
  const keys = new Map(states.map((s) => [s, key(s)]));
  return [...states].sort((a, b) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    return ka[0] - kb[0] || ka[1] - kb[1];
  });
}

/** What matching a device reads from the kernel (drivers/match.ts). */
export const matchContext = (k: Kernel): MatchContext => ({ has: k.has, catalog: k.drivers.catalog, matches: k.drivers.matches });

/** driver_deferred_probe_trigger: every deferred device is tried again, first. */
function triggerDeferred(k: Kernel): void {
  const dd = k.dd;
  for (const d of dd.deferred) d.onDeferredList = false;
  // The queue copies the list: it is emptied in place, no new array per bind.
  dd.queue.unshift(dd.deferred);
  dd.deferred.length = 0;
}

/** The deferred list retried (deferred_probe_initcall, the deferred probe timeout). */
export function retryDeferred(k: Kernel): void {
  triggerDeferred(k);
  drain(k);
}

/**
 * deferred_probe_timeout_work_func, at boot's end or as a scenario's `deferred-timeout` step:
 * driver_deferred_probe_timeout becomes 0, so of_iommu_xlate's driver_deferred_probe_check_state
 * answers -ETIMEDOUT instead of -EPROBE_DEFER for an IOMMU that never registered (the device binds
 * on dma-direct), the deferred list is retried and each device still on it is named. The IOMMU
 * walks visit the devices that waited for an IOMMU again, since they now fail instead of waiting.
 */
export function deferredProbeTimeout(k: Kernel): void {
  k.dd.timeoutExpired = true;
  iommuWalksAfterTimeout(k.iommu);
  retryDeferred(k);
  namePendingDeferred(k);
}

/**
 * deferred_probe_timeout_work_func's last step, after the retry: each device still on the pending
 * list is named, a dev_info "deferred probe pending" until 6.8 added the reason
 * (deferredPendingReason) and 6.9 made it a dev_warn (deferredPendingWarn). The reason is what
 * dev_err_probe(-EPROBE_DEFER) last recorded; the deferrals modelled (of_iommu_configure,
 * iommu_device_use_default_domain, a driver's own -EPROBE_DEFER) record none, and fw_devlink's
 * "wait for supplier" is not modelled.
 */
export function namePendingDeferred(k: Kernel): void {
  const line = k.has.deferredPendingReason ? "deferred probe pending: (reason unknown)" : "deferred probe pending";
  const level = k.has.deferredPendingWarn ? "warn" : "info";
  for (const s of k.dd.deferred) k.log.emit("log", s.dev, level, line);
}

/** Runs queued bind attempts; a successful bind re-queues the deferred list first. */
export function drain(k: Kernel): void {
  const dd = k.dd;
  while (dd.queue.length > 0) {
    const s = dd.queue.shift()!;
    if (s.out.state !== "not-created" || s.onDeferredList) continue;
    const bound = reallyProbe(k, s);
    if (bound) driverBound(k, s);
    if (bound && dd.deferred.length > 0) triggerDeferred(k);
  }
}

/** driver_bound's notification of the composite drivers (the component framework, a bus of subdevices). */
export function driverBound(k: Kernel, s: DevState): void {
  for (const a of k.drivers.aggregates) a.deviceBound(s);
}

/** really_probe: dma_configure, BIND_DRIVER, the driver's probe, BOUND_DRIVER. */
export function reallyProbe(k: Kernel, s: DevState): boolean {
  if (k.options.kernel.era !== "creation") {
    s.inProbe = true;
    const r = platformDmaConfigure(k, s, true);
    s.inProbe = false;
    if (r === "defer") {
      deferProbe(k, s);
      return false;
    }
    if (r !== "ok") {
      // really_probe's failure path (6.1 dd.c:706 device_unbind_cleanup -> arch_teardown_dma_ops,
      // after platform_dma_configure's own, platform.c:1459): the next bind attempt sets the DMA
      // ops up again (after a -EBUSY from a group user space owned, say). arm32's mapping teardown here
      // is left as it was: the model cannot yet tell a mapping the device created from the one
      // its group is attached to (see releaseArmMapping).
      if (!k.dma.armDmaMapping) teardownDmaOps(k, s);
      s.out.state = "failed";
      s.out.stateReason = `dma_configure failed: ${r.errno}`;
      k.log.failWith(s, r, null);
      k.log.note(s, `bind aborted in dma_configure with ${r.errno} (${r.where}): ${r.message}`);
      return false;
    }
  } else {
    setupDmaOps(k, s);
  }
  s.inProbe = true;
  k.log.emit("notifier", s.dev, "debug", "BUS_NOTIFY_BIND_DRIVER");
  // An IOMMU driver's probe ends with iommu_device_register (and, 6.15+, its bus walk).
  let r = s.instance ? iommuProbeInstance(k.iommu, s.instance) : driverProbe(k, s);
  let registerFailed = false;
  if (r.ok && s.instance) {
    r = iommuDeviceRegister(k.iommu, s.instance);
    registerFailed = !r.ok;
  }
  if (!r.ok && r.failure.errno === "-EPROBE_DEFER" && !s.instance) {
    // The driver's probe asked for deferral (a device it configures itself waits for its IOMMU).
    s.inProbe = false;
    k.log.emit("notifier", s.dev, "debug", "BUS_NOTIFY_DRIVER_NOT_BOUND");
    platformDmaCleanup(s);
    if (k.dma.armDmaMapping) teardownDmaOps(k, s);
    s.deferReason = `probe deferred: ${r.failure.message} (${r.failure.where})`;
    deferProbe(k, s);
    return false;
  }
  if (!r.ok) {
    s.inProbe = false;
    s.out.state = "failed";
    s.out.stateReason = `probe failed: ${r.failure.errno}`;
    // A failed registration's line is the driver's own ("Failed to register iommu"), not the master's failure.
    k.log.failWith(s, r.failure, s.instance && !registerFailed ? "err" : null);
    logProbeFailure(k, s, ERRNO_VALUES[r.failure.errno]);
    k.log.emit("notifier", s.dev, "debug", "BUS_NOTIFY_DRIVER_NOT_BOUND");
    platformDmaCleanup(s);
    // device_unbind_cleanup -> arch_teardown_dma_ops: an arm mapping (or its reference) goes.
    if (k.dma.armDmaMapping) teardownDmaOps(k, s);
    return false;
  }
  s.out.state = "bound";
  s.out.stateReason = undefined;
  s.inProbe = false;
  k.log.emit("notifier", s.dev, "debug", "BUS_NOTIFY_BOUND_DRIVER");
  // The devices its probe created (of_platform_populate of its children, the PCI functions of a
  // host bridge). Most devices create none: no batch to allocate then.
  const created = k.graph.createdBy.get(s.dev);
  if (created) {
    k.dd.addBatch = [];
    // A device the probe registered itself (origin "registered") was added there, or not at all.
    for (const child of created) if (child.origin !== "registered") k.lifecycle.add(stateFor(k, child));
    k.dd.queue.unshift(inRegistrationOrder(k.dd.addBatch));
    k.dd.addBatch = null;
  }
  return true;
}

/**
 * The devices one bind added, in the order they bind: where their drivers register only after
 * that bind (ClientDriver.registerOrder: a module's driver array), each driver_register ->
 * driver_attach takes its devices in add order. Devices without a known position keep add
 * order, first.
 */
function inRegistrationOrder(batch: DevState[]): DevState[] {
  const ordered = batch.filter((s) => s.match.row?.registerOrder !== undefined);
  if (ordered.length === 0) return batch;
  const rest = batch.filter((s) => s.match.row?.registerOrder === undefined);
  // Array.prototype.sort is stable: devices of one driver stay in add order.
  ordered.sort((a, b) => a.match.row!.registerOrder! - b.match.row!.registerOrder!);
  return [...rest, ...ordered];
}

/** drv->probe of a client driver: its row's probe hook, then its own IOMMU domain (if it has one). */
function driverProbe(k: Kernel, s: DevState): Result<void> {
  const row = s.match.row;
  if (row?.probe) {
    const r = row.probe(k, s);
    if (!r.ok) return r;
  }
  // A host bridge's driver ends its probe with pci_host_probe (its root bus and domain number), so
  // a probe that failed before it registered nothing and holds no number.
  const host = pciRegisterHostBridge(k, s);
  if (!host.ok) return host;
  return row?.ownDomain ? ownDomainProbe(k, s, row, row.ownDomain) : { ok: true, value: undefined };
}

/** driver_deferred_probe_add: on the list until a trigger retries it. */
function deferProbe(k: Kernel, s: DevState): void {
  if (!s.onDeferredList) {
    s.onDeferredList = true;
    k.dd.deferred.push(s);
  }
  s.out.stateReason = s.deferReason ?? "waiting for its IOMMU (-EPROBE_DEFER)";
  s.deferReason = undefined;
  k.log.emit("log", s.dev, "debug", "Driver requests probe deferral", s.out.driverAssumed ? ASSUMED_DRIVER_PREFIX : (s.out.driver ?? s.dev.bus));
}

/** Takes a device off the deferred list (deferred_probe_work_func, device_del). */
export function leaveDeferredList(k: Kernel, s: DevState): void {
  if (!s.onDeferredList) return;
  s.onDeferredList = false;
  k.dd.deferred.splice(k.dd.deferred.indexOf(s), 1);
}

/** __device_release_driver: created devices go first, then UNBIND, dma_cleanup, teardown, UNBOUND. */
export function releaseDriver(k: Kernel, s: DevState): void {
  // Composite drivers first (a host removing its bus of subdevices tears the composite down), then the driver's remove.
  for (const a of k.drivers.aggregates) a.deviceUnbinding(s);
  s.match.row?.remove?.(k, s);
  ownDomainRemove(k, s);
  const created = k.graph.createdBy.get(s.dev) ?? [];
  for (let i = created.length - 1; i >= 0; i--) {
    const c = stateFor(k, created[i]!);
    if (c.added) k.lifecycle.removeTree(c);
  }
  pciRemoveRootBus(k, s);
  s.inProbe = true;
  k.log.emit("notifier", s.dev, "debug", "BUS_NOTIFY_UNBIND_DRIVER");
  platformDmaCleanup(s);
  teardownDmaOps(k, s);
  s.inProbe = false;
  s.out.stateReason = `driver ${s.out.driver} was unbound`;
  s.out.state = "unbound";
  k.log.emit("notifier", s.dev, "debug", "BUS_NOTIFY_UNBOUND_DRIVER");
}

/** Writing `unbind`: __device_release_driver. */
export function unbindDevice(k: Kernel, s: DevState): Result<void> {
  if (s.out.state !== "bound") return { ok: false, failure: { errno: "-ENODEV", where: "unbind_store", message: `${s.dev.name} is not bound to a driver` } };
  if (s.instance) return { ok: false, failure: { errno: "-ENOENT", where: "suppress_bind_attrs", message: `${s.out.driver} sets suppress_bind_attrs: an IOMMU driver has no unbind file` } };
  releaseDriver(k, s);
  return { ok: true, value: undefined };
}

/** Writing `bind` (with driver_override when a driver is named): really_probe now. */
export function bindDevice(k: Kernel, s: DevState, driver: string | undefined): Result<void> {
  const fail = (errno: "-ENODEV" | "-EBUSY", where: string, message: string): Result<void> => ({ ok: false, failure: { errno, where, message } });
  if (!s.added) return fail("-ENODEV", "bind_store", `${s.dev.name} does not exist`);
  if (s.out.state === "bound") return fail("-EBUSY", "device_driver_attach", `${s.dev.name} is already bound to ${s.out.driver}`);
  if (s.onDeferredList) return fail("-EBUSY", "bind_store", `${s.dev.name} is on the deferred-probe list`);
  const ctx = matchContext(k);
  const natural = matchDriver(s.dev, !!s.instance, ctx);
  let match = natural;
  if (driver !== undefined && driver !== natural.name) {
    const allowed = overrideDrivers(s.dev.bus);
    if (allowed.includes(driver)) match = overrideMatch(driver, s.dev.bus, ctx);
    else return fail("-ENODEV", "bind_store", `no modelled ${s.dev.bus} driver ${driver} matches ${s.dev.name} (driver_override accepts ${allowed.join(", ")} or its own driver ${natural.name ?? "(none)"})`);
  }
  if (!match.name) return fail("-ENODEV", "bind_store", `no driver matches ${s.dev.name}`);
  // bind_store looks the driver up on the bus: a module not loaded is not there.
  if (k.dd.unloadedModules.has(match.name)) return fail("-ENODEV", "bind_store", `${match.name} is a module that is not loaded`);
  s.match = match;
  s.out.driver = match.name;
  s.out.driverAssumed = match.assumed;
  s.out.driverManagedDma = match.driverManagedDma;
  s.out.driverModule = match.module ?? null;
  s.out.unboundReason = null;
  s.out.state = "not-created";
  s.out.stateReason = undefined;
  const errorsBefore = s.out.errors.length;
  k.dd.queue.push(s);
  drain(k);
  if ((s.out.state as string) === "bound") return { ok: true, value: undefined };
  if (s.onDeferredList) return { ok: false, failure: { errno: "-EPROBE_DEFER", where: "really_probe", message: `${s.dev.name} deferred its probe (${s.out.stateReason ?? ""})` } };
  const err = s.out.errors[s.out.errors.length - 1];
  if (err && s.out.errors.length > errorsBefore) return { ok: false, failure: err };
  return { ok: false, failure: { errno: "-ENODEV", where: "really_probe", message: s.out.stateReason ?? "bind failed" } };
}
