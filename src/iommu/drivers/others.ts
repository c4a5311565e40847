// The IOMMU drivers whose core-relevant behaviour is small: qcom_iommu, rockchip-iommu,
// exynos-sysmmu, mtk_iommu, apple-dart, ipmmu-vmsa, sun50i-iommu.
import { ofChildren, ofDeviceIsAvailable, ofPropertyReadU32, ofRegAddress } from "../../of/index.ts";
import type { Device } from "../../graph/index.ts";
import type { Fwspec, IommuCoreApi, IommuDriverOps, IommuGroup, IommuInstance } from "../types.ts";
import { iovaRegions, mtkIovaRegionId } from "./mtk-regions.ts";
import { allocBit, apertureBits, bitmapOf, bump, fail, genericDeviceGroup, instanceGroup, isPaging, limitBool, limitNumber, noDeviceState, ok, treeLimit } from "./common.ts";

const aperture = (inst: IommuInstance) => apertureBits(limitNumber(inst, "inputBits", 32));
const pagingOnly = (type: string) => type === "DMA" || type === "unmanaged";
/** Paging domains, plus the IDENTITY domain the 6.7 series ("iommu: Make default_domain's mandatory") gave these drivers. */
const pagingOr67Identity = (_i: IommuInstance, t: string, core: IommuCoreApi) => pagingOnly(t) || (t === "identity" && core.has.driverIdentityDomains);

/** qcom_iommu: `iommus = <&apps_iommu ctx>`; contexts are the `iommu-ctx` children. */
export const qcomIommuOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: false,
  probeInstance(inst) {
    const asids = new Set<number>();
    for (const c of ofChildren(inst.node)) {
      if (!ofDeviceIsAvailable(c)) continue;
      const asid = ofPropertyReadU32(c, "qcom,ctx-asid") ?? Number((ofRegAddress(c) ?? 0n) / 0x1000n);
      asids.add(asid);
    }
    inst.priv["ctxAsids"] = asids;
    treeLimit(inst, "contextBanks", asids.size, "iommu-ctx child nodes");
    if (asids.size === 0) return fail("-ENODEV", "qcom_iommu_device_probe", "no context banks");
    return ok(undefined);
  },
  ofXlate(inst, _dev, args, fwspec) {
    const asid = args[0] ?? 0;
    if (fwspec.instance !== inst) return fail("-EINVAL", "qcom_iommu_of_xlate", "a master may only use one qcom_iommu instance (WARN_ON)");
    if (asid < 1) return fail("-EINVAL", "qcom_iommu_of_xlate", "context 0 is not valid (WARN_ON(asid < 1))");
    if (!(inst.priv["ctxAsids"] as Set<number>).has(asid)) return fail("-EINVAL", "qcom_iommu_of_xlate", `no context bank ${asid} (WARN_ON)`);
    fwspec.ids.push(asid);
    return ok(undefined);
  },
  deviceGroup: genericDeviceGroup,
  defDomainType: () => undefined,
  supportsType: pagingOr67Identity,
  attachDev: () => ok(undefined),
  aperture,
};

/** rockchip-iommu: no IDs; the last IOMMU named wins; one group per IOMMU. */
export const rockchipOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: false,
  // rk_iommu_probe: iommu_group_alloc() for the instance, so group numbers follow IOMMU probe
  // order, masters or not.
  probeInstance: (inst, core) => {
    instanceGroup(inst, core);
    return ok(undefined);
  },
  ofXlate(inst, _dev, _args, fwspec) {
    fwspec.instance.priv["lastFor"] ??= new Map();
    (fwspec.instance.priv["lastFor"] as Map<unknown, IommuInstance>).set(_dev, inst);
    return ok(undefined);
  },
  translatingInstance: (fwspec, dev) => (fwspec.instance.priv["lastFor"] as Map<unknown, IommuInstance> | undefined)?.get(dev) ?? fwspec.instance,
  deviceGroup(fwspec, dev, core) {
    return ok(instanceGroup(rockchipOps.translatingInstance!(fwspec, dev), core));
  },
  defDomainType: () => undefined,
  supportsType: pagingOr67Identity,
  attachDev: () => ok(undefined),
  aperture,
};

/** exynos-sysmmu: no IDs; a master may list several SYSMMUs; per-device groups. */
export const exynosOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: false,
  probeInstance: () => ok(undefined),
  // exynos_iommu_of_xlate links each SYSMMU into owner->controllers: all of them translate for
  // the master with its one page table (the first one holds the fwspec).
  ofXlate(inst, _dev, _args, fwspec) {
    if (inst !== fwspec.instance && !fwspec.extraInstances.includes(inst)) fwspec.extraInstances.push(inst);
    return ok(undefined);
  },
  deviceGroup: genericDeviceGroup,
  defDomainType: () => undefined,
  supportsType: pagingOr67Identity,
  attachDev: () => ok(undefined),
  aperture,
};

/**
 * The M4Us that share one hw_list (and so one group table): MM instances of the same SoC
 * (mt8195 "vdo" and "vpp"). The table lives in the first of them (mtk_iommu_get_frst_data).
 */
function firstOfHwList(inst: IommuInstance, core: IommuCoreApi): IommuInstance {
  const soc = /^mediatek,(mt\d+)-/.exec(inst.row?.compatible ?? "")?.[1];
  if (!soc || !limitBool(inst, "multimedia")) return inst;
  for (const other of core.allInstances()) {
    if (other.row?.family === "mtk-iommu" && limitBool(other, "multimedia") && other.row.compatible.startsWith(`mediatek,${soc}-`) && other.registered) return other;
  }
  return inst;
}

/** mtk_iommu_get_iova_region_id with the plat_data of the first M4U of the hw_list (src/iommu/drivers/mtk-regions.ts). */
function iovaRegionId(fwspec: Fwspec, dev: Device, core: IommuCoreApi) {
  const first = firstOfHwList(fwspec.instance, core);
  return { first, region: mtkIovaRegionId(first.row?.compatible ?? "", core.has, fwspec.ids, core.dmaRangesOf(dev)) };
}

/**
 * mtk_iommu: MTK_M4U_ID(larb, port); every ID of a master in one larb; groups from a table in
 * the first M4U of the shared hw_list, indexed by IOVA region (banks of the infra IOMMU are not
 * modelled: one group per infra instance).
 */
export const mtkOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: false,
  probeInstance: () => ok(undefined),
  ofXlate(_inst, _dev, args, fwspec) {
    if (args.length !== 1) return fail("-EINVAL", "mtk_iommu_of_xlate", `invalid #iommu-cells(${args.length}) property for IOMMU`);
    fwspec.ids.push(args[0]!);
    return ok(undefined);
  },
  probeDevice(fwspec: Fwspec) {
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
    const key = `m4uGroup${region.value}`;
    let g = first.priv[key] as IommuGroup | undefined;
    if (!g || !core.groupAlive(g)) {
      g = core.newGroup(first);
      first.priv[key] = g;
    }
    return ok(g);
  },
  defDomainType: () => undefined,
  supportsType: pagingOr67Identity,
  attachDev(domain, dev, fwspec, core) {
    // mtk_iommu_attach_device: the region again (a failure returns its errno), then
    // mtk_iommu_domain_finalise at first attach: the domain's geometry is the master's IOVA region
    // (4G-8G for a region-1 master; 8 MiB short of 4 GiB from 6.4), on every M4U type.
    if (!isPaging(domain) || domain.finalised) return ok(undefined);
    const { first, region } = iovaRegionId(fwspec, dev, core);
    if (!region.ok) return region;
    const g = iovaRegions(first.row?.compatible ?? "", core.has)[region.value]!;
    domain.aperture = { start: g.base, end: g.base + g.size - 1n };
    domain.finalised = true;
    return ok(undefined);
  },
  aperture,
};

/** apple-dart: stream IDs, up to two DARTs per master, groups shared per stream (sid2group). */
export const appleDartOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: true,
  probeInstance: () => ok(undefined),
  ofXlate(inst, _dev, args, fwspec) {
    if (args.length !== 1) return fail("-EINVAL", "apple_dart_of_xlate", "a DART specifier is one stream ID");
    // apple_dart_of_xlate does not range-check the stream ID (set_bit into the stream map).
    const sid = args[0]!;
    if (inst !== fwspec.instance && !fwspec.extraInstances.includes(inst)) {
      if (1 + fwspec.extraInstances.length >= limitNumber(inst, "maxDartsPerDevice", 2)) return fail("-EINVAL", "apple_dart_of_xlate", "more DARTs than MAX_DARTS_PER_DEVICE");
      if (limitBool(inst, "bypass") !== limitBool(fwspec.instance, "bypass")) return fail("-EINVAL", "apple_dart_of_xlate", "DARTs disagree on supports_bypass");
      if (limitNumber(inst, "pageSize") !== limitNumber(fwspec.instance, "pageSize")) return fail("-EINVAL", "apple_dart_of_xlate", "DARTs with different page sizes");
      fwspec.extraInstances.push(inst);
    }
    fwspec.ids.push(((fwspec.extraInstances.indexOf(inst) + 1) << 16) | sid);
    return ok(undefined);
  },
  deviceGroup(fwspec, dev, core) {
    // apple_dart_device_group: every stream's sid2group must agree (a NULL after a group, or two
    // groups, is -EINVAL); a found group is shared; otherwise pci_device_group / a new group.
    const instances = [fwspec.instance, ...fwspec.extraInstances];
    const key = (id: number) => {
      const inst = instances[id >>> 16]!;
      let m = inst.priv["sid2group"] as Map<number, IommuGroup> | undefined;
      if (!m) {
        m = new Map();
        inst.priv["sid2group"] = m;
      }
      return { m, sid: id & 0xffff };
    };
    let group: IommuGroup | undefined;
    let first = true;
    for (const id of fwspec.ids) {
      const { m, sid } = key(id);
      const g = m.get(sid);
      const stream = g && core.groupAlive(g) ? g : undefined;
      if (!first && group !== stream) return fail("-EINVAL", "apple_dart_device_group", `stream ${sid} belongs to ${stream ? `group ${stream.id}` : "no group"}, another stream to ${group ? `group ${group.id}` : "none"}`);
      group = stream;
      first = false;
    }
    if (!group) {
      const r = dev.bus === "pci" ? core.pciDeviceGroup(dev, fwspec.instance) : ok(core.newGroup(fwspec.instance));
      if (!r.ok) return r;
      group = r.value;
    }
    for (const id of fwspec.ids) {
      const { m, sid } = key(id);
      m.set(sid, group);
    }
    return ok(group);
  },
  defDomainType(fwspec) {
    const inst = fwspec.instance;
    if (limitNumber(inst, "pageSize") > limitNumber(inst, "cpuPageSize", 4096)) return "identity";
    if (!limitBool(inst, "bypass")) return "DMA";
    return undefined;
  },
  supportsType: (inst, t) => t !== "identity" || limitBool(inst, "bypass"),
  // apple_dart_blocked_domain, static since about 6.6.
  hasBlockedDomain: (_inst, core) => core.has.appleDartBlockedDomain,
  dtReservedRegions: true,
  attachDev: () => ok(undefined),
  aperture,
};

/** The main IPMMU a cache IPMMU points at with `renesas,ipmmu-main` (set up by the core). */
function ipmmuRoot(inst: IommuInstance): IommuInstance {
  return (inst.priv["rootInstance"] as IommuInstance | undefined) ?? inst;
}

/** ipmmu-vmsa opt-in list (R-Car Gen3/Gen4): only these devices, and PCI, may use the IPMMU. */
const IPMMU_ALLOWLIST = new Set(["ee100000.mmc", "ee120000.mmc", "ee140000.mmc", "ee160000.mmc"]);

/** ipmmu-vmsa: micro-TLB IDs, one group per (cache) IPMMU, contexts in the main IPMMU. */
export const ipmmuOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: false,
  probeInstance: () => ok(undefined),
  ofXlate(inst, dev, args, fwspec) {
    if (dev.bus !== "pci" && !IPMMU_ALLOWLIST.has(dev.name)) return fail("-ENODEV", "ipmmu_of_xlate", `${dev.name} is not on the R-Car IPMMU allow list (ipmmu_device_is_allowed)`);
    const utlb = args[0] ?? 0;
    if (utlb >= limitNumber(inst, "utlbs", 48)) return fail("-EINVAL", "ipmmu_init_platform_device", `micro-TLB ${utlb} out of range`);
    fwspec.ids.push(utlb);
    return ok(undefined);
  },
  deviceGroup: (fwspec, _dev, core) => ok(instanceGroup(fwspec.instance, core)),
  defDomainType: () => undefined,
  supportsType: pagingOr67Identity,
  attachDev(domain, _dev, _f, core) {
    // ipmmu_domain_init_context: contexts come from the root (main) IPMMU.
    if (!isPaging(domain) || domain.finalised) return ok(undefined);
    void core;
    const root = ipmmuRoot(domain.instance);
    const n = limitNumber(root, "contexts", 8);
    const ctx = allocBit(bitmapOf(root, "contexts"), 0, n);
    if (ctx < 0) return fail("-EBUSY", "ipmmu_domain_allocate_context", `all ${n} IPMMU contexts in use`);
    domain.resource = { kind: "context", value: ctx };
    domain.finalised = true;
    bump(root, "contexts", 1);
    return ok(undefined);
  },
  freeDomain(domain) {
    if (domain.resource?.kind === "context") {
      const root = ipmmuRoot(domain.instance);
      bitmapOf(root, "contexts").delete(domain.resource.value);
      bump(root, "contexts", -1);
    }
  },
  aperture,
};

/** sun50i-iommu: one group (and page table) per IOMMU, allocated in sun50i_iommu_probe. */
export const sun50iOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: false,
  probeInstance: (inst, core) => {
    instanceGroup(inst, core);
    return ok(undefined);
  },
  ofXlate(_inst, _dev, args, fwspec) {
    fwspec.ids.push(args[0] ?? 0);
    return ok(undefined);
  },
  deviceGroup: (fwspec, _dev, core) => ok(instanceGroup(fwspec.instance, core)),
  defDomainType: () => undefined,
  supportsType: pagingOr67Identity,
  attachDev: () => ok(undefined),
  aperture,
};
