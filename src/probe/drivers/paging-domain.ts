// A client driver's own paging domain for one device, outside the DMA API: allocated with
// iommu_domain_alloc(&platform_bus_type) (older drivers) or iommu_paging_domain_alloc(dev) (the
// interface drivers moved to around 6.11–6.13), then attached with iommu_attach_device (a group of
// one device) or iommu_attach_group (drivers/iommu/iommu.c). The device's group leaves its
// default domain for the driver's UNMANAGED one; on arm-smmu that attach takes a context bank,
// on tegra-smmu an ASID. Used by the firmware sub-devices (venus, ath10k), msm_iommu_new and
// nouveau's gk20a.
import { allocDomain, attachDevice, attachGroup, detachGroup, freeDomain, type Errno, type IommuDomain, type IommuGroup } from "../../iommu/index.ts";
import type { DevState, Kernel } from "../kernel.ts";

/** Where a driver's domain came from and how it went on. */
export type PagingDomainResult =
  | { readonly ok: true; readonly domain: IommuDomain; readonly group: IommuGroup }
  /** alloc: the allocation returned NULL / an ERR_PTR; attach: iommu_attach_device / _group failed. */
  | { readonly ok: false; readonly step: "alloc" | "attach"; readonly errno: Errno; readonly message: string };

export interface PagingDomainRequest {
  /** The domain's owner in the report (the driver). */
  readonly owner: string;
  /** iommu_paging_domain_alloc(dev) (true) or iommu_domain_alloc(&platform_bus_type). */
  readonly pagingAlloc: boolean;
  /** iommu_attach_group instead of iommu_attach_device. */
  readonly attachGroup?: true;
}

/**
 * The allocation and the attach. iommu_paging_domain_alloc refuses a device without an IOMMU
 * (-ENODEV, !device_iommu_mapped); iommu_domain_alloc(&platform_bus_type) returns NULL only when
 * no IOMMU driver serves the platform bus, and otherwise a domain the attach then refuses for a
 * device without a group (-ENODEV). A domain the attach refuses is freed again.
 */
export function allocAndAttach(k: Kernel, s: DevState, req: PagingDomainRequest): PagingDomainResult {
  const g = s.out.group;
  if (!g) {
    if (req.pagingAlloc) return { ok: false, step: "alloc", errno: "-ENODEV", message: `${s.dev.name} is not behind an IOMMU (iommu_paging_domain_alloc: !device_iommu_mapped)` };
    if (!k.iommu.instances.some((i) => i.registered)) return { ok: false, step: "alloc", errno: "-ENOMEM", message: "iommu_domain_alloc(&platform_bus_type): no IOMMU driver serves the platform bus (NULL)" };
    return { ok: false, step: "attach", errno: "-ENODEV", message: `${s.dev.name} is not in an IOMMU group` };
  }
  const domain = allocDomain(k.iommu, g.instance, "unmanaged", req.owner);
  if (!domain) {
    const f = k.iommu.lastAllocFailure;
    return { ok: false, step: "alloc", errno: req.pagingAlloc ? (f?.errno ?? "-ENOMEM") : "-ENOMEM", message: f?.message ?? `${g.instance.driver!.name} cannot allocate an UNMANAGED domain` };
  }
  const r = req.attachGroup ? attachGroup(k.iommu, domain, g) : attachDevice(k.iommu, domain, s);
  if (!r.ok) {
    freeDomain(k.iommu, domain);
    return { ok: false, step: "attach", errno: r.failure.errno, message: `${r.failure.message} (${r.failure.where})` };
  }
  return { ok: true, domain, group: g };
}

/** The note a successful attach leaves on the device: which domain it left for which. */
export function describeSwitch(k: Kernel, s: DevState, r: { readonly domain: IommuDomain; readonly group: IommuGroup }, fn: string): string {
  const dflt = r.group.defaultDomain;
  const from = dflt ? `its default ${dflt.type} domain ${dflt.id}` : "no domain";
  const dma = s.out.dmaOps === "iommu" && dflt && (dflt.type === "DMA" || dflt.type === "DMA-FQ") ? `; its DMA API still maps into domain ${dflt.id}, which no longer translates for it` : "";
  return `${fn} moved group ${r.group.id} from ${from} to ${r.domain.owner}'s UNMANAGED domain ${r.domain.id}${dma}`;
}

/** Detach (iommu_detach_device / _group) and free a driver's domain: back to the core domain. */
export function detachAndFree(k: Kernel, domain: IommuDomain, group: IommuGroup): void {
  if (group.domain === domain) detachGroup(k.iommu, domain, group);
  freeDomain(k.iommu, domain);
}
