// Fidelity fixes from the kernel review: each assertion pins one kernel rule (named beside it) on
// a corpus board, the QEMU ground truth or a small tree, so a regression shows up by name.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectArch, platformDeviceName } from "../../src/graph/index.ts";
import { nativePolicy, parseKernelVersion, resolveConfig } from "../../src/probe/index.ts";
import { parseHwOverrides } from "../../src/iommu/index.ts";
import { renderReportText, runBoard } from "../../src/report/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { loadTree, runModel, sharedDir, sharedPresent } from "./support/run.ts";

function treeFrom(dts: string) {
  const dir = mkdtempSync(join(tmpdir(), "dtprobe-k3-"));
  const file = join(dir, "t.dts");
  writeFileSync(file, dts, "latin1");
  return loadTree(file);
}

describe("architecture and policy", () => {
  it("detects arm32 from ARMv7 cores and arm64 from ARMv8 cores, else from the machine compatible", () => {
    const cpu = (c: string) => treeFrom(`/dts-v1/;\n/ { compatible = "x,y"; cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { device_type = "cpu"; compatible = "${c}"; reg = <0>; }; }; };\n`);
    expect(detectArch(cpu("arm,cortex-a9")).arch).toBe("arm");
    expect(detectArch(cpu("arm,cortex-a7")).arch).toBe("arm");
    expect(detectArch(cpu("arm,cortex-a72")).arch).toBe("arm64");
    expect(detectArch(cpu("qcom,kryo385")).arch).toBe("arm64");
    expect(detectArch(treeFrom(`/dts-v1/;\n/ { compatible = "a,b", "nvidia,tegra124"; };\n`))).toEqual({ arch: "arm", source: "machine nvidia,tegra124", assumed: false });
    expect(detectArch(treeFrom(`/dts-v1/;\n/ { compatible = "a,b"; };\n`)).assumed).toBe(true);
  });

  it("no --policy means the kernel's own mechanism; others are marked hypothetical", () => {
    expect(nativePolicy("arm")).toBe("per-device");
    expect(nativePolicy("arm64")).toBe("per-group");
    const arm = { arch: "arm" as const, source: "t", assumed: false };
    const k = parseKernelVersion("6.1")!;
    expect(resolveConfig({ kernel: k }, arm).hypothetical).toEqual([]);
    expect(resolveConfig({ kernel: k, policy: "per-group" }, arm).hypothetical.length).toBe(1);
    expect(resolveConfig({ kernel: k, policy: "per-instance" }, { ...arm, arch: "arm64" }).hypothetical.length).toBe(1);
    expect(resolveConfig({ kernel: parseKernelVersion("3.19")! }, arm).hypothetical[0]).toMatch(/^3\.19/);
  });
});

describe("arm-smmu device_group", () => {
  it("the last stream map entry decides, even when it has no group yet (arm_smmu_device_group)", () => {
    const t = treeFrom(`/dts-v1/;
/ { #address-cells = <1>; #size-cells = <1>; compatible = "x,y"; interrupt-parent = <&gic>;
  gic: interrupt-controller@1000 { compatible = "arm,gic-400"; reg = <0x1000 0x1000>; interrupt-controller; #interrupt-cells = <3>; };
  smmu: iommu@10000 { compatible = "arm,mmu-500"; reg = <0x10000 0x10000>; #global-interrupts = <1>; #iommu-cells = <1>; interrupts = <0 1 4>, <0 2 4>, <0 3 4>; };
  a@20000 { compatible = "x,a"; reg = <0x20000 0x100>; iommus = <&smmu 1>, <&smmu 2>; };
  b@30000 { compatible = "x,b"; reg = <0x30000 0x100>; iommus = <&smmu 2>, <&smmu 3>; };
  c@40000 { compatible = "x,c"; reg = <0x40000 0x100>; iommus = <&smmu 3>, <&smmu 2>; };
};
`);
    const { report } = runModel(t, { kernel: "6.1", assumeDrivers: true });
    const g = (n: string) => report.devices.find((d) => d.name === n)!.group;
    // b: stream 2 is in a's group, stream 3 in none: the last one wins, so b gets a group of its own.
    expect(g("30000.b")).not.toBeNull();
    expect(g("30000.b")).not.toBe(g("20000.a"));
    // c: stream 3 (b's) then stream 2 (now also b's): b's group.
    expect(g("40000.c")).toBe(g("30000.b"));
  });
});

describe("apple-dart", () => {
  it("no stream-ID range check in of_xlate; DARTs must agree on bypass; sid2group must agree across streams", () => {
    const t = treeFrom(`/dts-v1/;
/ { #address-cells = <1>; #size-cells = <1>; compatible = "x,y";
  d1: iommu@10000 { compatible = "apple,t8103-dart"; reg = <0x10000 0x4000>; #iommu-cells = <1>; };
  d2: iommu@20000 { compatible = "apple,t8110-dart"; reg = <0x20000 0x4000>; #iommu-cells = <1>; };
  a@30000 { compatible = "x,a"; reg = <0x30000 0x100>; iommus = <&d1 20>; };
  b@40000 { compatible = "x,b"; reg = <0x40000 0x100>; iommus = <&d1 1>, <&d2 1>; };
  c@50000 { compatible = "x,c"; reg = <0x50000 0x100>; iommus = <&d1 2>; };
  e@60000 { compatible = "x,e"; reg = <0x60000 0x100>; iommus = <&d1 2>, <&d1 3>; };
};
`);
    const { report } = runModel(t, { kernel: "6.1", assumeDrivers: true });
    const d = (n: string) => report.devices.find((x) => x.name === n)!;
    expect(d("30000.a").group).not.toBeNull(); // stream 20 of a 16-stream DART is not rejected
    expect(d("40000.b").errors.map((e) => [e.errno, e.where])).toEqual([["-EINVAL", "apple_dart_of_xlate"]]);
    expect(d("60000.e").group).toBeNull(); // stream 2 has c's group, stream 3 none
    expect(d("60000.e").errors.map((e) => e.where)).toEqual(["apple_dart_device_group"]);
  });
});

describe("naming", () => {
  it("of_device_make_bus_id prints the mask's bit index in hex (%llx.%x.%pOFn)", () => {
    const t = treeFrom(`/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>; compatible = "x,y"; gpio@1000 { compatible = "x,g"; reg = <0x1000 0x10>; mask = <0x8000>; }; };\n`);
    expect(platformDeviceName(t.root.child("gpio@1000")!)).toBe("1000.f.gpio");
  });
});

describe.skipIf(!sharedPresent)("corpus boards and the QEMU boots", () => {
  // The IOMMU drivers' rules on real trees, whatever Debian's configuration builds (its arm64
  // config has no Apple or 6.1 MediaTek drivers): drivers assumed.
  const board = (name: string, kernel = "6.1") => runModel(loadTree(`${sharedDir}corpus/dev/${name}.pre.dts`), { kernel, input: name, assumeDrivers: true }).report;

  it("arm32 boards run the arm32 mechanism by default, arm64 boards the group default domain", () => {
    expect(board("tegra30-ouya").config).toMatchObject({ arch: "arm", policy: "per-device", hypothetical: [] });
    expect(board("exynos5422-odroidxu4").config).toMatchObject({ arch: "arm", policy: "per-device" });
    expect(board("juno-r1").config).toMatchObject({ arch: "arm64", policy: "per-group" });
    // No DMA / DMA-FQ domain on arm32 in any era (no IOMMU_DMA).
    for (const k of ["6.1", "6.8", "6.15"]) expect(board("exynos5422-odroidxu4", k).domains.some((d) => d.type === "DMA" || d.type === "DMA-FQ"), k).toBe(false);
  });

  it("tegra210 (arm64) on 6.1: tegra-smmu allocates no DMA domain, so groups have none and clients keep dma-direct", () => {
    const r = board("tegra210-p2371-2180");
    expect(r.groups.length).toBeGreaterThan(0);
    expect(r.groups.every((g) => g.defaultDomain === null)).toBe(true);
    expect(r.events.some((e) => e.message === "Failed to set up IOMMU for device 54200000.dc; retaining platform DMA ops")).toBe(true);
    // From 6.7 it has an identity domain and prefers it (def_domain_type).
    const r7 = board("tegra210-p2371-2180", "6.7");
    expect(r7.domains.filter((d) => d.owner === "default").every((d) => d.type === "identity")).toBe(true);
  });

  it("a limit the driver reads from the hardware is not turned into a failure: juno's DMA-330 needs 9 SMRs and attaches", () => {
    const r = board("juno-r1");
    const d = r.devices.find((x) => x.name === "7ff00000.dma-controller")!;
    expect([d.errors, d.group !== null]).toEqual([[], true]);
    expect(r.iommus.find((i) => i.path === "/iommu@7fb00000")!.needs).toEqual({ smrs: 9 });
    expect(renderReportText(r)).toContain("needs 9 stream-match registers, more than the documented default smrs=8* assumed");
    // Given with --hw, the limit is the hardware's: the same board fails as the kernel would.
    const hw = parseHwOverrides(JSON.stringify({ instances: [{ node: "/iommu@7fb00000", limits: { smrs: 8 } }] }), "hw.json", new DiagnosticSink())!;
    const failing = runBoard(loadTree(`${sharedDir}corpus/dev/juno-r1.pre.dts`), "juno", { kernel: "6.1", hw, driverTables: { assume: true } }, new DiagnosticSink())!.report;
    expect(failing.devices.find((x) => x.name === "7ff00000.dma-controller")!.errors.map((e) => [e.errno, e.assumedLimit])).toEqual([["-ENOSPC", null]]);
  });

  it("a master on two DARTs is shown under the second DART too", () => {
    const text = renderReportText(board("t8103-j274"));
    expect(text).toContain("also translates for: 382280000.usb");
  });

  it("rockchip allocates each IOMMU's group in its probe: group numbers include IOMMUs without masters", () => {
    const r = board("rk3399-gru-kevin");
    const empty = r.groups.filter((g) => g.devices.length === 0).map((g) => g.iommu);
    expect(empty).toEqual(["/iommu@ff914000", "/iommu@ff924000"]);
  });

  it("MediaTek vdo and vpp M4Us share the group table of the first M4U in their hw_list", () => {
    // 6.4+: the region comes from the larb/port table (the board's 16 GiB /soc dma-ranges fits no
    // region under the older dma-ranges rule; test/kernel/mtk-regions.test.ts).
    const r = board("mt8395-genio-1200-evk", "6.4");
    const on = (iommu: string) => [...new Set(r.devices.filter((d) => d.iommu === iommu).map((d) => d.group))].sort();
    expect(on("/soc/iommu@14018000")).toEqual(on("/soc/iommu@1c01f000"));
    expect(on("/soc/iommu@1c01f000").length).toBe(3); // regions 0, 1 and 2
  });

  it("pcieport is driver_managed_dma since 5.19: root ports hold no owner count", () => {
    const dir = `${sharedDir}qemu/a-smmuv3-default/`;
    const g = (kernel: string) => {
      const { report } = runModel(loadTree(dir + "virt.dtb"), { pciFile: dir + "pci.json", kernel });
      const port = report.devices.find((d) => d.driver === "pcieport" && d.group !== null)!;
      const group = report.groups.find((x) => x.id === port.group)!;
      const users = group.devices.filter((n) => { const d = report.devices.find((x) => x.name === n)!; return d.state === "bound" && d.driver !== "pcieport"; }).length;
      return { ownerCount: group.ownerCount, users, size: group.devices.length };
    };
    const r = g("6.1");
    expect(r.size).toBeGreaterThan(1);
    expect(r.ownerCount).toBe(r.users);
  });
});
