// drivers/iommu/iommu.c iommu_release_device: the device leaves its group, the driver's
// release_device runs, dev->iommu goes; an emptied group is freed with its core domains.
import { freeDomain, opsOf } from "./domain.ts";
import { leaveDomain } from "./ownership.ts";
import { EMPTY } from "./outcome.ts";
import type { IommuCore, IommuDev } from "./state.ts";

/** The device has no IOMMU configuration any more (dev_iommu_free). */
export function dropFwspec(s: IommuDev): void {
  s.fwspec = null;
  s.out.iommu = null;
  // The shared empty lists (nothing pushes to an outcome's lists; a device whose probe fails
  // is common on large boards).
  s.out.extraIommus = EMPTY;
  s.out.ids = EMPTY;
}

/** iommu_release_device (after a failed attach, or at device_del). */
export function iommuReleaseDevice(core: IommuCore, s: IommuDev): void {
  const g = s.out.group;
  if (!g) return;
  if (s.out.domain) leaveDomain(core, s.dev, s.out.domain);
  s.out.domain = null;
  g.devices.splice(g.devices.indexOf(s.dev), 1);
  core.groupOfDev.delete(s.dev);
  s.out.group = null;
  core.walkIndex?.restore(s.dev.id);
  if (s.fwspec) opsOf(s.fwspec.instance).releaseDevice(s.fwspec, s.dev, core);
  dropFwspec(s);
  if (g.devices.length === 0) {
    core.groups.delete(g);
    core.freeGroupIds.push(g.id);
    for (const d of [g.defaultDomain, g.domain, g.blockingDomain]) if (d && d.devices.length === 0 && (d.owner === "default" || d.owner === "blocking")) freeDomain(core, d);
    // Drivers that cache groups (named SoC groups, per-instance groups) ask groupAlive.
  }
}
