// arm-smmu-v3: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c. One StreamID per specifier, no
// stream sharing between masters, ASIDs from one xarray shared by every SMMUv3 in the system.
import type { Device } from "../../graph/index.ts";
import type { IommuCoreApi, IommuDriver, IommuDriverEntry, IommuDomain } from "../driver.ts";
import type { Result } from "../types.ts";
import { apertureBits, bump, IdAllocator, limitFail, limitNumber, ok, pciOrGenericGroup, releaseDomainId, silent, takeDomainId, xlateFirstCell } from "./common.ts";

/** struct arm_smmu_device, the parts modelled: the stream table's owners. */
interface SmmuV3State {
  readonly streams: Map<number, Device>;
}

/** arm_smmu_asid_xa: one ASID space for every SMMUv3. */
interface SmmuV3Globals {
  readonly asids: IdAllocator;
}

export const armSmmuV3: IommuDriver<SmmuV3State, SmmuV3Globals> = {
  name: "arm-smmu-v3",
  // dev_err in the driver's probe when iommu_device_register fails.
  registerFailedLog: "Failed to register iommu",
  initcall: "device",
  caps: {
    deferredFlush: true,
    dtReservedRegions: true,
    domains: { identity: "always", dma: "always", dmaFq: "always", unmanaged: "always" },
    // arm_smmu_blocked_domain (abort STE), static since 6.9 (352bd64cd828).
    blockedDomain: "armSmmuV3BlockedDomain",
    multiInstance: false,
    counters: { addressSpaces: "asids" },
  },
  newInstanceState: () => ({ streams: new Map() }),
  newDriverState: () => ({ asids: new IdAllocator() }),

  // arm_smmu_of_xlate: iommu_fwspec_add_ids(dev, args->args, 1) — further cells are ignored.
  ofXlate: xlateFirstCell,

  probeDevice(fwspec, dev, core) {
    const inst = fwspec.instance;
    const limit = 2 ** limitNumber(inst, "streamIdBits");
    const owners = inst.priv.streams;
    const mine = new Set<number>();
    // arm_smmu_insert_master (5.13+, the SID tree of cdf315f907d4); before, arm_smmu_probe_device
    // checked only the range and never compared StreamIDs with each other.
    const tree = core.has.armSmmuV3StreamTree;
    const where = tree ? "arm_smmu_insert_master" : "arm_smmu_probe_device";
    for (const sid of fwspec.ids) {
      // arm_smmu_init_sid_strtab / arm_smmu_probe_device return -ERANGE without a message.
      if (sid >= limit) return silent(limitFail(inst, "streamIdBits", "-ERANGE", where, `StreamID 0x${sid.toString(16)} is out of range (${limitNumber(inst, "streamIdBits")}-bit StreamIDs)`));
      const other = owners.get(sid);
      if (!tree) {
        // Counted once (the "streams" in use); a StreamID another master holds stays its.
        if (!other) {
          mine.add(sid);
          owners.set(sid, dev);
        }
        continue;
      }
      // A bridged PCI master may carry its DMA alias's StreamID twice: skipped since b00d24997a11
      // (6.15, and the 6.1.y / 6.12.y backports), which also names the other master.
      const dup = core.has.armSmmuV3DuplicateSids;
      if (mine.has(sid) && dup) continue;
      if (other || mine.has(sid)) {
        for (const s of mine) owners.delete(s);
        // A dev_warn in arm_smmu_insert_master.
        return { ok: false, failure: { errno: "-EINVAL", where, message: `stream ${sid} already in tree${dup && other ? ` from dev ${other.name}` : ""}`, printk: "warn" } };
      }
      mine.add(sid);
      owners.set(sid, dev);
    }
    bump(inst, "streams", mine.size);
    return ok(undefined);
  },

  releaseDevice(fwspec, dev) {
    const owners = fwspec.instance.priv.streams;
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

  allocDomain(domain, core) {
    // arm_smmu_domain_finalise_s1: ASID from the global xarray (0 reserved). From 6.9
    // (arm_smmu_domain_alloc_paging, 327e10b47ae9) at allocation; before, at the domain's first attach.
    if (!core.has.armSmmuV3AsidAtAlloc) return ok(undefined);
    return takeAsid(domain, core);
  },

  attachDev(domain, _dev, _fwspec, core) {
    if (core.has.armSmmuV3AsidAtAlloc || domain.finalised) return ok(undefined);
    return takeAsid(domain, core);
  },

  freeDomain(domain, core) {
    releaseDomainId(domain, "asid", core.driverState(armSmmuV3).asids, domain.instance, "asids");
  },

  aperture(inst) {
    return apertureBits(limitNumber(inst, "inputBits", 48));
  },
};

function takeAsid(domain: IommuDomain, core: IommuCoreApi): Result<void> {
  if (domain.type === "identity" || domain.type === "blocked") return ok(undefined);
  const bits = limitNumber(domain.instance, "asidBits", 16);
  return takeDomainId(domain, "asid", core.driverState(armSmmuV3).asids, 1, 2 ** bits, domain.instance, "asids", () =>
    limitFail(domain.instance, "asidBits", "-EBUSY", "arm_smmu_domain_finalise_s1", `no free ASID (${bits}-bit ASIDs, ${2 ** bits - 1} usable)`),
  );
}

export const ARM_SMMU_V3: IommuDriverEntry = {
  driver: armSmmuV3,
  // StreamID and ASID widths come from IDR0/IDR1 (QEMU's model: 16-bit SIDs, 16-bit ASIDs).
  ofMatch: [{ compatible: "arm,smmu-v3", driver: armSmmuV3, model: "SMMUv3", iommuCells: [1], defaults: { streamIdBits: 16, asidBits: 16, vmidBits: 16, inputBits: 48 } }],
};
