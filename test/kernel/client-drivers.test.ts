// The client driver models (src/probe/drivers): drivers that create devices at probe and drivers
// that change a device's domain after bind, each on its own fixture (fixtures/kernel/*.dts) with
// the facts it exists to show asserted before its golden.
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/index.ts";
import { renderReportText } from "../../src/report/index.ts";
import { loadTree, projectDir, runModel, type RunOptions } from "./support/run.ts";

const dir = `${projectDir}fixtures/kernel/`;

function run(name: string, o: RunOptions = {}): Report {
  return runModel(loadTree(`${dir}${name}.dts`), { input: `${name}.dts`, ...o }).report;
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

  it("nouveau gk20a on arm32: releases the arm_iommu mapping and attaches its own domain (6.1)", async () => {
    const r = run("nouveau-gk20a", { kernel: "6.1" });
    expect(domainOf(r, "57000000.gpu")!.owner).toBe("nouveau");
    expect(domainOf(r, "70030000.hda")!.owner).toBe("arm-dma-mapping");
    expect(dev(r, "57000000.gpu").notes.some((n) => n.includes("released its arm_iommu mapping"))).toBe(true);
    expect(dev(r, "57000000.gpu").dmaOps).toBe("direct");
    await golden(r, "nouveau-gk20a.6.1");
  });
});
