// The IOMMU drivers whose core-relevant behaviour is small: qcom_iommu, rockchip-iommu,
// exynos-sysmmu, mtk_iommu, apple-dart, ipmmu-vmsa, sun50i-iommu.
import { isAvailable, propertyU32, readReg } from "../../tree/accessors.ts";
import type { Fwspec, IommuDriverOps, IommuGroup, IommuInstance } from "../types.ts";
import { allocBit, apertureBits, bitmapOf, bump, fail, genericDeviceGroup, instanceGroup, isPaging, limitBool, limitNumber, noDeviceState, ok, treeLimit } from "./common.ts";

const atLeast = (v: readonly [number, number], major: number, minor: number) => v[0] > major || (v[0] === major && v[1] >= minor);
const aperture = (inst: IommuInstance) => apertureBits(limitNumber(inst, "inputBits", 32));
const pagingOnly = (type: string) => type === "DMA" || type === "unmanaged";

/** qcom_iommu: `iommus = <&apps_iommu ctx>`; contexts are the `iommu-ctx` children. */
export const qcomIommuOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: false,
  probeInstance(inst) {
    const asids = new Set<number>();
    for (const c of inst.node.children) {
      if (!isAvailable(c)) continue;
      const asid = propertyU32(c, "qcom,ctx-asid") ?? Number((readReg(c)[0]?.address ?? 0n) / 0x1000n);
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
  supportsType: (_i, t) => pagingOnly(t),
  attachDev: () => ok(undefined),
  aperture,
};

/** rockchip-iommu: no IDs; the last IOMMU named wins; one group per IOMMU. */
export const rockchipOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: false,
  probeInstance: () => ok(undefined),
  ofXlate(inst, _dev, _args, fwspec) {
    fwspec.instance.priv["lastFor"] ??= new Map();
    (fwspec.instance.priv["lastFor"] as Map<unknown, IommuInstance>).set(_dev, inst);
    return ok(undefined);
  },
  deviceGroup(fwspec, dev, core) {
    const last = (fwspec.instance.priv["lastFor"] as Map<unknown, IommuInstance> | undefined)?.get(dev) ?? fwspec.instance;
    return ok(instanceGroup(last, core));
  },
  defDomainType: () => undefined,
  supportsType: (_i, t, core) => pagingOnly(t) || (t === "identity" && atLeast(core.version, 6, 8)),
  attachDev: () => ok(undefined),
  aperture,
};

/** exynos-sysmmu: no IDs; a master may list several SYSMMUs; per-device groups. */
export const exynosOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: false,
  probeInstance: () => ok(undefined),
  ofXlate: () => ok(undefined),
  deviceGroup: genericDeviceGroup,
  defDomainType: () => undefined,
  supportsType: (_i, t, core) => pagingOnly(t) || (t === "identity" && atLeast(core.version, 6, 8)),
  attachDev: () => ok(undefined),
  aperture,
};

/** mtk_iommu: MTK_M4U_ID(larb, port); every ID of a master in one larb; one group per M4U. */
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
    const larb = (fwspec.ids[0]! >> 5) & 0x3f;
    for (const id of fwspec.ids) {
      const l = (id >> 5) & 0x3f;
      if (l !== larb) return fail("-EINVAL", "mtk_iommu_probe_device", `Can only use one larb. Fail@larb${larb}-${l}.`);
    }
    return ok(undefined);
  },
  deviceGroup: (fwspec, _dev, core) => ok(instanceGroup(fwspec.instance, core)),
  defDomainType: () => undefined,
  supportsType: (_i, t) => pagingOnly(t),
  attachDev: () => ok(undefined),
  aperture,
};

/** apple-dart: stream IDs, up to two DARTs per master, groups shared per stream (sid2group). */
export const appleDartOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: true,
  probeInstance: () => ok(undefined),
  ofXlate(inst, _dev, args, fwspec) {
    if (args.length !== 1) return fail("-EINVAL", "apple_dart_of_xlate", "a DART specifier is one stream ID");
    const sid = args[0]!;
    if (sid >= limitNumber(inst, "streams")) return fail("-EINVAL", "apple_dart_of_xlate", `stream ${sid} beyond the DART's ${limitNumber(inst, "streams")} streams`);
    if (inst !== fwspec.instance && !fwspec.extraInstances.includes(inst)) {
      if (1 + fwspec.extraInstances.length >= limitNumber(inst, "maxDartsPerDevice", 2)) return fail("-EINVAL", "apple_dart_of_xlate", "more DARTs than MAX_DARTS_PER_DEVICE");
      if (limitNumber(inst, "pageSize") !== limitNumber(fwspec.instance, "pageSize")) return fail("-EINVAL", "apple_dart_of_xlate", "DARTs with different page sizes");
      fwspec.extraInstances.push(inst);
    }
    fwspec.ids.push(((fwspec.extraInstances.indexOf(inst) + 1) << 16) | sid);
    return ok(undefined);
  },
  deviceGroup(fwspec, _dev, core) {
    // sid2group: a stream that already has a group decides; otherwise a new group for all of them.
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
    for (const id of fwspec.ids) {
      const { m, sid } = key(id);
      group ??= m.get(sid);
    }
    group ??= core.newGroup(fwspec.instance);
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
  hasBlockedDomain: (_inst, core) => atLeast(core.version, 6, 6),
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
  supportsType: (_i, t) => pagingOnly(t),
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

/** sun50i-iommu: one group (and page table) per IOMMU. */
export const sun50iOps: IommuDriverOps = {
  ...noDeviceState,
  deferredFlush: false,
  probeInstance: () => ok(undefined),
  ofXlate(_inst, _dev, args, fwspec) {
    fwspec.ids.push(args[0] ?? 0);
    return ok(undefined);
  },
  deviceGroup: (fwspec, _dev, core) => ok(instanceGroup(fwspec.instance, core)),
  defDomainType: () => undefined,
  supportsType: (_i, t) => pagingOnly(t),
  attachDev: () => ok(undefined),
  aperture,
};
