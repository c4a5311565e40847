// Client drivers whose probe does its own IOMMU work, outside the DMA API (ClientDriver.ownDomain):
// on arm32 (ARM_DMA_USE_IOMMU) each first detaches and releases the implicit arm_iommu mapping
// arm_setup_iommu_dma_ops gave it at dma_configure (arm_iommu_detach_device +
// arm_iommu_release_mapping: the mapping's address space is freed, DMA ops fall back to
// dma-direct), then may allocate a paging domain of its own and attach its group to it; remove
// detaches the group and frees the domain.
import { allocDomain, attachDevice, attachGroup, detachGroup, ERRNO_VALUES, freeDomain, type Failure, type Result } from "../../iommu/index.ts";
import { releaseArmMappingAtProbe } from "../dma/arm-dma-mapping.ts";
import type { ClientDriver, DevState, Kernel, OwnDomainSpec } from "../kernel.ts";

/** The success a probe without its own IOMMU work returns (one object, read-only). */
const OK: Result<void> = Object.freeze({ ok: true, value: undefined });

/** The own-domain part of the driver's probe; a failure fails the probe. */
export function ownDomainProbe(k: Kernel, s: DevState, drv: ClientDriver, spec: OwnDomainSpec): Result<void> {
  if (k.options.kernel.era === "creation") return OK;
  const g = s.out.group;
  // iommu_group_get: no group, no IOMMU work.
  if (!g) return { ok: true, value: undefined };
  const where = spec.releaseIn(k.has);
  const released = where !== null && releaseArmMappingAtProbe(k, s, where);
  const current = s.out.domain ?? g.domain;
  const plan = spec.plan(k, s, current);
  if (plan.kind === "none") {
    // Said only after a release, where it explains why the device is left without a domain.
    if (released) k.log.emit("note", s.dev, "debug", `${drv.name}: no domain of its own (${plan.why})`);
    return { ok: true, value: undefined };
  }
  const domain = allocDomain(k.iommu, g.instance, "unmanaged", drv.name);
  if (!domain) {
    const f: Failure = { errno: "-ENOMEM", where: plan.where, message: `${drv.name} cannot allocate its own domain on ${g.instance.path}` };
    return ownDomainFail(k, s, spec, f);
  }
  const r = spec.attach === "device" ? attachDevice(k.iommu, domain, s) : attachGroup(k.iommu, domain, g);
  if (!r.ok) {
    freeDomain(k.iommu, domain);
    if (spec.toleratesAttachErrno === r.failure.errno) return { ok: true, value: undefined };
    return ownDomainFail(k, s, spec, r.failure);
  }
  k.drivers.ownDomains.set(s, { domain, group: g });
  k.log.note(s, `${plan.where} attached group ${g.id} to ${drv.name}'s own UNMANAGED domain ${domain.id}`);
  return { ok: true, value: undefined };
}

function ownDomainFail(k: Kernel, s: DevState, spec: OwnDomainSpec, f: Failure): Result<void> {
  for (const line of spec.failureLog(ERRNO_VALUES[f.errno])) k.log.emit("log", s.dev, "err", line);
  if (!spec.failureIsNotFatal) return { ok: false, failure: f };
  k.log.note(s, `no domain of its own: ${f.errno} in ${f.where}: ${f.message}; the probe goes on without it`);
  return { ok: true, value: undefined };
}

/** At remove (host1x_iommu_exit, tegra_vde_iommu_deinit): detach the group, free the domain. */
export function ownDomainRemove(k: Kernel, s: DevState): void {
  const o = k.drivers.ownDomains.get(s);
  if (!o) return;
  k.drivers.ownDomains.delete(s);
  if (o.group.domain === o.domain) detachGroup(k.iommu, o.domain, o.group);
  freeDomain(k.iommu, o.domain);
}
