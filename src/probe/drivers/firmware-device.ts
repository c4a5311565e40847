// Firmware sub-devices (venus_firmware_init in drivers/media/platform/qcom/venus/firmware.c,
// ath10k_fw_init in drivers/net/wireless/ath/ath10k/snoc.c; same shape in 6.1 and 6.12): when the
// node has a child of a fixed name, the probe registers it as a platform device of its own
// (platform_device_register_full: fwnode = the child, name = its node name, id 0, parent = the
// driver's device), sets its of_node, calls of_dma_configure(&pdev->dev, np, true) itself (no
// driver ever binds it: none has that name) — the child's own `iommus` give it a fwspec, a group
// and a default domain (iommu_probe_device's replay; from 6.15 at device_add) — then allocates a
// paging domain and iommu_attach_device()s it: the firmware runs in that address space, and the
// default domain stays unused. Without the child the firmware boots through TrustZone (use_tz)
// and nothing is created. A failure unregisters the device and fails the probe.
import type { FeatureFlag } from "../../kernel/index.ts";
import { ERRNO_VALUES, type Errno, type Result } from "../../iommu/index.ts";
import { ofNodeName } from "../../of/index.ts";
import { setupDmaOps } from "../dma/arch.ts";
import { stateFor, type DevState, type DriverMatch, type Kernel } from "../kernel.ts";
import { ofDmaConfigure } from "../of/device.ts";
import { allocAndAttach, describeSwitch, detachAndFree } from "./paging-domain.ts";

export interface FirmwareDeviceSpec {
  /** The child node's name (of_get_child_by_name). */
  readonly node: string;
  /** The function that registers it. */
  readonly fn: string;
  /** The owner of the paging domain in the report. */
  readonly owner: string;
  /** From this change the domain comes from iommu_paging_domain_alloc(fw dev). */
  readonly pagingAlloc: FeatureFlag;
  /** The lines the driver prints on each failure (dev_err / ath10k_err), by step. */
  readonly log: { readonly configure: (errno: number) => string; readonly alloc: string; readonly attach: (errno: number) => string };
  /** The device its messages name (dev_err on the firmware device or on the driver's own). */
  readonly logOn: { readonly alloc: "fw" | "driver"; readonly attach: "fw" | "driver" };
  /** After the attach the driver maps a firmware region into the domain (iommu_map; no effect on groups). */
  readonly maps?: string;
}

const OK: Result<void> = Object.freeze({ ok: true, value: undefined });

const noDriver = (fn: string, node: string): DriverMatch =>
  Object.freeze({ name: null, assumed: false, initcall: "device", driverManagedDma: false, ownsDma: false, source: null, link: 0, unbound: "no-match", reason: `registered by ${fn} (platform_device_register_full): no driver is named ${node}, none binds it` });

/** The firmware device the graph created for `s` (the first child of that name), if any. */
function firmwareDevice(k: Kernel, s: DevState, node: string): DevState | undefined {
  for (const d of k.graph.createdBy.get(s.dev) ?? []) {
    if (d.origin === "registered" && d.node && d.name === `${node}.0` && ofNodeName(d.node).split("@")[0] === node) return stateFor(k, d);
  }
  return undefined;
}

/** The registration, DMA configuration and domain, from the driver's probe. */
export function registerFirmwareDevice(k: Kernel, s: DevState, spec: FirmwareDeviceSpec): Result<void> {
  const fw = firmwareDevice(k, s, spec.node);
  if (!fw) return OK; // use_tz: the firmware is booted by TrustZone
  // platform_device_register_full -> platform_device_add -> device_add: no driver matches.
  fw.match = noDriver(spec.fn, spec.node);
  fw.out.driver = null;
  fw.out.driverAssumed = false;
  fw.out.stateReason = fw.match.reason;
  k.lifecycle.add(fw);
  const fail = (errno: Errno, where: string, message: string, line: string, on: "fw" | "driver"): Result<void> => {
    k.log.emit("log", on === "fw" ? fw.dev : s.dev, "err", line);
    k.log.note(s, `${spec.fn} failed with ${errno} in ${where}: ${message}; ${fw.dev.name} is unregistered and the probe fails`);
    k.lifecycle.removeTree(fw);
    return { ok: false, failure: { errno, where, message } };
  };
  // of_dma_configure(&pdev->dev, np, true): the child's own iommus, as a bind's dma_configure would.
  if (ofDmaConfigure(k, fw, false) === "defer") {
    return fail("-EPROBE_DEFER", "of_dma_configure", `the IOMMU of ${fw.dev.path} is not registered yet`, spec.log.configure(ERRNO_VALUES["-EPROBE_DEFER"]), "driver");
  }
  setupDmaOps(k, fw);
  const pagingAlloc = k.has[spec.pagingAlloc];
  const r = allocAndAttach(k, fw, { owner: spec.owner, pagingAlloc });
  if (!r.ok) {
    const where = r.step === "alloc" ? (pagingAlloc ? "iommu_paging_domain_alloc" : "iommu_domain_alloc") : "iommu_attach_device";
    const line = r.step === "alloc" ? spec.log.alloc : spec.log.attach(ERRNO_VALUES[r.errno]);
    return fail(r.errno, where, r.message, line, r.step === "alloc" ? spec.logOn.alloc : spec.logOn.attach);
  }
  k.drivers.ownDomains.set(fw, { domain: r.domain, group: r.group });
  k.log.note(fw, `${describeSwitch(k, fw, r, spec.fn)}${spec.maps ? `; ${spec.maps}` : ""}`);
  return OK;
}

/** venus_firmware_deinit / ath10k_fw_deinit at remove: detach and free the domain (the device goes with the driver's children). */
export function unregisterFirmwareDevice(k: Kernel, s: DevState, spec: FirmwareDeviceSpec): void {
  const fw = firmwareDevice(k, s, spec.node);
  const o = fw && k.drivers.ownDomains.get(fw);
  if (!fw || !o) return;
  k.drivers.ownDomains.delete(fw);
  detachAndFree(k, o.domain, o.group);
}
