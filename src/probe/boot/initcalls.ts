// The boot sequence (init/main.c do_initcalls, drivers/of/platform.c
// of_platform_default_populate_init, drivers/base/dd.c deferred_probe_initcall and the deferred
// probe timeout): drivers register by initcall level, devices are added and bound in order, the
// deferred list is retried at late_initcall, after the modules load, and at the timeout.
import type { DeviceGraph } from "../../graph/index.ts";
import { declareIommusEarly, iommuSubsysInit } from "../../iommu/index.ts";
import { deviceAdd } from "../base/core.ts";
import { deferredProbeTimeout, drain, registerLevel, retryDeferred } from "../base/dd.ts";
import { INITCALL_LEVELS } from "../../kernel-data/index.ts";
import { cmdlineProblems, splitCmdline } from "../cmdline.ts";
import type { InitcallLevel, Kernel } from "../kernel.ts";
import type { ProbeOptions } from "../options.ts";
import { createKernel } from "./kernel.ts";

/** Boots the emulated kernel on a device graph: every initcall level, up to the deferred probe timeout. */
export function bootKernel(graph: DeviceGraph, options: ProbeOptions): Kernel {
  const k = createKernel(graph, options);
  const log = k.log;
  // parse_early_param, then parse_args: a boolean value kstrtobool refuses is logged and ignored.
  for (const p of cmdlineProblems(splitCmdline(k.bootargsText), options.kernel)) if (p.kernelLog) log.emit("log", null, p.level, p.kernelLog, "");
  // save_async_options (an early __setup handler; dd.c has no pr_fmt).
  if (k.dd.asyncProbe?.truncated) log.emit("log", null, "warn", "Too long list of driver names for 'driver_async_probe'!", "");
  log.stage = "subsys_initcall";
  iommuSubsysInit(k.iommu);
  if (options.kernel.era === "creation") declareIommusEarly(k.iommu, (inst) => k.dd.unloadedModules.has(inst.driver?.name ?? ""));
  // Drivers registered up to arch_initcall (core, postcore, arch: the driver tables' levels) bind
  // as soon as their device is added.
  for (const level of BEFORE_POPULATE) k.dd.registeredLevels.add(level);
  log.stage = "arch_initcall_sync";
  // of_platform_default_populate_init: device_add -> bus_probe_device, so a device whose driver is
  // registered (an arch_initcall driver) binds before the next node is populated.
  for (let i = 0, states = k.states; i < states.length; i++) {
    const s = states[i]!;
    if (s.dev.origin !== "populate") continue;
    deviceAdd(k, s);
    drain(k);
  }
  // The later levels, each in link order (registerLevel).
  for (const level of AFTER_POPULATE) {
    log.stage = stageName(level);
    registerLevel(k, level);
  }
  log.stage = "late_initcall";
  // deferred_probe_initcall (late_initcall in drivers/base/dd.c): taken as the first of its level.
  k.dd.initcallsDone = true;
  retryDeferred(k);
  registerLevel(k, "late");
  log.stage = "late_initcall_sync";
  registerLevel(k, "late_sync");
  log.stage = "modules";
  registerLevel(k, "module");
  // Drivers left as modules for a scenario to load: boot ends with the timeout still pending
  // (deferred_probe_initcall scheduled it, driver_deferred_probe_timeout seconds away); a
  // `deferred-timeout` step runs it.
  if (k.dd.unloadedModules.size > 0) return k;
  log.stage = "deferred_probe_timeout";
  deferredProbeTimeout(k);
  return k;
}

/** of_platform_default_populate_init is arch_initcall_sync: the levels before it have registered. */
const BEFORE_POPULATE = INITCALL_LEVELS.slice(0, INITCALL_LEVELS.indexOf("arch") + 1);
const AFTER_POPULATE = INITCALL_LEVELS.slice(INITCALL_LEVELS.indexOf("arch_sync"), INITCALL_LEVELS.indexOf("late"));

/** The log's stage for a level: `subsys_initcall`, `device_initcall_sync`, `rootfs_initcall`. */
function stageName(level: InitcallLevel): string {
  return level.endsWith("_sync") ? `${level.slice(0, -5)}_initcall_sync` : `${level}_initcall`;
}
