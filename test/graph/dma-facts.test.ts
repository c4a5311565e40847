// The device graph reads each device node's DMA facts in one scan of its properties
// (graph/of-scan.ts) and caches per-bus answers (graph/dma-facts.ts). These tests hold the model's
// answers to the OF helpers' own, on a tree that takes every branch: interconnect DMA parents,
// dma-noncoherent under a coherent bus, a truncated and a disabled `iommus`, a master deferring
// until the timeout.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDeviceGraph } from "../../src/graph/index.ts";
import { parseKernelVersion, runProbe } from "../../src/probe/index.ts";
import { CLIENT_DRIVERS, childPopulatingDriver } from "../../src/probe/index.ts";
import { dmaCoherent, dmaParent, dmaRangeMap, parsePhandleList } from "../../src/of/index.ts";
import type { DtNode } from "../../src/tree/model.ts";
import { loadTree } from "../kernel/support/run.ts";

const DTS = `/dts-v1/;
/ {
  #address-cells = <1>;
  #size-cells = <1>;
  compatible = "test,board";
  soc {
    compatible = "simple-bus";
    #address-cells = <1>;
    #size-cells = <1>;
    ranges;
    dma-ranges = <0x0 0x0 0x80000000>;
    dma-coherent;
    smmu: iommu@1000 { compatible = "arm,smmu-v3"; reg = <0x1000 0x100>; #iommu-cells = <1>; };
    off: iommu@2000 { compatible = "arm,smmu-v3"; reg = <0x2000 0x100>; #iommu-cells = <1>; status = "disabled"; };
    unk: iommu@3000 { compatible = "test,unknown-iommu"; reg = <0x3000 0x100>; #iommu-cells = <0>; };
    noc: interconnect@4000 {
      compatible = "test,noc";
      reg = <0x4000 0x100>;
      #interconnect-cells = <1>;
      #address-cells = <1>;
      #size-cells = <1>;
      dma-ranges = <0x0 0x10000000 0x1000000>;
    };
    a@10000 { compatible = "test,a"; reg = <0x10000 0x100>; iommus = <&smmu 0x11>; dma-noncoherent; };
    b@11000 { compatible = "test,b"; reg = <0x11000 0x100>; interconnects = <&noc 0 &noc 1>; interconnect-names = "dma-mem"; };
    c@12000 { compatible = "test,c"; reg = <0x12000 0x100>; iommus = <&smmu>; };
    d@13000 { compatible = "test,d"; reg = <0x13000 0x100>; iommus = <&off 0x2>; };
    e@14000 { compatible = "test,e"; reg = <0x14000 0x100>; iommus = <&unk>; };
    f@15000 { compatible = "test,f"; reg = <0x15000 0x100>; };
  };
};
`;

describe("DMA facts read once by the graph", () => {
  const dir = mkdtempSync(join(tmpdir(), "dtprobe-probe-"));
  const path = join(dir, "fast.dts");
  writeFileSync(path, DTS, "latin1");
  const tree = loadTree(path);
  const graph = buildDeviceGraph(tree, { populatingDriver: childPopulatingDriver });
  // Made-up compatibles: drivers assumed (--assume-drivers).
  const result = runProbe(graph, { kernel: parseKernelVersion("6.1")!, driverTables: { assume: true } });
  const out = (name: string) => result.devices.find((d) => d.device.name === name)!;

  it("coherence, DMA ranges and specifiers equal the accessors' answers for every device", () => {
    expect(result.devices.length).toBeGreaterThanOrEqual(10);
    for (const d of result.devices) {
      if (d.state === "no-driver") continue; // never reaches of_dma_configure
      // Platform devices only here: of_dma_configure reads their own node.
      const np = d.device.node as unknown as DtNode;
      expect(d.coherent, d.device.name).toBe(dmaCoherent(np, graph.phandles));
      const bus = dmaParent(np, graph.phandles);
      const map = bus ? dmaRangeMap(bus, graph.phandles) : undefined;
      expect(d.dmaRanges, d.device.name).toEqual(map?.kind === "map" ? map.regions : null);
      if (d.device.name.startsWith("1")) continue; // the IOMMUs and the interconnect: no `iommus`
      const list = parsePhandleList(graph.phandles, np, "iommus", "#iommu-cells");
      expect(d.specifiers, d.device.name).toEqual(list.entries.map((e) => [...e.args]));
    }
  });

  it("takes each branch the tree offers", () => {
    expect(out("10000.a").coherent).toBe(false); // its own dma-noncoherent under a coherent bus
    expect(out("11000.b").dmaRanges?.[0]?.cpuStart).toBe(0x10000000n); // the interconnect's dma-ranges
    expect(out("10000.a").dmaLimit).toBe(0x7fffffffn);
    expect(out("12000.c").errors.map((e) => e.where)).toEqual(["of_parse_phandle_with_args"]); // truncated
    expect(out("13000.d").errors.map((e) => e.errno)).toEqual(["-ENODEV"]); // disabled IOMMU
    expect(out("15000.f").specifiers).toEqual([]);
  });

  it("a master retried after every bind keeps one parse and ends at the timeout", () => {
    const e = out("14000.e");
    expect(e.specifiers).toEqual([[]]);
    expect(e.errors.map((x) => x.errno)).toEqual(["-ETIMEDOUT"]);
    const ev = result.events;
    let deferrals = 0;
    for (let i = 0; i < ev.length; i++) if (ev.device[i] === "14000.e" && ev.message[i] === "Driver requests probe deferral") deferrals++;
    // Deferred at its own bind, then once per later successful bind (f), and at late_initcall.
    expect(deferrals).toBeGreaterThanOrEqual(2);
  });

  it("every client driver pattern starts with the prefix its row tests first", () => {
    for (const d of CLIENT_DRIVERS) if (d.pattern && d.prefix !== undefined) expect(d.pattern.source.startsWith(`^${d.prefix}`), d.name).toBe(true);
  });
});
