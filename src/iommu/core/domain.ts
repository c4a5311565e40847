// drivers/iommu/iommu.c: domain allocation and freeing (__iommu_domain_alloc, iommu_domain_free).
import { iommuOps, type IommuOps } from "../ops.ts";
import type { DomainType } from "../types.ts";
import type { IommuDomain, IommuInstance } from "../driver.ts";
import type { IommuCore } from "./state.ts";

/** The driver of an instance, as the core calls it (its NULL ops replaced by the core's defaults). */
export function opsOf(inst: IommuInstance): IommuOps {
  return iommuOps(inst.driver!);
}

/** A domain of `type` on `inst` for `owner`; undefined (and core.lastAllocFailure) when the driver refuses. */
export function allocDomain(core: IommuCore, inst: IommuInstance, type: DomainType, owner: string): IommuDomain | undefined {
  const ops = opsOf(inst);
  core.lastAllocFailure = undefined;
  const paging = type === "DMA" || type === "DMA-FQ" || type === "unmanaged";
  const d: IommuDomain = { id: core.nextDomainId++, type, instance: inst, owner, resource: null, aperture: paging ? ops.aperture(inst) : null, devices: [], finalised: false };
  const r = ops.allocDomain(d, core);
  if (!r.ok) {
    core.lastAllocFailure = r.failure;
    core.klog.emit("log", inst.device, "err", `${r.failure.where}: ${r.failure.message} (${r.failure.errno})`, inst.driver!.name);
    return undefined;
  }
  core.domains.add(d);
  return d;
}

export function freeDomain(core: IommuCore, d: IommuDomain): void {
  if (!core.domains.has(d)) return;
  opsOf(d.instance).freeDomain(d, core);
  core.domains.delete(d);
  if (core.perInstanceDomain.get(d.instance) === d) core.perInstanceDomain.delete(d.instance);
  core.bus.domainFreed(d);
}

/** Frees an in-kernel user's domain once no group uses it. */
export function freeIfUnused(core: IommuCore, d: IommuDomain): void {
  if (d.devices.length > 0) return;
  for (const g of core.groups) if (g.domain === d || g.defaultDomain === d) return;
  freeDomain(core, d);
}
