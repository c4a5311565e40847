// Which Linux architecture boots this tree. It matters for DMA: arm32 kernels use
// ARM_DMA_USE_IOMMU (one arm_iommu mapping per device, no IOMMU_DMA, no DMA default domains),
// arm64 kernels use iommu-dma on the group's default domain. The tree does not say which kernel
// is built, so the CPU cores decide: a board whose cores are ARMv7 or older can only run arm32;
// ARMv8+ cores are taken to run arm64 (what every upstream arm64 board DT is for).
import { compatibleList, propertyString } from "../of/index.ts";
import type { DeviceTree, DtNode } from "../tree/model.ts";

export type CpuArch = "arm" | "arm64";

export interface ArchInfo {
  readonly arch: CpuArch;
  /** What decided it (for the report): a CPU compatible, a machine compatible, or the fallback. */
  readonly source: string;
  /** Nothing in the tree identified the architecture (arm64 assumed). */
  readonly assumed: boolean;
}

/** ARMv7-A/R and older cores (arch/arm only). */
const ARM32_CORES = new Set([
  "arm,arm926ej-s",
  "arm,arm1136jf-s",
  "arm,arm1176jzf-s",
  "arm,arm11mpcore",
  "arm,cortex-a5",
  "arm,cortex-a7",
  "arm,cortex-a8",
  "arm,cortex-a9",
  "arm,cortex-a12",
  "arm,cortex-a15",
  "arm,cortex-a17",
  "arm,cortex-r5",
  "arm,cortex-r7",
  "brcm,brahma-b15",
  "brcm,brahma-b53",
  "marvell,pj4a",
  "marvell,pj4b",
  "marvell,sheeva-v7",
  "qcom,krait",
  "qcom,scorpion",
]);

/** ARMv8+ cores outside the `arm,cortex-aNN` numbering. */
const ARM64_CORE = /^(arm,(armv8|cortex-a(3[2-9]|[5-9]\d|[1-9]\d\d)|cortex-x\d+|neoverse-.*)|apple,.*|qcom,(kryo.*|oryon.*|falkor)|nvidia,(tegra132-denver|tegra186-denver|tegra194-carmel|denver.*|carmel.*)|cavium,thunder.*|fujitsu,a64fx|amcc,.*|apm,.*|hisilicon,.*|phytium,.*)$/;

/** Machine compatibles for SoCs whose DTs may lack CPU compatibles. */
const ARM32_SOCS = /^(nvidia,tegra(20|30|114|124)|samsung,exynos(3\d*|4\d*|52\d*|54[12]\d*|5800)|ti,(omap|am33|am43|dra7).*|rockchip,rk3(0|1|2)\d\d|rockchip,rk3288|allwinner,sun[4-9]i.*|qcom,(apq8064|apq8084|msm8974|msm8960|ipq806\d|ipq40\d\d)|st,stm32.*|xlnx,zynq-7000|fsl,imx[5-7].*|renesas,r8a77(4|9)\d)$/;
const ARM64_SOCS = /^(nvidia,tegra(132|186|194|210|234)|samsung,exynos(5433|7|8|9|850).*|rockchip,rk33\d\d|rockchip,rk35\d\d|allwinner,sun50i.*|qcom,(sdm|sm|sc|x1e|qcs|msm89|apq8016|apq8096).*|xlnx,zynqmp.*|fsl,(imx8|ls).*|renesas,r8a77(95|96|965|990|995|951|961)|renesas,r8a779.*|mediatek,mt(8|6)\d\d\d|apple,t\d+|arm,(juno|vexpress-aemv8|fvp-base).*|linux,dummy-virt)$/;

function cpuNodes(root: DtNode): DtNode[] {
  const cpus = root.child("cpus");
  if (!cpus) return [];
  const out: DtNode[] = [];
  // cpus/cpu@N, and cpus/cpu-map is not a cpu (no compatible); clusters may nest one level.
  for (const c of cpus.children) {
    if (propertyString(c, "device_type") === "cpu" || c.baseName === "cpu") out.push(c);
  }
  return out;
}

/** Decides the architecture from the CPU nodes, then the machine compatible, else arm64. */
export function detectArch(tree: DeviceTree): ArchInfo {
  for (const cpu of cpuNodes(tree.root)) {
    for (const c of compatibleList(cpu)) {
      if (ARM32_CORES.has(c)) return { arch: "arm", source: `cpu ${c}`, assumed: false };
      if (ARM64_CORE.test(c)) return { arch: "arm64", source: `cpu ${c}`, assumed: false };
    }
  }
  for (const c of compatibleList(tree.root)) {
    if (ARM32_SOCS.test(c)) return { arch: "arm", source: `machine ${c}`, assumed: false };
    if (ARM64_SOCS.test(c)) return { arch: "arm64", source: `machine ${c}`, assumed: false };
  }
  return { arch: "arm64", source: "assumed: no known CPU or machine compatible", assumed: true };
}
