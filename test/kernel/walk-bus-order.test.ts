// iommu_device_register walks the buses in iommu_buses[] order (drivers/iommu/iommu.c): platform,
// then PCI, then AMBA, each bus_iommu_probe grouping its own devices in the order they were added.
// From 6.15 every master is grouped by that walk (bcb81ac6ae3c), so an AMBA master that comes
// first in the tree still gets its group after the platform masters.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTree, runModel } from "./support/run.ts";

// An AMBA DMA controller (arm,primecell) before two platform masters, all behind one SMMUv3.
const DTS = `/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "arm,fvp-base-revc";
	interrupt-parent = <&gic>;
	gic: interrupt-controller@2f000000 {
		compatible = "arm,gic-v3";
		reg = <0 0x2f000000 0 0x10000>, <0 0x2f100000 0 0x200000>;
		interrupt-controller;
		#interrupt-cells = <3>;
	};
	smmu: iommu@2b400000 {
		compatible = "arm,smmu-v3";
		reg = <0 0x2b400000 0 0x100000>;
		#iommu-cells = <1>;
	};
	dma@7ffb0000 {
		compatible = "arm,pl330", "arm,primecell";
		reg = <0 0x7ffb0000 0 0x1000>;
		arm,primecell-periphid = <0x00241330>;
		iommus = <&smmu 0x10>;
	};
	ethernet@7ffc0000 {
		compatible = "example,eth";
		reg = <0 0x7ffc0000 0 0x1000>;
		iommus = <&smmu 0x20>;
	};
	crypto@7ffe0000 {
		compatible = "example,crypto";
		reg = <0 0x7ffe0000 0 0x1000>;
		iommus = <&smmu 0x30>;
	};
};
`;

function groups(kernel: string): [string, string, number | null][] {
  const work = mkdtempSync(join(tmpdir(), "dtprobe-walk-"));
  try {
    const path = join(work, "walk.dts");
    writeFileSync(path, DTS);
    const r = runModel(loadTree(path), { input: "walk.dts", assumeDrivers: true, kernel }).report;
    return r.devices.filter((d) => d.iommu !== null).map((d) => [d.name, d.bus, d.group]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe("the order of bus_iommu_probe's walks", () => {
  it("6.15: platform masters first, then the AMBA one, whatever the tree order", () => {
    expect(groups("6.15")).toEqual([
      ["7ffb0000.dma", "amba", 2],
      ["7ffc0000.ethernet", "platform", 0],
      ["7ffe0000.crypto", "platform", 1],
    ]);
  });
});
