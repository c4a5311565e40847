// The client driver table: one row per modelled driver (ClientDriver in kernel.ts: match, bus,
// initcall level, driver_managed_dma, hooks), and which driver binds each device. IOMMU instances
// get their IOMMU driver (src/iommu/table.ts). PCI functions take the driver named in the --pci
// file (null: none binds). For DT platform/AMBA devices dtprobe assumes that some driver binds (a
// board's DT describes hardware that has drivers) unless the node is consumed without a struct
// device_driver (OF_DECLARE'd early code) or a row names its driver. Adding a driver model: one
// file in this folder exporting its ClientDriver, one row below.
import type { Device } from "../../graph/index.ts";
import { iommuMatchFor, iommuMatchForCompatible } from "../../iommu/index.ts";
import type { KernelFeatures } from "../../kernel/index.ts";
import type { ClientDriver, DriverMatch } from "../kernel.ts";
import { HOST1X } from "./tegra-host1x.ts";
import { TEGRA_VDE } from "./tegra-vde.ts";
import { ATH10K_SNOC } from "./ath10k-snoc.ts";
import { MDP4, MSM_DPU, MSM_MDP } from "./msm-kms.ts";
import { NOUVEAU_TEGRA } from "./nouveau-tegra.ts";
import { QCOM_VENUS } from "./qcom-venus.ts";
import { TEGRA_DRM_CLIENTS } from "./tegra-drm-clients.ts";
import { EXYNOS_DRM_COMPONENTS } from "./exynos-drm.ts";
import { PCI_STUB, VFIO_DRIVERS } from "./vfio.ts";

/** PCIe port services (drivers/pci/pcie/portdrv.c): bool Kconfig, built in; driver_managed_dma from 5.19 but the DMA API is still set up. */
const PCIEPORT: ClientDriver = { name: "pcieport", bus: "pci", initcall: "device", builtin: true, driverManagedDma: "pcieportDriverManagedDma", keepsDmaApi: true };

/** Drivers whose probe only creates platform devices for their DT children, as far as the model goes. */
const populating = (name: string, match: Pick<ClientDriver, "compatible" | "pattern">): ClientDriver => ({ name, bus: "platform", initcall: "device", reportAssumed: true, populatesChildren: true, ...match });

export const CLIENT_DRIVERS: readonly ClientDriver[] = [
  ...VFIO_DRIVERS,
  PCI_STUB,
  PCIEPORT,
  HOST1X,
  TEGRA_VDE,
  // drivers/usb/dwc3/dwc3-{qcom,of-simple,exynos,imx8mp,st}.c: the glue populates the dwc3 core.
  populating("dwc3-glue", {
    compatible: ["qcom,dwc3", "rockchip,rk3399-dwc3", "xlnx,zynqmp-dwc3", "samsung,exynos5250-dwusb3", "fsl,imx8mp-dwc3", "ti,dwc3", "amlogic,meson-axg-dwc3"],
  }),
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

/** Compatibles handled by *_OF_DECLARE early init or by no driver at all. */
const NO_DRIVER = new Set([
  "syscon",
  "fixed-clock",
  "fixed-factor-clock",
  "arm,psci",
  "arm,psci-0.2",
  "arm,psci-1.0",
  "arm,armv7-timer",
  "arm,armv8-timer",
  "arm,gic-400",
  "arm,gic-v3",
  "arm,cortex-a15-gic",
  "arm,cortex-a9-gic",
  "arm,cortex-a7-gic",
]);

const rowMatches = (d: ClientDriver, c: string) => d.compatible?.includes(c) || (d.pattern !== undefined && (d.prefix === undefined || c.startsWith(d.prefix)) && d.pattern.test(c));

/**
 * The platform/AMBA row whose of_match_table matches a compatible list: a driver the report names
 * first (anywhere in the list), else a modelled behaviour under the assumed name.
 */
function rowForCompatible(list: readonly string[]): ClientDriver | undefined {
  for (const named of [true, false]) {
    for (const c of list) for (const d of CLIENT_DRIVERS) if (d.bus !== "pci" && !d.reportAssumed === named && rowMatches(d, c)) return d;
  }
  return undefined;
}
const rowByList = new WeakMap<readonly string[], ClientDriver | null>();

const rowByName = (name: string, bus: string) => CLIENT_DRIVERS.find((d) => d.name === name && d.bus === bus);

const resolveManaged = (d: ClientDriver | undefined, has: KernelFeatures, otherwise: boolean) =>
  d?.driverManagedDma === true ? true : d?.driverManagedDma !== undefined ? has[d.driverManagedDma] : otherwise;

function match(name: string | null, assumed: boolean, initcall: DriverMatch["initcall"], driverManagedDma: boolean, row?: ClientDriver, reason?: string): DriverMatch {
  return { name, assumed, initcall, driverManagedDma, ownsDma: driverManagedDma && !row?.keepsDmaApi, reason, row };
}

// The answers shared by many devices, made once (frozen: DriverMatch is read-only): a large
// board asks for hundreds of thousands of them.
const ASSUMED: DriverMatch = Object.freeze(match("(assumed)", true, "device", false));
const PCI_NONE: DriverMatch = Object.freeze(match(null, false, "device", false, undefined, "no driver binds (--pci driver null)"));
const UNKNOWN_IOMMU: DriverMatch = Object.freeze(match(null, false, "device", false, undefined, "unknown IOMMU compatible: no modelled driver"));
const EARLY: DriverMatch = Object.freeze(match(null, false, "device", false, undefined, "initialised early (OF_DECLARE) or no driver: no struct device_driver binds"));
/** ASSUMED with a modelled row's behaviour (the report keeps the assumed name). */
const assumedWith = new Map<ClientDriver, DriverMatch>();

/** Which driver binds `dev` (the IOMMU driver for an IOMMU instance's device). */
export function matchDriver(dev: Device, isIommuNode: boolean, has: KernelFeatures): DriverMatch {
  if (dev.bus === "pci") {
    const f = dev.pci!;
    if (f.driver === null) return PCI_NONE;
    if (f.driver === undefined) return ASSUMED;
    const row = rowByName(f.driver, "pci");
    // The --pci file says whether the driver sets driver_managed_dma; a row whose flag came with a
    // kernel change (pcieport) follows the kernel.
    const flag = row?.driverManagedDma;
    const managed = flag !== undefined && flag !== true ? has[flag] : f.driverManagedDma;
    return match(f.driver, false, row?.builtin ? "device" : "module", managed, row);
  }
  if (isIommuNode) {
    const m = iommuMatchForCompatible(dev.compatible);
    if (!m) return UNKNOWN_IOMMU;
    return match(m.driver.name, false, m.driver.initcall, false);
  }
  const compatible = dev.compatible;
  let row = rowByList.get(compatible);
  if (row === undefined) {
    row = rowForCompatible(compatible) ?? null;
    rowByList.set(compatible, row);
  }
  if (row && !row.reportAssumed) return match(row.name, false, row.initcall, resolveManaged(row, has, false), row);
  if (compatible.length > 0 && compatible.every((c) => NO_DRIVER.has(c))) return EARLY;
  if (!row) return ASSUMED;
  let m = assumedWith.get(row);
  if (!m) assumedWith.set(row, (m = Object.freeze({ ...ASSUMED, row })));
  return m;
}

/** driver_override: the drivers a scenario may bind on a bus (all set driver_managed_dma). */
export function overrideDrivers(bus: string): readonly string[] {
  return CLIENT_DRIVERS.filter((d) => d.override && d.bus === bus).map((d) => d.name);
}

/** The match for binding `driver` with driver_override. */
export function overrideMatch(driver: string, bus: string): DriverMatch {
  return match(driver, false, "device", true, rowByName(driver, bus));
}

/**
 * The modelled driver that creates platform devices for a node's DT children when it binds
 * (IOMMU drivers such as qcom_iommu, and client drivers): the graph asks while it is built.
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
