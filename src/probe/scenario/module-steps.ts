// Drivers built as modules (the scenario's `modules`): `load-module` is modprobe (init_module ->
// the module's init -> driver_register -> driver_attach), `unload-module` is rmmod
// (delete_module -> the module's exit -> driver_unregister -> driver_detach), and
// `deferred-timeout` is deferred_probe_timeout_work_func running (drivers/base/dd.c).
//
// An IOMMU driver loaded after its masters (bind era, 4.12+): the masters deferred in
// of_iommu_xlate (driver_deferred_probe_check_state: -EPROBE_DEFER until the timeout); the IOMMU's
// bind triggers the deferred list and they are configured and bound then. Loaded after the
// timeout, the masters already bound on dma-direct (-ETIMEDOUT) keep it: bus_iommu_probe skips a
// device without a fwspec (6.1: the placeholder fwspec with NULL ops; 6.12: none). Creation era
// (3.19-4.11): of_dma_configure ran at device creation and found no ops, so masters stay on
// dma-direct for good.
import { fail, ok, type Result } from "../../iommu/index.ts";
import { deferredProbeTimeout, drain, leaveDeferredList, releaseDriver } from "../base/dd.ts";
import type { DevState } from "../kernel.ts";
import type { ScenarioContext } from "./context.ts";
import type { ModuleStep } from "./types.ts";

/** driver_deferred_probe_timeout with CONFIG_MODULES (6.1 drivers/base/dd.c:260, 6.12 dd.c:261; 0 without modules). */
const DEFERRED_PROBE_TIMEOUT_SECS = 10;

/** The devices a driver drives (or would): those whose match names it (the driver, or with a driver table its module). */
const devicesOf = (ctx: ScenarioContext, module: string): DevState[] => ctx.k.states.filter((s) => s.match.name === module || s.match.module === module);

/** With a driver table: the table builds the driver in (=y), so it bound at boot and there is no module to load. */
function builtIn(ctx: ScenarioContext, module: string): boolean {
  if (!ctx.k.drivers.catalog.table) return false;
  const mine = devicesOf(ctx, module).filter((s) => s.match.name !== null);
  return mine.length > 0 && mine.every((s) => s.match.module === undefined);
}

/** modprobe MODULE: driver_register, then driver_attach of every present, unbound device it matches. */
export function loadModule(ctx: ScenarioContext, step: ModuleStep): Result<string> {
  const k = ctx.k;
  const dd = k.dd;
  if (!ctx.modules.includes(step.module)) return fail("-ENOENT", "finit_module", `${step.module} is not among the scenario's modules (built in, or not built)`);
  if (builtIn(ctx, step.module)) return fail("-EEXIST", "load_module", `${step.module} is built in (=y) in ${k.drivers.catalog.label}: it registered at boot (give the scenario a \`kconfig\` with it =m, or \`assumeDrivers: true\`)`);
  // init_module of a live module: "module is already loaded" (module_patient_check_exists).
  if (!dd.unloadedModules.has(step.module)) return fail("-EEXIST", "load_module", `${step.module} is already loaded`);
  dd.unloadedModules.delete(step.module);
  // bus_add_driver -> deferred_probe_extend_timeout (6.1 dd.c:323, 6.12 dd.c:324): the pending
  // timeout is pushed back by the timeout again (pr_debug).
  if (dd.initcallsDone && !dd.timeoutExpired) k.log.emit("log", null, "debug", `Extended deferred probe timeout by ${DEFERRED_PROBE_TIMEOUT_SECS} secs`, "");
  const mine = devicesOf(ctx, step.module);
  const deferredBefore = dd.deferred.length;
  for (const s of mine) if (s.added && s.out.state === "not-created" && !s.onDeferredList) dd.queue.push(s);
  // Each successful bind triggers the deferred list (driver_deferred_probe_trigger in really_probe).
  drain(k);
  const bound = mine.filter((s) => s.out.state === "bound").length;
  const iommus = mine.filter((s) => s.instance?.registered).length;
  const retried = deferredBefore - dd.deferred.length;
  const parts = [`${step.module} loaded`, mine.length === 0 ? "no device matches it" : `${bound} of ${mine.length} device${mine.length === 1 ? "" : "s"} bound`];
  if (iommus > 0) parts.push(`${iommus} IOMMU${iommus === 1 ? "" : "s"} registered`);
  if (deferredBefore > 0) parts.push(`${retried} of ${deferredBefore} deferred device${deferredBefore === 1 ? "" : "s"} probed`);
  return ok(parts.join("; "));
}

/**
 * rmmod MODULE: delete_module refuses a module in use (-EWOULDBLOCK, 6.12 kernel/module/main.c:762;
 * rmmod prints "Module x is in use"): an IOMMU driver holds a reference for every master it probed
 * (__iommu_probe_device: try_module_get(ops->owner), 6.1 iommu.c:303, 6.12 iommu.c:411; dropped in
 * iommu_release_device). Otherwise driver_unregister
 * releases every device it drives.
 */
export function unloadModule(ctx: ScenarioContext, step: ModuleStep): Result<string> {
  const k = ctx.k;
  if (!ctx.modules.includes(step.module)) return fail("-ENOENT", "delete_module", `${step.module} is not among the scenario's modules`);
  if (k.dd.unloadedModules.has(step.module)) return fail("-ENOENT", "delete_module", `${step.module} is not loaded`);
  const mine = devicesOf(ctx, step.module);
  const users = k.states.filter((s) => s.added && s.fwspec && s.fwspec.instance.driver?.name === step.module);
  if (users.length > 0) {
    return fail("-EAGAIN", "try_stop_module", `Module ${step.module} is in use: ${users.length} master${users.length === 1 ? "" : "s"} probed by it ${users.length === 1 ? "holds" : "hold"} a reference (${users.slice(0, 3).map((s) => s.dev.name).join(", ")}${users.length > 3 ? ", ..." : ""})`);
  }
  let released = 0;
  for (const s of mine) {
    leaveDeferredList(k, s);
    if (s.out.state !== "bound") continue;
    releaseDriver(k, s);
    released++;
    if (s.instance) {
      // The IOMMU's remove: iommu_device_unregister (no master uses it: checked above).
      s.instance.registered = false;
      s.instance.state = "not-probed";
    }
  }
  k.dd.unloadedModules.add(step.module);
  return ok(`${step.module} unloaded; ${released} device${released === 1 ? "" : "s"} released`);
}

/** deferred_probe_timeout_work_func (dd.ts deferredProbeTimeout), the same as at boot's end. */
export function deferredTimeout(ctx: ScenarioContext): Result<string> {
  const k = ctx.k;
  if (k.dd.timeoutExpired) return ok("the deferred probe timeout has already expired: nothing to do");
  if (!k.dd.initcallsDone) return fail("-EINVAL", "deferred_probe_timeout_work_func", "the deferred probe timeout is scheduled at late_initcall");
  const before = k.dd.deferred.length;
  deferredProbeTimeout(k);
  return ok(`deferred probe timeout: ${before - k.dd.deferred.length} of ${before} deferred device${before === 1 ? "" : "s"} probed${k.dd.deferred.length > 0 ? `, ${k.dd.deferred.length} still pending` : ""}`);
}
