// The shipped driver tables (data/kernel/6.1.json, 6.12.json), made by the extractor from
// Debian's linux-source packages: schema-valid, provenance recorded, and facts checked by reading
// the real sources (drivers/iommu/arm/arm-smmu/arm-smmu.c, drivers/pci/pcie/portdrv*.c,
// drivers/gpu/host1x/dev.c, drivers/gpu/drm/tegra/drm.c, drivers/memory/tegra/mc.c, ...).
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { KernelDriverTable, loadKernelData, type KernelData, type OfDriver } from "../../src/kernel-data/index.ts";
import { projectDir } from "../helpers/shared.ts";

const schema = JSON.parse(readFileSync(`${projectDir}schemas/kernel-data.schema.json`, "utf8"));
const validate = new Ajv2020.default({ allErrors: true, strict: false }).compile(schema);

const ARM_SMMU_COMPATIBLES = ["arm,smmu-v1", "arm,smmu-v2", "arm,mmu-400", "arm,mmu-401", "arm,mmu-500", "cavium,smmu-v2", "nvidia,smmu-500", "qcom,smmu-v2"];

describe.each(["6.1", "6.12"])("data/kernel/%s.json", (release) => {
  const data: KernelData = loadKernelData(`${projectDir}data/kernel/${release}.json`);
  const driver = (name: string, file?: string): OfDriver => {
    const d = data.drivers.find((x) => x.name === name && (file === undefined || x.file === file));
    if (!d) throw new Error(`no driver ${name}`);
    return d;
  };

  it("is schema-valid and records how it was made", () => {
    expect(validate(data), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    expect(data.kernel.release).toBe(release);
    expect(data.source.package).toBe(`linux-source-${release}`);
    expect(data.command).toMatch(new RegExp(`^npm run kernel-data -- /usr/src/linux-source-${release.replace(".", "\\.")}\\.tar\\.xz `));
    const arm64 = data.configs.find((c) => c.arch === "arm64")!;
    expect(arm64).toMatchObject({ name: "arm64", file: "config.arm64_none_arm64.xz", package: `linux-config-${release}:arm64` });
    expect(arm64.packageVersion).toBe(data.source.packageVersion);
    expect(data.arches).toEqual(["arm64", "arm"]);
  });

  it("resolves nearly every OF driver under drivers/", () => {
    const s = data.stats;
    expect(s.ofDriversInDriversResolved / s.ofDriversInDrivers).toBeGreaterThan(0.97);
    expect(s.compatibles).toBeGreaterThan(7000);
  });

  it("arm-smmu: its compatibles in table order, CONFIG_ARM_SMMU (tristate), built in by Debian's arm64 config", () => {
    const smmu = driver("arm-smmu");
    expect(smmu.compatible).toEqual(ARM_SMMU_COMPATIBLES);
    expect(smmu.symbol).toBe("CONFIG_ARM_SMMU");
    expect(data.symbols.CONFIG_ARM_SMMU).toBe("tristate");
    expect(smmu.registration?.level).toBe("device");
    // 6.1 uses module_platform_driver; 6.12 registers from arm_smmu_init() (module_init).
    expect(smmu.registration?.via).toBe(release === "6.1" ? "module_platform_driver" : "module_init");
    expect(KernelDriverTable.forArch(data, "arm64").state(smmu)).toBe("y");
  });

  it("pcieport claims PCI bridges by class and sets driver_managed_dma", () => {
    const port = data.pci.find((p) => p.name === "pcieport")!;
    expect(port.managedDma).toBe(true);
    expect(port.ids).toContain("*:* class 060400/ffffff");
    expect(port.symbol).toBe("CONFIG_PCIEPORTBUS");
    expect(port.registration).toMatchObject({ level: "device", call: "pci_register_driver" });
  });

  it("vfio-platform and vfio-amba set driver_managed_dma and have no OF table (driver_override only)", () => {
    expect(driver("vfio-platform")).toMatchObject({ managedDma: true, compatible: [], symbol: "CONFIG_VFIO_PLATFORM" });
    expect(data.pci.find((p) => p.name === "vfio-pci")?.managedDma).toBe(true);
  });

  it("host1x populates its children at probe and registers the tegra-drm drivers in drm.c's order", () => {
    expect(driver("tegra-host1x").creates).toContainEqual({ call: "devm_of_platform_populate", in: "host1x_probe" });
    const hub = driver("tegra-display-hub");
    expect(hub.creates).toContainEqual({ call: "devm_of_platform_populate", in: "tegra_display_hub_probe" });
    expect(hub.registration).toMatchObject({ via: "module_init", call: "platform_register_drivers", file: "drivers/gpu/drm/tegra/drm.c" });
    const order = ["tegra-display-hub", "tegra-dc", "tegra-hdmi", "tegra-dsi", "tegra-dpaux", "tegra-sor", "tegra-gr2d", "tegra-gr3d", "tegra-vic", "tegra-nvdec"];
    const links = order.map((n) => driver(n).link);
    expect(links).toEqual(links.map((_, i) => links[0]! + i));
    expect(driver("tegra-host1x").link).toBeLessThan(links[0]!);
  });

  it("tegra-mc registers at arch_initcall, its SoC entries guarded by their ARCH_TEGRA symbols", () => {
    const mc = driver("tegra-mc");
    expect(mc.registration).toEqual({ via: "arch_initcall", level: "arch", call: "platform_driver_register" });
    expect(mc.guards?.["nvidia,tegra30-mc"]).toBe("defined(CONFIG_ARCH_TEGRA_3x_SOC)");
    expect(mc.guards?.["nvidia,tegra194-mc"]).toBe("defined(CONFIG_ARCH_TEGRA_194_SOC)");
  });

  it("dwc3: the core driver matches snps,dwc3; the of-simple glue populates its child", () => {
    expect(driver("dwc3", "drivers/usb/dwc3/core.c").compatible).toContain("snps,dwc3");
    const glue = driver("dwc3-of-simple");
    expect(glue.compatible).toContain("rockchip,rk3399-dwc3");
    expect(glue.creates).toContainEqual({ call: "of_platform_populate", in: "dwc3_of_simple_probe" });
  });

  it("venus creates its firmware sub-device with its own DMA configuration and paging domain", () => {
    const venus = driver("qcom-venus");
    expect(venus.creates).toContainEqual({ call: "platform_device_register_full", in: "venus_firmware_init" });
    const calls = venus.iommuCalls?.map((c) => c.call);
    expect(calls).toContain("of_dma_configure");
    expect(calls).toContain(release === "6.1" ? "iommu_domain_alloc" : "iommu_paging_domain_alloc");
    expect(calls).toContain("iommu_attach_device");
  });

  it("links sound/ after drivers/, arch/ before both", () => {
    const max = (prefix: string) => Math.max(...data.drivers.filter((d) => d.file.startsWith(prefix)).map((d) => d.link));
    const min = (prefix: string) => Math.min(...data.drivers.filter((d) => d.file.startsWith(prefix)).map((d) => d.link));
    expect(min("sound/")).toBeGreaterThan(max("drivers/"));
    expect(max("arch/")).toBeLessThan(min("drivers/"));
  });
});
