// The client driver models (src/probe/drivers): drivers that create devices at probe and drivers
// that change a device's domain after bind, each on its own fixture (fixtures/kernel/*.dts) with
// the facts it exists to show asserted before its golden.
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/index.ts";
import { fixtureGolden as golden } from "./support/golden.ts";
import { runFixture as run } from "./support/run.ts";

const dev = (r: Report, name: string) => {
  const d = r.devices.find((x) => x.name === name);
  if (!d) throw new Error(`no device ${name}`);
  return d;
};
const groupOf = (r: Report, name: string) => r.groups.find((g) => g.devices.includes(name));
const domainOf = (r: Report, name: string) => {
  const g = groupOf(r, name);
  return g && r.domains.find((d) => d.id === g.domain);
};

describe("client drivers that create devices", () => {
  it("venus and ath10k register their firmware child as a device of their own and move it to a paging domain (6.1)", async () => {
    const r = run("firmware-subdevices", { kernel: "6.1" });
    for (const [fw, owner] of [["video-firmware.0", "qcom-venus"], ["wifi-firmware.0", "ath10k_snoc"]] as const) {
      const d = dev(r, fw);
      expect(d.driver).toBeNull(); // no driver is named video-firmware / wifi-firmware
      expect(groupOf(r, fw)).toBeDefined();
      const dom = domainOf(r, fw)!;
      expect([dom.type, dom.owner]).toEqual(["unmanaged", owner]);
    }
    // The venus without a video-firmware child boots through TrustZone: nothing registered.
    expect(r.devices.filter((d) => d.name.endsWith("firmware.0")).length).toBe(2);
    // Each firmware device's own default domain and its paging domain take a context bank.
    expect(r.domains.filter((d) => d.owner === "default").length).toBe(5);
    await golden(r, "firmware-subdevices.6.1");
  });

  it("from iommu_paging_domain_alloc (6.11 ≈) the same picture (6.12)", () => {
    const r = run("firmware-subdevices", { kernel: "6.12" });
    expect(domainOf(r, "video-firmware.0")!.owner).toBe("qcom-venus");
    expect(domainOf(r, "wifi-firmware.0")!.owner).toBe("ath10k_snoc");
  });
});

describe("client drivers that populate their children", () => {
  it("a bus chain: tegra-aconnect populates AHUB, AHUB populates ADMAIF, which then gets its SMMU group (6.1)", async () => {
    const r = run("populating-buses", { kernel: "6.1" });
    expect(dev(r, "2900800.ahub").state).toBe("bound");
    expect(dev(r, "290f000.admaif").ids).toEqual([0x1b]);
    expect(groupOf(r, "290f000.admaif")).toBeDefined();
    expect(dev(r, "2930000.dma-controller").state).toBe("bound");
    await golden(r, "populating-buses.6.1");
  });

  it("the sun50i display engine bus populates its mixer, which joins the IOMMU's single group (6.1)", async () => {
    const r = run("sun50i-de2-bus", { kernel: "6.1" });
    expect(groupOf(r, "1100000.mixer")!.devices).toEqual(["1100000.mixer", "1c0e000.video-codec"]);
    await golden(r, "sun50i-de2-bus.6.1");
  });

  it("the Tegra display hub populates its display controllers; they bind before VIC (tegra-drm's order) and join the composite (6.1)", async () => {
    const r = run("tegra-display-hub", { kernel: "6.1" });
    expect(groupOf(r, "15200000.display")!.devices).toEqual(["15200000.display", "15210000.display"]);
    const adds = r.events.filter((e) => e.message.startsWith("Adding to iommu group")).map((e) => e.device);
    expect(adds).toEqual(["13e00000.host1x", "15200000.display", "15210000.display", "15340000.vic"]);
    expect(r.events.some((e) => e.message === "host1x_drm_probe: 4 subdevices of 13e00000.host1x bound")).toBe(true);
    await golden(r, "tegra-display-hub.6.1");
  });
});

describe("driver registration order", () => {
  it("tegra-drm registers dc before gr2d/gr3d: dc@54200000 binds first and holds the drm group's mapping (6.8)", async () => {
    const r = run("tegra-drm-order", { kernel: "6.8" });
    const drm = r.groups.find((g) => g.name === "drm")!;
    // Group members in bind order: the dc driver's devices, then gr2d, then gr3d; not DT order.
    expect(drm.devices).toEqual(["54200000.dc", "54240000.dc", "54140000.gr2d", "54180000.gr3d"]);
    expect(dev(r, "54200000.dc").state).toBe("bound");
    expect(domainOf(r, "54200000.dc")!.owner).toBe("arm-dma-mapping");
    for (const n of ["54240000.dc", "54140000.gr2d", "54180000.gr3d"]) expect(dev(r, n).errors.map((e) => e.errno), n).toEqual(["-EINVAL", "-EBUSY"]);
    await golden(r, "tegra-drm-order.6.8");
  });
});

describe("client drivers that change a device's domain after bind", () => {
  it("msm DRM: the component bind gives the GPU, the GMU and the display (MDSS) msm's own domains (6.1)", async () => {
    const r = run("msm-drm", { kernel: "6.1" });
    expect(domainOf(r, "5000000.gpu")!.owner).toBe("msm/gpu");
    expect(domainOf(r, "506a000.gmu")!.owner).toBe("msm/gmu");
    // The DPU has no iommus: msm_kms_init_aspace uses its parent MDSS.
    expect(groupOf(r, "ae01000.display-controller")).toBeUndefined();
    expect(domainOf(r, "ae00000.display-subsystem")!.owner).toBe("msm/mdp_kms");
    expect(r.events.some((e) => e.message.startsWith("msm_drm_bind: ae01000.display-controller and its 2 components"))).toBe(true);
    await golden(r, "msm-drm.6.1");
  });

  it("Exynos DRM on arm32: FIMD is the DMA device; every registering component leaves its own mapping for one shared mapping (6.1)", async () => {
    const r = run("exynos-drm", { kernel: "6.1" });
    const shared = domainOf(r, "11c00000.fimd")!;
    expect([shared.type, shared.owner]).toEqual(["unmanaged", "exynos-drm"]);
    for (const n of ["12c10000.mixer", "10800000.g2d"]) expect(domainOf(r, n)!.id, n).toBe(shared.id);
    // The mappings they left are kept (dma_priv) to be restored at unbind.
    expect(r.domains.filter((d) => d.owner === "arm-dma-mapping").length).toBe(3);
    expect(r.events.some((e) => e.message === "Exynos DRM: using 11c00000.fimd device for DMA mapping operations")).toBe(true);
    // No SYSMMU: its DMA ops differ from FIMD's; the rotator's bind ignores the error.
    expect(r.events.some((e) => e.device === "12810000.rotator" && e.message === "Device 12810000.rotator lacks support for IOMMU")).toBe(true);
    expect(dev(r, "12810000.rotator").state).toBe("bound");
    await golden(r, "exynos-drm.6.1");
  });

  it("Exynos DRM on arm64: the other components move to the DECON's default DMA domain (family-exynos-sysmmu, 6.1)", () => {
    const r = run("family-exynos-sysmmu", { kernel: "6.1" });
    const decon = domainOf(r, "13800000.decon")!;
    expect([decon.type, decon.owner]).toEqual(["DMA", "default"]);
    for (const n of ["13c00000.gsc", "13c10000.gsc"]) {
      expect(domainOf(r, n)!.id, n).toBe(decon.id);
      expect(groupOf(r, n)!.defaultDomain).not.toBe(decon.id);
    }
  });

  it("nouveau gk20a on arm32: releases the arm_iommu mapping and attaches its own domain (6.1)", async () => {
    const r = run("nouveau-gk20a", { kernel: "6.1" });
    expect(domainOf(r, "57000000.gpu")!.owner).toBe("nouveau");
    expect(domainOf(r, "70030000.hda")!.owner).toBe("arm-dma-mapping");
    expect(dev(r, "57000000.gpu").notes.some((n) => n.includes("released its arm_iommu mapping"))).toBe(true);
    expect(dev(r, "57000000.gpu").dmaOps).toBe("direct");
    await golden(r, "nouveau-gk20a.6.1");
  });
});
