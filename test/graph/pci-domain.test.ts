// Each DT host bridge's PCI domain (pci_register_host_bridge -> pci_bus_find_domain_nr ->
// of_pci_bus_find_domain_nr): its linux,pci-domain, else a dynamic number; 6.2+ (c14f7ccc9f5d)
// with IDAs that keep the numbers DT claims, before with a counter and the "inconsistent" rule.
// Generated boards with two or three host bridges, each with a root port and an endpoint.
import { describe, expect, it } from "vitest";
import type { PciTopology } from "../../src/graph/index.ts";
import { parseScenario } from "../../src/probe/index.ts";
import { runBoard, type Report } from "../../src/report/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { finish, parseAndBuild } from "../tree/dts.ts";

interface BridgeSpec {
  readonly domain?: number;
  readonly type?: "pci" | "pciex";
  readonly busRange?: readonly [number, number];
  /** The host bridge's own `iommus`, on an SMMU placed after every bridge (its bind waits for it). */
  readonly iommus?: boolean;
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
		${b.iommus ? "iommus = <&smmu 0x5>;" : ""}
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
  const smmu = bridges.some((b) => b.iommus) ? `\n\tsmmu: iommu@2b400000 {\n\t\tcompatible = "arm,smmu-v3";\n\t\treg = <0x0 0x2b400000 0x0 0x100000>;\n\t\t#iommu-cells = <1>;\n\t};` : "";
  return `/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tcompatible = "example,pci-domains";\n${nodes.join("\n")}${smmu}\n};\n`;
}

function report(bridges: readonly BridgeSpec[], kernel: string, scenario?: string, pci?: PciTopology): Report {
  const { tree, sink } = parseAndBuild("domains.dts", board(bridges));
  if (!tree) throw new Error(sink.items.map((d) => d.message).join("\n"));
  finish(tree, {}, sink); // phandle references resolved, as dtc does
  const steps = scenario === undefined ? undefined : parseScenario(scenario, "s.json", sink);
  if (sink.errorCount > 0) throw new Error(sink.items.map((d) => d.message).join("\n"));
  const run = runBoard(tree, "domains.dts", { kernel, driverTables: { assume: true }, scenario: steps, pci }, new DiagnosticSink());
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
    const r = report([{}, { domain: 0 }], "6.0");
    expect(pciNames(r)).toEqual(["0000:00:00.0", "0000:01:00.0", "ffffffff:00:00.0", "ffffffff:01:00.0"]);
    expect(notes(r)).toEqual([["pci-domain", expect.stringContaining('"Node /pcie@50000000 has inconsistent "linux,pci-domain" property in DT"')]]);
    const dt = report([{ domain: 0 }, {}], "6.0");
    expect(pciNames(dt)).toEqual(["0000:00:00.0", "0000:01:00.0", "ffffffff:00:00.0", "ffffffff:01:00.0"]);
  });

  it("one DT number twice: 6.2+ fails the second in the static IDA (-ENOSPC); before, both get it and the root buses decide", () => {
    const ida = report([{ domain: 2 }, { domain: 2 }], "6.12");
    expect(pciNames(ida)).toEqual(["0002:00:00.0", "0002:01:00.0"]);
    expect(notes(ida)).toEqual([["pci-domain", expect.stringContaining("linux,pci-domain = <2> is taken by an earlier host bridge; of_pci_bus_find_domain_nr: ida_alloc_range fails, -ENOSPC")]]);
    const counted = report([{ domain: 2 }, { domain: 2 }], "6.0");
    expect(pciNames(counted)).toEqual(["0002:00:00.0", "0002:01:00.0"]);
    expect(notes(counted)).toEqual([["pci-domain", expect.stringContaining("root bus 0002:00 already exists")]]);
    // Different root buses share the domain before 6.2.
    const apart = report([{ domain: 2 }, { domain: 2, busRange: [0x10, 0x1f] }], "6.0");
    expect(pciNames(apart)).toEqual(["0002:00:00.0", "0002:01:00.0", "0002:10:00.0", "0002:11:00.0"]);
    expect(notes(apart)).toEqual([]);
  });
});

describe("PCI domains in bind order (pci_register_host_bridge as the host bridges' drivers probe)", () => {
  const notesOf = (r: Report, name: string) => r.devices.find((d) => d.name === name)!.notes;
  const log = (r: Report) => r.events.filter((e) => e.kind === "log" || e.kind === "note").map((e) => `${e.device}: ${e.message}`);

  it("device order is bind order: no note, and the names are the kernel's", () => {
    const r = report([{}, {}], "6.12");
    expect(notesOf(r, "40000000.pcie")).toEqual([]);
    expect(notesOf(r, "50000000.pcie")).toEqual([]);
  });

  it("the first bridge waits for its IOMMU (bind era): the second binds first and takes domain 0; notes on both", () => {
    const r = report([{ iommus: true }, {}], "6.1");
    expect(pciNames(r)).toEqual(["0000:00:00.0", "0000:01:00.0", "0001:00:00.0", "0001:01:00.0"]);
    expect(notesOf(r, "50000000.pcie")).toEqual([expect.stringMatching(/^pci_register_host_bridge gives \/pcie@50000000 domain 0000 in the order host bridges bind here; its functions are named with domain 0001/)]);
    expect(notesOf(r, "40000000.pcie")).toEqual([expect.stringMatching(/^pci_register_host_bridge gives \/pcie@40000000 domain 0001 .* named with domain 0000/)]);
  });

  it("a --pci file's segment names the functions; a note says when the kernel numbers the bridge otherwise", () => {
    const fn = { bdf: "00:00.0" };
    const given = (segment: number): PciTopology => ({ hostBridges: [{ node: "/pcie@40000000", segment, functions: [fn] }, { node: "/pcie@50000000", segment: 1, functions: [fn] }] });
    const same = report([{}, {}], "6.12", undefined, given(0));
    expect(pciNames(same)).toEqual(["0000:00:00.0", "0001:00:00.0"]);
    expect([notesOf(same, "40000000.pcie"), notesOf(same, "50000000.pcie")]).toEqual([[], []]);
    const other = report([{}, {}], "6.12", undefined, given(5));
    expect(pciNames(other)).toEqual(["0005:00:00.0", "0001:00:00.0"]);
    expect(notesOf(other, "40000000.pcie")).toEqual([expect.stringMatching(/^pci_register_host_bridge gives \/pcie@40000000 domain 0000 in the order host bridges bind here; the --pci topology names its functions with segment 0005$/)]);
    expect(notesOf(other, "50000000.pcie")).toEqual([]);
  });

  it("the pre-6.2 \"inconsistent\" line is the kernel's dev_err when the bridge binds", () => {
    const r = report([{}, { domain: 0 }], "6.0");
    expect(log(r)).toContain('50000000.pcie: Node /pcie@50000000 has inconsistent "linux,pci-domain" property in DT');
  });

  it("a failed registration fails the host bridge's probe: its functions never appear", () => {
    const r = report([{ domain: 2 }, { domain: 2 }], "6.12");
    const b = r.devices.find((d) => d.name === "50000000.pcie")!;
    expect([b.state, b.errors.map((e) => [e.errno, e.where])]).toEqual(["failed", [["-ENOSPC", "pci_register_host_bridge"]]]);
    // 6.9+ (probeFailureDevErr): the dev_err form, with the device.
    expect(log(r)).toContainEqual(expect.stringMatching(/^50000000\.pcie: probe with driver .+ failed with error -28$/));
  });

  it("unbind and bind again: 6.2+ gets its number back from the IDA; before, the counter gives the next one", () => {
    const steps = JSON.stringify({ steps: [{ op: "unbind", device: "40000000.pcie" }, { op: "bind", device: "40000000.pcie" }] });
    const ida = report([{}, {}], "6.12", steps);
    expect(notesOf(ida, "40000000.pcie")).toEqual([]);
    expect(ida.devices.find((d) => d.name === "0000:01:00.0")!.state).toBe("bound");
    const counted = report([{}, {}], "6.0", steps);
    expect(notesOf(counted, "40000000.pcie")).toEqual([expect.stringMatching(/^pci_register_host_bridge gives \/pcie@40000000 domain 0002 .* named with domain 0000/)]);
  });
});
