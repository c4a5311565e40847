// tegra-smmu (inside the Tegra30/114/124/132/210 memory controller): drivers/iommu/tegra-smmu.c,
// drivers/memory/tegra/tegra*.c (SoC data: number of ASIDs, swgroup groups).
import type { IommuDriverOps } from "../types.ts";
import { allocBit, bitmapOf, bump, fail, isPaging, limitNumber, noDeviceState, ok } from "./common.ts";

/** tegra*_groups: swgroups that must share one group ("display": DC and DCB on every SoC). */
const NAMED_GROUPS: readonly { name: string; swgroups: readonly number[] }[] = [{ name: "display", swgroups: [1, 2] }];

const atLeast = (v: readonly [number, number], major: number, minor: number) => v[0] > major || (v[0] === major && v[1] >= minor);

export const tegraSmmuOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: false,

  probeInstance(inst) {
    if (inst.node.property("#iommu-cells") === undefined) return fail("-ENODEV", "tegra_smmu_probe", "memory controller without #iommu-cells: SMMU not enabled");
    return ok(undefined);
  },

  ofXlate(_inst, _dev, args, fwspec) {
    fwspec.ids.push(args[0] ?? 0);
    return ok(undefined);
  },

  deviceGroup(fwspec, _dev, core) {
    // tegra_smmu_device_group: the first swgroup decides; a named SoC group is shared.
    const swgroup = fwspec.ids[0] ?? -1;
    const named = NAMED_GROUPS.find((g) => g.swgroups.includes(swgroup));
    if (!named) return ok(core.newGroup(fwspec.instance));
    const key = `group:${named.name}`;
    let g = fwspec.instance.priv[key] as ReturnType<typeof core.newGroup> | undefined;
    if (!g) {
      g = core.newGroup(fwspec.instance, named.name);
      fwspec.instance.priv[key] = g;
    }
    return ok(g);
  },

  // v6.8+: an identity domain and def_domain_type = IDENTITY for every client (driver FIXME).
  defDomainType: (_f, _d, core) => (atLeast(core.version, 6, 8) ? "identity" : undefined),

  supportsType(_inst, type, core) {
    if (type === "identity") return atLeast(core.version, 6, 8);
    return type === "unmanaged" || type === "DMA";
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
