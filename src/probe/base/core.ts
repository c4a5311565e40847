// drivers/base/core.c: device_add (BUS_NOTIFY_ADD_DEVICE -> the IOMMU core's notifier, then
// bus_probe_device) and device_del (the driver released, DEL_DEVICE, REMOVED_DEVICE ->
// iommu_release_device), for a device and for the subtree of devices whose lifetime hangs on it.
import { iommuProbeDevice, iommuReleaseDevice, iommuWalksRevisit, type Result } from "../../iommu/index.ts";
import { stateFor, type DevState, type Kernel } from "../kernel.ts";
import { ofDmaConfigure, iommuProbeAtAdd } from "../of/device.ts";
import { addProbeTarget } from "../of/iommu.ts";
import { leaveDeferredList, releaseDriver } from "./dd.ts";

/** device_add: BUS_NOTIFY_ADD_DEVICE, then bus_probe_device. */
export function deviceAdd(k: Kernel, s: DevState): void {
  if (s.added) return;
  const era = k.options.kernel.era;
  // 3.19: of_dma_configure at device creation (of_platform_device_create_pdata).
  if (era === "creation") ofDmaConfigure(k, s, false);
  s.added = true;
  iommuWalksRevisit(k.iommu, s);
  s.out.state = "not-created";
  k.log.emit("notifier", s.dev, "debug", "BUS_NOTIFY_ADD_DEVICE");
  // iommu_bus_notifier -> iommu_probe_device.
  if (era === "add") iommuProbeAtAdd(k, s);
  else if (k.iommu.addProbing && addProbeTarget(k, s)) iommuProbeAtAdd(k, s);
  else if (era === "creation" && s.fwspec) iommuProbeDevice(k.iommu, s, "add");
  if (!s.match.name) {
    s.out.state = "no-driver";
    return;
  }
  if (!k.dd.registeredLevels.has(s.match.initcall) || k.dd.unloadedModules.has(s.match.name)) return;
  // bus_probe_device binds right away; devices added together keep their order.
  if (k.dd.addBatch) k.dd.addBatch.push(s);
  else k.dd.queue.unshiftOne(s);
}

/** device_del of a device and everything below it (PCI functions behind a bridge, populated children). */
export function removeDevice(k: Kernel, s: DevState): Result<void> {
  if (!s.added) return { ok: false, failure: { errno: "-ENODEV", where: "device_del", message: `${s.dev.name} does not exist` } };
  if (s.instance && s.out.state === "bound") return { ok: false, failure: { errno: "-EBUSY", where: "device_del", message: `${s.dev.name} is a registered IOMMU; its driver cannot be removed` } };
  removeTree(k, s);
  return { ok: true, value: undefined };
}

/** Post-order removal with an explicit stack: children before their parent. */
export function removeTree(k: Kernel, root: DevState): void {
  const order: DevState[] = [];
  const stack: { s: DevState; expanded: boolean }[] = [{ s: root, expanded: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.expanded) {
      stack.pop();
      order.push(top.s);
      continue;
    }
    top.expanded = true;
    for (const c of childrenOf(k, top.s)) if (c.added) stack.push({ s: c, expanded: false });
  }
  for (const s of order) deviceDel(k, s);
}

/** Devices whose lifetime hangs on `s`: created by its driver, or PCI functions below it. */
function childrenOf(k: Kernel, s: DevState): DevState[] {
  const out = (k.graph.createdBy.get(s.dev) ?? []).map((d) => stateFor(k, d));
  const f = s.dev.pci;
  if (f && f.header === 1) for (const g of f.hostBridge.functions) if (g.upstream === f && g.dev) out.push(stateFor(k, g.dev));
  return out;
}

/** device_del: unbind, DEL_DEVICE, REMOVED_DEVICE -> iommu_release_device. */
function deviceDel(k: Kernel, s: DevState): void {
  if (!s.added) return;
  if (s.out.state === "bound") releaseDriver(k, s);
  k.log.emit("notifier", s.dev, "debug", "BUS_NOTIFY_DEL_DEVICE");
  leaveDeferredList(k, s);
  k.log.emit("notifier", s.dev, "debug", "BUS_NOTIFY_REMOVED_DEVICE");
  iommuReleaseDevice(k.iommu, s);
  s.added = false;
  s.out.state = "removed";
  s.out.stateReason = "removed (device_del)";
  s.out.dmaOps = "direct";
}
