// A PCI bridge described with its secondary bus not below its own bus (a real board did this:
// arm64 qcom/monaco-arduino-monza.dts, `pci@0,0` on bus 1 with `bus-range = <0x01 0xff>`) made
// the bridge its own upstream, and the DMA-alias walk up the buses never ended. The kernel calls
// such a bridge's configuration invalid (pci_scan_bridge_extend): it bridges to no bus here.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deviceGraph, runBoard } from "../../src/report/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { loadTree } from "../kernel/support/run.ts";

const DTS = `/dts-v1/;
/ {
  #address-cells = <2>;
  #size-cells = <2>;
  compatible = "test,board";
  smmu: iommu@1000 { compatible = "arm,smmu-v3"; reg = <0 0x1000 0 0x100>; #iommu-cells = <1>; };
  pcie@40000000 {
    compatible = "pci-host-ecam-generic";
    device_type = "pci";
    reg = <0 0x40000000 0 0x1000000>;
    #address-cells = <3>;
    #size-cells = <2>;
    bus-range = <0x00 0xff>;
    iommu-map = <0x0 &smmu 0x0 0x10000>;
    ranges = <0x02000000 0 0x50000000 0 0x50000000 0 0x10000000>;
    pcie@0,0 {
      device_type = "pci";
      reg = <0x0 0 0 0 0>;
      bus-range = <0x01 0xff>;
      #address-cells = <3>;
      #size-cells = <2>;
      ranges;
      pci@0,0 {
        device_type = "pci";
        reg = <0x10000 0 0 0 0>;
        bus-range = <0x01 0xff>;
        #address-cells = <3>;
        #size-cells = <2>;
        ranges;
        ep@0,0 { reg = <0x20000 0 0 0 0>; };
      };
    };
  };
};
`;

describe("a PCI bridge whose secondary bus is not below its own", () => {
  const dir = mkdtempSync(join(tmpdir(), "dtprobe-pci-loop-"));
  const path = join(dir, "board.dts");
  writeFileSync(path, DTS);
  const tree = loadTree(path);

  it("bridges to no bus, with a note, and the bus below it hangs off no bridge", () => {
    const graph = deviceGraph(tree, undefined);
    const codes = graph.notes.map((n) => n.code);
    expect(codes).toContain("pci-bridge-invalid");
    expect(codes).toContain("pci-orphan-function");
    const fns = graph.hostBridges.flatMap((b) => b.functions);
    for (const f of fns) expect(f.upstream).not.toBe(f);
  });

  it("the board is reported (the IOMMU groups are formed)", () => {
    const sink = new DiagnosticSink();
    const run = runBoard(tree, "board.dts", { kernel: "6.12" }, sink);
    expect(run).toBeDefined();
    const pci = run!.report.devices.filter((d) => d.bus === "pci");
    expect(pci.length).toBe(3);
    expect(pci.every((d) => d.group !== null)).toBe(true);
  });
});
