// The Tegra DRM drivers (drivers/gpu/drm/tegra/, module tegra-drm) and the order they register in:
// host1x_drm_init registers host1x_drm_driver, then platform_register_drivers(drivers[]) —
// display hub, dc, hdmi, dsi, dpaux, sor, gr2d, gr3d, vic, nvdec (the same array in 6.1 and 6.12).
// host1x (drivers/gpu/host1x, before drivers/gpu/drm in drivers/gpu/Makefile, and a module the
// DRM module depends on) has populated its children before any of them registers, so the
// children bind driver by driver in this order, each driver taking its devices in add order
// (driver_attach) — not in DT order. Where the clients compete for address spaces (Tegra30's four
// ASIDs, one "drm" group whose first member sets up the arm_iommu mapping) this order decides
// which client wins. The display hub populates its display controllers (tegra_display_hub_probe:
// devm_of_platform_populate); host1x_client_iommu_attach is in tegra-drm.ts.
import type { ClientDriver } from "../kernel.ts";

const client = (name: string, registerOrder: number, compatible: readonly string[], more: Partial<ClientDriver> = {}): ClientDriver => ({
  name,
  bus: "platform",
  initcall: "device",
  reportAssumed: true,
  compatible: compatible.map((c) => `nvidia,${c}`),
  registerOrder,
  ...more,
});

/** drivers[] of drivers/gpu/drm/tegra/drm.c, with each driver's of_match_table (6.12). */
export const TEGRA_DRM_CLIENTS: readonly ClientDriver[] = [
  client("tegra-display-hub", 0, ["tegra194-display", "tegra186-display"], { populatesChildren: true }),
  client("tegra-dc", 1, ["tegra194-dc", "tegra186-dc", "tegra210-dc", "tegra124-dc", "tegra114-dc", "tegra30-dc", "tegra20-dc"]),
  client("tegra-hdmi", 2, ["tegra124-hdmi", "tegra114-hdmi", "tegra30-hdmi", "tegra20-hdmi"]),
  client("tegra-dsi", 3, ["tegra210-dsi", "tegra132-dsi", "tegra124-dsi", "tegra114-dsi"]),
  client("tegra-dpaux", 4, ["tegra194-dpaux", "tegra186-dpaux", "tegra210-dpaux", "tegra124-dpaux"]),
  client("tegra-sor", 5, ["tegra194-sor", "tegra186-sor", "tegra210-sor1", "tegra210-sor", "tegra132-sor", "tegra124-sor"]),
  client("tegra-gr2d", 6, ["tegra114-gr2d", "tegra30-gr2d", "tegra20-gr2d"]),
  client("tegra-gr3d", 7, ["tegra114-gr3d", "tegra30-gr3d", "tegra20-gr3d"]),
  client("tegra-vic", 8, ["tegra124-vic", "tegra210-vic", "tegra186-vic", "tegra194-vic", "tegra234-vic"]),
  client("tegra-nvdec", 9, ["tegra210-nvdec", "tegra186-nvdec", "tegra194-nvdec", "tegra234-nvdec"]),
];
