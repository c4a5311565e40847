// Putting the emulated kernel together for one run: the configuration (version, policy,
// architecture, command line), each subsystem's state, the device states with their drivers, and
// the calls between subsystems that go through function pointers (the IOMMU core's bus
// callbacks, device_add / device_del as the driver core reaches them).
import type { DeviceGraph } from "../../graph/index.ts";
import { createIommuCore, createInstances, type IommuConfig, type IommuInstance } from "../../iommu/index.ts";
import { kernelFeatures } from "../../kernel/index.ts";
import { parseAsyncProbe } from "../base/async-probe.ts";
import { deviceAdd, removeTree } from "../base/core.ts";
import { asyncBindsBeforeWalk, asyncBindsInWindow } from "../base/dd-async.ts";
import { Deque } from "../deque.ts";
import { ArmSharedMappings } from "../dma/arm-shared-mapping.ts";
import { driverCatalogFor } from "../drivers/catalog.ts";
import { matchDriver, modulesLoaded } from "../drivers/match.ts";
import { CLIENT_DRIVERS } from "../drivers/table.ts";
import type { Aggregate, DevState, DriverMatch, Kernel } from "../kernel.ts";
import { KernelLog } from "../log.ts";
import { addProbeTarget, ofIommuConfigure } from "../of/iommu.ts";
import { PciHostState } from "../pci/host-state.ts";
import { boolParam, MODELLED_BOOL_PARAMS, splitCmdline } from "../cmdline.ts";
import { parseBootargs, resolveConfig, type ProbeOptions } from "../options.ts";
import { newDevState } from "../state.ts";

export function createKernel(graph: DeviceGraph, options: ProbeOptions): Kernel {
  const has = kernelFeatures(options.kernel.version);
  const config = resolveConfig(options, graph.arch);
  const bootargsText = options.bootargs ?? graph.chosenBootargs ?? "";
  const bootargs = parseBootargs(bootargsText);
  // Early parameters as do_early_param and kstrtobool read them (../cmdline.ts).
  const words = splitCmdline(bootargsText);
  const boolParams = new Map<string, boolean>();
  for (const p of MODELLED_BOOL_PARAMS) {
    const v = boolParam(words, p.name, options.kernel);
    if (v !== undefined) boolParams.set(p.name, v);
  }
  const pt = boolParams.get("iommu.passthrough");
  const strict = boolParams.get("iommu.strict");
  const armShared = config.arch === "arm" && config.policy !== "per-device";
  const iommuConfig: IommuConfig = {
    // iommu_subsys_init: Kconfig default translated + strict (arm64 defconfig / distro kernels).
    defaultType: pt ? "identity" : strict === false ? "DMA-FQ" : "DMA",
    typeFromCmdline: pt !== undefined,
    strictFromCmdline: strict !== undefined,
    armDmaMapping: config.policy === "per-device" || config.arch === "arm",
    armMappingScope: armShared ? (config.policy === "per-instance" ? "instance" : "group") : "device",
    sharedDefaultPerInstance: config.policy === "per-instance",
    kernelLabel: options.kernel.label,
    era: options.kernel.era,
  };
  const states: DevState[] = [];
  const log = new KernelLog((dev) => states[dev.id]);
  const iommu = createIommuCore({ graph, config: iommuConfig, log, version: options.kernel.version, has, bootargs });
  const aggregates: Aggregate[] = [];
  const k: Kernel = {
    graph,
    options,
    config,
    has,
    bootargsText,
    bootargs,
    boolParams,
    log,
    states,
    iommu,
    dd: {
      registeredLevels: new Set(),
      initcallsDone: false,
      timeoutExpired: false,
      unloadedModules: new Set(options.modules ?? options.scenario?.modules ?? []),
      deferred: [],
      queue: new Deque(),
      statesByLevel: new Map(),
      addBatch: null,
      asyncProbe: parseAsyncProbe(bootargs.get("driver_async_probe")),
    },
    dma: {
      armDmaMapping: iommuConfig.armDmaMapping,
      armShared: armShared ? new ArmSharedMappings(iommu, iommuConfig.armMappingScope === "instance" ? "instance" : "group") : undefined,
    },
    // The run's drivers: the options' catalog, else the shipped table of this version with Debian's
    // configuration for the architecture.
    drivers: { catalog: options.drivers ?? driverCatalogFor(options.kernel.label, config.arch, options.driverTables), matches: new WeakMap(), aggregates, ownDomains: new Map() },
    pci: new PciHostState(graph, has.pciDomainIda),
    lifecycle: { add: (s) => deviceAdd(k, s), removeTree: (s) => removeTree(k, s) },
  };
  for (const d of CLIENT_DRIVERS) if (d.aggregate) aggregates.push(d.aggregate(k));
  iommu.bus = {
    devices: states,
    stateOf: (dev) => states[dev.id]!,
    configure: (d) => ofIommuConfigure(k, d as DevState),
    addProbeTarget: (d) => addProbeTarget(k, d as DevState),
    beforeWalk: (inst) => asyncBindsBeforeWalk(k, inst),
    inWindow: (inst, groups) => asyncBindsInWindow(k, inst, groups),
    isDmaApiDomain: (d) => k.dma.armShared?.isShared(d) ?? false,
    domainFreed: (d) => k.dma.armShared?.forget(d),
  };
  createInstances(iommu, options.hw);
  createStates(k, states);
  // With a driver table the scenario's `modules` are held back only where the table builds them as
  // modules (=m): a driver it builds in registers at its initcall (load-module then fails).
  if (k.drivers.catalog.table) {
    for (const name of k.dd.unloadedModules) {
      const mine = states.filter((s) => s.match.name !== null && (s.match.name === name || s.match.module === name));
      if (mine.length > 0 && mine.every((s) => s.match.module === undefined)) k.dd.unloadedModules.delete(name);
    }
  }
  return k;
}

/** struct device for every Device, with the driver that will bind it, grouped by initcall level. */
function createStates(k: Kernel, states: DevState[]): void {
  const devices = k.graph.devices;
  const byLevel = k.dd.statesByLevel;
  const instanceByNode = k.iommu.instanceByNode;
  const ctx = { has: k.has, catalog: k.drivers.catalog, matches: k.drivers.matches };
  // Index loops over the per-device arrays: for-of left an iterator result per device in these
  // long loops (a few MB of garbage each on a large board).
  const instances: (IommuInstance | undefined)[] = new Array(devices.length);
  const matches: DriverMatch[] = new Array(devices.length);
  for (let i = 0; i < devices.length; i++) {
    const dev = devices[i]!;
    instances[i] = dev.node ? instanceByNode.get(dev.node) : undefined;
    matches[i] = matchDriver(dev, instances[i] !== undefined, ctx);
  }
  // Which modules udev loads depends on every device of the board.
  if (ctx.catalog.table) modulesLoaded(matches, ctx.catalog);
  for (let i = 0; i < devices.length; i++) {
    const s = newDevState(devices[i]!, matches[i]!, instances[i]);
    states.push(s);
    const level = byLevel.get(s.match.initcall);
    if (level) level.push(s);
    else byLevel.set(s.match.initcall, [s]);
  }
}
