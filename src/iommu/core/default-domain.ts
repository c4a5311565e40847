// drivers/iommu/iommu.c: a group's default domain (iommu_get_default_domain_type,
// iommu_setup_default_domain / iommu_group_alloc_default_domain with the DMA fallback), attaching
// a device (__iommu_attach_device), the 1:1 mappings of IOMMU_RESV_DIRECT regions, and the DMA
// API's use of the default domain (iommu_device_use_default_domain / _unuse_).
import { DOMAIN_TYPE_VALUES, ok, type DomainType, type Failure, type Result } from "../types.ts";
import type { IommuDomain, IommuGroup, IommuInstance } from "../driver.ts";
import { allocDomain, opsOf } from "./domain.ts";
import { addError } from "./outcome.ts";
import { iommuReleaseDevice } from "./release.ts";
import type { IommuCore, IommuDev } from "./state.ts";

/** __iommu_attach_device: the driver's attach_dev; failure removes the device from its group. */
export function attach(core: IommuCore, domain: IommuDomain, s: IommuDev): Result<void> {
  const r = opsOf(domain.instance).attachDev(domain, s.dev, s.fwspec!, core);
  if (!r.ok) {
    core.klog.failWith(s, r.failure, null);
    core.klog.note(s, `attach to domain ${domain.id} (${domain.type}) failed with ${r.failure.errno} in ${r.failure.where}: ${r.failure.message}; the device leaves its group and uses dma-direct`);
    iommuReleaseDevice(core, s);
    return r;
  }
  if (s.out.domain !== domain) domain.devices.push(s.dev);
  s.out.domain = domain;
  return r;
}

/** iommu_create_device_direct_mappings: DIRECT regions are mapped 1:1 into a DMA default domain. */
export function directMappings(core: IommuCore, s: IommuDev, domain: IommuDomain): void {
  if (domain.type !== "DMA" && domain.type !== "DMA-FQ") return;
  for (const r of s.resvRegions) {
    if (r.type !== "direct") continue;
    core.klog.note(s, `IOMMU_RESV_DIRECT [0x${r.start.toString(16)}-0x${(r.start + r.length - 1n).toString(16)}] (${r.path}) mapped 1:1 in domain ${domain.id}`);
  }
}

/** iommu_get_default_domain_type across the group's members (drivers' def_domain_type, untrusted PCI). */
export function groupDomainType(core: IommuCore, g: IommuGroup): DomainType | undefined {
  let type: DomainType | undefined;
  const ops = opsOf(g.instance);
  for (const d of g.devices) {
    const s = core.bus.stateOf(d);
    if (!s.fwspec) continue;
    let t = ops.defDomainType(s.fwspec, d, core);
    if (d.pci?.untrusted) t = "DMA";
    if (!t) continue;
    if (type && t !== type) {
      core.klog.emit("log", d, "err", `IOMMU driver error, requesting conflicting def_domain_type, ${type} and ${t}, for devices in group ${g.id}.`);
      return "identity";
    }
    type = t;
  }
  return type;
}

/** iommu_setup_default_domain / (6.1) iommu_alloc_default_domain + attach of every member. */
export function setupDefaultDomain(core: IommuCore, g: IommuGroup): Result<void> {
  const inst = g.instance;
  const ops = opsOf(inst);
  const config = core.config;
  let domain: IommuDomain | undefined;
  let why: string;
  core.lastAllocFailure = undefined;
  if (config.armDmaMapping) {
    // ARM_DMA_USE_IOMMU: no IOMMU_DMA. 6.7+ (iommu_get_default_domain_type) forces IDENTITY;
    // before, the requested type is tried and a DMA domain is freed again by
    // __iommu_domain_alloc because the iommu_get_dma_cookie stub returns -ENODEV (no fallback
    // helps: the fallback type is DMA too).
    const req = core.has.armIdentityDefault ? "identity" : (groupDomainType(core, g) ?? config.defaultType);
    if (req === "identity" && ops.supportsType(inst, "identity", core)) domain = allocDomain(core, inst, "identity", "default");
    const scope = config.armMappingScope === "instance" ? "per IOMMU instance (hypothetical)" : config.armMappingScope === "group" ? "per group (hypothetical)" : "per device";
    why =
      req === "identity"
        ? `${inst.driver!.name} has no identity domain${core.has.armIdentityDefault ? " (arm32 forces an IDENTITY default from 6.7)" : ""}`
        : `arm32 has no IOMMU_DMA: a ${req} default domain cannot be allocated (iommu_get_dma_cookie is a stub returning -ENODEV); the arm_iommu mapping is set up ${scope} at bind`;
  } else {
    domain = allocDefault(core, g, groupDomainType(core, g) ?? config.defaultType);
    const failure = core.lastAllocFailure as Failure | undefined;
    why = failure ? `${failure.where} failed with ${failure.errno}: ${failure.message}` : `${inst.driver!.name} cannot allocate one (${supportedTypes(core, inst)})`;
  }
  if (!domain) {
    const failure = core.lastAllocFailure as Failure | undefined;
    if (failure) for (const d of g.devices) if (!core.bus.stateOf(d).noDefaultNoted) addError(core.bus.stateOf(d).out, failure);
    // The core retries at every member's probe (iommu_alloc_default_domain); say it once per device.
    for (const d of g.devices) {
      const st = core.bus.stateOf(d);
      if (!st.noDefaultNoted) core.klog.note(st, `group ${g.id} has no default domain (${why})`);
      st.noDefaultNoted = true;
    }
    // 6.7+ ("iommu: Require a default_domain for all iommu drivers"): iommu_setup_default_domain
    // returns -ENODEV and __iommu_probe_device unwinds; before, the group simply had none.
    if (core.has.defaultDomainMandatory) {
      for (const d of [...g.devices]) iommuReleaseDevice(core, core.bus.stateOf(d));
      return { ok: false, failure: failure ?? { errno: "-ENODEV", where: "iommu_setup_default_domain", message: `group ${g.id} has no default domain (${why})` } };
    }
    return ok(undefined);
  }
  g.defaultDomain = domain;
  g.domain = domain;
  for (const d of g.devices) directMappings(core, core.bus.stateOf(d), domain);
  // The first member that cannot attach fails iommu_setup_default_domain (the others still attach here).
  let result: Result<void> = ok(undefined);
  for (const d of [...g.devices]) {
    const a = attach(core, domain, core.bus.stateOf(d));
    if (!a.ok && result.ok) result = a;
  }
  return result;
}

function supportedTypes(core: IommuCore, inst: IommuInstance): string {
  const ops = opsOf(inst);
  const types = (["identity", "DMA", "unmanaged"] as const).filter((t) => ops.supportsType(inst, t, core));
  return `domain_alloc supports ${types.length > 0 ? types.join(", ") : "no type"} on ${core.config.kernelLabel}`;
}

/** iommu_group_alloc_default_domain: the requested type, else DMA with a warning. */
function allocDefault(core: IommuCore, g: IommuGroup, req: DomainType): IommuDomain | undefined {
  const inst = g.instance;
  const ops = opsOf(inst);
  const perInstance = core.config.sharedDefaultPerInstance;
  if (perInstance && (req === "DMA" || req === "DMA-FQ")) {
    const shared = core.perInstanceDomain.get(inst);
    if (shared) return shared;
  }
  let type = req;
  if (type === "DMA-FQ" && !ops.deferredFlush && core.has.deferredFlushCap) type = "DMA"; // FQ downgraded at DMA-ops setup
  // Only translated (DMA) default domains are shared per instance under that policy; an
  // identity default stays the group's own.
  const ownerFor = (t: DomainType) => (perInstance && (t === "DMA" || t === "DMA-FQ") ? "per-instance" : "default");
  let domain = ops.supportsType(inst, type, core) ? allocDomain(core, inst, type, ownerFor(type)) : undefined;
  if (!domain && type !== "DMA" && ops.supportsType(inst, "DMA", core)) {
    domain = allocDomain(core, inst, "DMA", ownerFor("DMA"));
    if (domain) core.klog.emit("log", null, "warn", `Failed to allocate default IOMMU domain of type ${DOMAIN_TYPE_VALUES[type]} for group ${g.name ?? "(null)"} - Falling back to IOMMU_DOMAIN_DMA`, "iommu");
  }
  if (domain && perInstance && (domain.type === "DMA" || domain.type === "DMA-FQ")) core.perInstanceDomain.set(inst, domain);
  return domain;
}

/** iommu_device_use_default_domain: "ok", "defer" (6.15+, no default domain yet) or the failure. */
export function useDefaultDomain(core: IommuCore, s: IommuDev): "ok" | "defer" | Failure {
  const g = s.out.group!;
  if (core.has.useDefaultDomainDefers && !g.defaultDomain) {
    s.deferReason = `group ${g.id} has no default domain (-EPROBE_DEFER from iommu_device_use_default_domain)`;
    return "defer";
  }
  // A domain the DMA API uses for the group besides its default one (a shared arm32 mapping of
  // the hypothetical per-group / per-instance policies) does not count as a foreign domain.
  const onDmaApiDomain = g.domain === g.defaultDomain || core.bus.isDmaApiDomain(g.domain);
  if (g.ownerCnt > 0 && (!onDmaApiDomain || g.owner)) {
    return { errno: "-EBUSY", where: "iommu_device_use_default_domain", message: `group ${g.id} is ${g.owner ? `owned by ${g.owner}` : `attached to non-default domain ${g.domain?.id}`}` };
  }
  if (!s.usesDefaultDomain) {
    g.ownerCnt++;
    s.usesDefaultDomain = true;
  }
  return "ok";
}

/** iommu_device_unuse_default_domain (platform_dma_cleanup / pci_dma_cleanup). */
export function unuseDefaultDomain(s: IommuDev): void {
  if (s.usesDefaultDomain && s.out.group) {
    s.out.group.ownerCnt--;
    s.usesDefaultDomain = false;
  }
}
