// The IOMMU driver table: one row per modelled driver (its file in drivers/ holds the ops, the
// capabilities and the of_match_table with the per-SoC hardware limits the device tree does not
// carry: documented values from the TRMs / the drivers' SoC data; each can be overridden per
// instance with --hw). A compatible no row matches is reported as an unknown IOMMU, never guessed.
import type { IommuDriver, IommuDriverEntry, IommuMatch } from "./driver.ts";
import { APPLE_DART } from "./drivers/apple-dart.ts";
import { ARM_SMMU } from "./drivers/arm-smmu.ts";
import { ARM_SMMU_V3 } from "./drivers/arm-smmu-v3.ts";
import { EXYNOS_SYSMMU } from "./drivers/exynos-sysmmu.ts";
import { IPMMU_VMSA } from "./drivers/ipmmu-vmsa.ts";
import { MTK_IOMMU } from "./drivers/mtk-iommu.ts";
import { QCOM_IOMMU } from "./drivers/qcom-iommu.ts";
import { ROCKCHIP_IOMMU } from "./drivers/rockchip-iommu.ts";
import { SUN50I_IOMMU } from "./drivers/sun50i-iommu.ts";
import { TEGRA_SMMU } from "./drivers/tegra-smmu.ts";

export const IOMMU_DRIVERS: readonly IommuDriverEntry[] = [ARM_SMMU, ARM_SMMU_V3, TEGRA_SMMU, QCOM_IOMMU, ROCKCHIP_IOMMU, EXYNOS_SYSMMU, APPLE_DART, SUN50I_IOMMU, MTK_IOMMU, IPMMU_VMSA];

const EXACT: readonly IommuMatch[] = IOMMU_DRIVERS.flatMap((d) => d.ofMatch);
const EXACT_BY_COMPAT = new Map(EXACT.map((r) => [r.compatible, r]));

/** Matches by compatible (null: none), so the per-node scan does not rerun the patterns. */
const matchCache = new Map<string, IommuMatch | null>();

/** The of_match_table entry for a compatible string, or undefined. */
export function iommuMatchFor(compatible: string): IommuMatch | undefined {
  let r = matchCache.get(compatible);
  if (r === undefined) {
    r = EXACT_BY_COMPAT.get(compatible) ?? null;
    for (let i = 0; r === null && i < IOMMU_DRIVERS.length; i++) r = IOMMU_DRIVERS[i]!.ofMatchPattern?.(compatible) ?? null;
    if (matchCache.size < 65536) matchCache.set(compatible, r);
  }
  return r ?? undefined;
}

/** Answers per (shared, cached) compatible list: many nodes are asked about once per run. */
const matchByList = new WeakMap<readonly string[], IommuMatch | null>();

/** of_match_node: a node's compatibles in order, the first one any driver matches. */
export function iommuMatchForCompatible(list: readonly string[]): IommuMatch | undefined {
  let r = matchByList.get(list);
  if (r === undefined) {
    r = null;
    for (const c of list) {
      const m = iommuMatchFor(c);
      if (m) {
        r = m;
        break;
      }
    }
    matchByList.set(list, r);
  }
  return r ?? undefined;
}

/** Every exact of_match entry (for docs and tests). */
export function iommuMatchRows(): readonly IommuMatch[] {
  return EXACT;
}

/** The modelled drivers. */
export function iommuDrivers(): readonly IommuDriver[] {
  return IOMMU_DRIVERS.map((d) => d.driver);
}
