// The boot sequence (init/main.c do_initcalls, drivers/of/platform.c
// of_platform_default_populate_init, drivers/base/dd.c deferred_probe_initcall and the deferred
// probe timeout): drivers register by initcall level, devices are added and bound in order, the
// deferred list is retried at late_initcall, after the modules load, and at the timeout.
import type { DeviceGraph } from "../../graph/index.ts";
import { declareIommusEarly, iommuSubsysInit, iommuWalksAfterTimeout } from "../../iommu/index.ts";
import { deviceAdd } from "../base/core.ts";
import { drain, registerLevel, retryDeferred } from "../base/dd.ts";
import { cmdlineProblems, splitCmdline } from "../cmdline.ts";
import type { Kernel } from "../kernel.ts";
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
  // Drivers registered at arch_initcall bind as soon as their device is added.
  k.dd.registeredLevels.add("arch");
  log.stage = "arch_initcall_sync";
  // of_platform_default_populate_init: device_add -> bus_probe_device, so a device whose driver is
  // registered (an arch_initcall driver) binds before the next node is populated.
  for (let i = 0, states = k.states; i < states.length; i++) {
    const s = states[i]!;
    if (s.dev.origin !== "populate") continue;
    deviceAdd(k, s);
    drain(k);
  }
  for (const level of ["subsys", "device"] as const) {
    log.stage = `${level}_initcall`;
    registerLevel(k, level);
  }
  log.stage = "late_initcall";
  k.dd.initcallsDone = true;
  retryDeferred(k);
  log.stage = "modules";
  registerLevel(k, "module");
  // Drivers left as modules for a scenario to load: boot ends with the timeout still pending
  // (deferred_probe_initcall scheduled it, driver_deferred_probe_timeout seconds away); a
  // `deferred-timeout` step runs it.
  if (k.dd.unloadedModules.size > 0) return k;
  log.stage = "deferred_probe_timeout";
  k.dd.timeoutExpired = true;
  iommuWalksAfterTimeout(k.iommu);
  retryDeferred(k);
  return k;
}
