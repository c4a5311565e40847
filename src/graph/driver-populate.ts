// Drivers whose probe creates platform devices for their DT children (they call
// of_platform_populate / devm_of_platform_populate on their own node). of_platform_populate itself
// never descends below a non-bus device, so without this table the children's `iommus` would
// never be seen. Each row names the kernel driver that does it.
import { compatibleList } from "../of/index.ts";
import type { DtNode } from "../tree/model.ts";

interface PopulatingDriver {
  readonly driver: string;
  readonly match: (compatible: string) => boolean;
}

const exact = (...names: string[]) => (c: string) => names.includes(c);

const POPULATING_DRIVERS: readonly PopulatingDriver[] = [
  // drivers/iommu/arm/arm-smmu/qcom_iommu.c: context banks are child devices.
  { driver: "qcom-iommu", match: exact("qcom,msm-iommu-v1", "qcom,msm-iommu-v2") },
  // drivers/usb/dwc3/dwc3-{qcom,of-simple,exynos,imx8mp,st}.c: the glue populates the dwc3 core.
  {
    driver: "dwc3-glue",
    match: (c) =>
      c === "qcom,dwc3" ||
      c === "rockchip,rk3399-dwc3" ||
      c === "xlnx,zynqmp-dwc3" ||
      c === "samsung,exynos5250-dwusb3" ||
      c === "fsl,imx8mp-dwc3" ||
      c === "ti,dwc3" ||
      c === "amlogic,meson-axg-dwc3",
  },
  // drivers/gpu/host1x/dev.c: host1x populates its engines (display, gr2d, gr3d, vic...).
  { driver: "tegra-host1x", match: (c) => /^nvidia,tegra\d+-host1x$/.test(c) },
  // drivers/gpu/drm/msm/msm_mdss.c: MDSS populates MDP/DPU, DSI, DP.
  { driver: "msm-mdss", match: (c) => c === "qcom,mdss" || /^qcom,[a-z0-9]+-mdss$/.test(c) },
  // drivers/media/platform/qcom/venus/core.c: venus populates its decoder/encoder nodes.
  { driver: "venus", match: (c) => /^qcom,[a-z0-9]+-venus$/.test(c) },
  // drivers/bus/simple-pm-bus.c.
  { driver: "simple-pm-bus", match: exact("simple-pm-bus") },
];

/** The modelled driver that populates `node`'s children when it binds, if any. */
export function populatingDriver(node: DtNode): string | undefined {
  return populatingDriverFor(compatibleList(node));
}

/** populatingDriver for a node's compatible list. */
export function populatingDriverFor(compatible: readonly string[]): string | undefined {
  for (const c of compatible) {
    for (const d of POPULATING_DRIVERS) if (d.match(c)) return d.driver;
  }
  return undefined;
}
