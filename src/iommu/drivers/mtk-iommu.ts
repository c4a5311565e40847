// mtk_iommu (drivers/iommu/mtk_iommu.c): MTK_M4U_ID(larb, port); every ID of a master in one
// larb; groups from a table in the first M4U of the shared hw_list, indexed by IOVA region
// (mtk-regions.ts); banks of the infra IOMMU are not modelled (one group per infra instance).
import type { Device } from "../../graph/index.ts";
import type { IommuCoreApi, IommuDriver, IommuDriverEntry, IommuMatch, Fwspec, IommuGroup, IommuInstance } from "../driver.ts";

import { iovaRegions, mtkIovaRegionId } from "./mtk-regions.ts";
import { fail, inputBitsAperture, instanceGroup, type InstanceGroupSlot, isPaging, limitBool, ok, PAGING_DRIVER_CAPS } from "./common.ts";

/** struct mtk_iommu_data, the parts modelled: the infra group, and the MM groups by IOVA region. */
interface MtkState extends InstanceGroupSlot {
  /** data->group[] of the first M4U of a hw_list, by region. */
  readonly regionGroups: Map<number, IommuGroup>;
}

type Mtk = IommuInstance<MtkState>;

/**
 * The M4Us that share one hw_list (and so one group table): MM instances of the same SoC
 * (mt8195 "vdo" and "vpp"). The table lives in the first of them (mtk_iommu_get_frst_data).
 */
function firstOfHwList(inst: Mtk, core: IommuCoreApi): Mtk {
  const soc = /^mediatek,(mt\d+)-/.exec(inst.match?.compatible ?? "")?.[1];
  if (!soc || !limitBool(inst, "multimedia")) return inst;
  for (const other of core.allInstances()) {
    if (other.driver === mtkIommu && limitBool(other, "multimedia") && other.match!.compatible.startsWith(`mediatek,${soc}-`) && other.registered) return other as Mtk;
  }
  return inst;
}

/** mtk_iommu_get_iova_region_id with the plat_data of the first M4U of the hw_list. */
function iovaRegionId(fwspec: Fwspec<MtkState>, dev: Device, core: IommuCoreApi) {
  const first = firstOfHwList(fwspec.instance, core);
  return { first, region: mtkIovaRegionId(first.match?.compatible ?? "", core.has, fwspec.ids, core.dmaRangesOf(dev)) };
}

export const mtkIommu: IommuDriver<MtkState> = {
  name: "mtk-iommu",
  initcall: "device",
  caps: PAGING_DRIVER_CAPS,
  newInstanceState: () => ({ group: undefined, regionGroups: new Map() }),

  ofXlate(_inst, _dev, args, fwspec) {
    if (args.length !== 1) return fail("-EINVAL", "mtk_iommu_of_xlate", `invalid #iommu-cells(${args.length}) property for IOMMU`);
    fwspec.ids.push(args[0]!);
    return ok(undefined);
  },

  probeDevice(fwspec) {
    if (!limitBool(fwspec.instance, "multimedia")) return ok(undefined);
    // MTK_M4U_TO_LARB: ((id) >> 5) & 0x1f.
    const larb = (fwspec.ids[0]! >> 5) & 0x1f;
    for (const id of fwspec.ids) {
      const l = (id >> 5) & 0x1f;
      if (l !== larb) return fail("-EINVAL", "mtk_iommu_probe_device", `Can only use one larb. Fail@larb${larb}-${l}.`);
    }
    return ok(undefined);
  },

  deviceGroup(fwspec, dev, core) {
    const inst = fwspec.instance;
    if (!limitBool(inst, "multimedia")) return ok(instanceGroup(inst, core));
    // One group per IOVA region, kept in the first M4U of the hw_list; a region that cannot be
    // found fails device_group (ERR_PTR(-EINVAL)), as the kernel does.
    const { first, region } = iovaRegionId(fwspec, dev, core);
    if (!region.ok) return region;
    let g = first.priv.regionGroups.get(region.value);
    if (!g || !core.groupAlive(g)) {
      g = core.newGroup(first);
      first.priv.regionGroups.set(region.value, g);
    }
    return ok(g);
  },

  attachDev(domain, dev, fwspec, core) {
    // mtk_iommu_attach_device: the region again (a failure returns its errno), then
    // mtk_iommu_domain_finalise at first attach: the domain's geometry is the master's IOVA region
    // (4G-8G for a region-1 master; 8 MiB short of 4 GiB from 6.4), on every M4U type.
    if (!isPaging(domain) || domain.finalised) return ok(undefined);
    const { first, region } = iovaRegionId(fwspec, dev, core);
    if (!region.ok) return region;
    const g = iovaRegions(first.match?.compatible ?? "", core.has)[region.value]!;
    domain.aperture = { start: g.base, end: g.base + g.size - 1n };
    domain.finalised = true;
    return ok(undefined);
  },

  aperture: inputBitsAperture,
};

/** The SoC-specific compatibles: MM M4Us and the infra/APU IOMMUs. */
function mtkMatchPattern(c: string): IommuMatch | undefined {
  if (!/^mediatek,mt\d+-(m4u|iommu-(vdo|vpp|mm|infra|apu))$/.test(c)) return undefined;
  const infra = c.endsWith("-infra") || c.endsWith("-apu");
  return { compatible: c, driver: mtkIommu, model: infra ? "MediaTek infra IOMMU" : "MediaTek M4U", iommuCells: [1], defaults: { inputBits: 32, multimedia: !infra } };
}

export const MTK_IOMMU: IommuDriverEntry = { driver: mtkIommu, ofMatch: [], ofMatchPattern: mtkMatchPattern };
