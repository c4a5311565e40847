// drivers/gpu/drm/msm/msm_iommu.c msm_iommu_new and its callers, run at the msm DRM device's
// component bind (msm-drm.ts): each gives one device an UNMANAGED paging domain of msm's own and
// iommu_attach_device()s it, so the device's group leaves its default domain (on the Qualcomm
// SMMUs the identity domain arm-smmu-qcom gives display and GPU clients) for a translated one —
// on arm-smmu that attach takes a context bank.
// - 6.1: the callers allocate (iommu_domain_alloc(&platform_bus_type), or the device's bus):
//   NULL only when no IOMMU driver serves the bus ("no IOMMU, fallback to ..."); a device outside
//   any group then fails iommu_attach_device with -ENODEV, and the bind with it.
// - From "drm/msm: Use iommu_paging_domain_alloc()" (msmIommuNewChecksMapped): msm_iommu_new(dev,
//   quirks) returns NULL for a device that is not device_iommu_mapped and allocates
//   iommu_paging_domain_alloc(dev) itself.
import type { Errno, IommuDomain, IommuGroup } from "../../iommu/index.ts";
import type { DevState, Kernel } from "../kernel.ts";
import { allocAndAttach } from "./paging-domain.ts";

/** What msm_iommu_new (with its caller's allocation) gives a device. */
export type MsmMmu =
  | { readonly kind: "attached"; readonly domain: IommuDomain; readonly group: IommuGroup }
  /** NULL: no IOMMU for this device; the caller falls back (VRAM carveout, contiguous scanout) or fails. */
  | { readonly kind: "none"; readonly why: string }
  | { readonly kind: "failed"; readonly errno: Errno; readonly where: string; readonly message: string };

/** msm_iommu_new for `s`, the domain owned by `owner` (msm's address space name). */
export function msmIommuNew(k: Kernel, s: DevState, owner: string): MsmMmu {
  const checks = k.has.msmIommuNewChecksMapped;
  if (checks && !s.out.group) return { kind: "none", why: `${s.dev.name} is not device_iommu_mapped: msm_iommu_new returns NULL` };
  const r = allocAndAttach(k, s, { owner, pagingAlloc: checks });
  if (r.ok) return { kind: "attached", domain: r.domain, group: r.group };
  // iommu_domain_alloc returning NULL: the caller's "no IOMMU" path.
  if (!checks && r.step === "alloc") return { kind: "none", why: `iommu_domain_alloc returned NULL: ${r.message}` };
  const where = r.step === "alloc" ? "iommu_paging_domain_alloc" : "iommu_attach_device";
  return { kind: "failed", errno: r.errno, where, message: r.message };
}
