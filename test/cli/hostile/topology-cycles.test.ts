// Every walk over a topology ends, whatever the input says: PCI upstream links and DMA aliases
// (the monaco board's bridge that led to its own bus hung `report`), `--pci` bridges that lead
// back, DMA parents through `interconnects`, interrupt parents, IOMMUs that are each other's
// masters (at bind and at add), and driver-populated children.
import { describe, expect, it } from "vitest";
import type { PciFunction, PciTopology } from "../../../src/graph/index.ts";
import { forEachDmaAlias, MAX_UPSTREAM, pciAcsPathEnabled, pciDeviceGroup } from "../../../src/iommu/core/pci-group.ts";
import { countInterrupts, dmaCoherent, dmaRangeMap } from "../../../src/of/index.ts";
import { deviceGraph as buildGraph, renderReportText, runBoard, type Report } from "../../../src/report/index.ts";
import { DiagnosticSink } from "../../../src/source/index.ts";
import type { DeviceTree } from "../../../src/tree/model.ts";
import { projectDir } from "../../helpers/shared.ts";
import { loadTree, runModel } from "../../kernel/support/run.ts";
import { treeOf } from "./boards.ts";

const fixture = `${projectDir}fixtures/kernel/pci-bridge-own-bus`;


function report(tree: DeviceTree, kernel = "6.1", pci?: PciTopology): Report {
  const sink = new DiagnosticSink();
  const run = runBoard(tree, "t.dts", { kernel, pci, driverTables: { assume: true } }, sink);
  if (!run) throw new Error(sink.items.map((d) => d.message).join("\n"));
  return run.report;
}

/** The device graph the kernel model runs on (with the modelled drivers' children). */
const buildDeviceGraph = (tree: DeviceTree, o: { pci?: PciTopology } = {}) => buildGraph(tree, o.pci);

/** Upstream chains strictly lower the bus number, so they cannot loop. */
function upstreamChainsDescend(fns: readonly PciFunction[]): boolean {
  return fns.every((f) => f.upstream === null || f.upstream.bus < f.bus);
}

describe("PCI: the monaco topology (a bridge whose bus-range starts at its own bus)", () => {
  it("reports, with buses numbered as the kernel numbers them; the two impossible ranges, which the kernel never reads, give no warning; golden", async () => {
    const tree = loadTree(`${fixture}.dts`);
    const graph = buildDeviceGraph(tree);
    const fns = graph.hostBridges[0]!.functions;
    expect(fns.map((f) => [f.bus, f.devfn >> 3, f.fn, f.upstream?.bus ?? null])).toEqual([
      [0, 0, 0, null],
      [1, 0, 0, 0],
      [2, 2, 0, 1],
      [3, 0, 0, 2],
    ]);
    expect(upstreamChainsDescend(fns)).toBe(true);
    // of_pci_parse_bus_range reads only the host bridge's node: a bridge's range is not the kernel's business.
    expect(graph.notes.map((n) => n.code)).toEqual([]);
    for (const kernel of ["6.1", "6.15"]) {
      const r = runModel(tree, { input: "pci-bridge-own-bus.dts", kernel, assumeDrivers: true }).report;
      // RIDs through monaco's iommu-map: 0x0 -> 0, 0x100 -> 1, 0x210 -> 3, 0x300 -> 5.
      expect(r.devices.filter((d) => d.bus === "pci").map((d) => [d.name, d.specifiers])).toEqual([
        ["0000:00:00.0", [[0]]],
        ["0000:01:00.0", [[1]]],
        ["0000:02:02.0", [[3]]],
        ["0000:03:00.0", [[5]]],
      ]);
      if (kernel === "6.1") {
        await expect(renderReportText(r)).toMatchFileSnapshot(`${fixture}.txt`);
        // The diagnostics name the fixture by its path: relative to the project, as in any checkout.
        await expect(JSON.stringify(r, null, 1).replaceAll(projectDir, "") + "\n").toMatchFileSnapshot(`${fixture}.json`);
      }
    }
  });
});

describe("PCI walks stop on any hand-made loop", () => {
  const fn = (bus: number, devfn: number, extra: Partial<PciFunction> = {}): PciFunction =>
    ({ bus, devfn, slot: devfn >> 3, fn: devfn & 7, rid: (bus << 8) | devfn, vendor: 0, device: 0, pcie: null, acs: null, multifunction: false, dmaAliasDevfns: [], pcieBridgeAlias: false, secondary: bus + 1, header: 1, upstream: null, ...extra }) as PciFunction;

  it("upstream links in a ring: the DMA-alias walk, the ACS path and pci_device_group end", () => {
    const a = fn(1, 0);
    const b = fn(2, 0);
    a.upstream = b;
    b.upstream = a;
    const self = fn(3, 0);
    self.upstream = self;
    let visits = 0;
    forEachDmaAlias(a, () => (visits++, false));
    expect(visits).toBeLessThanOrEqual(MAX_UPSTREAM + 1);
    forEachDmaAlias(self, () => (visits++, false));
    expect(pciAcsPathEnabled(a)).toBe(false);
    expect(pciDeviceGroup(a, { groupOf: () => undefined, functionsOnBus: () => [a, b, self] })).toBeUndefined();
    expect(pciDeviceGroup(self, { groupOf: () => undefined, functionsOnBus: () => [self] })).toBeUndefined();
  });

  it("functions that alias each other, and a multifunction slot: the alias search visits each devfn once", () => {
    const x = fn(0, 8, { dmaAliasDevfns: [9], multifunction: true, header: 0 });
    const y = fn(0, 9, { dmaAliasDevfns: [8], multifunction: true, header: 0 });
    let asked = 0;
    expect(pciDeviceGroup(x, { groupOf: () => (asked++, undefined), functionsOnBus: () => [x, y] })).toBeUndefined();
    expect(asked).toBeLessThan(10);
  });
});

const pciHost = `/dts-v1/;
/ {
	#address-cells = <2>; #size-cells = <2>; compatible = "test,board";
	smmu: iommu@2b400000 { compatible = "arm,smmu-v3"; reg = <0x0 0x2b400000 0x0 0x100000>; #iommu-cells = <1>; };
	pcie@40000000 { compatible = "pci-host-ecam-generic"; device_type = "pci"; reg = <0x0 0x40000000 0x0 0x1000000>;
		bus-range = <0x0 0xff>; #address-cells = <3>; #size-cells = <2>; iommu-map = <0x0 &smmu 0x0 0x10000>; };
};
`;

describe("--pci bridges that lead back", () => {
  it("a bridge to its own bus and two bridges leading to each other's bus: no loop, the report ends", () => {
    const pci: PciTopology = {
      hostBridges: [
        {
          node: "/pcie@40000000",
          functions: [
            { bdf: "00:00.0", header: 1, pcie: "root-port", secondary: 1, subordinate: 3 },
            { bdf: "01:00.0", header: 1, pcie: "switch-upstream", secondary: 1 },
            { bdf: "01:01.0", header: 1, pcie: "pcie-to-pci-bridge", secondary: 2 },
            { bdf: "02:00.0", header: 1, pcie: "pcie-to-pci-bridge", secondary: 1 },
            { bdf: "02:01.0" },
            { bdf: "03:00.0", dmaAliases: ["00.0", "01.0"] },
          ],
        },
      ],
    };
    const tree = treeOf(pciHost);
    const graph = buildDeviceGraph(tree, { pci });
    expect(upstreamChainsDescend(graph.hostBridges[0]!.functions)).toBe(true);
    for (const kernel of ["6.1", "6.15"]) {
      const r = report(tree, kernel, pci);
      expect(r.devices.filter((d) => d.bus === "pci").length).toBe(6);
      // Behind the PCIe-to-PCI bridge 01:01.0 both functions alias to (bus 2, devfn 0).
      expect(r.devices.filter((d) => d.bus === "pci" && d.group !== null).length, kernel).toBeGreaterThanOrEqual(5);
    }
  });
});

describe("phandle chains", () => {
  it("DMA parents through `interconnects` that loop: coherence and dma-ranges walks end", () => {
    const tree = treeOf(`/dts-v1/;
/ {
	#address-cells = <1>; #size-cells = <1>; compatible = "test,board";
	a: noc-a { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; dma-ranges; #interconnect-cells = <1>;
		interconnects = <&b 0 &b 1>; interconnect-names = "dma-mem";
		dev@1000 { compatible = "test,device"; reg = <0x1000 0x10>; interconnects = <&b 0 &b 1>; interconnect-names = "dma-mem"; };
	};
	b: noc-b { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; dma-ranges; #interconnect-cells = <1>;
		interconnects = <&a 0 &a 1>; interconnect-names = "dma-mem"; };
};
`);
    const a = tree.root.child("noc-a")!;
    const graph = buildDeviceGraph(tree);
    expect(dmaCoherent(a, graph.phandles)).toBe(false);
    expect(["none", "map", "error"]).toContain(dmaRangeMap(a, graph.phandles).kind);
    expect(report(tree).devices.some((d) => d.path === "/noc-a/dev@1000")).toBe(true);
  });

  it("interrupt parents that point at each other (no #interrupt-cells anywhere): counting and the checks end", () => {
    const tree = treeOf(`/dts-v1/;
/ {
	#address-cells = <1>; #size-cells = <1>; compatible = "test,board";
	p: pic-a { interrupt-parent = <&q>; };
	q: pic-b { interrupt-parent = <&p>; };
	smmu: iommu@1000 { compatible = "arm,mmu-500"; reg = <0x1000 0x1000>; #iommu-cells = <1>; #global-interrupts = <1>;
		interrupt-parent = <&p>; interrupts = <1 2 3 4>; };
	dev@2000 { compatible = "test,device"; reg = <0x2000 0x10>; iommus = <&smmu 0x10>; };
};
`);
    const graph = buildDeviceGraph(tree);
    expect(countInterrupts(tree.root.child("iommu@1000")!, graph.phandles)).toBe(4);
    for (const kernel of ["6.1", "6.15"]) expect(report(tree, kernel).iommus).toHaveLength(1);
  });

  it("IOMMUs that are each other's masters, at bind (6.1) and at add (6.15): the deferred-probe timeout breaks the cycle", () => {
    const tree = treeOf(`/dts-v1/;
/ {
	#address-cells = <1>; #size-cells = <1>; compatible = "test,board";
	a: iommu@1000 { compatible = "rockchip,iommu"; reg = <0x1000 0x100>; #iommu-cells = <0>; iommus = <&b>; };
	b: iommu@2000 { compatible = "rockchip,iommu"; reg = <0x2000 0x100>; #iommu-cells = <0>; iommus = <&a>; };
	dev@3000 { compatible = "test,device"; reg = <0x3000 0x10>; iommus = <&a>; };
};
`);
    for (const kernel of ["6.1", "6.15"]) {
      const r = report(tree, kernel);
      expect(r.events.some((e) => e.message === "deferred probe timeout, ignoring dependency"), kernel).toBe(true);
      expect(r.devices.find((d) => d.name === "1000.iommu")!.errors.map((e) => e.errno), kernel).toContain("-ETIMEDOUT");
      expect(r.devices.find((d) => d.name === "3000.dev")!.group, kernel).not.toBeNull();
    }
  });
});

describe("populate", () => {
  it("a driver-populated child that populates its own children, and a bus node reached twice: each device is made once", () => {
    const tree = treeOf(`/dts-v1/;
/ {
	#address-cells = <1>; #size-cells = <1>; compatible = "test,board";
	soc { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; ranges;
		host1x@50000000 { compatible = "nvidia,tegra30-host1x"; reg = <0x50000000 0x100>; #address-cells = <1>; #size-cells = <1>; ranges;
			bus@54000000 { compatible = "simple-bus"; reg = <0x54000000 0x100>; #address-cells = <1>; #size-cells = <1>; ranges;
				dc@54200000 { compatible = "nvidia,tegra30-dc"; reg = <0x54200000 0x100>; };
			};
		};
	};
	firmware { scm { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; ranges; s@1 { compatible = "test,device"; reg = <1 1>; }; }; };
};
`);
    const names = buildDeviceGraph(tree).devices.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    expect(report(tree).devices.length).toBe(names.length);
  });
});
