// drivers/iommu/iommu.c, the device side: the instances (iommu_device_register, and bus_iommu_probe
// over the buses), iommu_probe_device / __iommu_probe_device (the driver's probe_device and
// device_group, the group, the reserved regions, the default domain), iommu_release_device, and
// the group IDA. Domain allocation is in domain.ts, default domains and attach in
// default-domain.ts, ownership and domain switches in ownership.ts, release in release.ts.
import type { BusType, Device, PciFunction } from "../../graph/index.ts";
import type { OfNode } from "../../of/index.ts";
import type { IommuDriver, IommuGroup, IommuInstance } from "../driver.ts";
import { overridesFor, type HwOverrides } from "../hw.ts";
import { opsOf } from "./domain.ts";
import { iommuMatchForCompatible } from "../table.ts";
import { ok, printkLevel, type Failure, type Limit, type Result } from "../types.ts";
import { attach, directMappings, setupDefaultDomain } from "./default-domain.ts";
import { pciDeviceGroup } from "./pci-group.ts";
import { BusWalkIndex } from "./walk-index.ts";
import { dropFwspec, iommuReleaseDevice } from "./release.ts";
import { deviceReservedRegions } from "./resv-regions.ts";
import type { IommuBus, IommuCore, IommuCoreOptions, IommuDev } from "./state.ts";

const NO_BUS: IommuBus = {
  devices: [],
  stateOf: () => {
    throw new Error("the IOMMU core has no bus yet");
  },
  configure: () => "ok",
  addProbeTarget: () => undefined,
  beforeWalk: () => {},
  inWindow: () => {},
  isDmaApiDomain: () => false,
  domainFreed: () => {},
};

/** The core's state for one run (its bus is set when the kernel is put together). */
export function createIommuCore(o: IommuCoreOptions): IommuCore {
  const core: IommuCore = {
    graph: o.graph,
    config: o.config,
    klog: o.log,
    bus: NO_BUS,
    instances: [],
    instanceByNode: new Map(),
    groups: new Set(),
    groupOfDev: new Map(),
    domains: new Set(),
    freeGroupIds: [],
    nextGroupId: 0,
    nextDomainId: 0,
    perInstanceDomain: new Map(),
    lastAllocFailure: undefined,
    notReady: null,
    walking: null,
    addProbing: false,
    driverStates: new Map(),
    pciBuses: new Map(),
    walkIndex: undefined,
    version: o.version,
    has: o.has,
    bootargs: o.bootargs,
    phandles: o.graph.phandles,
    newGroup: (instance, name) => newGroup(core, instance, name),
    groupAlive: (group) => core.groups.has(group),
    dmaRangesOf: (dev) => core.bus.stateOf(dev).out.dmaRanges,
    allInstances: () => core.instances,
    instanceOf: (node: OfNode) => core.instanceByNode.get(node),
    pciDeviceGroup: (dev, instance) => pciGroup(core, dev, instance),
    log: (dev, level, message) => o.log.emit("log", dev, level, message),
    driverState: <G>(driver: IommuDriver<unknown, G>): G => {
      const key = driver as IommuDriver<unknown, unknown>;
      let g = core.driverStates.get(key);
      if (g === undefined) {
        g = driver.newDriverState!();
        core.driverStates.set(key, g);
      }
      return g as G;
    },
  };
  return core;
}

/**
 * Every node that provides an IOMMU (`#iommu-cells`, or a compatible some driver matches), in
 * tree order, with its limits: the driver's defaults, then --hw.
 */
export function createInstances(core: IommuCore, hw: HwOverrides | undefined): void {
  const providers = core.graph.iommuProviders((compatible) => iommuMatchForCompatible(compatible) !== undefined);
  for (let i = 0; i < providers.length; i++) {
    const { of, device } = providers[i]!;
    const match = iommuMatchForCompatible(of.compatible);
    const driver = match?.driver;
    const limits: Record<string, Limit> = {};
    for (const [k, v] of Object.entries(match?.defaults ?? {})) limits[k] = { value: v, source: "default", description: k };
    for (const [k, v] of Object.entries(overridesFor(hw, of.path))) limits[k] = { value: v, source: "hw", description: k };
    const inst: { -readonly [K in keyof IommuInstance]: IommuInstance[K] } = {
      index: core.instances.length,
      node: of.node,
      path: of.path,
      name: of.name,
      compatible: of.compatible,
      available: of.available,
      device,
      driver,
      match,
      state: !of.available ? "disabled" : !driver ? "unknown-driver" : "not-probed",
      stateMessage: !of.available ? `status = "${of.status}"` : !driver ? `no modelled IOMMU driver matches ${JSON.stringify(of.compatibleText)}` : undefined,
      limits,
      registered: false,
      priv: undefined,
      used: {},
      needs: {},
    };
    // The driver's private state, made with the limits in place.
    if (driver) inst.priv = driver.newInstanceState(inst);
    core.instances.push(inst);
    core.instanceByNode.set(of.node, inst);
  }
}

/** iommu_group_alloc: group IDs come from an IDA (the lowest free number). */
export function newGroup(core: IommuCore, instance: IommuInstance, name?: string): IommuGroup {
  let id: number;
  if (core.freeGroupIds.length > 0) {
    core.freeGroupIds.sort((a, b) => a - b);
    id = core.freeGroupIds.shift()!;
  } else id = core.nextGroupId++;
  const g: IommuGroup = { id, instance, devices: [], name, defaultDomain: null, domain: null, blockingDomain: null, ownerCnt: 0, owner: null };
  core.groups.add(g);
  return g;
}

function pciGroup(core: IommuCore, dev: Device, instance: IommuInstance): Result<IommuGroup> {
  const found = pciDeviceGroup(dev.pci!, {
    groupOf: (fn) => (fn.dev ? core.groupOfDev.get(fn.dev) : undefined),
    functionsOnBus: (fn) => functionsOnBus(core, fn),
  });
  return { ok: true, value: found ?? newGroup(core, instance) };
}

/** A function was added to or removed from a host bridge's buses (hotplug): its bus lists are made again. */
export function pciBusesChanged(core: IommuCore, hostBridge: PciFunction["hostBridge"]): void {
  core.pciBuses.delete(hostBridge);
}

/** PCI functions per (host bridge, bus), built once: pci_device_group asks for them per device. */
function functionsOnBus(core: IommuCore, fn: PciFunction): readonly PciFunction[] {
  let buses = core.pciBuses.get(fn.hostBridge);
  if (!buses) {
    buses = new Map();
    for (const f of fn.hostBridge.functions) {
      const list = buses.get(f.bus);
      if (list) list.push(f);
      else buses.set(f.bus, [f]);
    }
    core.pciBuses.set(fn.hostBridge, buses);
  }
  return buses.get(fn.bus) ?? [];
}

/**
 * iommu_device_register: on the list, (6.15+) bus_iommu_probe over every device, then ready. It
 * runs inside the IOMMU driver's probe: a failed walk unregisters the instance (its devices leave
 * their groups) and the driver's probe fails with the walk's error.
 */
export function iommuDeviceRegister(core: IommuCore, inst: IommuInstance): Result<void> {
  if (inst.registered) return ok(undefined);
  inst.state = "registered";
  inst.registered = true;
  if (core.config.era === "add") {
    core.notReady = inst;
    let r: Result<void>;
    try {
      r = busIommuProbeAll(core, inst);
    } finally {
      core.notReady = null;
    }
    if (!r.ok) iommuDeviceUnregister(core, inst, r.failure);
    return r;
  }
  // bus_iommu_probe: 6.15+ for every IOMMU; before 6.8 also from bus_set_iommu /
  // iommu_device_register for drivers that probe without a fwspec (IommuCaps.probesAtAddUntil).
  const atAdd = core.config.era === "bind" && opsOf(inst).probesAtAdd(core);
  if (atAdd) core.addProbing = true;
  if (atAdd) busIommuProbeAll(core, inst, true);
  return ok(undefined);
}

/**
 * iommu_device_register's failure path (iommu_device_unregister, remove_iommu_group): the devices
 * the walk grouped on this instance are released, the instance leaves the list, and the driver
 * prints its own line, if it has one, before its probe returns the error.
 */
function iommuDeviceUnregister(core: IommuCore, inst: IommuInstance, f: Failure): void {
  for (const s of core.bus.devices) if (s.out.group?.instance === inst) iommuReleaseDevice(core, s);
  inst.registered = false;
  inst.state = "probe-failed";
  inst.stateMessage = `${f.errno}: iommu_device_register failed: ${f.message}`;
  const line = inst.driver?.registerFailedLog;
  if (line) core.klog.emit("log", inst.device, "err", line);
}

/**
 * iommu_buses[] (drivers/iommu/iommu.c): iommu_device_register runs bus_iommu_probe on each bus in
 * this order (so a walk groups an IOMMU's platform devices, then its PCI functions, then its AMBA
 * devices, each in the order they were added). Before 6.1 ("iommu: Retire bus_set_iommu()") the
 * drivers set each bus themselves; the one driver whose walks the model runs then
 * (IommuCaps.probesAtAddUntil) set the platform bus first, then PCI, too.
 */
const IOMMU_BUSES: readonly BusType[] = ["platform", "pci", "amba"];

/**
 * iommu_device_register's walks: bus_iommu_probe for each bus of iommu_buses[], the next only
 * when the one before succeeded.
 */
function busIommuProbeAll(core: IommuCore, inst: IommuInstance, atAdd = false): Result<void> {
  if (core.config.era === "add") core.bus.beforeWalk(inst);
  // Only the devices a walk can change, in device order (walk-index.ts), found in one pass and
  // split by bus: every bus's walk then visits only its own.
  const index = (core.walkIndex ??= new BusWalkIndex<OfNode>(core.bus.devices.length));
  index.release(inst.node);
  const onBus = new Map<BusType, number[]>(IOMMU_BUSES.map((type) => [type, []]));
  for (let i = index.next(0), states = core.bus.devices; i >= 0; i = index.next(i + 1)) onBus.get(states[i]!.dev.bus)!.push(i);
  for (const type of IOMMU_BUSES) {
    const r = busIommuProbe(core, inst, onBus.get(type)!, index, atAdd);
    if (!r.ok) return r;
  }
  return ok(undefined);
}

/**
 * bus_iommu_probe: group every device on the bus, then set up the new groups' default domains.
 * probe_iommu_group passes on any error but -ENODEV, and bus_for_each_dev stops at the first:
 * from 6.15 (bcb81ac6ae3c) the walk probes every master through its dma_configure, so one master
 * that probe_device refuses ends the walk before any default domain is set up, and
 * iommu_device_register fails. The older walks (probesAtAdd drivers) go on past a failure here.
 */
function busIommuProbe(core: IommuCore, inst: IommuInstance, ids: readonly number[], index: BusWalkIndex<OfNode>, atAdd: boolean): Result<void> {
  const bus = core.bus;
  const newGroups: IommuGroup[] = [];
  for (const i of ids) {
    const s = bus.devices[i]!;
    if (!s.added) continue;
    if (s.out.group) {
      index.skip(i);
      continue;
    }
    if (atAdd && bus.addProbeTarget(s) !== inst) continue;
    if (!s.fwspec) {
      // The walk's own configuration (__iommu_probe_device → dma_configure) is what the
      // ready flag waits for: it is not turned away.
      core.walking = s;
      const r = bus.configure(s);
      core.walking = null;
      if (r === "defer") {
        // It waits for an IOMMU that has not registered: that IOMMU's own walk visits it again.
        const waitsFor = s.dev.dma.iommus?.entries.find((e) => !core.instanceByNode.get(e.target.node)?.registered)?.target.node;
        if (waitsFor) index.wait(i, waitsFor);
        continue;
      }
      if (!s.fwspec) {
        if (s.dev.bus !== "pci" && s.out.specifiers.length === 0) index.skip(i); // no `iommus`: no walk gives it one
        continue;
      }
    }
    if (s.fwspec.instance !== inst) continue;
    const g = probeDevice(core, s, "bus");
    if (!g.ok && g.failure.errno !== "-ENODEV" && core.config.era === "add") {
      return { ok: false, failure: { errno: g.failure.errno, where: "bus_iommu_probe", message: `the walk stopped at ${s.dev.name}: ${g.failure.message} (${g.failure.where})` } };
    }
    if (g.ok && !g.value.defaultDomain && !newGroups.includes(g.value)) newGroups.push(g.value);
  }
  if (core.config.era === "add") bus.inWindow(inst, newGroups);
  // Default domains only after the whole bus was walked (cross-device agreement).
  // iommu_setup_default_domain's error (no default domain, 6.7+; a member's attach) ends it too.
  for (const g of newGroups) {
    const r = setupDefaultDomain(core, g);
    if (!r.ok && core.config.era === "add") {
      return { ok: false, failure: { errno: r.failure.errno, where: "bus_iommu_probe", message: `iommu_setup_default_domain failed for group ${g.id}: ${r.failure.message} (${r.failure.where})` } };
    }
  }
  return ok(undefined);
}

/**
 * __iommu_probe_device (+ the default-domain step of iommu_probe_device). `mode`: the replay from
 * of_iommu_configure at bind, the probe at device add, or bus_iommu_probe's walk (whose default
 * domains wait for the end of the walk).
 */
export function iommuProbeDevice(core: IommuCore, s: IommuDev, mode: "replay" | "add" | "bus", afterInit?: () => void): IommuGroup | null {
  const r = probeDevice(core, s, mode, afterInit);
  return r.ok ? r.value : null;
}

/**
 * __iommu_probe_device with its error (bus_iommu_probe's walk stops at one). `afterInit` runs
 * where iommu_init_device has succeeded (probe_device and device_group), before the group add.
 */
function probeDevice(core: IommuCore, s: IommuDev, mode: "replay" | "add" | "bus", afterInit?: () => void): Result<IommuGroup> {
  if (s.out.group) return ok(s.out.group);
  const fwspec = s.fwspec!;
  const ops = opsOf(fwspec.instance);
  const pd = ops.probeDevice(fwspec, s.dev, core);
  if (!pd.ok) {
    core.klog.failWith(s, pd.failure, printkLevel(pd.failure));
    dropFwspec(s);
    return pd;
  }
  const gr = ops.deviceGroup(fwspec, s.dev, core);
  if (!gr.ok) {
    ops.releaseDevice(fwspec, s.dev, core);
    core.klog.failWith(s, gr.failure, printkLevel(gr.failure));
    dropFwspec(s);
    return gr;
  }
  afterInit?.();
  const g = gr.value;
  g.devices.push(s.dev);
  s.out.group = g;
  core.groupOfDev.set(s.dev, g);
  // iommu_group_add_device: dev_info since "iommu: Use dev_printk() when possible" (5.1); before,
  // pr_info with the iommu.c prefix.
  if (core.has.groupAddDevPrintk) core.klog.emit("log", s.dev, "info", `Adding to iommu group ${g.id}`);
  else core.klog.emit("log", null, "info", `Adding device ${s.dev.name} to group ${g.id}`, "iommu");
  readReservedRegions(core, s);
  if (g.defaultDomain) directMappings(core, s, g.defaultDomain);
  if (g.domain) {
    const a = attach(core, g.domain, s);
    if (!a.ok) return a;
  } else if (mode !== "bus" && !g.defaultDomain) {
    setupDefaultDomain(core, g);
    if (!s.out.group) return { ok: false, failure: s.out.errors[s.out.errors.length - 1] ?? { errno: "-ENODEV", where: "iommu_setup_default_domain", message: `${s.dev.name} left its group` } };
  }
  return ok(g);
}

/** iommu_get_resv_regions -> iommu_dma_get_resv_regions -> of_iommu_get_resv_regions (6.3+). */
function readReservedRegions(core: IommuCore, s: IommuDev): void {
  if (!s.dev.node || !s.fwspec || !opsOf(s.fwspec.instance).dtReservedRegions || !core.has.ofIommuResvRegions) return;
  const r = deviceReservedRegions(s.dev.dma.reserved, core.has);
  for (const m of r.messages) core.klog.emit("log", s.dev, m.level, m.text);
  s.resvRegions = r.regions;
  s.requireDirect = r.regions.some((x) => x.type === "direct");
}

/** The live groups, by id (sysfs /sys/kernel/iommu_groups). */
export function liveGroups(core: IommuCore): readonly IommuGroup[] {
  return [...core.groups];
}

/** The IOMMU driver's platform probe up to iommu_device_register (its checks, its limits). */
export function iommuProbeInstance(core: IommuCore, inst: IommuInstance): Result<void> {
  if (inst.state === "registered") return { ok: true, value: undefined };
  const r = opsOf(inst).probeInstance(inst, core);
  if (!r.ok) {
    inst.state = "probe-failed";
    inst.stateMessage = `${r.failure.errno}: ${r.failure.message}`;
  }
  return r;
}

/** 3.19 (of_iommu_init): IOMMU_OF_DECLARE init functions ran before of_platform_populate. */
export function declareIommusEarly(core: IommuCore, isModule: (inst: IommuInstance) => boolean = () => false): void {
  for (const inst of core.instances) {
    // IOMMU_OF_DECLARE entries live in the kernel image's __iommu_of_table: a module has none.
    if (inst.state !== "not-probed" || isModule(inst)) continue;
    const r = opsOf(inst).probeInstance(inst, core);
    if (!r.ok) {
      inst.state = "probe-failed";
      inst.stateMessage = r.failure.message;
      core.klog.emit("log", inst.device, "err", `Failed to initialise IOMMU ${inst.path}`, "of_iommu");
      continue;
    }
    inst.state = "registered";
    inst.registered = true;
  }
}

/** iommu_subsys_init: the default domain type and the DMA domains' TLB invalidation policy. */
export function iommuSubsysInit(core: IommuCore): void {
  const c = core.config;
  const how = c.typeFromCmdline ? " (set via kernel command line)" : "";
  if (c.defaultType === "identity") core.klog.emit("log", null, "info", `Default domain type: Passthrough${how}`, "iommu");
  else {
    core.klog.emit("log", null, "info", `Default domain type: Translated${how}`, "iommu");
    core.klog.emit("log", null, "info", `DMA domain TLB invalidation policy: ${c.defaultType === "DMA" ? "strict" : "lazy"} mode${c.strictFromCmdline ? " (set via kernel command line)" : ""}`, "iommu");
  }
}

/** The deferred probe timeout: devices waiting for an IOMMU are visited by the next walk again (they now fail instead of deferring). */
export function iommuWalksAfterTimeout(core: IommuCore): void {
  core.walkIndex?.releaseAll();
}

/** A device was added again, or left its group: walks visit it again. */
export function iommuWalksRevisit(core: IommuCore, s: IommuDev): void {
  core.walkIndex?.restore(s.dev.id);
}
