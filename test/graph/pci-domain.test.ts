// Each DT host bridge's PCI domain (pci_register_host_bridge -> pci_bus_find_domain_nr ->
// of_pci_bus_find_domain_nr): its linux,pci-domain, else a dynamic number; 6.2+ (c14f7ccc9f5d)
// with IDAs that keep the numbers DT claims, before with a counter and the "inconsistent" rule.
// Generated boards with two or three host bridges, each with a root port and an endpoint.
import { describe, expect, it } from "vitest";
import { runBoard, type Report } from "../../src/report/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { parseAndBuild } from "../tree/dts.ts";

interface BridgeSpec {
  readonly domain?: number;
  readonly type?: "pci" | "pciex";
  readonly busRange?: readonly [number, number];
}

function board(bridges: readonly BridgeSpec[]): string {
  const nodes = bridges.map((b, i) => {
    const base = (0x40 + i * 0x10).toString(16);
    const bus = b.busRange?.[0] ?? 0;
    const hi = (n: number) => `0x${((n << 16) >>> 0).toString(16)}`;
    return `
	pcie@${base}000000 {
		compatible = "pci-host-ecam-generic";
		device_type = "${b.type ?? "pci"}";
		reg = <0x0 0x${base}000000 0x0 0x1000000>;
		#address-cells = <3>;
		#size-cells = <2>;
		ranges = <0x02000000 0x0 0x${base}000000 0x0 0x${base}000000 0x0 0x1000000>;
		${b.busRange ? `bus-range = <${b.busRange[0]} ${b.busRange[1]}>;` : ""}
		${b.domain === undefined ? "" : `linux,pci-domain = <${b.domain}>;`}
		pci@0,0 {
			device_type = "pci";
			reg = <${hi(bus)} 0x0 0x0 0x0 0x0>;
			#address-cells = <3>;
			#size-cells = <2>;
			ranges;
			ethernet@0,0 { reg = <${hi(bus + 1)} 0x0 0x0 0x0 0x0>; };
		};
	};`;
  });
  return `/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tcompatible = "example,pci-domains";\n${nodes.join("\n")}\n};\n`;
}

function report(bridges: readonly BridgeSpec[], kernel: string): Report {
  const { tree, sink } = parseAndBuild("domains.dts", board(bridges));
  if (!tree) throw new Error(sink.items.map((d) => d.message).join("\n"));
  const run = runBoard(tree, "domains.dts", { kernel, driverTables: { assume: true } }, new DiagnosticSink());
  if (!run) throw new Error("no run");
  return run.report;
}

const pciNames = (r: Report) => r.devices.filter((d) => d.bus === "pci").map((d) => d.name);
const notes = (r: Report) => r.diagnostics.map((d) => [d.code, d.message]);

describe("PCI domains of DT host bridges", () => {
  it("no linux,pci-domain: 0, 1, 2 in device order, every function kept (6.1 counter and 6.12 IDA alike)", () => {
    for (const kernel of ["6.1", "6.12"]) {
      const r = report([{}, {}, {}], kernel);
      expect(pciNames(r)).toEqual(["0000:00:00.0", "0000:01:00.0", "0001:00:00.0", "0001:01:00.0", "0002:00:00.0", "0002:01:00.0"]);
      expect(notes(r)).toEqual([]);
      // Every function exists and binds: none is dropped as a duplicate name.
      expect(r.devices.filter((d) => d.bus === "pci").every((d) => d.state === "bound")).toBe(true);
    }
  });

  it("every bridge with linux,pci-domain: the DT numbers, 16 bits of them", () => {
    for (const kernel of ["6.1", "6.12"]) {
      const r = report([{ domain: 3 }, { domain: 0x10001 }], kernel);
      expect(pciNames(r)).toEqual(["0003:00:00.0", "0003:01:00.0", "0001:00:00.0", "0001:01:00.0"]);
      expect(notes(r)).toEqual([]);
    }
  });

  it("6.2+ mixed: the dynamic IDA skips the numbers device_type \"pci\" nodes claim", () => {
    const r = report([{}, { domain: 0 }, {}], "6.12");
    expect(pciNames(r)).toEqual(["0001:00:00.0", "0001:01:00.0", "0000:00:00.0", "0000:01:00.0", "0002:00:00.0", "0002:01:00.0"]);
    expect(notes(r)).toEqual([]);
  });

  it("6.2+ mixed with a \"pciex\" node: its number is not reserved, the root buses clash, pci_find_bus refuses the second (-EEXIST)", () => {
    const r = report([{}, { domain: 0, type: "pciex" }], "6.12");
    expect(pciNames(r)).toEqual(["0000:00:00.0", "0000:01:00.0"]);
    expect(notes(r)).toEqual([["pci-domain", expect.stringMatching(/^\/pcie@50000000: root bus 0000:00 already exists \(\/pcie@40000000\).*-EEXIST; no PCI function behind it is enumerated$/)]]);
  });

  it("before 6.2 mixed: the first bridge decides; the other is \"inconsistent\" and gets domain -1 (ffffffff)", () => {
    const r = report([{}, { domain: 0 }], "6.1");
    expect(pciNames(r)).toEqual(["0000:00:00.0", "0000:01:00.0", "ffffffff:00:00.0", "ffffffff:01:00.0"]);
    expect(notes(r)).toEqual([["pci-domain", expect.stringContaining('"Node /pcie@50000000 has inconsistent "linux,pci-domain" property in DT"')]]);
    const dt = report([{ domain: 0 }, {}], "6.1");
    expect(pciNames(dt)).toEqual(["0000:00:00.0", "0000:01:00.0", "ffffffff:00:00.0", "ffffffff:01:00.0"]);
  });

  it("one DT number twice: 6.2+ fails the second in the static IDA (-ENOSPC); before, both get it and the root buses decide", () => {
    const ida = report([{ domain: 2 }, { domain: 2 }], "6.12");
    expect(pciNames(ida)).toEqual(["0002:00:00.0", "0002:01:00.0"]);
    expect(notes(ida)).toEqual([["pci-domain", expect.stringContaining("linux,pci-domain = <2> is taken by an earlier host bridge; of_pci_bus_find_domain_nr: ida_alloc_range fails, -ENOSPC")]]);
    const counted = report([{ domain: 2 }, { domain: 2 }], "6.1");
    expect(pciNames(counted)).toEqual(["0002:00:00.0", "0002:01:00.0"]);
    expect(notes(counted)).toEqual([["pci-domain", expect.stringContaining("root bus 0002:00 already exists")]]);
    // Different root buses share the domain before 6.2.
    const apart = report([{ domain: 2 }, { domain: 2, busRange: [0x10, 0x1f] }], "6.1");
    expect(pciNames(apart)).toEqual(["0002:00:00.0", "0002:01:00.0", "0002:10:00.0", "0002:11:00.0"]);
    expect(notes(apart)).toEqual([]);
  });
});
