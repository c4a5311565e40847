// The IOMMU driver table: one row per compatible the kernel's IOMMU drivers match, with the
// driver model and the per-SoC hardware limits that the device tree does not carry (documented
// values from the TRMs / the drivers' SoC data; each can be overridden per instance with --hw).
// A compatible not in this table is reported as an unknown IOMMU, never guessed.
import type { IommuDriverRow, IommuFamily, LimitValue } from "./types.ts";

const GiB4 = 4294967296;

function row(compatible: string, driver: string, family: IommuFamily, model: string, iommuCells: number[], defaults: Record<string, LimitValue>, initcall: IommuDriverRow["initcall"] = "device"): IommuDriverRow {
  return { compatible, driver, family, model, iommuCells, defaults, initcall };
}

// arm-smmu: SMMUv1 uses the AArch32 LPAE stage-1 format (32-bit input), v2 the AArch64 one.
const smmuV1 = (c: string, model: string, cbs: number, smrs: number) =>
  row(c, "arm-smmu", "arm-smmu", model, [1, 2], { version: 1, streamIdBits: 15, smrMaskBits: 15, smrs, contextBanks: cbs, s2ContextBanks: 0, inputBits: 32, disableBypass: true });
const smmuV2 = (c: string, model: string, cbs: number, smrs: number, impl = "") =>
  row(c, "arm-smmu", "arm-smmu", model, [1, 2], { version: 2, streamIdBits: 16, smrMaskBits: 16, smrs, contextBanks: cbs, s2ContextBanks: 0, inputBits: 48, disableBypass: true, impl });

const EXACT: readonly IommuDriverRow[] = [
  // arm-smmu (drivers/iommu/arm/arm-smmu/arm-smmu.c arm_smmu_of_match). Context banks default to
  // the number of context interrupts in the node when the tree has them (SMMUv2 needs one each).
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
  // arm-smmu-v3: StreamID and ASID widths come from IDR0/IDR1 (QEMU's model: 16-bit SIDs, 16-bit ASIDs).
  row("arm,smmu-v3", "arm-smmu-v3", "arm-smmu-v3", "SMMUv3", [1], { streamIdBits: 16, asidBits: 16, vmidBits: 16, inputBits: 48 }),
  // tegra-smmu lives in the memory controller driver (arch_initcall: registered before populate).
  row("nvidia,tegra30-mc", "tegra-mc", "tegra-smmu", "Tegra30 SMMU", [1], { asids: 4, addressSpaceBytes: GiB4, physBits: 32 }, "arch"),
  row("nvidia,tegra114-mc", "tegra-mc", "tegra-smmu", "Tegra114 SMMU", [1], { asids: 4, addressSpaceBytes: GiB4, physBits: 32 }, "arch"),
  row("nvidia,tegra124-mc", "tegra-mc", "tegra-smmu", "Tegra124 SMMU", [1], { asids: 128, addressSpaceBytes: GiB4, physBits: 34 }, "arch"),
  row("nvidia,tegra132-mc", "tegra-mc", "tegra-smmu", "Tegra132 SMMU", [1], { asids: 128, addressSpaceBytes: GiB4, physBits: 34 }, "arch"),
  row("nvidia,tegra210-mc", "tegra-mc", "tegra-smmu", "Tegra210 SMMU", [1], { asids: 128, addressSpaceBytes: GiB4, physBits: 34 }, "arch"),
  // qcom_iommu: context banks are child nodes.
  row("qcom,msm-iommu-v1", "qcom-iommu", "qcom-iommu", "Qualcomm IOMMU v1", [1], { inputBits: 32 }),
  row("qcom,msm-iommu-v2", "qcom-iommu", "qcom-iommu", "Qualcomm IOMMU v2", [1], { inputBits: 32 }),
  // rockchip-iommu: one page directory per IOMMU, 32-bit IOVA.
  row("rockchip,iommu", "rk_iommu", "rockchip-iommu", "Rockchip IOMMU v1", [0], { inputBits: 32 }),
  row("rockchip,rk3568-iommu", "rk_iommu", "rockchip-iommu", "Rockchip IOMMU v2", [0], { inputBits: 32 }),
  row("samsung,exynos-sysmmu", "exynos-sysmmu", "exynos-sysmmu", "Exynos SYSMMU", [0], { inputBits: 32 }),
  row("apple,t8103-dart", "apple-dart", "apple-dart", "Apple DART (t8103)", [1], { streams: 16, pageSize: 16384, cpuPageSize: 4096, bypass: true, inputBits: 32, maxDartsPerDevice: 2 }),
  row("apple,t6000-dart", "apple-dart", "apple-dart", "Apple DART (t6000)", [1], { streams: 16, pageSize: 16384, cpuPageSize: 4096, bypass: true, inputBits: 32, maxDartsPerDevice: 2 }),
  row("apple,t8110-dart", "apple-dart", "apple-dart", "Apple DART (t8110)", [1], { streams: 256, pageSize: 16384, cpuPageSize: 4096, bypass: false, inputBits: 32, maxDartsPerDevice: 2 }),
  row("allwinner,sun50i-h6-iommu", "sun50i-iommu", "sun50i-iommu", "Allwinner H6 IOMMU", [1], { inputBits: 32 }),
  row("allwinner,sun50i-h616-iommu", "sun50i-iommu", "sun50i-iommu", "Allwinner H616 IOMMU", [1], { inputBits: 32 }),
];

const EXACT_BY_COMPAT = new Map(EXACT.map((r) => [r.compatible, r]));

/** Families matched by pattern (many SoC-specific compatibles, one driver). */
function patternRow(c: string): IommuDriverRow | undefined {
  if (/^qcom,[a-z0-9]+-smmu-500$/.test(c)) return smmuV2(c, "Qualcomm MMU-500", 64, 128, "qcom");
  if (/^qcom,[a-z0-9]+-smmu-v2$/.test(c)) return smmuV2(c, "Qualcomm SMMUv2", 8, 16, "qcom");
  if (/^mediatek,mt\d+-(m4u|iommu-(vdo|vpp|mm|infra|apu))$/.test(c)) {
    const infra = c.endsWith("-infra") || c.endsWith("-apu");
    return row(c, "mtk-iommu", "mtk-iommu", infra ? "MediaTek infra IOMMU" : "MediaTek M4U", [1], { inputBits: 32, multimedia: !infra });
  }
  if (/^renesas,ipmmu-r8a[0-9a-z]+$/.test(c) || c === "renesas,rcar-gen3-ipmmu" || c === "renesas,rcar-gen4-ipmmu-vmsa" || c === "renesas,ipmmu-vmsa") {
    return row(c, "ipmmu-vmsa", "ipmmu-vmsa", "Renesas IPMMU-VMSA", [1], { contexts: 8, utlbs: 48, inputBits: 32 });
  }
  return undefined;
}

/** Rows by compatible (null: none), so the per-node scan does not rerun the patterns. */
const rowCache = new Map<string, IommuDriverRow | null>();

/** The row for a compatible string, or undefined. */
export function iommuRowFor(compatible: string): IommuDriverRow | undefined {
  let r = rowCache.get(compatible);
  if (r === undefined) {
    r = EXACT_BY_COMPAT.get(compatible) ?? patternRow(compatible) ?? null;
    if (rowCache.size < 65536) rowCache.set(compatible, r);
  }
  return r ?? undefined;
}

/** Answers per (shared, cached) compatible list: many nodes are asked about once per run. */
const rowByList = new WeakMap<readonly string[], IommuDriverRow | null>();

/** of_match_node: a node's compatibles in order, the first one any row matches. */
export function iommuRowForCompatible(list: readonly string[]): IommuDriverRow | undefined {
  let r = rowByList.get(list);
  if (r === undefined) {
    r = null;
    for (const c of list) {
      const row = iommuRowFor(c);
      if (row) {
        r = row;
        break;
      }
    }
    rowByList.set(list, r);
  }
  return r ?? undefined;
}

/** Every exact row (for docs and tests). */
export function iommuTableRows(): readonly IommuDriverRow[] {
  return EXACT;
}
