// The extractor on a small synthetic kernel tree (fixtures/kernel-src): the facts each fixture
// file exists to show, then the whole output against the golden file; the same tree streamed
// from tarballs (gzip, xz, bzip2; GNU long names and pax) gives the same output.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractKernelData, kernelDataText, openKernelTree, type KernelData, type OfDriver } from "../../src/kernel-data/index.ts";
import { projectDir } from "../helpers/shared.ts";

const fixture = `${projectDir}fixtures/kernel-src`;
const configText = readFileSync(`${fixture}/.config`, "latin1");
export const kernelDataSchema = JSON.parse(readFileSync(`${projectDir}schemas/kernel-data.schema.json`, "utf8"));
const validate = new Ajv2020.default({ allErrors: true, strict: false }).compile(kernelDataSchema);

async function extract(source: string): Promise<KernelData> {
  const tree = await openKernelTree(source, ["arm64", "arm"]);
  return extractKernelData(tree, {
    arches: ["arm64", "arm"],
    configs: [{ name: "test", file: ".config", text: configText }],
    input: "kernel-src",
    command: "npm run kernel-data -- fixtures/kernel-src --config test=fixtures/kernel-src/.config --arch arm64 --arch arm -o fixtures/kernel-src.expected.json",
  });
}

let data: KernelData;
const driver = (name: string): OfDriver => {
  const d = data.drivers.find((x) => x.name === name);
  if (!d) throw new Error(`no driver ${name}`);
  return d;
};

describe("kernel-data extractor on fixtures/kernel-src", () => {
  beforeAll(async () => {
    data = await extract(fixture);
  });

  it("is valid against the schema", () => {
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
  });

  it("reads the version from the top Makefile and the config's values for the symbols used", () => {
    expect(data.kernel).toEqual({ version: "6.9.3", release: "6.9" });
    const c = data.configs[0]!;
    expect(c.arch).toBe("arm64");
    expect(c.y).toContain("CONFIG_ACME_SMMU");
    expect(c.m).toContain("CONFIG_DRM_ACME");
    expect([...c.y, ...c.m]).not.toContain("CONFIG_ACME_DMA330");
    expect(data.symbols.CONFIG_ACME_SMMU).toBe("tristate");
    expect(data.symbols.CONFIG_ACME_SENSOR).toBe("bool");
  });

  it("resolves a composite object's symbol, KBUILD_MODNAME, of_match_ptr, a header macro and #if guards", () => {
    const smmu = driver("acme_smmu");
    expect(smmu.module).toBe("acme_smmu");
    expect(smmu.symbol).toBe("CONFIG_ACME_SMMU");
    expect(smmu.build).toEqual([["CONFIG_IOMMU_SUPPORT"], ["CONFIG_ACME_SMMU"]]);
    // #ifdef CONFIG_OF holds on every DT platform; #ifndef CONFIG_OF and #if 0 never do.
    expect(smmu.compatible).toEqual(["acme,smmu-v2", "acme,smmu-v1", "acme,smmu-v3", "acme,smmu-qcom"]);
    expect(smmu.guards).toEqual({
      "acme,smmu-v3": "defined(CONFIG_ARCH_ACME_V2)",
      "acme,smmu-qcom": "(IS_ENABLED(CONFIG_ACME_SMMU_QCOM)||defined(CONFIG_ARCH_ACME_V2))",
    });
  });

  it("reads initcall levels and registration order across files (a tegra-drm-like array)", () => {
    expect(driver("acme-hub").registration).toEqual({ via: "core_initcall", level: "core", call: "platform_driver_register" });
    expect(driver("acme-pmic").registration?.level).toBe("subsys");
    expect(driver("acme-pm").registration).toEqual({ via: "builtin_platform_driver", level: "device" });
    expect(driver("acme-venc").registration).toEqual({ via: "module_platform_driver_probe", level: "device", probeOnce: true });
    const hub = driver("acme-display-hub");
    const dc = driver("acme-dc");
    expect(hub.registration).toEqual({ via: "module_init", level: "device", call: "platform_register_drivers", file: "drivers/gpu/acme/drm.c" });
    expect(hub.link).toBe(dc.link - 1);
    expect(driver("acme-sensor").registration).toBeUndefined();
    expect(data.unresolved).toEqual([{ file: "drivers/misc/acme-sensor.c", what: "acme_sensor_driver", reason: expect.stringContaining("no registration") }]);
  });

  it("orders by link order: arch before drivers, Makefile order within, sound after drivers", () => {
    const links = [...data.drivers, ...data.pci].sort((a, b) => a.link - b.link).map((d) => d.name);
    expect(links).toEqual(["acme-pm", "acme-hub", "acme-dma330", "acme_smmu", "pcieport", "acme-nic", "acme-display-hub", "acme-dc", "acme-venc", "acme_pdc", "acme-pmic", "acme-sensor", "vfio-platform", "acme-ahub"]);
  });

  it("finds the device-creating and IOMMU calls reachable from probe, through the module's other files", () => {
    expect(driver("acme-hub").creates).toEqual([{ call: "of_platform_populate", in: "acme_hub_populate" }]);
    const venc = driver("acme-venc");
    expect(venc.creates).toEqual([
      { call: "of_platform_populate", in: "venc_probe" },
      { call: "platform_device_register_full", in: "venc_firmware_init" },
    ]);
    expect(venc.iommuCalls?.map((c) => c.call)).toEqual(["of_dma_configure", "iommu_domain_alloc", "iommu_attach_device"]);
    expect(driver("acme-display-hub").creates).toEqual([{ call: "devm_of_platform_populate", in: "acme_display_hub_probe" }]);
    expect(driver("acme-pmic").mfdCells).toEqual([{ name: "acme-regulator", compatible: "acme,pmic-regulator" }, { name: "acme-rtc" }]);
    expect(driver("acme-dc").component).toEqual([{ call: "component_add", in: "acme_dc_probe" }]);
  });

  it("reads names from string constants and macros, tables from helper macros and positional entries", () => {
    expect(driver("acme-venc").compatible).toEqual(["acme,a100-venc", "acme,a200-venc"]);
    expect(driver("acme-pmic").compatible).toEqual(["acme,pmic"]);
    expect(driver("acme_pdc").compatible).toEqual(["acme,pdc", "acme,pdc-lite"]);
    expect(data.early).toEqual([{ macro: "IRQCHIP_DECLARE", compatible: "acme,gic", file: "drivers/misc/acme-irq.c", module: "acme_irq", symbol: "CONFIG_ACME_MISC", build: [["CONFIG_ACME_MISC"]] }]);
  });

  it("keeps driver_managed_dma drivers without a table, AMBA IDs and PCI ID tables", () => {
    expect(driver("vfio-platform")).toMatchObject({ managedDma: true, compatible: [] });
    expect(driver("acme-dma330")).toMatchObject({ bus: "amba", compatible: [], amba: ["00041330&000fffff"] });
    const port = data.pci.find((p) => p.name === "pcieport")!;
    expect(port).toMatchObject({ managedDma: true, ids: ["*:* class 060400/ffffff"], registration: { via: "device_initcall", level: "device" } });
    expect(data.pci.find((p) => p.name === "acme-nic")!.ids).toEqual(["1abc:0001", "1abc:0002", "1abc:0003 sub 1abc:1000"]);
  });

  it("writes the golden output", async () => {
    await expect(kernelDataText(data)).toMatchFileSnapshot(`${projectDir}fixtures/kernel-src.expected.json`);
  });
});

describe("kernel-data extractor on tarballs", () => {
  const dir = mkdtempSync(join(tmpdir(), "dtprobe-kd-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const has = (cmd: string) => spawnSync(cmd, ["--version"], { stdio: "ignore" }).status === 0;

  // A copy with a path longer than ustar's 100+155 bytes (GNU long names, pax path records).
  const tree = join(dir, "linux-9.9");
  beforeAll(() => {
    cpSync(fixture, tree, { recursive: true });
    const deep = join(tree, "drivers", "misc", "d".repeat(60), "e".repeat(60), "f".repeat(60));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, "Makefile"), "obj-y += x.o\n");
    writeFileSync(join(deep, "x.c"), "int x;\n");
  });

  const cases: [string, string[], string][] = [
    ["gzip (GNU format)", ["-czf"], "gzip"],
    ["xz (pax format)", ["--format=pax", "-cJf"], "xz"],
    ["bzip2", ["-cjf"], "bzip2"],
  ];
  for (const [label, flags, program] of cases) {
    it.skipIf(!has("tar") || !has(program))(`streams a ${label} tarball to the same facts as the directory`, async () => {
      const out = join(dir, `k-${program}.tar`);
      const r = spawnSync("tar", ["-C", dir, ...flags, out, "linux-9.9"]);
      expect(r.status, r.stderr?.toString()).toBe(0);
      const fromTar = await extract(out);
      const fromDir = await extract(tree);
      expect(kernelDataText(fromTar)).toBe(kernelDataText(fromDir));
      expect(fromDir.drivers.map((d) => d.name)).toEqual(data.drivers.map((d) => d.name));
    });
  }

  it("says which program is missing for an xz tarball", async () => {
    const out = join(dir, "missing.tar.xz");
    writeFileSync(out, Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]));
    const path = process.env.PATH;
    process.env.PATH = join(dir, "empty-bin");
    try {
      await expect(openKernelTree(out, ["arm64"])).rejects.toThrow(/`xz` program is not installed/);
    } finally {
      process.env.PATH = path;
    }
  });

  it("rejects a file that is not a tar archive, and a tree without a top Makefile", async () => {
    const junk = join(dir, "junk.tar");
    writeFileSync(junk, "not a tarball at all, just text".repeat(40));
    await expect(openKernelTree(junk, ["arm64"])).rejects.toThrow(/not a tar archive/);
    await expect(openKernelTree(join(fixture, "include"), ["arm64"])).rejects.toThrow(/no top-level Makefile/);
  });
});
