// iommu_device_register walks the buses in iommu_buses[] order (drivers/iommu/iommu.c): platform,
// then PCI, then AMBA, each bus_iommu_probe grouping its own devices in the order they were added.
// From 6.15 every master is grouped by that walk (bcb81ac6ae3c), so an AMBA master that comes
// first in the tree still gets its group after the platform masters.
import { describe, expect, it } from "vitest";
import { fvpSmmuV3Board, runBoardSource } from "./support/fvp-board.ts";

// An AMBA DMA controller (arm,primecell) before two platform masters, all behind one SMMUv3.
const DTS = fvpSmmuV3Board(`	dma@7ffb0000 {
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
`);

function groups(kernel: string): [string, string, number | null][] {
  const r = runBoardSource(DTS, "walk.dts", kernel);
  return r.devices.filter((d) => d.iommu !== null).map((d) => [d.name, d.bus, d.group]);
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
