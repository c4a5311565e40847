// tegra-smmu (inside the Tegra30/114/124/132/210 memory controller): drivers/iommu/tegra-smmu.c,
// drivers/memory/tegra/tegra*.c (SoC data: number of ASIDs, swgroup groups).
import type { KernelFeatures } from "../../kernel/index.ts";
import { ofPropertyPresent } from "../../of/index.ts";
import type { IommuDriverOps, IommuGroup } from "../types.ts";
import { allocBit, bitmapOf, bump, fail, isPaging, limitNumber, noDeviceState, ok } from "./common.ts";

/**
 * tegra*_groups (drivers/memory/tegra/tegra*.c): swgroups (dt-bindings/memory/tegra*-mc.h numbers)
 * that share one named group. Tegra30/114 grew from "display" {DC, DCB} to "drm" with the 2D/3D
 * engines ("memory: tegra: Add gr2d and gr3d to DRM IOMMU group", about 5.5).
 */
interface NamedGroup {
  readonly name: string;
  readonly swgroups: readonly number[];
}
const DC = 1;
const DCB = 2;
function namedGroups(compatible: string, has: KernelFeatures): readonly NamedGroup[] {
  const drm = has.tegraDrmSmmuGroup;
  switch (compatible) {
    case "nvidia,tegra30-mc": // G2 4, NV 9, NV2 10
      return [drm ? { name: "drm", swgroups: [DC, DCB, 4, 9, 10] } : { name: "display", swgroups: [DC, DCB] }];
    case "nvidia,tegra114-mc": // G2 4, NV 6
      return [drm ? { name: "drm", swgroups: [DC, DCB, 4, 6] } : { name: "display", swgroups: [DC, DCB] }];
    case "nvidia,tegra124-mc":
    case "nvidia,tegra132-mc": // VIC 24
      return [{ name: "display", swgroups: [DC, DCB, 24] }];
    case "nvidia,tegra210-mc":
      return [{ name: "display", swgroups: [DC, DCB] }];
    default:
      return [];
  }
}

/** One entry of smmu->groups: the swgroup that created it and its SoC group. */
interface SmmuGroup {
  readonly swgroup: number;
  readonly soc: NamedGroup | undefined;
  readonly group: IommuGroup;
}

export const tegraSmmuOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: false,

  probeInstance(inst) {
    if (!ofPropertyPresent(inst.node, "#iommu-cells")) return fail("-ENODEV", "tegra_smmu_probe", "memory controller without #iommu-cells: SMMU not enabled");
    return ok(undefined);
  },

  ofXlate(_inst, _dev, args, fwspec) {
    fwspec.ids.push(args[0] ?? 0);
    return ok(undefined);
  },

  // Until bus ops were retired (17de3f5fdd35, v6.8) tegra_smmu_probe_device read `iommus` itself
  // (tegra_smmu_configure: iommu_fwspec_init + of_xlate), so the core probed every platform
  // device at BUS_NOTIFY_ADD_DEVICE and, when the MC registered, every device already added.
  probesAtAdd: (_inst, core) => !core.has.busOpsRetired,

  deviceGroup(fwspec, dev, core) {
    // tegra_smmu_device_group: an existing group with this swgroup, or with the same SoC group,
    // is shared; otherwise a new one (pci_device_group for PCI), named after the SoC group.
    const inst = fwspec.instance;
    const swgroup = fwspec.ids[0] ?? -1;
    const soc = namedGroups(inst.row?.compatible ?? "", core.has).find((g) => g.swgroups.includes(swgroup));
    let list = inst.priv["smmuGroups"] as SmmuGroup[] | undefined;
    if (!list) {
      list = [];
      inst.priv["smmuGroups"] = list;
    }
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (!core.groupAlive(e.group)) {
        list.splice(i--, 1);
        continue;
      }
      if (e.swgroup === swgroup || (soc && e.soc?.name === soc.name)) return ok(e.group);
    }
    const r = dev.bus === "pci" ? core.pciDeviceGroup(dev, inst) : ok(core.newGroup(inst, soc?.name));
    if (!r.ok) return r;
    list.push({ swgroup, soc, group: r.value });
    return r;
  },

  // v6.7 ("iommu/tegra-smmu: Implement an IDENTITY domain" and DMA-domain support, in the series
  // that made default domains mandatory): identity domain, def_domain_type IDENTITY.
  defDomainType: (_f, _d, core) => (core.has.driverIdentityDomains ? "identity" : undefined),

  supportsType(_inst, type, core) {
    // Before 6.7 tegra_smmu_domain_alloc: `if (type != IOMMU_DOMAIN_UNMANAGED) return NULL;`.
    if (!core.has.driverIdentityDomains) return type === "unmanaged";
    return type === "identity" || type === "unmanaged" || type === "DMA";
  },

  attachDev(domain, _dev, _fwspec) {
    // tegra_smmu_as_prepare: one ASID per domain, taken at its first attach.
    if (!isPaging(domain) || domain.finalised) return ok(undefined);
    const inst = domain.instance;
    const n = limitNumber(inst, "asids");
    const asid = allocBit(bitmapOf(inst, "asids"), 0, n);
    if (asid < 0) return fail("-ENOSPC", "tegra_smmu_alloc_asid", `all ${n} address spaces (ASIDs) in use`);
    domain.resource = { kind: "asid", value: asid };
    domain.finalised = true;
    bump(inst, "asids", 1);
    return ok(undefined);
  },

  detachDev(domain) {
    // tegra_smmu_as_unprepare: the ASID is refcounted by attached swgroups; the last one frees it.
    if (domain.devices.length > 0 || domain.resource?.kind !== "asid") return;
    bitmapOf(domain.instance, "asids").delete(domain.resource.value);
    bump(domain.instance, "asids", -1);
    domain.resource = null;
    domain.finalised = false;
  },

  freeDomain(domain) {
    if (domain.resource?.kind === "asid") {
      bitmapOf(domain.instance, "asids").delete(domain.resource.value);
      bump(domain.instance, "asids", -1);
    }
  },

  aperture(inst) {
    return { start: 0n, end: BigInt(limitNumber(inst, "addressSpaceBytes", 4294967296)) - 1n };
  },
};
