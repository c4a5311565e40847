// The client driver table: one row per modelled driver (ClientDriver in kernel.ts), keyed by the
// kernel's driver name (struct device_driver.name, the driver table's `name`) and bus. When a
// driver table applies, the table decides which driver binds each device and when (match.ts); a
// row gives what that driver does beyond the driver core (probe and remove hooks, children it
// populates, a domain of its own, a composite device). Its `compatible` / `pattern` / `initcall`
// are for runs without a table (--assume-drivers). Adding a driver model: one file in this folder
// exporting its ClientDriver, one row below (docs/kernel-model.md, "Adding a client driver model").
import { iommuMatchFor } from "../../iommu/index.ts";
import type { ClientDriver } from "../kernel.ts";
import { HOST1X } from "./tegra-host1x.ts";
import { TEGRA_VDE } from "./tegra-vde.ts";
import { ATH10K_SNOC } from "./ath10k-snoc.ts";
import { MDP4, MSM_DPU, MSM_MDP } from "./msm-kms.ts";
import { NOUVEAU_TEGRA } from "./nouveau-tegra.ts";
import { QCOM_VENUS } from "./qcom-venus.ts";
import { TEGRA_DRM_CLIENTS } from "./tegra-drm-clients.ts";
import { EXYNOS_DRM_COMPONENTS } from "./exynos-drm.ts";
import { PCI_STUB, VFIO_DRIVERS } from "./vfio.ts";
import { PCIEPORT } from "./pcieport.ts";

/**
 * Drivers whose probe creates platform devices for their DT children (of_platform_populate in
 * the probe path: the data's `creates`), as far as the model goes. Without a table their name is
 * reported as `(assumed)`.
 */
const populating = (name: string, match: Pick<ClientDriver, "compatible" | "pattern">): ClientDriver => ({ name, bus: "platform", initcall: "device", reportAssumed: true, populatesChildren: true, ...match });

export const CLIENT_DRIVERS: readonly ClientDriver[] = [
  ...VFIO_DRIVERS,
  PCI_STUB,
  PCIEPORT,
  HOST1X,
  TEGRA_VDE,
  // drivers/usb/dwc3/dwc3-{qcom,of-simple,xilinx,exynos,imx8mp,omap}.c: the glue populates the dwc3 core.
  populating("dwc3-qcom", { compatible: ["qcom,dwc3"] }),
  populating("dwc3-of-simple", { compatible: ["rockchip,rk3399-dwc3", "amlogic,meson-axg-dwc3"] }),
  populating("dwc3-xilinx", { compatible: ["xlnx,zynqmp-dwc3"] }),
  populating("exynos-dwc3", { compatible: ["samsung,exynos5250-dwusb3"] }),
  populating("imx8mp-dwc3", { compatible: ["fsl,imx8mp-dwc3"] }),
  populating("omap-dwc3", { compatible: ["ti,dwc3"] }),
  // drivers/gpu/drm/msm/msm_mdss.c: MDSS populates MDP/DPU, DSI, DP.
  populating("msm-mdss", { compatible: ["qcom,mdss"], pattern: /^qcom,[a-z0-9]+-mdss$/ }),
  QCOM_VENUS,
  ATH10K_SNOC,
  MSM_DPU,
  MSM_MDP,
  MDP4,
  NOUVEAU_TEGRA,
  // drivers/bus/simple-pm-bus.c.
  populating("simple-pm-bus", { compatible: ["simple-pm-bus"] }),
  // drivers/bus/sun50i-de2.c sun50i_de2_bus_probe: the display engine bus populates its mixers.
  populating("sun50i-de2-bus", { compatible: ["allwinner,sun50i-a64-de2"] }),
  // drivers/bus/tegra-aconnect.c tegra_aconnect_probe: the audio bus populates AHUB, ADMA, AGIC.
  populating("tegra-aconnect", { compatible: ["nvidia,tegra210-aconnect"] }),
  // sound/soc/tegra/tegra210_ahub.c tegra_ahub_probe: AHUB populates ADMAIF, I2S, DMIC, ...
  populating("tegra210-ahub", { compatible: ["nvidia,tegra210-ahub", "nvidia,tegra186-ahub", "nvidia,tegra234-ahub"] }),
  ...TEGRA_DRM_CLIENTS,
  ...EXYNOS_DRM_COMPONENTS,
];

/** A row's own compatibles / pattern (runs without a driver table). */
export const rowMatches = (d: ClientDriver, c: string) => d.compatible?.includes(c) || (d.pattern !== undefined && (d.prefix === undefined || c.startsWith(d.prefix)) && d.pattern.test(c));

/**
 * The modelled driver that creates platform devices for a node's DT children when it binds
 * (IOMMU drivers such as qcom_iommu, and client drivers): the graph asks while it is built. The
 * children are added only when that driver binds (really_probe), so a kernel without the driver
 * never creates them.
 */
export function childPopulatingDriver(compatible: readonly string[]): string | undefined {
  // Per (shared, cached) compatible list: every run of a board asks again.
  let name = populatingByList.get(compatible);
  if (name === undefined) {
    name = null;
    for (let i = 0; i < compatible.length && name === null; i++) {
      const c = compatible[i]!;
      const m = iommuMatchFor(c);
      if (m?.driver.caps.populatesChildren) name = m.driver.name;
      else for (const d of POPULATING) if (rowMatches(d, c)) name ??= d.name;
    }
    populatingByList.set(compatible, name);
  }
  return name ?? undefined;
}

const POPULATING = CLIENT_DRIVERS.filter((d) => d.populatesChildren);
const populatingByList = new WeakMap<readonly string[], string | null>();
