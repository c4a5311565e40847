// The steps of user space and in-kernel users on groups and domains: VFIO (VFIO_GROUP_SET_CONTAINER,
// type1's VFIO_SET_IOMMU, VFIO_GROUP_UNSET_CONTAINER over the 5.19+ ownership API), an in-kernel
// user's named UNMANAGED domain (iommu_attach_group / iommu_attach_device / iommu_detach_group)
// and writes to /sys/kernel/iommu_groups/N/type (iommu_group_store_type).
import {
  allocDomain,
  attachDevice,
  attachGroup,
  claimDmaOwner,
  detachGroup,
  fail,
  freeDomain,
  freeIfUnused,
  groupSetDomain,
  liveGroups,
  ok,
  opsOf,
  releaseDmaOwner,
  type DomainType,
  type IommuDomain,
  type IommuGroup,
  type Result,
} from "../../iommu/index.ts";
import { isVfioDriver } from "../drivers/vfio.ts";
import { stateFor, type DevState } from "../kernel.ts";
import type { ScenarioContext } from "./context.ts";
import type { BasicStep } from "./types.ts";

function needOwnership(ctx: ScenarioContext, what: string): Result<void> {
  if (ctx.k.has.dmaOwnership) return ok(undefined);
  return fail("-EOPNOTSUPP", "scenario", `${what}: the pre-5.19 VFIO viability model (group notifiers) is not emulated; use --kernel 5.19 or later`);
}

/**
 * VFIO_GROUP_SET_CONTAINER -> vfio_container_attach_group -> iommu_group_claim_dma_owner (6.1
 * drivers/vfio/container.c:448, 6.12 container.c:437). A member bound to a kernel DMA-API driver
 * holds owner_cnt (iommu_device_use_default_domain at its bind), so the claim returns -EPERM
 * (6.1 iommu.c:3211, 6.12 iommu.c:3222); a group off its default domain -EBUSY
 * (__iommu_take_dma_ownership). The other direction, a kernel driver binding into a group VFIO
 * owns, is iommu_device_use_default_domain's -EBUSY (6.1 iommu.c:3136, 6.12 iommu.c:3126).
 */
export function vfioClaim(ctx: ScenarioContext, step: BasicStep): Result<string> {
  const need = needOwnership(ctx, "vfio-claim");
  if (!need.ok) return need;
  const gr = ctx.group(step);
  if (!gr.ok) return gr;
  const g = gr.value;
  const members = g.devices.map((d) => stateFor(ctx.k, d));
  if (!members.some((s) => s.out.state === "bound" && isVfioDriver(s.out.driver))) {
    return fail("-ENOENT", "vfio_group_fops_open", `no /dev/vfio/${g.id}: no device of group ${g.id} is bound to a VFIO driver`);
  }
  if (ctx.vfio.has(g)) return fail("-EINVAL", "vfio_group_ioctl_set_container", `group ${g.id} is already in ${ctx.vfio.get(g)!.container}`);
  const container = step.container ?? `container-${g.id}`;
  const r = claimDmaOwner(ctx.k.iommu, g, `vfio:${container}`);
  if (!r.ok) return r;
  ctx.vfio.set(g, { container, domain: null });
  return ok(`group ${g.id} claimed by ${container} (now on blocking domain ${g.domain!.id})`);
}

/** VFIO_SET_IOMMU / a later group: type1 reuses a container domain of the same driver, else allocates one. */
export function vfioAttach(ctx: ScenarioContext, step: BasicStep): Result<string> {
  const need = needOwnership(ctx, "vfio-attach");
  if (!need.ok) return need;
  const gr = ctx.group(step);
  if (!gr.ok) return gr;
  const g = gr.value;
  const v = ctx.vfio.get(g);
  if (!v) return fail("-EINVAL", "vfio_ioctl_set_iommu", `group ${g.id} is not in a VFIO container (vfio-claim first)`);
  if (v.domain) return fail("-EBUSY", "vfio_iommu_type1_attach_group", `group ${g.id} is already attached to domain ${v.domain.id}`);
  const list = ctx.containers.get(v.container) ?? [];
  // vfio_iommu_type1_attach_group: try each existing domain of the same IOMMU driver first.
  for (const d of list) {
    if (d.instance.driver !== g.instance.driver) continue;
    if (attachGroup(ctx.k.iommu, d, g).ok) {
      v.domain = d;
      return ok(`group ${g.id} joined ${v.container}'s domain ${d.id}`);
    }
  }
  const d = allocDomain(ctx.k.iommu, g.instance, "unmanaged", "vfio");
  if (!d) return { ok: false, failure: ctx.k.iommu.lastAllocFailure ?? { errno: "-ENOMEM", where: "iommu_paging_domain_alloc", message: "cannot allocate an UNMANAGED domain" } };
  const r = attachGroup(ctx.k.iommu, d, g);
  if (!r.ok) {
    freeDomain(ctx.k.iommu, d);
    return r;
  }
  v.domain = d;
  list.push(d);
  ctx.containers.set(v.container, list);
  return ok(`group ${g.id} attached to new domain ${d.id} of ${v.container}`);
}

/** VFIO_GROUP_UNSET_CONTAINER: type1 detaches (freeing an unused domain), ownership is released. */
export function vfioRelease(ctx: ScenarioContext, step: BasicStep): Result<string> {
  const gr = ctx.group(step);
  if (!gr.ok) return gr;
  const g = gr.value;
  const v = ctx.vfio.get(g);
  if (!v) return fail("-EINVAL", "vfio_group_ioctl_unset_container", `group ${g.id} is not in a VFIO container`);
  if (v.domain) {
    detachGroup(ctx.k.iommu, v.domain, g);
    if (!liveGroups(ctx.k.iommu).some((x) => x.domain === v.domain)) {
      const list = ctx.containers.get(v.container)!;
      list.splice(list.indexOf(v.domain), 1);
      freeIfUnused(ctx.k.iommu, v.domain);
    }
  }
  ctx.vfio.delete(g);
  releaseDmaOwner(ctx.k.iommu, g);
  return ok(`group ${g.id} released; back on ${g.domain ? `domain ${g.domain.id} (${g.domain.type})` : "no domain"}`);
}

/** Owners of the IOMMU core's and the DMA layer's own domains: not a driver a step can stand for. */
const CORE_OWNERS = new Set(["default", "blocking", "per-instance", "per-group", "arm-dma-mapping", "vfio"]);

/** An in-kernel user (DRM-style) attaches its named UNMANAGED domain. */
export function attachDomain(ctx: ScenarioContext, step: BasicStep): Result<string> {
  const name = step.domain!;
  let s: DevState | undefined;
  let g: IommuGroup;
  if (step.api === "device") {
    if (step.device === undefined) return fail("-EINVAL", "iommu_attach_device", "api \"device\" needs a device");
    const d = ctx.device(step.device);
    if (!d.ok) return d;
    s = d.value;
    if (!s.out.group) return fail("-ENODEV", "iommu_attach_device", `${s.dev.name} is not in an IOMMU group`);
    g = s.out.group;
  } else {
    const gr = ctx.group(step);
    if (!gr.ok) return gr;
    g = gr.value;
  }
  let domain = ctx.named.get(name);
  // A driver's own domain it detached its group from earlier (detach-domain by owner): the
  // driver switches back to it.
  if (!domain && !CORE_OWNERS.has(name)) domain = ownDomainKept(ctx, name, g);
  const fresh = !domain;
  if (!domain) {
    // iommu_paging_domain_alloc(dev): the domain belongs to the first user's IOMMU.
    domain = allocDomain(ctx.k.iommu, g.instance, "unmanaged", name);
    if (!domain) return { ok: false, failure: ctx.k.iommu.lastAllocFailure ?? { errno: "-ENOMEM", where: "iommu_paging_domain_alloc", message: "cannot allocate an UNMANAGED domain" } };
    ctx.named.set(name, domain);
  }
  const r = s ? attachDevice(ctx.k.iommu, domain, s) : attachGroup(ctx.k.iommu, domain, g);
  if (!r.ok) {
    if (fresh) {
      ctx.named.delete(name);
      freeDomain(ctx.k.iommu, domain);
    }
    return r;
  }
  return ok(`group ${g.id} attached to ${name} (domain ${domain.id})`);
}

/** A live domain `owner` (a driver) allocated on the group's IOMMU that no group is attached to. */
function ownDomainKept(ctx: ScenarioContext, owner: string, g: IommuGroup): IommuDomain | undefined {
  const live = liveGroups(ctx.k.iommu);
  for (const d of ctx.k.iommu.domains) {
    if (d.owner === owner && d.instance === g.instance && d.type === "unmanaged" && !live.some((x) => x.domain === d)) return d;
  }
  return undefined;
}

/**
 * iommu_detach_group of a named domain, or of the domain a driver attached the group to (named by
 * its owner, `tegra-drm`): the step then stands for that driver switching its group itself.
 */
export function detachDomain(ctx: ScenarioContext, step: BasicStep): Result<string> {
  const name = step.domain!;
  const gr = step.device !== undefined || step.group !== undefined ? ctx.group(step) : undefined;
  let domain = ctx.named.get(name);
  if (!domain && gr?.ok) {
    const on = gr.value.domain;
    if (on && on.owner === name && !CORE_OWNERS.has(on.owner)) {
      const r = detachGroup(ctx.k.iommu, on, gr.value);
      if (!r.ok) return r;
      return ok(`group ${gr.value.id} detached from ${name}'s domain ${on.id} (the driver keeps it); back on domain ${gr.value.domain?.id ?? "none"}`);
    }
  }
  if (!domain) return fail("-ENOENT", "scenario", `no domain named ${JSON.stringify(name)} was attached`);
  if (!gr) return fail("-EINVAL", "iommu_detach_group", "detach-domain needs a device or a group");
  if (!gr.ok) return gr;
  const g = gr.value;
  const r = detachGroup(ctx.k.iommu, domain, g);
  if (!r.ok) return r;
  // The user frees its domain once no group uses it (iommu_domain_free).
  if (!liveGroups(ctx.k.iommu).some((x) => x.domain === domain)) {
    ctx.named.delete(name);
    freeIfUnused(ctx.k.iommu, domain);
    return ok(`group ${g.id} back on domain ${g.domain?.id ?? "none"}; ${name} (domain ${domain.id}) freed`);
  }
  return ok(`group ${g.id} back on domain ${g.domain?.id ?? "none"}`);
}

/** Writing /sys/kernel/iommu_groups/N/type (iommu_group_store_type). */
export function sysfsType(ctx: ScenarioContext, step: BasicStep): Result<string> {
  const k = ctx.k;
  if (!k.has.groupTypeSysfsWritable) return fail("-EACCES", "iommu_group_store_type", "the type attribute is read-only before 5.11");
  const gr = ctx.group(step);
  if (!gr.ok) return gr;
  const g = gr.value;
  const want = step.type!;
  if (want === "DMA-FQ" && !k.has.groupTypeDmaFq) return fail("-EINVAL", "iommu_group_store_type", "\"DMA-FQ\" is accepted from 5.15");
  const cur = g.defaultDomain;
  if (!cur) return fail("-EINVAL", "iommu_group_store_type", `group ${g.id} has no default domain`);
  if (k.has.groupTypeLiveSwitch) {
    // DMA -> DMA-FQ is switched live, bound drivers or not.
    if (want === "DMA-FQ" && cur.type === "DMA") {
      (cur as { type: DomainType }).type = "DMA-FQ";
      return ok(`group ${g.id}: domain ${cur.id} now DMA-FQ (flush queue enabled live)`);
    }
    if (g.devices.length === 0 || g.ownerCnt > 0) return fail("-EPERM", "iommu_group_store_type", `group ${g.id} has ${g.ownerCnt} bound driver(s) using the DMA API (owner_cnt ${g.ownerCnt}); unbind them first`);
  } else {
    // iommu_change_dev_def_domain (5.11-6.4): one device, unbound, on its default domain.
    if (g.devices.length !== 1) {
      k.log.emit("log", null, "err", "Cannot change default domain: Group has more than one device", "iommu");
      return fail("-EINVAL", "iommu_change_dev_def_domain", `group ${g.id} has ${g.devices.length} devices`);
    }
    const s = stateFor(k, g.devices[0]!);
    if (s.out.state === "bound") {
      k.log.emit("log", null, "err", "Device is still bound to driver", "iommu");
      return fail("-EBUSY", "iommu_group_store_type", `${s.dev.name} is bound to ${s.out.driver}`);
    }
    if (g.domain !== cur) return fail("-EBUSY", "iommu_change_dev_def_domain", `group ${g.id} is not on its default domain`);
  }
  // iommu_get_default_domain_type(group, target): drivers and untrusted devices may refuse.
  let type: DomainType = want === "auto" ? autoType(ctx, g) : want;
  for (const d of g.devices) {
    const s = stateFor(k, d);
    if (!s.fwspec) continue;
    let t = opsOf(g.instance).defDomainType(s.fwspec, d, k.iommu);
    if (d.pci?.untrusted) t = "DMA";
    const same = t === type || (t === "DMA" && type === "DMA-FQ");
    if (t && !same && want !== "auto") {
      k.log.emit("log", d, "err", `Device cannot be in ${type} domain`);
      return fail("-EINVAL", "iommu_get_default_domain_type", `${d.name} requires a ${t} domain`);
    }
  }
  if (type === "DMA-FQ" && !opsOf(g.instance).deferredFlush && k.has.deferredFlushCap) type = "DMA";
  if (type === cur.type) return ok(`group ${g.id} already has a ${type} default domain`);
  if (!opsOf(g.instance).supportsType(g.instance, type, k.iommu)) return fail("-EOPNOTSUPP", "iommu_group_alloc_default_domain", `${g.instance.driver!.name} cannot allocate a ${type} domain`);
  const domain = allocDomain(k.iommu, g.instance, type, "default");
  if (!domain) return { ok: false, failure: k.iommu.lastAllocFailure ?? { errno: "-ENOMEM", where: "iommu_group_alloc_default_domain", message: `cannot allocate a ${type} domain` } };
  const onDefault = g.domain === cur;
  if (onDefault) {
    const r = groupSetDomain(k.iommu, g, domain);
    if (!r.ok) {
      freeDomain(k.iommu, domain);
      return r;
    }
  }
  g.defaultDomain = domain;
  freeIfUnused(k.iommu, cur);
  // iommu_setup_dma_ops for every member.
  for (const d of g.devices) {
    const s = stateFor(k, d);
    if (s.match.driverManagedDma && s.out.state === "bound") continue;
    s.out.dmaOps = domain.type === "DMA" || domain.type === "DMA-FQ" ? "iommu" : "direct";
  }
  return ok(`group ${g.id}: default domain ${cur.id} (${cur.type}) replaced by domain ${domain.id} (${domain.type})`);
}

/** "auto": the drivers' choice, else the global default. */
function autoType(ctx: ScenarioContext, g: IommuGroup): DomainType {
  const k = ctx.k;
  for (const d of g.devices) {
    const s = stateFor(k, d);
    if (!s.fwspec) continue;
    const t = d.pci?.untrusted ? "DMA" : opsOf(g.instance).defDomainType(s.fwspec, d, k.iommu);
    if (t) return t;
  }
  return k.iommu.config.defaultType;
}
