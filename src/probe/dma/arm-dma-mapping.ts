// arch/arm/mm/dma-mapping.c under ARM_DMA_USE_IOMMU: arm_setup_iommu_dma_ops gives a device an
// arm_iommu mapping (one UNMANAGED domain, one address space) at arch_setup_dma_ops — its own
// (mainline: arm_iommu_create_mapping + arm_iommu_attach_device), or under the hypothetical
// per-group / per-instance policies a reference on a shared one (arm-shared-mapping.ts);
// arm_iommu_detach_device + arm_iommu_release_mapping give it back (at teardown, or from a
// driver's probe).
import { addError, allocDomain, deviceSetDomain, freeDomain, leaveDomain, opsOf, type Failure, type IommuDomain, type IommuGroup } from "../../iommu/index.ts";
import type { DevState, Kernel } from "../kernel.ts";
import { describeSharedRelease } from "./arm-shared-mapping.ts";
import { recordArmMapping } from "./iova-spaces.ts";

/** arm32 arm_setup_iommu_dma_ops: a mapping sized from the device's dma-ranges, attached to it. */
export function armSetupIommuDmaOps(k: Kernel, s: DevState, g: IommuGroup): void {
  s.out.dmaOps = "direct";
  let base = 0n;
  let size = 1n << 32n;
  if (s.out.dmaRanges && s.out.dmaRanges.length > 0) {
    base = s.out.dmaRanges.reduce((m, r) => (r.dmaStart < m ? r.dmaStart : m), s.out.dmaRanges[0]!.dmaStart);
    const end = s.out.dmaRanges.reduce((m, r) => (r.dmaStart + r.size > m ? r.dmaStart + r.size : m), 0n);
    size = end - base;
  }
  // arm_setup_iommu_dma_ops prints with pr_warn: no device prefix (arch/arm/mm/dma-mapping.c).
  const fail = (f: Failure, msg: string) => {
    addError(s.out, f);
    k.log.emit("log", null, "warn", msg, "");
  };
  if (size > 1n << 32n) {
    fail({ errno: "-ERANGE", where: "arm_iommu_create_mapping", message: `mapping of ${size} bytes exceeds 4 GiB` }, `Failed to create ${size}-byte IOMMU mapping for device ${s.dev.name}`);
    return;
  }
  if (k.dma.armShared) {
    armSharedMapping(k, s, g, size, fail);
    return;
  }
  const inst = g.instance;
  const domain = allocDomain(k.iommu, inst, "unmanaged", "arm-dma-mapping");
  if (!domain) {
    fail({ errno: "-ENOMEM", where: "arm_iommu_create_mapping", message: `${inst.driver!.name} cannot allocate an UNMANAGED domain` }, `Failed to create ${size}-byte IOMMU mapping for device ${s.dev.name}`);
    return;
  }
  recordArmMapping(k, s, domain);
  // iommu_attach_device refuses multi-device groups since default domains (about 4.4).
  if (g.devices.length !== 1 && k.has.attachDeviceNeedsSingletonGroup) {
    freeDomain(k.iommu, domain);
    fail({ errno: "-EINVAL", where: "iommu_attach_device", message: `group ${g.id} has ${g.devices.length} devices; iommu_attach_device needs a singleton group` }, `Failed to attached device ${s.dev.name} to IOMMU_mapping`);
    return;
  }
  const r = opsOf(inst).attachDev(domain, s.dev, s.fwspec!, k.iommu);
  if (!r.ok) {
    freeDomain(k.iommu, domain);
    fail(r.failure, `Failed to attached device ${s.dev.name} to IOMMU_mapping`);
    k.log.note(s, `arm32 mapping attach failed with ${r.failure.errno} in ${r.failure.where}: ${r.failure.message}`);
    return;
  }
  if (s.out.domain && s.out.domain !== domain) leaveDomain(k.iommu, s.dev, s.out.domain);
  domain.devices.push(s.dev);
  g.domain = domain;
  s.out.domain = domain;
  s.out.dmaOps = "iommu";
}

/**
 * arm32 under the hypothetical per-instance / per-group policy: arch_setup_dma_ops takes a
 * reference on the instance's (group's) mapping, creating it at the first device, and attaches
 * the device's group to it with iommu_attach_group (arm-shared-mapping.ts).
 */
function armSharedMapping(k: Kernel, s: DevState, g: IommuGroup, size: bigint, fail: (f: Failure, msg: string) => void): void {
  const shared = k.dma.armShared!;
  const r = shared.setup(s, g);
  if (!r.ok) {
    if (r.stage === "alloc") fail(r.failure, `Failed to create ${size}-byte IOMMU mapping for device ${s.dev.name}`);
    else {
      fail(r.failure, `Failed to attached device ${s.dev.name} to IOMMU_mapping`);
      k.log.note(s, `arm32 ${shared.owner} mapping: attaching group ${g.id} failed with ${r.failure.errno} in ${r.failure.where}: ${r.failure.message}`);
    }
    return;
  }
  if (r.created) recordArmMapping(k, s, r.domain);
  const what = shared.scope === "instance" ? `${g.instance.path}'s shared arm_iommu mapping` : `group ${g.id}'s shared arm_iommu mapping`;
  if (r.created) k.log.note(s, `arch_setup_dma_ops (hypothetical ${shared.owner}): created ${what}, domain ${r.domain.id}, and attached group ${g.id} to it`);
  else if (r.attached) k.log.note(s, `arch_setup_dma_ops (hypothetical ${shared.owner}): took a reference on ${what}, domain ${r.domain.id}, and attached group ${g.id} to it (iommu_attach_group)`);
  else k.log.note(s, `arch_setup_dma_ops (hypothetical ${shared.owner}): took a reference on ${what}, domain ${r.domain.id} (group ${g.id} is already attached)`);
  s.out.domain = r.domain;
  s.out.dmaOps = "iommu";
}

/** Devices holding a reference on a shared arm32 mapping (undefined: `d` is not one). */
export function armSharedUsers(k: Kernel, d: IommuDomain | null | undefined): number | undefined {
  return k.dma.armShared?.usersOf(d);
}

/**
 * arm_iommu_detach_device + arm_iommu_release_mapping: back to the group's default domain. A
 * shared mapping (hypothetical arm32 policies) only loses this device's reference; its group
 * leaves it with its last user, the mapping goes with the last reference. Returns what was
 * released, or undefined when the device had no arm mapping.
 */
export function releaseArmMapping(k: Kernel, s: DevState): { readonly domain: IommuDomain; readonly freed: boolean; readonly usersLeft: number } | undefined {
  const shared = k.dma.armShared?.release(s);
  if (shared) return shared;
  const m = ownArmMapping(s);
  if (!m) return undefined;
  detachArmMapping(k, s, m);
  freeDomain(k.iommu, m);
  return { domain: m, freed: true, usersLeft: 0 };
}

/** The device's own (mainline per-device) arm_iommu mapping, if it has one. */
function ownArmMapping(s: DevState): IommuDomain | undefined {
  const m = s.out.domain;
  return m && s.out.group && m.owner === "arm-dma-mapping" ? m : undefined;
}

/** arm_iommu_detach_device of an own mapping: back to the group's default domain (or none), dma-direct. */
function detachArmMapping(k: Kernel, s: DevState, m: IommuDomain): void {
  const g = s.out.group!;
  if (g.defaultDomain && deviceSetDomain(k.iommu, s, g, g.defaultDomain).ok) g.domain = g.defaultDomain;
  else {
    leaveDomain(k.iommu, s.dev, m);
    s.out.domain = null;
    g.domain = g.defaultDomain;
  }
  s.out.dmaOps = "direct";
}

/**
 * arm_iommu_detach_device alone, as a driver calls it to move a device to a mapping of its own
 * and keep the old one to restore later: the device leaves its mapping (its group returns to the
 * default domain, or none), its DMA API falls back to dma-direct, and the mapping stays allocated.
 * A shared mapping (hypothetical arm32 policies) loses the device's reference instead. Returns the
 * detached mapping, or undefined when the device had none.
 */
export function armIommuDetachDevice(k: Kernel, s: DevState): IommuDomain | undefined {
  const shared = k.dma.armShared?.release(s);
  if (shared) return shared.freed ? undefined : shared.domain;
  const m = ownArmMapping(s);
  if (!m) return undefined;
  detachArmMapping(k, s, m);
  k.log.emit("log", null, "debug", `Detached IOMMU controller from ${s.dev.name} device.`, "");
  return m;
}

/**
 * arm_iommu_detach_device + arm_iommu_release_mapping as a driver calls them from its probe: the
 * device returns to its group's default domain (or none), the mapping and its address space are
 * freed. Under the hypothetical shared arm32 policies only the device's reference goes: its group
 * leaves the mapping with the group's last user, the mapping with the last reference. Logs
 * arm_iommu_detach_device's pr_debug line. Returns false when there was no mapping.
 */
export function releaseArmMappingAtProbe(k: Kernel, s: DevState, where: string): boolean {
  const r = releaseArmMapping(k, s);
  if (!r) return false;
  const m = r.domain;
  k.log.emit("log", null, "debug", `Detached IOMMU controller from ${s.dev.name} device.`, "");
  if (m.owner === "arm-dma-mapping") {
    k.log.note(s, `${where} released its arm_iommu mapping (domain ${m.id}): arm_iommu_detach_device + arm_iommu_release_mapping; DMA API now dma-direct`);
  } else {
    k.log.note(s, `${where} dropped its reference on the shared ${m.owner} arm_iommu mapping (domain ${m.id}): arm_iommu_detach_device + arm_iommu_release_mapping; DMA API now dma-direct; ${describeSharedRelease(r, s.out.domain === m)}`);
  }
  return true;
}
