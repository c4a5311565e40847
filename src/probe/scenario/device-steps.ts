// The steps on a device's life: sysfs `unbind` / `bind` (driver_override), device_del (`remove`),
// a PCI function that appears after boot (`pci-add`: pci_device_add -> device_add ->
// bus_probe_device, as pciehp or a rescan does), and a driver giving its arm32 DMA mapping back
// (`release-dma-mapping`: arm_iommu_detach_device + arm_iommu_release_mapping).
import { hotAddName, hotAddPciFunction, type PciHostBridge } from "../../graph/index.ts";
import { fail, ok, pciBusesChanged, type Result } from "../../iommu/index.ts";
import { deviceAdd, removeDevice } from "../base/core.ts";
import { bindDevice, drain, matchContext, unbindDevice } from "../base/dd.ts";
import { releaseArmMappingAtProbe } from "../dma/arm-dma-mapping.ts";
import { matchDriver } from "../drivers/match.ts";
import { stateFor, type DevState } from "../kernel.ts";
import { newDevState } from "../state.ts";
import type { ScenarioContext } from "./context.ts";
import type { BasicStep, PciAddStep, ReleaseDmaMappingStep } from "./types.ts";

export function unbind(ctx: ScenarioContext, step: BasicStep): Result<string> {
  const s = ctx.device(step.device!);
  if (!s.ok) return s;
  const drv = s.value.out.driver;
  const r = unbindDevice(ctx.k, s.value);
  return r.ok ? ok(`${drv} unbound from ${s.value.dev.name}`) : r;
}

export function bind(ctx: ScenarioContext, step: BasicStep): Result<string> {
  const s = ctx.device(step.device!);
  if (!s.ok) return s;
  const r = bindDevice(ctx.k, s.value, step.driver);
  return r.ok ? ok(`${s.value.out.driver} bound to ${s.value.dev.name}${s.value.out.group ? ` (group ${s.value.out.group.id})` : ""}`) : r;
}

export function remove(ctx: ScenarioContext, step: BasicStep): Result<string> {
  const s = ctx.device(step.device!);
  if (!s.ok) return s;
  const r = removeDevice(ctx.k, s.value);
  return r.ok ? ok(`${s.value.dev.name} removed`) : r;
}

/** The host bridge a pci-add step names (by its node's path), or the board's only one. */
export function hostBridgeFor(ctx: ScenarioContext, path: string | undefined): Result<PciHostBridge> {
  const bridges = ctx.k.graph.hostBridges;
  if (path === undefined) {
    if (bridges.length === 1) return ok(bridges[0]!);
    return fail("-ENODEV", "pci-add", bridges.length === 0 ? "the board has no PCI host bridge" : `the board has ${bridges.length} PCI host bridges: name one with hostBridge`);
  }
  const b = bridges.find((x) => ctx.k.graph.byNode.get(x.node)?.path === path);
  return b ? ok(b) : fail("-ENODEV", "pci-add", `no PCI host bridge at ${path}`);
}

/**
 * pci_device_add + pci_bus_add_device: the function's struct device is added (the IOMMU core's
 * notifier; the add era configures its IOMMU here), then its driver is tried (bind era: really_probe
 * -> pci_dma_configure -> of_iommu_configure with the alias walk through its bridges).
 */
export function pciAdd(ctx: ScenarioContext, step: PciAddStep): Result<string> {
  const k = ctx.k;
  const br = hostBridgeFor(ctx, step.hostBridge);
  if (!br.ok) return br;
  const bridge = br.value;
  const name = hotAddName(bridge, step.function);
  const old = ctx.lookup(name);
  // sysfs refuses a second device of the same name while the first is there.
  if (old && stateFor(k, old).added) return fail("-EEXIST", "device_add", `${name} already exists`);
  const r = hotAddPciFunction(k.graph, bridge, step.function, (d) => stateFor(k, d).added);
  if (!r.ok) return fail(r.errno, "pci_scan_slot", r.message);
  const dev = r.device;
  const s = newDevState(dev, matchDriver(dev, false, matchContext(k)), undefined);
  (k.states as DevState[]).push(s);
  // A function removed before (pci_stop_and_remove_bus_device -> pci_destroy_dev: device_del,
  // list_del from the bus, put_device frees it) is not found by pci_get_slot: the rescan's
  // pci_scan_device allocates a new pci_dev, which takes the name. The old one is history.
  if (old) stateFor(k, old).replaced = true;
  const level = k.dd.statesByLevel.get(s.match.initcall);
  if (level) level.push(s);
  else k.dd.statesByLevel.set(s.match.initcall, [s]);
  pciBusesChanged(k.iommu, bridge);
  ctx.learn(dev);
  deviceAdd(k, s);
  drain(k);
  const o = s.out;
  const where = r.fn.upstream?.dev ? `behind ${r.fn.upstream.dev.name}` : "on the root bus";
  const bound = o.state === "bound" ? `, bound to ${o.driver}` : o.state === "no-driver" ? ", no driver" : `, ${o.state}`;
  return ok(`${name} added ${where}${bound}${o.group ? ` (group ${o.group.id})` : ", no IOMMU group"}`);
}

/**
 * arm_iommu_detach_device + arm_iommu_release_mapping, as a driver does before attaching a domain
 * of its own (host1x clients, tegra-vde, omap3isp): the mapping and its address space go, the DMA
 * API falls back to dma-direct. Without a mapping the kernel only warns ("Not attached").
 */
export function releaseDmaMapping(ctx: ScenarioContext, step: ReleaseDmaMappingStep): Result<string> {
  const k = ctx.k;
  const sr = ctx.device(step.device);
  if (!sr.ok) return sr;
  const s = sr.value;
  if (!k.dma.armDmaMapping) return ok(`${s.dev.name}: no arm_iommu mapping to release (ARM_DMA_USE_IOMMU is arm32's; the caller's code is compiled out)`);
  const domain = s.out.domain;
  if (releaseArmMappingAtProbe(k, s, s.out.driver && !s.out.driverAssumed ? s.out.driver : `${s.dev.name}'s driver`)) {
    return ok(`${s.dev.name} released its arm_iommu mapping (domain ${domain!.id}); DMA API now dma-direct${s.out.domain ? `, group on domain ${s.out.domain.id}` : ""}`);
  }
  k.log.emit("log", s.dev, "warn", "Not attached");
  return ok(`${s.dev.name} has no arm_iommu mapping: arm_iommu_detach_device only warns "Not attached"`);
}
