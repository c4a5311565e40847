// Switching a group between domains after boot, as drivers/iommu/iommu.c does it:
// __iommu_device_set_domain / __iommu_group_set_domain (with revert), the blocking domain,
// DMA ownership (iommu_group_claim_dma_owner / release) and the in-kernel attach API
// (iommu_attach_group / iommu_detach_group / iommu_attach_device). Used by runtime scenarios, the
// shared arm32 mappings and client drivers that attach their own domains.
import type { Device } from "../../graph/index.ts";
import { fail, ok, type Result } from "../types.ts";
import type { IommuDomain, IommuGroup } from "../driver.ts";
import { allocDomain, opsOf } from "./domain.ts";
import type { IommuCore, IommuDev } from "./state.ts";

const isBlocking = (g: IommuGroup, d: IommuDomain) => d.type === "blocked" || d === g.blockingDomain;

/** The device stops translating through `domain` (the driver may drop a per-attach resource). */
export function leaveDomain(k: IommuCore, dev: Device, domain: IommuDomain): void {
  const i = domain.devices.indexOf(dev);
  if (i < 0) return;
  domain.devices.splice(i, 1);
  opsOf(domain.instance).detachDev(domain, dev, k);
}

/** __iommu_device_set_domain: the require_direct rule, then the driver's attach_dev. */
export function deviceSetDomain(k: IommuCore, s: IommuDev, group: IommuGroup, domain: IommuDomain): Result<void> {
  if (s.requireDirect && isBlocking(group, domain)) {
    k.klog.emit("log", s.dev, "warn", "Firmware has requested this device have a 1:1 IOMMU mapping, rejecting configuring the device without a 1:1 mapping. Contact your platform vendor.");
    return fail("-EINVAL", "__iommu_device_set_domain", "the device has an IOMMU_RESV_DIRECT region (require_direct) and cannot be attached to a blocking domain");
  }
  const old = s.out.domain;
  if (old === domain) return ok(undefined);
  const r = opsOf(domain.instance).attachDev(domain, s.dev, s.fwspec!, k);
  if (!r.ok) return r;
  if (old) leaveDomain(k, s.dev, old);
  if (!domain.devices.includes(s.dev)) domain.devices.push(s.dev);
  s.out.domain = domain;
  return ok(undefined);
}

/** __iommu_group_set_domain_internal without MUST_SUCCEED: a failure puts every member back. */
export function groupSetDomain(k: IommuCore, g: IommuGroup, domain: IommuDomain): Result<void> {
  const done: { s: IommuDev; old: IommuDomain | null }[] = [];
  for (const dev of g.devices) {
    const s = k.bus.stateOf(dev);
    const old = s.out.domain;
    const r = deviceSetDomain(k, s, g, domain);
    if (!r.ok) {
      for (const d of done.reverse()) if (d.old) deviceSetDomain(k, d.s, g, d.old);
      return r;
    }
    done.push({ s, old });
  }
  g.domain = domain;
  return ok(undefined);
}

/**
 * __iommu_group_alloc_blocking_domain: the driver's static BLOCKED domain, else (older drivers)
 * an empty UNMANAGED domain that blocks by having no mappings.
 */
function blockingDomain(k: IommuCore, g: IommuGroup): Result<IommuDomain> {
  if (g.blockingDomain) return ok(g.blockingDomain);
  const ops = opsOf(g.instance);
  const d = ops.hasBlockedDomain(k) ? allocDomain(k, g.instance, "blocked", "blocking") : allocDomain(k, g.instance, "unmanaged", "blocking");
  if (!d) return fail("-EINVAL", "__iommu_group_alloc_blocking_domain", `${g.instance.driver!.name} cannot allocate a blocking domain`);
  g.blockingDomain = d;
  return ok(d);
}

/** Members bound to drivers that use the kernel DMA API (they hold owner_cnt). */
export function kernelDmaUsers(k: IommuCore, g: IommuGroup): IommuDev[] {
  return g.devices.map((d) => k.bus.stateOf(d)).filter((s) => s.usesDefaultDomain);
}

/** iommu_group_claim_dma_owner: -EPERM with kernel users, -EBUSY off the default domain. */
export function claimDmaOwner(k: IommuCore, g: IommuGroup, owner: string): Result<void> {
  if (g.ownerCnt !== 0) {
    const users = kernelDmaUsers(k, g).map((s) => `${s.dev.name} (${s.out.driver})`);
    return fail("-EPERM", "iommu_group_claim_dma_owner", `group ${g.id} is in use by ${g.owner ?? (users.length > 0 ? `kernel drivers: ${users.join(", ")}` : "another owner")}`);
  }
  // __iommu_take_dma_ownership.
  if (g.domain && g.domain !== g.defaultDomain) return fail("-EBUSY", "__iommu_take_dma_ownership", `group ${g.id} is attached to domain ${g.domain.id} (${g.domain.owner}), not its default domain`);
  const b = blockingDomain(k, g);
  if (!b.ok) return b;
  const r = groupSetDomain(k, g, b.value);
  if (!r.ok) return r;
  g.owner = owner;
  g.ownerCnt = 1;
  return ok(undefined);
}

/** iommu_group_release_dma_owner: back to the default domain (which must succeed). */
export function releaseDmaOwner(k: IommuCore, g: IommuGroup): void {
  g.ownerCnt = 0;
  g.owner = null;
  if (g.defaultDomain) {
    const r = groupSetDomain(k, g, g.defaultDomain);
    if (!r.ok) k.klog.emit("log", null, "warn", `WARN: group ${g.id} could not return to its default domain: ${r.failure.message}`, "iommu");
  } else g.domain = null;
}

/** iommu_attach_group (__iommu_attach_group). */
export function attachGroup(k: IommuCore, domain: IommuDomain, g: IommuGroup): Result<void> {
  if (g.domain && g.domain !== g.defaultDomain && !isBlocking(g, g.domain)) {
    return fail("-EBUSY", "__iommu_attach_group", `group ${g.id} is already attached to domain ${g.domain.id} (${g.domain.owner})`);
  }
  if (domain.instance.driver !== g.instance.driver) {
    return fail("-EINVAL", "__iommu_attach_group", `domain ${domain.id} belongs to ${domain.instance.driver!.name}, group ${g.id} to ${g.instance.driver!.name} (domain->owner differs)`);
  }
  return groupSetDomain(k, g, domain);
}

/** iommu_detach_group: back to the core domain (blocking while owned, else default). */
export function detachGroup(k: IommuCore, domain: IommuDomain, g: IommuGroup): Result<void> {
  if (g.domain !== domain) return fail("-EINVAL", "iommu_detach_group", `group ${g.id} is not attached to domain ${domain.id}`);
  const core = g.owner ? g.blockingDomain : g.defaultDomain;
  if (!core) {
    for (const dev of g.devices) {
      const s = k.bus.stateOf(dev);
      if (s.out.domain) leaveDomain(k, dev, s.out.domain);
      s.out.domain = null;
    }
    g.domain = null;
    return ok(undefined);
  }
  const r = groupSetDomain(k, g, core);
  if (!r.ok) k.klog.emit("log", null, "warn", `WARN: group ${g.id} could not return to its core domain: ${r.failure.message}`, "iommu");
  return ok(undefined);
}

/** iommu_attach_device: the legacy single-device API needs a singleton group. */
export function attachDevice(k: IommuCore, domain: IommuDomain, s: IommuDev): Result<void> {
  const g = s.out.group;
  if (!g) return fail("-ENODEV", "iommu_attach_device", `${s.dev.name} is not in an IOMMU group`);
  if (g.devices.length !== 1) return fail("-EINVAL", "iommu_attach_device", `group ${g.id} has ${g.devices.length} devices; iommu_attach_device needs a singleton group`);
  return attachGroup(k, domain, g);
}
