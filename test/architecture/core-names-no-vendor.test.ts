// The core modules (driver core, OF DMA, DMA ops, boot, the IOMMU core) know drivers only through
// their rows: no vendor compatible, no IOMMU driver or family, no client driver is named there,
// not even in a comment. What a driver does lives in its own file (src/iommu/drivers,
// src/probe/drivers).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { IOMMU_DRIVERS } from "../../src/iommu/index.ts";
import { CLIENT_DRIVERS } from "../../src/probe/index.ts";

const root = resolve(new URL("../../", import.meta.url).pathname);
const inFolder = (dir: string) => readdirSync(join(root, dir)).filter((f) => f.endsWith(".ts")).map((f) => join(root, dir, f));

const CORE = [
  ...inFolder("src/probe/base"),
  ...inFolder("src/probe/of"),
  ...inFolder("src/probe/dma"),
  ...inFolder("src/probe/boot"),
  ...inFolder("src/iommu/core"),
  ...["kernel.ts", "log.ts", "state.ts", "result.ts", "run.ts"].map((f) => join(root, "src/probe", f)),
  join(root, "src/iommu/ops.ts"),
];

/** Every compatible the driver tables match, and the vendors they name. */
const compatibles = [
  ...IOMMU_DRIVERS.flatMap((d) => d.ofMatch.map((m) => m.compatible)),
  ...CLIENT_DRIVERS.flatMap((d) => d.compatible ?? []),
];
const vendors = new Set(compatibles.map((c) => c.split(",")[0]!));

/** Driver names from both tables, and the IOMMU families and vendors as words. */
const words = [
  ...IOMMU_DRIVERS.map((d) => d.driver.name),
  ...CLIENT_DRIVERS.map((d) => d.name),
  ...["smmu", "tegra", "mediatek", "mtk", "rockchip", "exynos", "dart", "ipmmu", "sun50i", "qcom", "qualcomm", "host1x", "nvidia", "renesas", "apple", "samsung", "allwinner", "vfio", "msm", "dwc3"],
];
const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
const WORD = new RegExp(`(?<![a-z0-9])(${words.map(escape).join("|")})(?![a-z0-9])`, "i");
/** A "vendor,device" string of any vendor the tables know, quoted. */
const COMPATIBLE = new RegExp(`["'\`](${[...vendors].map(escape).join("|")}),[\\w.+-]+["'\`]`);

describe("core modules name no driver", () => {
  it("knows what to look for", () => {
    expect(CORE.length).toBeGreaterThan(20);
    expect(vendors).toContain("nvidia");
    expect("the tegra-smmu driver").toMatch(WORD);
    expect('x = "qcom,sdm845-mdss"').toMatch(COMPATIBLE);
    expect("arm32 arm_iommu mappings, the DMA API").not.toMatch(WORD);
  });

  for (const file of CORE) {
    it(relative(root, file), () => {
      const lines = readFileSync(file, "utf8").split("\n");
      const hits = lines.map((l, i) => [i + 1, l] as const).filter(([, l]) => WORD.test(l) || COMPATIBLE.test(l));
      expect(hits.map(([n, l]) => `${n}: ${l.trim()}`)).toEqual([]);
    });
  }
});
