// One hand-written fixture per IOMMU driver family (fixtures/kernel/family-<name>.dts), each with
// golden text + JSON and direct assertions for the family's own rule: what `#iommu-cells` means,
// how device_group shares or splits groups, what several `iommus` entries do, and the default
// domain type on the default kernel (6.1) for the board's architecture.
import { describe, expect, it } from "vitest";
import Ajv2020 from "ajv/dist/2020.js";
import { renderReportText, reportSchema, type Report } from "../../src/report/index.ts";
import { loadTree, projectDir, runModel, type RunOptions } from "./support/run.ts";

const validate = new Ajv2020.default({ allErrors: true, strict: false }).compile(reportSchema);
const dir = `${projectDir}fixtures/kernel/`;

function run(name: string, o: RunOptions = {}): Report {
  const r = runModel(loadTree(`${dir}${name}.dts`), { input: `${name}.dts`, assumeDrivers: true, ...o }).report;
  expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
  return r;
}

async function golden(report: Report, stem: string): Promise<void> {
  await expect(renderReportText(report)).toMatchFileSnapshot(`${dir}${stem}.txt`);
  await expect(JSON.stringify(report, null, 1) + "\n").toMatchFileSnapshot(`${dir}${stem}.json`);
}

const dev = (r: Report, name: string) => {
  const d = r.devices.find((x) => x.name === name);
  if (!d) throw new Error(`no device ${name}`);
  return d;
};
const errnos = (r: Report, name: string) => dev(r, name).errors.map((e) => [e.errno, e.where]);
const domainOf = (r: Report, name: string) => r.domains.find((d) => d.id === dev(r, name).domain);
const groupOf = (r: Report, name: string) => r.groups.find((g) => g.id === dev(r, name).group);
const iommu = (r: Report, path: string) => {
  const i = r.iommus.find((x) => x.path === path);
  if (!i) throw new Error(`no IOMMU ${path}`);
  return i;
};

describe("one fixture per IOMMU driver family (kernel 6.1)", () => {
  it("arm-smmu (Qualcomm MMU-500): <SID mask> cells, shared SMRs share a group, identity for listed clients, one context bank per DMA domain", async () => {
    const r = run("family-arm-smmu");
    expect(r.config.arch).toBe("arm64");
    expect(dev(r, "1d84000.ufshc").specifiers).toEqual([[0x100, 0xf]]); // stream ID, SMR mask
    // crypto and its BAM name the same two SMRs: one group, one domain.
    expect(dev(r, "1dfa000.crypto").group).toBe(dev(r, "1dc4000.dma-controller").group);
    expect(groupOf(r, "1dfa000.crypto")!.devices).toEqual(["1dc4000.dma-controller", "1dfa000.crypto"]);
    // Other masters: a group each.
    const grouped = ["ae00000.display-subsystem", "1d84000.ufshc", "1dfa000.crypto", "8804000.mmc", "a600000.usb"];
    expect(new Set(grouped.map((n) => dev(r, n).group)).size).toBe(5);
    // qcom_smmu_client_of_match: MDSS gets identity (S2CR bypass, no context bank); others DMA.
    expect(domainOf(r, "ae00000.display-subsystem")!.type).toBe("identity");
    expect(domainOf(r, "ae00000.display-subsystem")!.context).toBeNull();
    for (const n of grouped.slice(1)) expect(domainOf(r, n)!.type, n).toBe("DMA");
    // Four context interrupts = four context banks; the fifth DMA domain does not fit.
    const smmu = iommu(r, "/soc@0/iommu@15000000");
    expect(smmu.limits["contextBanks"]).toEqual({ value: 4, source: "tree" });
    expect(smmu.used["contextBanks"]).toBe(4);
    expect(smmu.used["smrs"]).toBe(7); // 2 (MDSS) + 1 + 2 (shared by crypto/BAM) + 1 + 1
    expect(errnos(r, "a800000.usb")).toContainEqual(["-ENOSPC", "__arm_smmu_alloc_bitmap"]);
    expect(dev(r, "a800000.usb").dmaOps).toBe("direct");
    await golden(r, "family-arm-smmu");
  });

  it("arm-smmu-v3: one StreamID per cell, several per master in one group, a StreamID owned once, an ASID per DMA domain", async () => {
    const r = run("family-arm-smmu-v3");
    expect(dev(r, "7ffc0000.ethernet").ids).toEqual([0x20, 0x21]);
    // generic_device_group: platform masters never share, even identical blocks.
    expect(dev(r, "7ffc0000.ethernet").group).not.toBe(dev(r, "7ffd0000.ethernet").group);
    expect(groupOf(r, "7ffc0000.ethernet")!.devices).toEqual(["7ffc0000.ethernet"]);
    const asids = ["7ffb0000.dma", "7ffc0000.ethernet", "7ffd0000.ethernet"].map((n) => domainOf(r, n)!);
    expect(asids.map((d) => [d.type, d.asid])).toEqual([["DMA", 1], ["DMA", 2], ["DMA", 3]]);
    expect(iommu(r, "/iommu@2b400000").used).toEqual({ asids: 3, streams: 4 });
    expect(errnos(r, "7ffe0000.crypto")).toContainEqual(["-EINVAL", "arm_smmu_insert_master"]);
    expect(errnos(r, "7fff0000.gpu")).toContainEqual(["-ERANGE", "arm_smmu_insert_master"]);
    for (const n of ["7ffe0000.crypto", "7fff0000.gpu"]) expect([dev(r, n).group, dev(r, n).dmaOps]).toEqual([null, "direct"]);
    await golden(r, "family-arm-smmu-v3");
  });

  it("tegra-smmu (Tegra210): SWGROUP cells, the SoC's \"display\" group joins DC and DCB, no default domain before 6.7", async () => {
    const r = run("family-tegra-smmu");
    expect(r.config.arch).toBe("arm64");
    expect(dev(r, "54240000.dc").specifiers).toEqual([[2]]); // TEGRA_SWGROUP_DCB
    const display = groupOf(r, "54200000.dc")!;
    expect(display.name).toBe("display");
    expect(display.devices).toEqual(["54200000.dc", "54240000.dc"]);
    expect(r.groups.length).toBe(5); // display + one per other SWGROUP
    // Registered at arch_initcall: groups exist before any driver binds (probe at device add).
    const adds = r.events.filter((e) => e.message.startsWith("Adding to iommu group"));
    expect(adds.every((e) => e.stage === "arch_initcall_sync")).toBe(true);
    // tegra_smmu_domain_alloc: UNMANAGED only before 6.7, so no default domain and dma-direct.
    expect(r.groups.every((g) => g.defaultDomain === null && g.domain === null)).toBe(true);
    expect(r.devices.filter((d) => d.group !== null).every((d) => d.dmaOps === "direct")).toBe(true);
    // From 6.7 on arm64 the driver has an identity domain instead.
    const later = run("family-tegra-smmu", { kernel: "6.12" });
    expect(later.domains.every((d) => d.type === "identity" && d.owner === "default")).toBe(true);
    await golden(r, "family-tegra-smmu");
  });

  it("qcom_iommu (MSM8916): context-bank cells, several contexts of one IOMMU per master, never two IOMMUs, a group per device", async () => {
    const r = run("family-qcom-iommu");
    expect(iommu(r, "/soc@0/iommu@1ef0000").limits["contextBanks"]).toEqual({ value: 2, source: "tree" });
    expect(dev(r, "1c00000.gpu").ids).toEqual([1, 2]);
    expect(dev(r, "1c00000.gpu").iommu).toBe("/soc@0/iommu@1f08000");
    expect(dev(r, "1a01000.mdp").group).not.toBe(dev(r, "1d00000.video-codec").group);
    expect(errnos(r, "1b0ac00.camss")).toEqual([["-EINVAL", "qcom_iommu_of_xlate"]]);
    expect(dev(r, "1b0ac00.camss").errors[0]!.message).toContain("only use one qcom_iommu instance");
    expect(errnos(r, "1b1c000.jpeg")).toEqual([["-EINVAL", "qcom_iommu_of_xlate"]]);
    for (const n of ["1a01000.mdp", "1d00000.video-codec", "1c00000.gpu"]) expect(r.domains.find((d) => d.id === groupOf(r, n)!.defaultDomain)!.type, n).toBe("DMA");
    // The msm DRM bind (msm_iommu_new) then moves the MDP5 and the GPU to msm's own domains.
    expect(["1a01000.mdp", "1c00000.gpu"].map((n) => domainOf(r, n)!.owner)).toEqual(["msm/mdp_kms", "msm/gpu"]);
    await golden(r, "family-qcom-iommu");
  });

  it("rockchip: no cells, one group per IOMMU shared by its masters, the last iommus entry wins", async () => {
    const r = run("family-rockchip");
    expect(dev(r, "ff650000.video-codec").specifiers).toEqual([[]]);
    // Two masters on vpu_mmu: the IOMMU's one group and its domain.
    expect(groupOf(r, "ff650400.jpeg")!.devices).toEqual(["ff650000.video-codec", "ff650400.jpeg"]);
    expect(domainOf(r, "ff650400.jpeg")!.type).toBe("DMA");
    // vop-big lists vopl_mmu then vopb_mmu: only vopb_mmu translates for it.
    const big = dev(r, "ff900000.vop");
    expect(big.specifiers.length).toBe(2);
    expect(big.iommu).toBe("/iommu@ff903f00");
    expect(groupOf(r, "ff900000.vop")!.iommu).toBe("/iommu@ff903f00");
    expect(big.group).not.toBe(dev(r, "ff8f0000.vop").group);
    expect(big.notes.some((n) => n.includes("the last iommus entry wins"))).toBe(true);
    // Groups are allocated at IOMMU probe, in IOMMU order.
    expect(r.groups.map((g) => g.iommu)).toEqual(["/iommu@ff650800", "/iommu@ff660480", "/iommu@ff8f3f00", "/iommu@ff903f00"]);
    await golden(r, "family-rockchip");
  });

  it("exynos-sysmmu (Exynos5433, arm64): no cells, several SYSMMUs per master, a group per device", async () => {
    const r = run("family-exynos-sysmmu");
    expect(r.config.arch).toBe("arm64"); // Exynos5433 is ARMv8, not an arm32 Exynos54xx
    const decon = dev(r, "13800000.decon");
    expect(decon.iommu).toBe("/soc@0/sysmmu@13a00000");
    expect(decon.extraIommus).toEqual(["/soc@0/sysmmu@13a10000"]);
    expect(renderReportText(r)).toContain("also translates for: 13800000.decon");
    // The two GScalers sit behind the same SYSMMUs and still get a group each.
    expect(dev(r, "13c00000.gsc").group).not.toBe(dev(r, "13c10000.gsc").group);
    expect(r.groups.every((g) => g.devices.length === 1)).toBe(true);
    for (const n of ["13800000.decon", "13c00000.gsc", "152e0000.codec"]) expect([domainOf(r, n)!.type, dev(r, n).dmaOps], n).toEqual(["DMA", "iommu"]);
    await golden(r, "family-exynos-sysmmu");
  });

  it("mtk_iommu (MT8195 vdo M4U): MTK_M4U_ID cells, one larb per master, groups per IOVA region", async () => {
    const r = run("family-mtk-iommu");
    // Region 0 (no dma-ranges): display and encoder share one group and one domain.
    const g0 = groupOf(r, "1c000000.ovl")!;
    expect(g0.devices).toEqual(["1c000000.ovl", "1c002000.rdma", "1a020000.video-codec"]);
    // larb 19 and larb 21 (0x262 >> 5 = 19, 0x2a0 >> 5 = 21): refused.
    expect(errnos(r, "1a030000.jpgenc")).toEqual([["-EINVAL", "mtk_iommu_probe_device"]]);
    expect(dev(r, "1a030000.jpgenc").errors[0]!.message).toBe("Can only use one larb. Fail@larb19-21.");
    // The decoder's bus maps it at 4G: region 1, its own group, and a 4G-8G aperture that holds
    // its DMA window, so it translates.
    const lat = dev(r, "16000000.vcodec-lat");
    expect(lat.group).not.toBe(g0.id);
    expect(domainOf(r, "16000000.vcodec-lat")!.aperture).toEqual({ start: "0x100000000", end: "0x1ffffffff" });
    expect(domainOf(r, "1c000000.ovl")!.aperture).toEqual({ start: "0x0", end: "0xffffffff" });
    expect(lat.dmaOps).toBe("iommu");
    await golden(r, "family-mtk-iommu");
  });

  it("apple-dart (t8103): stream cells, two DARTs per master at most, streams share groups, identity for 16K-page DARTs", async () => {
    const r = run("family-apple-dart");
    const usb = dev(r, "382280000.usb");
    expect(usb.iommu).toBe("/soc/iommu@382f00000");
    expect(usb.extraIommus).toEqual(["/soc/iommu@382f80000"]);
    expect(usb.specifiers).toEqual([[0], [1]]);
    expect(groupOf(r, "382280000.usb")!.devices).toEqual(["382280000.usb"]);
    // sid2group: both masters on stream 0 of sio_dart share a group.
    expect(groupOf(r, "236000000.sio")!.devices).toEqual(["236000000.sio", "236004000.dma-controller"]);
    expect(errnos(r, "22a000000.isp")).toEqual([["-EINVAL", "apple_dart_of_xlate"]]);
    // 16 KiB DART pages on a 4 KiB kernel: apple_dart_def_domain_type says IDENTITY.
    expect(r.domains.length).toBe(2);
    expect(r.domains.every((d) => d.type === "identity")).toBe(true);
    expect(usb.dmaOps).toBe("direct");
    await golden(r, "family-apple-dart");
  });

  it("ipmmu-vmsa (R-Car M3-N): micro-TLB cells, one group per cache IPMMU, contexts from the main IPMMU, Gen3 allow list", async () => {
    const r = run("family-ipmmu-vmsa");
    expect(groupOf(r, "ee100000.mmc")!.devices).toEqual(["ee100000.mmc", "ee140000.mmc"]);
    expect(groupOf(r, "ee100000.mmc")!.iommu).toBe("/soc/iommu@e7740000");
    expect(dev(r, "ee160000.mmc").group).not.toBe(dev(r, "ee100000.mmc").group);
    // Both domains took their context from ipmmu_mm, none from the cache IPMMUs.
    expect(iommu(r, "/soc/iommu@e67b0000").used).toEqual({ contexts: 2 });
    expect(iommu(r, "/soc/iommu@e7740000").used).toEqual({});
    expect(r.domains.map((d) => [d.type, d.context])).toEqual([["DMA", 0], ["DMA", 1]]);
    expect(errnos(r, "e6800000.ethernet")).toEqual([["-ENODEV", "ipmmu_of_xlate"]]);
    expect(dev(r, "e6800000.ethernet").dmaOps).toBe("direct");
    await golden(r, "family-ipmmu-vmsa");
  });

  it("sun50i (H6): master-ID cells, a single group and domain for every master of the IOMMU", async () => {
    const r = run("family-sun50i");
    expect(r.groups.length).toBe(1);
    expect(r.groups[0]!.devices).toEqual(["1100000.mixer", "1c0e000.video-codec", "1420000.deinterlace"]);
    expect(r.domains.map((d) => [d.type, d.owner])).toEqual([["DMA", "default"]]);
    expect(dev(r, "1420000.deinterlace").ids).toEqual([2]);
    await golden(r, "family-sun50i");
  });
});

describe("two IOMMUs that are each other's masters", () => {
  it("the timeout message says the other IOMMU's own probe was waiting, not that it is no IOMMU", async () => {
    const r = run("mutual-smmus");
    const a = dev(r, "1000.iommu");
    expect(a.errors.map((e) => e.errno)).toEqual(["-ETIMEDOUT"]);
    expect(a.errors[0]!.message).toBe(
      "IOMMU /soc/iommu@2000 was not registered at the deferred probe timeout (its own probe was deferred, waiting for IOMMU /soc/iommu@1000: the two IOMMUs are each other's masters)",
    );
    expect(a.errors[0]!.message).not.toContain("not an IOMMU node");
    // Once A gave up and registered, B found it.
    expect(r.iommus.map((i) => i.state)).toEqual(["registered", "registered"]);
    expect(dev(r, "2000.iommu").iommu).toBe("/soc/iommu@1000");
    expect(dev(r, "2000.iommu").group).not.toBeNull();
    await golden(r, "mutual-smmus");
  });
});
