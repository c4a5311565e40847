// §5.2 "arm32 mapping > 4 GiB → -ERANGE in arm_iommu_create_mapping": arm_setup_iommu_dma_ops sizes
// the implicit per-device mapping from the master's DMA ranges, and only 32-bit spaces exist.
import { describe, expect, it } from "vitest";
import { renderReportText, type Report } from "../../src/report/index.ts";
import { loadTree, projectDir, runModel } from "./support/run.ts";

const dts = `${projectDir}fixtures/kernel/arm32-mapping-range.dts`;
const run = (kernel: string): Report => runModel(loadTree(dts), { kernel, input: "arm32-mapping-range.dts", assumeDrivers: true }).report;
const byName = (r: Report, name: string) => r.devices.find((d) => d.name === name)!;

describe("arm32 mapping wider than 4 GiB", () => {
  for (const kernel of ["6.1", "6.15"]) {
    it(`${kernel}: the 8 GiB master fails -ERANGE with dma-direct; its 4 GiB twin is mapped`, () => {
      const r = run(kernel);
      expect(r.config.arch).toBe("arm");
      expect(r.config.policy).toBe("per-device");
      const wide = byName(r, "ff940000.vop");
      expect(wide.errors.map((e) => [e.errno, e.where])).toEqual([["-ERANGE", "arm_iommu_create_mapping"]]);
      expect(wide.dmaOps).toBe("direct");
      expect(wide.group).not.toBeNull(); // the IOMMU core grouped it; only the arch mapping failed
      expect(r.domains.some((d) => d.owner === "arm-dma-mapping" && d.devices.includes(wide.name))).toBe(false);
      // pr_warn: no device prefix, the size in bytes as %llu.
      const warn = r.events.find((e) => e.message.startsWith("Failed to create"))!;
      expect([warn.message, warn.device, warn.level]).toEqual(["Failed to create 8589934592-byte IOMMU mapping for device ff940000.vop", null, "warn"]);
      const narrow = byName(r, "ff930000.vop");
      expect(narrow.errors).toEqual([]);
      expect(narrow.dmaOps).toBe("iommu");
      const mapping = r.domains.find((d) => d.id === narrow.domain)!;
      expect([mapping.type, mapping.owner, mapping.aperture]).toEqual(["unmanaged", "arm-dma-mapping", { start: "0x0", end: "0xffffffff" }]);
    });
  }

  it("golden report (6.1)", async () => {
    const r = run("6.1");
    await expect(renderReportText(r)).toMatchFileSnapshot(`${projectDir}fixtures/kernel/arm32-mapping-range.txt`);
    await expect(JSON.stringify(r, null, 1) + "\n").toMatchFileSnapshot(`${projectDir}fixtures/kernel/arm32-mapping-range.json`);
  });
});
