// arm-smmu-v3: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c. One StreamID per specifier, no
// stream sharing between masters, ASIDs from one xarray shared by every SMMUv3 in the system.
import type { Device } from "../../graph/index.ts";
import type { IommuCoreApi, IommuDomain, IommuDriverOps, Result } from "../types.ts";
import { allocBit, apertureBits, bump, fail, limitFail, limitNumber, ok, pciOrGenericGroup } from "./common.ts";

function streamOwners(priv: Record<string, unknown>): Map<number, Device> {
  let m = priv["streams"] as Map<number, Device> | undefined;
  if (!m) {
    m = new Map();
    priv["streams"] = m;
  }
  return m;
}

export const armSmmuV3Ops: IommuDriverOps = {
  deferredFlush: true,

  probeInstance: () => ok(undefined),

  ofXlate(_inst, _dev, args, fwspec) {
    // arm_smmu_of_xlate: iommu_fwspec_add_ids(dev, args->args, 1) — further cells are ignored.
    fwspec.ids.push(args[0] ?? 0);
    return ok(undefined);
  },

  probeDevice(fwspec, dev, core) {
    const inst = fwspec.instance;
    const limit = 2 ** limitNumber(inst, "streamIdBits");
    const owners = streamOwners(inst.priv);
    const mine = new Set<number>();
    for (const sid of fwspec.ids) {
      if (sid >= limit) return limitFail(inst, "streamIdBits", "-ERANGE", "arm_smmu_insert_master", `StreamID 0x${sid.toString(16)} is out of range (${limitNumber(inst, "streamIdBits")}-bit StreamIDs)`);
      // Bridged PCI masters may carry the same SID twice; tolerated since 6.15's rework.
      if (mine.has(sid) && core.has.armSmmuV3DuplicateSids) continue;
      const other = owners.get(sid);
      if (other || mine.has(sid)) {
        for (const s of mine) owners.delete(s);
        return fail("-EINVAL", "arm_smmu_insert_master", `stream ${sid} already in tree${other && other !== dev ? ` from dev ${other.name}` : ""}`);
      }
      mine.add(sid);
      owners.set(sid, dev);
    }
    bump(inst, "streams", mine.size);
    return ok(undefined);
  },

  releaseDevice(fwspec, dev) {
    const owners = streamOwners(fwspec.instance.priv);
    let n = 0;
    for (const sid of fwspec.ids) {
      if (owners.get(sid) === dev) {
        owners.delete(sid);
        n++;
      }
    }
    bump(fwspec.instance, "streams", -n);
  },

  deviceGroup: pciOrGenericGroup,
  defDomainType: () => undefined,
  supportsType: () => true,
  // arm_smmu_blocked_domain (abort STE), static since about 6.9.
  hasBlockedDomain: (_inst, core) => core.has.armSmmuV3BlockedDomain,
  dtReservedRegions: true,

  allocDomain(domain, core) {
    // arm_smmu_domain_finalise_s1: ASID from the global xarray (0 reserved). From about 6.9
    // (domain_alloc_paging) at allocation; before, at the domain's first attach.
    if (!asidAtAlloc(core)) return ok(undefined);
    return takeAsid(domain, core);
  },

  attachDev(domain, _dev, _fwspec, core) {
    if (asidAtAlloc(core) || domain.finalised) return ok(undefined);
    return takeAsid(domain, core);
  },

  freeDomain(domain, core) {
    if (domain.resource?.kind === "asid") {
      (core.shared.get("arm-smmu-v3.asids") as Set<number> | undefined)?.delete(domain.resource.value);
      bump(domain.instance, "asids", -1);
    }
  },

  aperture(inst) {
    return apertureBits(limitNumber(inst, "inputBits", 48));
  },
};

const asidAtAlloc = (core: IommuCoreApi) => core.has.armSmmuV3AsidAtAlloc;

function takeAsid(domain: IommuDomain, core: IommuCoreApi): Result<void> {
    if (domain.type === "identity" || domain.type === "blocked") return ok(undefined);
    let asids = core.shared.get("arm-smmu-v3.asids") as Set<number> | undefined;
    if (!asids) {
      asids = new Set();
      core.shared.set("arm-smmu-v3.asids", asids);
    }
    const bits = limitNumber(domain.instance, "asidBits", 16);
    const asid = allocBit(asids, 1, 2 ** bits);
    if (asid < 0) return limitFail(domain.instance, "asidBits", "-EBUSY", "arm_smmu_domain_finalise_s1", `no free ASID (${bits}-bit ASIDs, ${2 ** bits - 1} usable)`);
    domain.resource = { kind: "asid", value: asid };
    domain.finalised = true;
    bump(domain.instance, "asids", 1);
    return ok(undefined);
}
