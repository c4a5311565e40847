// tegra-smmu (inside the Tegra30/114/124/132/210 memory controller): drivers/iommu/tegra-smmu.c,
// drivers/memory/tegra/tegra*.c (SoC data: number of ASIDs, swgroup groups).
import type { KernelFeatures } from "../../kernel/index.ts";
import { ofPropertyPresent } from "../../of/index.ts";
import type { IommuDriver, IommuDriverEntry, IommuMatch, IommuGroup } from "../driver.ts";

import { fail, IdAllocator, isPaging, limitNumber, ok, releaseDomainId, takeDomainId, xlateFirstCell } from "./common.ts";

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

/** struct tegra_smmu, the parts modelled. */
interface TegraSmmuState {
  /** smmu->groups. */
  readonly groups: SmmuGroup[];
  readonly asids: IdAllocator;
}

export const tegraSmmu: IommuDriver<TegraSmmuState> = {
  // tegra-smmu lives in the memory controller driver (arch_initcall: registered before populate).
  name: "tegra-mc",
  initcall: "arch",
  caps: {
    deferredFlush: false,
    dtReservedRegions: false,
    // Before 6.7 tegra_smmu_domain_alloc: `if (type != IOMMU_DOMAIN_UNMANAGED) return NULL;`. v6.7
    // ("iommu/tegra-smmu: Implement an IDENTITY domain" and DMA-domain support, in the series that
    // made default domains mandatory): identity and DMA domains too.
    domains: { identity: "driverIdentityDomains", dma: "driverIdentityDomains", dmaFq: "never", unmanaged: "always" },
    blockedDomain: "never",
    // Until bus ops were retired (17de3f5fdd35, v6.8) tegra_smmu_probe_device read `iommus` itself
    // (tegra_smmu_configure: iommu_fwspec_init + of_xlate), so the core probed every platform
    // device at BUS_NOTIFY_ADD_DEVICE and, when the MC registered, every device already added.
    probesAtAddUntil: "busOpsRetired",
    multiInstance: false,
    counters: { addressSpaces: "asids" },
  },
  newInstanceState: () => ({ groups: [], asids: new IdAllocator() }),

  probeInstance(inst) {
    if (!ofPropertyPresent(inst.node, "#iommu-cells")) return fail("-ENODEV", "tegra_smmu_probe", "memory controller without #iommu-cells: SMMU not enabled");
    return ok(undefined);
  },

  ofXlate: xlateFirstCell,

  deviceGroup(fwspec, dev, core) {
    // tegra_smmu_device_group: an existing group with this swgroup, or with the same SoC group,
    // is shared; otherwise a new one (pci_device_group for PCI), named after the SoC group.
    const inst = fwspec.instance;
    const swgroup = fwspec.ids[0] ?? -1;
    const soc = namedGroups(inst.match?.compatible ?? "", core.has).find((g) => g.swgroups.includes(swgroup));
    const list = inst.priv.groups;
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

  // def_domain_type IDENTITY from v6.7 (with the IDENTITY domain).
  defDomainType: (_f, _d, core) => (core.has.driverIdentityDomains ? "identity" : undefined),

  attachDev(domain) {
    // tegra_smmu_as_prepare: one ASID per domain, taken at its first attach.
    if (!isPaging(domain) || domain.finalised) return ok(undefined);
    const inst = domain.instance;
    const n = limitNumber(inst, "asids");
    return takeDomainId(domain, "asid", inst.priv.asids, 0, n, inst, "asids", () => fail("-ENOSPC", "tegra_smmu_alloc_asid", `all ${n} address spaces (ASIDs) in use`));
  },

  detachDev(domain) {
    // tegra_smmu_as_unprepare: the ASID is refcounted by attached swgroups; the last one frees it.
    if (domain.devices.length > 0 || domain.resource?.kind !== "asid") return;
    releaseDomainId(domain, "asid", domain.instance.priv.asids, domain.instance, "asids");
    domain.resource = null;
    domain.finalised = false;
  },

  freeDomain(domain) {
    releaseDomainId(domain, "asid", domain.instance.priv.asids, domain.instance, "asids");
  },

  aperture(inst) {
    return { start: 0n, end: BigInt(limitNumber(inst, "addressSpaceBytes", 4294967296)) - 1n };
  },
};

const GiB4 = 4294967296;
const mc = (compatible: string, model: string, asids: number, physBits: number): IommuMatch => ({
  compatible,
  driver: tegraSmmu,
  model,
  iommuCells: [1],
  defaults: { asids, addressSpaceBytes: GiB4, physBits },
});

export const TEGRA_SMMU: IommuDriverEntry = {
  driver: tegraSmmu,
  ofMatch: [
    mc("nvidia,tegra30-mc", "Tegra30 SMMU", 4, 32),
    mc("nvidia,tegra114-mc", "Tegra114 SMMU", 4, 32),
    mc("nvidia,tegra124-mc", "Tegra124 SMMU", 128, 34),
    mc("nvidia,tegra132-mc", "Tegra132 SMMU", 128, 34),
    mc("nvidia,tegra210-mc", "Tegra210 SMMU", 128, 34),
  ],
};
