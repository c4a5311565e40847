// mtk_iommu IOVA regions (src/iommu/drivers/mtk-regions.ts): before 6.4 the region comes from the
// master's dma-ranges (exact fit, else the last region containing it, else -EINVAL); from 6.4
// ("iommu/mediatek: Get regionid from larb/port id") from the SoC's larb/port table, and every
// 4 GiB region is 8 MiB shorter ("Add a gap for the iova regions").
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { iovaRegions, mtkIovaRegionId, regionByDmaRange } from "../../src/iommu/drivers/mtk-regions.ts";
import { kernelFeatures } from "../../src/kernel/index.ts";
import type { Report } from "../../src/report/index.ts";
import { loadTree, projectDir, runModel, sharedDir, sharedPresent } from "./support/run.ts";

const id = (larb: number, port: number) => (larb << 5) | port;
const v61 = kernelFeatures([6, 1]);
const v64 = kernelFeatures([6, 4]);
const MT8195 = "mediatek,mt8195-iommu-vdo";
const GiB = 1n << 30n;

const dev = (r: Report, name: string) => {
  const d = r.devices.find((x) => x.name === name);
  if (!d) throw new Error(`no device ${name}`);
  return d;
};
const domainOf = (r: Report, name: string) => r.domains.find((d) => d.id === dev(r, name).domain);
const groupOf = (r: Report, name: string) => r.groups.find((g) => g.id === dev(r, name).group);

describe("mtk_iommu_get_iova_region_id, 6.4+: larb/port table", () => {
  it("MT8195: larb0-3 region 0, larb19-24 region 1, the other larbs region 2, larb18 ports 0/1 and 2/3 the CCU regions", () => {
    const region = (ids: number[]) => mtkIovaRegionId(MT8195, v64, ids, null);
    expect(region([id(0, 0), id(0, 1)])).toEqual({ ok: true, value: 0 });
    expect(region([id(3, 5)])).toEqual({ ok: true, value: 0 });
    expect(region([id(19, 0), id(19, 13)])).toEqual({ ok: true, value: 1 });
    expect(region([id(24, 0)])).toEqual({ ok: true, value: 1 });
    expect(region([id(4, 0)])).toEqual({ ok: true, value: 2 });
    expect(region([id(28, 31)])).toEqual({ ok: true, value: 2 });
    expect(region([id(18, 0), id(18, 1)])).toEqual({ ok: true, value: 4 });
    expect(region([id(18, 3)])).toEqual({ ok: true, value: 5 });
    // Ports 1 and 2 of larb18 sit in two regions; port 4 in none: dev_err and -EINVAL.
    expect(region([id(18, 1), id(18, 2)])).toEqual({ ok: false, failure: { errno: "-EINVAL", where: "mtk_iommu_get_iova_region_id", message: "Can NOT find the region for larb(18-6)." } });
    expect(region([id(18, 4)])).toMatchObject({ ok: false, failure: { message: "Can NOT find the region for larb(18-10)." } });
    // dma-ranges play no part any more.
    expect(mtkIovaRegionId(MT8195, v64, [id(0, 0)], [{ dmaStart: 4n * GiB, size: 4n * GiB }])).toEqual({ ok: true, value: 0 });
  });

  it("MT8192 / MT8186 / MT8188 tables, including the larbs split by port", () => {
    expect(mtkIovaRegionId("mediatek,mt8192-m4u", v64, [id(13, 0)], null)).toEqual({ ok: true, value: 2 });
    expect(mtkIovaRegionId("mediatek,mt8192-m4u", v64, [id(13, 9), id(13, 10)], null)).toEqual({ ok: true, value: 4 });
    expect(mtkIovaRegionId("mediatek,mt8192-m4u", v64, [id(14, 5)], null)).toEqual({ ok: true, value: 5 });
    expect(mtkIovaRegionId("mediatek,mt8192-m4u", v64, [id(5, 0)], null)).toEqual({ ok: true, value: 1 });
    expect(mtkIovaRegionId("mediatek,mt8192-m4u", v64, [id(3, 0)], null)).toMatchObject({ ok: false, failure: { errno: "-EINVAL" } });
    expect(mtkIovaRegionId("mediatek,mt8186-iommu-mm", v64, [id(14, 7)], null)).toEqual({ ok: true, value: 5 });
    expect(mtkIovaRegionId("mediatek,mt8186-iommu-mm", v64, [id(7, 0)], null)).toEqual({ ok: true, value: 1 });
    expect(mtkIovaRegionId("mediatek,mt8188-iommu-vpp", v64, [id(23, 0)], null)).toEqual({ ok: true, value: 1 });
    expect(mtkIovaRegionId("mediatek,mt8188-iommu-vdo", v64, [id(20, 0)], null)).toEqual({ ok: true, value: 2 });
    expect(mtkIovaRegionId("mediatek,mt8188-iommu-vdo", v64, [id(24, 2), id(24, 3)], null)).toEqual({ ok: true, value: 5 });
    // Single-region M4Us: always region 0 (iova_region_nr == 1).
    expect(mtkIovaRegionId("mediatek,mt8183-m4u", v64, [id(31, 31)], null)).toEqual({ ok: true, value: 0 });
  });
});

describe("mtk_iommu_get_iova_region_id, before 6.4: dma_range_map", () => {
  it("no dma_range_map: region 0; exact fit; else the last region containing the range; else -EINVAL", () => {
    expect(mtkIovaRegionId(MT8195, v61, [id(19, 0)], null)).toEqual({ ok: true, value: 0 });
    expect(mtkIovaRegionId(MT8195, v61, [id(0, 0)], [{ dmaStart: 4n * GiB, size: 4n * GiB }])).toEqual({ ok: true, value: 1 });
    expect(mtkIovaRegionId(MT8195, v61, [id(0, 0)], [{ dmaStart: 0x100000000n, size: 0xfff00000n }])).toEqual({ ok: true, value: 1 });
    // Inside 8G-12G and inside CCU0: the later region (CCU0) wins.
    expect(regionByDmaRange(iovaRegions(MT8195, v61), { dmaStart: 0x240000000n, size: 0x1000000n })).toBe(4);
    // mt8395's /soc: 16 GiB from 0 fits no region.
    expect(mtkIovaRegionId(MT8195, v61, [id(0, 0)], [{ dmaStart: 0n, size: 16n * GiB }])).toEqual({
      ok: false,
      failure: { errno: "-EINVAL", where: "mtk_iommu_get_iova_region_id", message: "Can NOT find the iommu domain id(0x0000000000000000 0x400000000)." },
    });
    expect(mtkIovaRegionId("mediatek,mt8192-m4u", kernelFeatures([5, 15]), [id(0, 0)], [{ dmaStart: 0n, size: 16n * GiB }])).toMatchObject({ ok: false, failure: { where: "mtk_iommu_get_domain_id" } });
  });

  it("regions are 4 GiB before 6.4 and 4 GiB - 8 MiB from 6.4 (the CCU regions keep 64 MiB)", () => {
    expect(iovaRegions(MT8195, v61).map((r) => r.size)).toEqual([4n * GiB, 4n * GiB, 4n * GiB, 4n * GiB, 0x4000000n, 0x4000000n]);
    expect(iovaRegions(MT8195, v64).map((r) => r.size)).toEqual([0xff800000n, 0xff800000n, 0xff800000n, 0xff800000n, 0x4000000n, 0x4000000n]);
    expect(iovaRegions("mediatek,mt8195-iommu-infra", v64)).toEqual([{ base: 0n, size: 0xff800000n }]);
  });
});

describe("the rule on a whole tree", () => {
  const family = (kernel: string) => runModel(loadTree(`${projectDir}fixtures/kernel/family-mtk-iommu.dts`), { kernel, input: "family-mtk-iommu.dts", assumeDrivers: true }).report;

  it("family-mtk-iommu: the video encoder (larb19, no dma-ranges) moves from region 0 to region 1 at 6.4", () => {
    const old = family("6.1");
    expect(groupOf(old, "1a020000.video-codec")!.devices).toEqual(["1c000000.ovl", "1c002000.rdma", "1a020000.video-codec"]);
    expect(groupOf(old, "16000000.vcodec-lat")!.devices).toEqual(["16000000.vcodec-lat"]);
    expect(domainOf(old, "16000000.vcodec-lat")!.aperture).toEqual({ start: "0x100000000", end: "0x1ffffffff" });
    const now = family("6.4");
    // larb 0: region 0; larb 19 and larb 21 (the decoder, whose bus dma-ranges also said 4G): region 1.
    expect(groupOf(now, "1c000000.ovl")!.devices).toEqual(["1c000000.ovl", "1c002000.rdma"]);
    expect(groupOf(now, "1a020000.video-codec")!.devices).toEqual(["1a020000.video-codec", "16000000.vcodec-lat"]);
    expect(domainOf(now, "1a020000.video-codec")!.aperture).toEqual({ start: "0x100000000", end: "0x1ff7fffff" });
    expect(domainOf(now, "1c000000.ovl")!.aperture).toEqual({ start: "0x0", end: "0xff7fffff" });
    expect(dev(now, "1a030000.jpgenc").errors.map((e) => e.where)).toEqual(["mtk_iommu_probe_device"]);
  });

  it("6.4+: a port in no region fails device_group with -EINVAL and the master uses dma-direct", () => {
    const dir = mkdtempSync(join(tmpdir(), "dtprobe-k4-"));
    const file = join(dir, "t.dts");
    writeFileSync(
      file,
      `/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>; compatible = "mediatek,mt8195";
  m4u: iommu@1000 { compatible = "mediatek,mt8195-iommu-vdo"; reg = <0x1000 0x1000>; #iommu-cells = <1>; };
  ccu@2000 { compatible = "mediatek,mt8195-ccu"; reg = <0x2000 0x1000>; iommus = <&m4u ${id(18, 4)}>; };
  cam@3000 { compatible = "mediatek,mt8195-cam"; reg = <0x3000 0x1000>; iommus = <&m4u ${id(18, 0)}>, <&m4u ${id(18, 1)}>; };
};\n`,
      "latin1",
    );
    const r = runModel(loadTree(file), { kernel: "6.8", input: "t.dts", assumeDrivers: true }).report;
    const ccu = dev(r, "2000.ccu");
    expect(ccu.errors.map((e) => [e.errno, e.where, e.message])).toEqual([["-EINVAL", "mtk_iommu_get_iova_region_id", "Can NOT find the region for larb(18-10)."]]);
    expect([ccu.group, ccu.dmaOps]).toEqual([null, "direct"]);
    // larb18 ports 0/1: CCU0, a 64 MiB aperture at 0x2_4000_0000.
    expect(domainOf(r, "3000.cam")!.aperture).toEqual({ start: "0x240000000", end: "0x243ffffff" });
  });

  describe.skipIf(!sharedPresent)("mt8395-genio-1200-evk (16 GiB /soc dma-ranges)", () => {
    // The M4U rule on every multimedia master: with drivers assumed, since Debian's 6.1 arm64
    // configuration builds no MediaTek driver at all (CONFIG_ARCH_MEDIATEK is not set).
    const board = (kernel: string) => runModel(loadTree(`${sharedDir}corpus/dev/mt8395-genio-1200-evk.pre.dts`), { kernel, input: "mt8395", assumeDrivers: true }).report;
    const masters = (r: Report) => r.devices.filter((d) => d.wantedIommu === "/soc/iommu@14018000" || d.wantedIommu === "/soc/iommu@1c01f000");

    it("before 6.4 every multimedia master fails device_group (its dma-ranges fit no region)", () => {
      const r = board("6.1");
      expect(masters(r).length).toBe(25);
      for (const d of masters(r)) {
        expect(d.errors.map((e) => [e.errno, e.where, e.message]), d.name).toEqual([["-EINVAL", "mtk_iommu_get_iova_region_id", "Can NOT find the iommu domain id(0x0000000000000000 0x400000000)."]]);
        expect([d.group, d.dmaOps], d.name).toEqual([null, "direct"]);
      }
    });

    it("from 6.4 the larb table spreads them over regions 0, 1 and 2", () => {
      const r = board("6.4");
      expect(masters(r).every((d) => d.group !== null && d.errors.length === 0)).toBe(true);
      expect(new Set(masters(r).map((d) => d.group)).size).toBe(3);
      expect(domainOf(r, "1c000000.ovl")!.aperture).toEqual({ start: "0x0", end: "0xff7fffff" }); // larb0
      expect(domainOf(r, "1a020000.video-codec")!.aperture).toEqual({ start: "0x100000000", end: "0x1ff7fffff" }); // larb19
      expect(domainOf(r, "14001000.dma-controller")!.aperture).toEqual({ start: "0x200000000", end: "0x2ff7fffff" }); // larb4
      // vdo (larb19) and vpp (larb20) masters of region 1 share the first M4U's group.
      expect(dev(r, "1a020000.video-codec").group).toBe(dev(r, "soc:jpeg-encoder@1a030000").group);
      expect(dev(r, "soc:jpeg-encoder@1a030000").iommu).toBe("/soc/iommu@14018000");
    });
  });
});
