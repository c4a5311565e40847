// The Tegra DRM composite's failed probe (fixtures/kernel/tegra-drm-probe-failure.dts): the host1x
// bus's "drm" device is probed by really_probe -> call_driver_probe -> host1x_device_probe ->
// host1x_drm_probe, so its failure line is call_driver_probe's, in the form of the kernel version
// (pr_warn before 6.9, dev_err from 32de4b4f9dfa), after host1x_device_init's own dev_err.
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/index.ts";
import { renderReportText } from "../../src/report/index.ts";
import { loadTree, projectDir, runModel } from "./support/run.ts";

const dir = `${projectDir}fixtures/kernel/`;
const run = (kernel: string): Report => runModel(loadTree(`${dir}tegra-drm-probe-failure.dts`), { input: "tegra-drm-probe-failure.dts", assumeDrivers: true, kernel }).report;

/** The kernel-log lines of the composite's "drm" device and driver. */
const drmLines = (r: Report) => r.events.filter((e) => e.kind === "log" && e.prefix === "drm").map((e) => [e.level, e.device, e.message]);

describe("tegra-drm composite probe failure", () => {
  for (const kernel of ["6.1", "6.12"]) {
    it(`${kernel}: every ASID is taken before host1x binds, dc cannot join the shared domain (-ENOSPC)`, () => {
      const r = run(kernel);
      const inst = r.iommus[0]!;
      expect(inst.used?.asids).toBe(4);
      const dc = r.devices.find((d) => d.name === "54200000.dc")!;
      // Its own arm_iommu mapping at dma_configure, then tegra-drm's shared domain: two failures.
      expect(dc.errors.map((e) => [e.errno, e.where])).toEqual([
        ["-ENOSPC", "tegra_smmu_alloc_asid"],
        ["-ENOSPC", "tegra_smmu_alloc_asid"],
      ]);
      expect(r.domains.filter((d) => d.owner === "tegra-drm")).toEqual([]); // freed on the failure path
      expect(r.events.some((e) => e.device === "54200000.dc" && e.level === "err" && e.message === "failed to attach to domain: -28")).toBe(true);
    });
  }

  it("6.1: pr_warn \"drm: probe of drm failed with error -28\", without the device's metadata", () => {
    const r = run("6.1");
    expect(drmLines(r)).toEqual([
      ["err", "drm", "failed to initialize 54200000.dc: -28"],
      ["warn", null, "probe of drm failed with error -28"],
    ]);
    expect(renderReportText(r)).toContain("] drm: probe of drm failed with error -28\n");
  });

  it("6.12: dev_err \"drm drm: probe with driver drm failed with error -28\" (probeFailureDevErr, 6.9)", () => {
    const r = run("6.12");
    expect(drmLines(r)).toEqual([
      ["err", "drm", "failed to initialize 54200000.dc: -28"],
      ["err", "drm", "probe with driver drm failed with error -28"],
    ]);
    expect(renderReportText(r)).toContain("] drm drm: probe with driver drm failed with error -28\n");
    expect(renderReportText(r)).not.toContain("probe of drm failed");
  });
});
