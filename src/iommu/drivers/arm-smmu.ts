// arm-smmu (SMMUv1/v2, MMU-400/401/500 and vendor implementations):
// drivers/iommu/arm/arm-smmu/arm-smmu.c, arm-smmu-qcom.c.
import type { Device } from "../../graph/index.ts";
import { atLeast, type KernelVersion } from "../../kernel/index.ts";
import { ofIrqCount, ofPropertyPresent, ofPropertyReadU32 } from "../../of/index.ts";
import type { IommuDriver, IommuDriverEntry, IommuMatch, IommuGroup, IommuInstance } from "../driver.ts";
import type { LimitValue, Result } from "../types.ts";
import { apertureBits, bitsFor, bump, fail, IdAllocator, isPaging, limitAssumed, limitFail, limitBool, limitNumber, ok, pciOrGenericGroup, recordNeed, releaseDomainId, silent, takeDomainId, treeLimit } from "./common.ts";

const SMR_ID = 0xffff;

interface Smr {
  id: number;
  mask: number;
  valid: boolean;
}
interface S2cr {
  count: number;
  group: IommuGroup | null;
}
/** struct arm_smmu_device, the parts modelled. */
interface SmmuState {
  /** Stream matching registers (null: stream indexing). */
  readonly smrs: Smr[] | null;
  readonly s2crs: Map<number, S2cr>;
  /** Per master: the SME index of each fwspec ID. */
  readonly smendx: Map<Device, number[]>;
  /** The legacy `mmu-masters` binding is in use. */
  legacy: boolean;
  readonly contextBanks: IdAllocator;
}

type Smmu = IommuInstance<SmmuState>;

/**
 * qcom_smmu_client_of_match (arm-smmu-qcom.c): clients the Qualcomm implementation keeps in bypass
 * (`qcom_smmu_def_domain_type` ⇒ IDENTITY), each with the mainline release that first listed it.
 * Sources (docs/kernel-model.md, "Qualcomm identity clients"): two stored torvalds versions of the
 * file (one ≈5.17 with the first ten entries, one ≥6.10 with nineteen), the LKML patches that added
 * entries (dated against the merge windows) and the arm-smmu pull-request texts. Entries marked ≈ are
 * bounded by those versions but their exact release is not established. "qcom,sdm630-mdss" was
 * never in mainline's list (only in a downstream tree), so it is not here.
 */
export const QCOM_IDENTITY_CLIENTS: ReadonlyMap<string, KernelVersion> = new Map<string, KernelVersion>([
  // ≈5.10: the list's first version (def_domain_type impl hook); present in the ≈5.17 stored copy.
  ["qcom,adreno", [5, 10]],
  ["qcom,mdp4", [5, 10]],
  ["qcom,mdss", [5, 10]],
  ["qcom,sc7180-mdss", [5, 10]],
  ["qcom,sc7180-mss-pil", [5, 10]],
  ["qcom,sdm845-mdss", [5, 10]],
  ["qcom,sdm845-mss-pil", [5, 10]],
  // ≈: present in the ≈5.17 stored copy, exact release not established.
  ["qcom,sc7280-mdss", [5, 13]],
  ["qcom,sc8180x-mdss", [5, 13]],
  ["qcom,sc7280-mss-pil", [5, 16]],
  // ≈: absent from the ≈5.17 copy, already listed in the Dec 2022 SM8150 patch's context.
  ["qcom,sm8250-mdss", [6, 0]],
  // "iommu/arm-smmu-qcom: Add SM8150 DPU compatible" v2, posted 2022-12-12 (6.2 merge window already
  // open) ⇒ 6.3 ("Enable Qualcomm workarounds for some additional platforms", iommu-updates-v6.3).
  ["qcom,sm8150-mdss", [6, 3]],
  // ≈: absent from the Dec 2022 context, present in the June 2023 sort patch's context.
  ["qcom,sc8280xp-mdss", [6, 3]],
  // ≈: the SM6350/SM6375 MDSS series (v6, June 2023, after the 6.5 merge window's cut-off).
  ["qcom,sm6350-mdss", [6, 6]],
  ["qcom,sm6375-mdss", [6, 6]],
  // ≈: absent from the ≈5.17 copy, present in the ≥6.10 copy.
  ["qcom,qcm2290-mdss", [6, 6]],
  // "Add missing GMU entry to match table" (Rob Clark), posted 2023-12-07, before the 6.8 merge window.
  ["qcom,adreno-gmu", [6, 8]],
  // "Arm SMMU updates for 6.7": "Support for Qualcomm SDM670 (MDSS)".
  ["qcom,sdm670-mdss", [6, 7]],
  // ≈: "Add X1E80100 MDSS compatible" posted 2024-01-31, held for its binding (2024-02-20).
  ["qcom,x1e80100-mdss", [6, 9]],
  // commit f7fa8520f303 "Add SM6115 MDSS compatible", posted 2025-06-13 (after the 6.16 merge
  // window), backported to 6.6-stable from the 6.17 merge window (2025-08-26).
  ["qcom,sm6115-mdss", [6, 17]],
]);

/** Whether the Qualcomm implementation keeps a client with these compatibles in bypass on this kernel. */
export function qcomIdentityClient(compatibles: readonly string[], version: KernelVersion): boolean {
  return compatibles.some((c) => {
    const since = QCOM_IDENTITY_CLIENTS.get(c);
    return since !== undefined && atLeast(version, since);
  });
}

/** arm_smmu_find_sme. */
/** The architecture's ceilings (ID0.NUMSMRG, ID1.NUMCB: at most 128 each). */
const MAX_SMRS = 128;
const MAX_CONTEXT_BANKS = 128;

function findSme(s: SmmuState, id: number, mask: number): number | "ENOSPC" | "EINVAL" {
  if (!s.smrs) return id;
  let free = -1;
  for (let i = 0; i < s.smrs.length; i++) {
    const r = s.smrs[i]!;
    if (!r.valid) {
      if (free < 0) free = i;
      continue;
    }
    if ((mask & r.mask) === mask && ((id ^ r.id) & ~r.mask & 0xffff) === 0) return i;
    if (((id ^ r.id) & ~(r.mask | mask) & 0xffff) === 0) return "EINVAL";
  }
  return free < 0 ? "ENOSPC" : free;
}

export const armSmmu: IommuDriver<SmmuState> = {
  name: "arm-smmu",
  // dev_err in the driver's probe when iommu_device_register fails.
  registerFailedLog: "Failed to register iommu",
  initcall: "device",
  caps: {
    deferredFlush: true,
    dtReservedRegions: true,
    domains: { identity: "always", dma: "always", dmaFq: "always", unmanaged: "always" },
    // arm_smmu_blocked_domain (S2CR FAULT), static since 6.8 (bbbf11eea38c); earlier the core used an empty
    // UNMANAGED domain, which takes a context bank when attached.
    blockedDomain: "armSmmuBlockedDomain",
    multiInstance: false,
    counters: { contextBanks: "contextBanks" },
  },

  newInstanceState(inst) {
    const n = limitNumber(inst, "smrs");
    return { smrs: n > 0 ? Array.from({ length: n }, () => ({ id: 0, mask: 0, valid: false })) : null, s2crs: new Map(), smendx: new Map(), legacy: false, contextBanks: new IdAllocator() };
  },

  probeInstance(inst, core) {
    const node = inst.node;
    const global = ofPropertyReadU32(node, "#global-interrupts");
    if (global === undefined) return fail("-ENODEV", "arm_smmu_device_dt_probe", "missing #global-interrupts property");
    const irqs = ofIrqCount(node, core.phandles);
    const ctx = irqs - global;
    if (ctx <= 0) return fail("-ENODEV", "arm_smmu_device_probe", `found ${irqs} interrupts but expected at least ${global + 1}`);
    treeLimit(inst, "contextInterrupts", ctx, "context interrupts in the node (interrupts minus #global-interrupts)");
    if (inst.limits["contextBanks"]?.source !== "hw" && limitNumber(inst, "version") === 2) treeLimit(inst, "contextBanks", ctx, "context banks (one context interrupt each on SMMUv2)");
    const cbs = limitNumber(inst, "contextBanks");
    if (limitNumber(inst, "version") === 2 && ctx < cbs) return fail("-ENODEV", "arm_smmu_device_probe", `found only ${ctx} context irq(s) but ${cbs} required`);
    if (limitNumber(inst, "s2ContextBanks") > cbs) return fail("-ENODEV", "arm_smmu_device_cfg_probe", `impossible number of S2 context banks!`);
    if (ofPropertyPresent(node, "mmu-masters")) inst.priv.legacy = true;
    const smrs = limitNumber(inst, "smrs");
    core.log(inst.device, "info", "probing hardware configuration...");
    core.log(inst.device, "info", `SMMUv${limitNumber(inst, "version")} with:`);
    core.log(inst.device, "info", smrs > 0 ? `\tstream matching with ${smrs} register groups` : "\tstream indexing");
    core.log(inst.device, "info", `\t${cbs} context banks (${limitNumber(inst, "s2ContextBanks")} stage-2 only)`);
    return ok(undefined);
  },

  ofXlate(inst, _dev, args, fwspec) {
    // FIELD_PREP truncates to the 16-bit ID and MASK fields.
    let fwid = (args[0] ?? 0) & SMR_ID;
    if (args.length > 1) fwid |= ((args[1]! & 0xffff) << 16) >>> 0;
    else {
      const m = ofPropertyReadU32(inst.node, "stream-match-mask");
      if (m !== undefined) fwid |= ((m & 0xffff) << 16) >>> 0;
    }
    fwspec.ids.push(fwid >>> 0);
    return ok(undefined);
  },

  probeDevice(fwspec, dev) {
    const inst = fwspec.instance;
    const sidMask = (2 ** limitNumber(inst, "streamIdBits") - 1) & 0xffff;
    const smrMask = (2 ** limitNumber(inst, "smrMaskBits") - 1) & 0xffff;
    for (const fwid of fwspec.ids) {
      const sid = fwid & 0xffff;
      const mask = fwid >>> 16;
      // An assumed width the IDs exceed: the board needs wider ones (ID0.NUMSIDB, SMR mask probe).
      if (sid & ~sidMask && limitAssumed(inst, "streamIdBits")) recordNeed(inst, "streamIdBits", bitsFor(sid));
      else if (sid & ~sidMask) return limitFail(inst, "streamIdBits", "-EINVAL", "arm_smmu_probe_device", `stream ID 0x${sid.toString(16)} out of range for SMMU (0x${sidMask.toString(16)})`);
      if (mask & ~smrMask && limitAssumed(inst, "smrMaskBits")) recordNeed(inst, "smrMaskBits", bitsFor(mask));
      else if (mask & ~smrMask) return limitFail(inst, "smrMaskBits", "-EINVAL", "arm_smmu_probe_device", `SMR mask 0x${mask.toString(16)} out of range for SMMU (0x${smrMask.toString(16)})`);
    }
    // arm_smmu_master_alloc_smes: all or nothing.
    const s = inst.priv;
    const taken: number[] = [];
    for (const fwid of fwspec.ids) {
      const sid = fwid & 0xffff;
      const mask = fwid >>> 16;
      let idx = findSme(s, sid, mask);
      // All assumed SMRs in use: the board needs one more (NUMSMRG is read from ID0 at boot).
      if (idx === "ENOSPC" && limitAssumed(inst, "smrs") && s.smrs!.length < MAX_SMRS) {
        s.smrs!.push({ id: 0, mask: 0, valid: false });
        recordNeed(inst, "smrs", s.smrs!.length);
        idx = s.smrs!.length - 1;
      }
      if (typeof idx === "string") {
        for (const i of taken) freeSme(s, inst, i);
        // arm_smmu_master_alloc_smes returns arm_smmu_find_sme's error without a message.
        if (idx === "ENOSPC") return silent(limitFail(inst, "smrs", "-ENOSPC", "arm_smmu_find_sme", `no free stream map entry for stream 0x${sid.toString(16)} (all ${s.smrs!.length} SMRs in use)`));
        return silent(fail("-EINVAL", "arm_smmu_find_sme", `stream 0x${sid.toString(16)} mask 0x${mask.toString(16)} partially overlaps an existing SMR`));
      }
      let s2cr = s.s2crs.get(idx);
      if (!s2cr) {
        s2cr = { count: 0, group: null };
        s.s2crs.set(idx, s2cr);
      }
      if (s.smrs && s2cr.count === 0) {
        s.smrs[idx] = { id: sid, mask, valid: true };
        bump(inst, "smrs", 1);
      }
      s2cr.count++;
      taken.push(idx);
    }
    s.smendx.set(dev, taken);
    return ok(undefined);
  },

  releaseDevice(fwspec, dev) {
    const s = fwspec.instance.priv;
    for (const i of s.smendx.get(dev) ?? []) freeSme(s, fwspec.instance, i);
    s.smendx.delete(dev);
  },

  deviceGroup(fwspec, dev, core): Result<IommuGroup> {
    const s = fwspec.instance.priv;
    let group: IommuGroup | null = null;
    for (const idx of s.smendx.get(dev) ?? []) {
      const g = s.s2crs.get(idx)?.group ?? null;
      if (group && g && group !== g) return silent(fail("-EINVAL", "arm_smmu_device_group", "stream map entries belong to two different groups"));
      // arm_smmu_device_group: the last stream map entry decides, even when it has no group.
      group = g;
    }
    if (group) return ok(group);
    const r = pciOrGenericGroup(fwspec, dev, core);
    if (r.ok) for (const idx of s.smendx.get(dev) ?? []) s.s2crs.get(idx)!.group = r.value;
    return r;
  },

  defDomainType(fwspec, dev, core) {
    // "iommu/arm-smmu: Force identity domains for legacy binding" (iommu-updates-v5.19: "Force
    // identity-mapped domains for users of ye olde SMMU legacy binding"); before, the core's default.
    if (fwspec.instance.priv.legacy && core.has.armSmmuLegacyIdentity) return "identity";
    if (limitNumber(fwspec.instance, "version") && fwspec.instance.match?.defaults["impl"] === "qcom") {
      if (dev.node && qcomIdentityClient(dev.compatible, core.version)) return "identity";
    }
    return undefined;
  },

  attachDev(domain, _dev, fwspec) {
    if (domain.instance !== fwspec.instance) return fail("-EINVAL", "arm_smmu_attach_dev", "cannot attach to SMMU " + fwspec.instance.name + " whilst already attached to domain on SMMU " + domain.instance.name);
    if (!isPaging(domain) || domain.finalised) return ok(undefined);
    // arm_smmu_init_domain_context: stage-1 banks are searched above the stage-2-only ones.
    const inst = domain.instance;
    const cbs = limitNumber(inst, "contextBanks");
    return takeDomainId(domain, "context", inst.priv.contextBanks, limitNumber(inst, "s2ContextBanks"), cbs, inst, "contextBanks", () => {
      // Only assumed banks are gone (NUMCB is read from ID1 at boot): the board needs more.
      if (!limitAssumed(inst, "contextBanks")) return limitFail(inst, "contextBanks", "-ENOSPC", "__arm_smmu_alloc_bitmap", `all ${cbs} context banks in use`);
      const r = takeDomainId(domain, "context", inst.priv.contextBanks, cbs, MAX_CONTEXT_BANKS, inst, "contextBanks", () =>
        limitFail(inst, "contextBanks", "-ENOSPC", "__arm_smmu_alloc_bitmap", `all ${MAX_CONTEXT_BANKS} context banks in use`),
      );
      if (r.ok && domain.resource?.kind === "context") recordNeed(inst, "contextBanks", domain.resource.value + 1);
      return r;
    });
  },

  freeDomain(domain) {
    releaseDomainId(domain, "context", domain.instance.priv.contextBanks, domain.instance, "contextBanks");
  },

  aperture(inst) {
    return apertureBits(limitNumber(inst, "inputBits", 48));
  },

  unconfiguredStreamsFault(inst, boolParams) {
    return smmuDisablesBypass(inst, boolParams) ? "with arm-smmu.disable_bypass its DMA faults" : undefined;
  },
};

function freeSme(s: SmmuState, inst: Smmu, idx: number): void {
  const s2cr = s.s2crs.get(idx);
  if (!s2cr) return;
  if (--s2cr.count > 0) return;
  s.s2crs.delete(idx);
  if (s.smrs) {
    s.smrs[idx]!.valid = false;
    bump(inst, "smrs", -1);
  }
}

/** Whether unmatched / unattached streams fault (arm-smmu.disable_bypass, Kconfig default y). */
function smmuDisablesBypass(inst: IommuInstance, boolParams: ReadonlyMap<string, boolean>): boolean {
  // A built-in module's bool parameter, as param_set_bool's kstrtobool reads it on this kernel
  // (the last valid value on the command line; arm_smmu or arm-smmu: probe/cmdline.ts).
  const arg = boolParams.get("arm-smmu.disable_bypass");
  if (arg !== undefined) return arg;
  return limitBool(inst, "disableBypass", true);
}

const m = (compatible: string, model: string, iommuCells: number[], defaults: Record<string, LimitValue>): IommuMatch => ({ compatible, driver: armSmmu, model, iommuCells, defaults });

// SMMUv1 uses the AArch32 LPAE stage-1 format (32-bit input), v2 the AArch64 one. Context banks
// default to the number of context interrupts in the node when the tree has them (SMMUv2 needs one each).
const smmuV1 = (c: string, model: string, cbs: number, smrs: number) =>
  m(c, model, [1, 2], { version: 1, streamIdBits: 15, smrMaskBits: 15, smrs, contextBanks: cbs, s2ContextBanks: 0, inputBits: 32, disableBypass: true });
const smmuV2 = (c: string, model: string, cbs: number, smrs: number, impl = "") =>
  m(c, model, [1, 2], { version: 2, streamIdBits: 16, smrMaskBits: 16, smrs, contextBanks: cbs, s2ContextBanks: 0, inputBits: 48, disableBypass: true, impl });

/** arm_smmu_of_match. */
export const ARM_SMMU_MATCH: readonly IommuMatch[] = [
  smmuV1("arm,smmu-v1", "SMMUv1", 8, 8),
  smmuV2("arm,smmu-v2", "SMMUv2", 8, 16),
  smmuV1("arm,mmu-400", "MMU-400", 4, 4),
  smmuV1("arm,mmu-401", "MMU-401", 8, 8),
  smmuV2("arm,mmu-500", "MMU-500", 8, 48),
  smmuV2("cavium,smmu-v2", "Cavium SMMUv2", 128, 128),
  smmuV2("nvidia,smmu-500", "NVIDIA MMU-500", 64, 128, "nvidia"),
  smmuV2("nvidia,tegra186-smmu", "NVIDIA MMU-500 (Tegra186)", 64, 128, "nvidia"),
  smmuV2("nvidia,tegra194-smmu", "NVIDIA MMU-500 (Tegra194)", 64, 128, "nvidia"),
  smmuV2("nvidia,tegra234-smmu", "NVIDIA MMU-500 (Tegra234)", 64, 128, "nvidia"),
  smmuV2("qcom,smmu-v2", "Qualcomm SMMUv2", 8, 16, "qcom"),
  smmuV2("qcom,adreno-smmu", "Qualcomm Adreno SMMU", 8, 16, "qcom"),
  smmuV2("qcom,smmu-500", "Qualcomm MMU-500", 64, 128, "qcom"),
  smmuV2("marvell,ap806-smmu-500", "Marvell AP806 MMU-500", 8, 48),
];

/** The Qualcomm SoC-specific compatibles (qcom,<soc>-smmu-500 / -smmu-v2). */
export function armSmmuMatchPattern(c: string): IommuMatch | undefined {
  if (/^qcom,[a-z0-9]+-smmu-500$/.test(c)) return smmuV2(c, "Qualcomm MMU-500", 64, 128, "qcom");
  if (/^qcom,[a-z0-9]+-smmu-v2$/.test(c)) return smmuV2(c, "Qualcomm SMMUv2", 8, 16, "qcom");
  return undefined;
}

export const ARM_SMMU: IommuDriverEntry = { driver: armSmmu, ofMatch: ARM_SMMU_MATCH, ofMatchPattern: armSmmuMatchPattern };
