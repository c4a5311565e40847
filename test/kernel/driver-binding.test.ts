// Which drivers exist and when they bind, from the kernel's driver tables (src/probe/drivers/match.ts,
// catalog.ts): registration (link) order, an absent driver in the bind and add eras, a module
// binding late, --kconfig, --kernel-src, --assume-drivers; and the PCI bus numbering of in-tree
// functions (bus-range, pci_scan_slot's multifunction rule). Facts first, then the goldens.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import { driverCatalogForSource } from "../../src/probe/index.ts";
import { renderReportText, reportSchema, runBoard, type Report } from "../../src/report/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { loadTree, projectDir, runModel, type RunOptions } from "./support/run.ts";

const validate = new Ajv2020.default({ allErrors: true, strict: false }).compile(reportSchema);
const dir = `${projectDir}fixtures/kernel/`;
const hwFile = `${dir}driver-binding.hw.json`;

const run = (name: string, o: RunOptions = {}): Report => runModel(loadTree(`${dir}${name}.dts`), { input: `${name}.dts`, ...o }).report;
const dev = (r: Report, name: string) => r.devices.find((d) => d.name === name)!;
const groupAdds = (r: Report) => r.events.filter((e) => e.message.startsWith("Adding to iommu group")).map((e) => [e.stage, e.prefix, e.device]);

async function golden(report: Report, stem: string): Promise<void> {
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  await expect(renderReportText(report)).toMatchFileSnapshot(`${dir}${stem}.txt`);
  await expect(JSON.stringify(report, null, 1) + "\n").toMatchFileSnapshot(`${dir}${stem}.json`);
}

describe("drivers from the shipped tables", () => {
  it("6.1: built-in drivers bind in link order, a module after the initcalls, an absent driver's device gets no group", async () => {
    const r = run("driver-binding", { kernel: "6.1", hwFile });
    expect(r.config.kernelData).toMatchObject({ source: "shipped", release: "6.1", exact: true, configuration: { name: "arm64", package: "linux-config-6.1:arm64" } });
    expect(r.devices.some((d) => d.driverAssumed)).toBe(false);
    // drivers/dma links before drivers/tty: the ADMA (second in the tree) binds and takes context bank 0.
    expect(groupAdds(r)).toEqual([
      ["device_initcall", "tegra-adma", "702e2000.dma-controller"],
      ["device_initcall", "dw-apb-uart", "3100000.serial"],
      ["modules", "hdlcd", "7ff60000.hdlcd"],
    ]);
    expect([dev(r, "7ff60000.hdlcd").driver, dev(r, "7ff60000.hdlcd").driverModule]).toEqual(["hdlcd", "hdlcd"]);
    expect(dev(r, "7ff60000.hdlcd").errors.map((e) => e.errno)).toEqual(["-ENOSPC"]);
    const nvjpg = dev(r, "15380000.nvjpg");
    expect([nvjpg.state, nvjpg.unboundReason, nvjpg.group, nvjpg.reason]).toEqual(["no-driver", "no-match", null, "no driver for `nvidia,tegra194-nvjpg` in 6.1 (arm64 config)"]);
    // IRQCHIP_DECLARE marks the GIC node populated: no platform device.
    expect(dev(r, "1000.interrupt-controller").unboundReason).toBe("early-init");
    await golden(r, "driver-binding.6.1");
  });

  it("6.15 (add era, 6.12 table): the walk groups the driverless NVJPG before any driver binds; out of context banks, the SMMU's registration fails", async () => {
    const r = run("driver-binding", { kernel: "6.15", hwFile });
    expect(r.config.kernelData).toMatchObject({ release: "6.12", exact: false });
    expect(r.config.kernelData.note).toMatch(/^no driver table for 6\.15; using 6\.12/);
    // bus_iommu_probe groups every master through its dma_configure, drivers or not...
    expect(groupAdds(r)).toEqual([
      ["device_initcall", "platform", "15380000.nvjpg"],
      ["device_initcall", "platform", "3100000.serial"],
      ["device_initcall", "platform", "702e2000.dma-controller"],
      ["device_initcall", "platform", "7ff60000.hdlcd"],
    ]);
    // ...then sets up their default domains: two context banks for four groups. The third
    // attach fails iommu_setup_default_domain, bus_iommu_probe returns -ENOSPC and
    // iommu_device_register unregisters the SMMU (its groups go) and fails its probe.
    expect([r.iommus[0]!.state, dev(r, "15000000.iommu").state, r.groups.length]).toEqual(["probe-failed", "failed", 0]);
    expect(r.events.filter((e) => e.device === "15000000.iommu" && e.kind === "log" && e.level === "err").map((e) => e.message)).toEqual(["Failed to register iommu", "probe with driver arm-smmu failed with error -28"]);
    expect([dev(r, "15380000.nvjpg").state, dev(r, "15380000.nvjpg").group, dev(r, "3100000.serial").dmaOps]).toEqual(["no-driver", null, "direct"]);
    await golden(r, "driver-binding.6.15");
  });

  it("--kconfig: the user's .config decides built in, module or absent", () => {
    const work = mkdtempSync(join(tmpdir(), "dtprobe-kconfig-"));
    try {
      // 8250_dw as a module, tegra210-adma not set, hdlcd built in.
      const text = "CONFIG_ARM64=y\nCONFIG_SERIAL_8250=y\nCONFIG_SERIAL_8250_DW=m\nCONFIG_DRM=y\nCONFIG_DRM_HDLCD=y\nCONFIG_ARM_SMMU=y\nCONFIG_IOMMU_SUPPORT=y\nCONFIG_DMADEVICES=y\n";
      const sink = new DiagnosticSink();
      const b = runBoard(loadTree(`${dir}driver-binding.dts`), "driver-binding.dts", { kernel: "6.1", driverTables: { kconfig: { file: "my.config", text } } }, sink)!;
      const r = b.report;
      expect(r.config.kernelData.configuration).toMatchObject({ name: "kconfig", file: "my.config", package: null });
      expect([dev(r, "3100000.serial").driver, dev(r, "3100000.serial").driverModule]).toEqual(["dw-apb-uart", "8250_dw"]);
      expect(dev(r, "702e2000.dma-controller").unboundReason).toBe("not-built");
      expect(dev(r, "702e2000.dma-controller").reason).toContain("CONFIG_TEGRA210_ADMA is not set");
      expect([dev(r, "7ff60000.hdlcd").driverModule, dev(r, "7ff60000.hdlcd").state]).toEqual([null, "bound"]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("--assume-drivers: every device has an assumed driver, and the report says so", () => {
    const r = run("driver-binding", { kernel: "6.1", assumeDrivers: true });
    expect(r.config.kernelData).toMatchObject({ source: "assumed", release: null });
    expect(r.config.kernelData.assumed).toMatch(/^--assume-drivers/);
    expect(dev(r, "15380000.nvjpg").driverAssumed).toBe(true);
    expect(renderReportText(r)).toContain('drivers: assumed, shown "(assumed)?"');
  });
});

describe("drivers from the user's tree (--kernel-src)", () => {
  const work = mkdtempSync(join(tmpdir(), "dtprobe-ksrc-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("the synthetic tree's drivers bind; a driver its .config leaves out does not", async () => {
    const src = `${projectDir}fixtures/kernel-src`;
    const catalog = await driverCatalogForSource(src, "6.1", `${src}/.config`, { cacheDir: work });
    const dts = `/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>; compatible = "acme,board";\n  hub@1000 { compatible = "acme,hub-v2", "acme,hub"; reg = <0x1000 0x100>; };\n  pdc@2000 { compatible = "acme,pdc"; reg = <0x2000 0x100>; };\n  gpu@3000 { compatible = "acme,gpu"; reg = <0x3000 0x100>; };\n};\n`;
    const path = join(work, "acme.dts");
    writeFileSync(path, dts);
    const r = runBoard(loadTree(path), "acme.dts", { kernel: "6.1", drivers: catalog }, new DiagnosticSink())!.report;
    expect(r.config.kernelData).toMatchObject({ source: "kernel-src", from: src, configuration: { name: "kconfig", file: ".config" } });
    // acme-hub: core_initcall, built in (CONFIG_ACME_BUS=y).
    expect([dev(r, "1000.hub").driver, dev(r, "1000.hub").state]).toEqual(["acme-hub", "bound"]);
    // acme_pdc is built in a CONFIG_ACME_MISC=m directory: a module, with no MODULE_DEVICE_TABLE to load it.
    expect([dev(r, "2000.pdc").state, dev(r, "2000.pdc").unboundReason]).toEqual(["no-driver", "module-not-loaded"]);
    expect([dev(r, "3000.gpu").state, dev(r, "3000.gpu").unboundReason]).toEqual(["no-driver", "no-match"]);
    expect(readFileSync(path, "latin1")).toContain("acme,board");
  });
});

describe("limits read from the hardware", () => {
  it("arm-smmu-needs: 9 stream IDs on an MMU-401 whose SMR count is only the documented default: needs 9, attached", async () => {
    const r = run("arm-smmu-needs", { kernel: "6.1", assumeDrivers: true });
    const smmu = r.iommus.find((i) => i.path === "/iommu@2b500000")!;
    expect([smmu.limits["smrs"], smmu.needs]).toEqual([{ value: 8, source: "default" }, { smrs: 9 }]);
    expect([dev(r, "7ff00000.dma").errors, dev(r, "7ff00000.dma").dmaOps]).toEqual([[], "iommu"]);
    expect(renderReportText(r)).toContain("needs 9 stream-match registers");
    await golden(r, "arm-smmu-needs");
  });
});

describe("PCI functions from the tree", () => {
  it("pci-bus-range: the root bus is bus-range's first number, a port's children sit on its secondary bus, function 1 is multifunction", async () => {
    const r = run("pci-bus-range", { kernel: "6.1", assumeDrivers: true });
    const g = (n: string) => dev(r, n).group;
    expect(r.devices.filter((d) => d.bus === "pci").map((d) => d.name)).toEqual(["0000:80:00.0", "0000:80:01.0", "0000:80:01.1", "0000:81:00.0"]);
    expect(dev(r, "0000:81:00.0").specifiers).toEqual([[0x8100]]);
    // No ACS on the root port: the endpoint below it joins the port's group (pci_device_group).
    expect(g("0000:81:00.0")).toBe(g("0000:80:00.0"));
    // pci_scan_slot: function 1 is multifunction; without ACS it shares function 0's group.
    expect(g("0000:80:01.1")).toBe(g("0000:80:01.0"));
    expect(g("0000:80:01.0")).not.toBe(g("0000:80:00.0"));
    await golden(r, "pci-bus-range");
  });
});
