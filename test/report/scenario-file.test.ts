// Scenario files: JSON and YAML read the same, schema errors land on their line and column with
// the source line and a caret, the new steps parse into their typed shape, the checks the schema
// cannot make, and the hand-over to the probe layer (which refuses steps it does not run yet).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkScenario, parseScenario } from "../../src/probe/index.ts";
import { buildDeviceGraph } from "../../src/graph/index.ts";
import { checkRunInputs, parseByteSize, parseScenarioFile, toProbeScenario } from "../../src/report/scenario-file.ts";
import { DiagnosticSink, formatDiagnostic } from "../../src/source/index.ts";
import { loadTree, projectDir } from "../kernel/support/run.ts";
import scenarioSchema from "../../schemas/scenario.schema.json" with { type: "json" };
import pciSchema from "../../schemas/pci-topology.schema.json" with { type: "json" };

const lineOf = (sink: DiagnosticSink, i = 0) => {
  const d = sink.items[i]!;
  return d.span!.file.positionAt(d.span!.start);
};

const json = `{
  "version": 1,
  "board": "ownership.dts",
  "kernel": "6.12",
  "policy": "per-group",
  "steps": [
    { "op": "unbind", "device": "100000.ethernet" },
    { "op": "bind", "device": "100000.ethernet", "driver": "vfio-platform" }
  ]
}
`;

const yaml = `# the same scenario in YAML
board: ownership.dts
kernel: 6.12
policy: per-group
steps:
  - op: unbind
    device: 100000.ethernet
  - { op: bind, device: 100000.ethernet, driver: vfio-platform }
`;

describe("reading", () => {
  it("JSON and YAML give the same inputs and steps; paths resolve against the scenario's directory", () => {
    const a = parseScenarioFile(json, "fixtures/kernel/s.json", new DiagnosticSink())!;
    const b = parseScenarioFile(yaml, "fixtures/kernel/s.yaml", new DiagnosticSink())!;
    expect(a.format).toBe("json");
    expect(b.format).toBe("yaml");
    expect(b.inputs).toEqual(a.inputs);
    expect(a.inputs.board).toEqual({ given: "ownership.dts", path: "fixtures/kernel/ownership.dts" });
    expect(b.steps).toEqual(a.steps);
    expect(a.spans.map((s) => s.step.file.positionAt(s.step.start).line)).toEqual([7, 8]);
    expect(b.spans.map((s) => s.step.file.positionAt(s.step.start).line)).toEqual([6, 8]);
  });

  it("YAML keeps an unquoted kernel version as written (6.10 is not 6.1)", () => {
    const sf = parseScenarioFile("board: b.dts\nkernel: 6.10\nsteps: []\n", "k.yaml", new DiagnosticSink())!;
    expect(sf.inputs.kernel).toBe("6.10");
  });

  it("schema errors point at the value, with the source line and a caret", () => {
    const sink = new DiagnosticSink();
    expect(parseScenarioFile("board: b.dts\nsteps:\n  - op: unbind\n    device: a\n  - op: fly\n", "bad.yaml", sink)).toBeUndefined();
    const d = sink.items.find((x) => x.message.includes("/steps/1/op"))!;
    expect(d.span!.file.positionAt(d.span!.start)).toMatchObject({ line: 5, column: 9 });
    expect(formatDiagnostic(d, { noPositionName: "-" })).toBe("bad.yaml:5:9: error: /steps/1/op: must be equal to one of the allowed values [scenario]\n      - op: fly\n            ^~~");
    const sink2 = new DiagnosticSink();
    parseScenarioFile('{\n  "steps": [\n    { "op": "dma-map", "device": "d", "name": "x", "size": "64Q" }\n  ]\n}\n', "bad.json", sink2);
    expect(lineOf(sink2).line).toBe(3);
    expect(sink2.items.every((x) => !x.message.includes('"then"'))).toBe(true);
  });

  it("YAML syntax errors and bad JSON are reported at their position", () => {
    const sink = new DiagnosticSink();
    expect(parseScenarioFile("steps:\n  - op: unbind\n   device: a\n", "syn.yaml", sink)).toBeUndefined();
    expect(sink.items[0]!.message).toMatch(/^invalid YAML/);
    expect(lineOf(sink).line).toBe(3);
    const sink2 = new DiagnosticSink();
    expect(parseScenarioFile('{ "steps": [ }', "syn.json", sink2)).toBeUndefined();
    expect(sink2.items[0]!.message).toMatch(/^invalid JSON/);
  });

  it("today's --scenario files stay valid for both readers", () => {
    const dir = `${projectDir}fixtures/kernel/`;
    const files = readdirSync(dir).filter((f) => f.endsWith(".scenario.json"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(dir + f, "latin1");
      const s1 = new DiagnosticSink();
      const s2 = new DiagnosticSink();
      expect(parseScenario(text, f, s1), f).toBeDefined();
      const sf = parseScenarioFile(text, f, s2);
      expect(sf, JSON.stringify(s2.items.map((d) => d.message))).toBeDefined();
      expect(toProbeScenario(sf!).steps).toEqual(parseScenario(text, f, s1)!.steps);
    }
    // A file with only `steps` is valid too.
    expect(parseScenarioFile('{ "steps": [] }', "only.json", new DiagnosticSink())).toBeDefined();
  });
});

describe("the new steps", () => {
  const all = `board: t.dts
modules: [tegra-smmu]
steps:
  - { op: load-module, module: tegra-smmu }
  - { op: expect, ok: true }
  - { op: expect, device: 54200000.dc, group: 3, sameGroupAs: 54240000.dc, domainType: null, dmaOps: iommu, state: bound, driver: tegra-dc, iommu: 7000f000.memory-controller }
  - { op: expect, iommu: /memory-controller@7000f000, addressSpacesUsed: 4 }
  - { op: dma-map, device: 54200000.dc, name: fb, size: 64K, count: 3, mask: 32, phys: "0x80001000" }
  - { op: dma-alloc, device: 54200000.dc, name: ring, size: 0x1000 }
  - { op: expect, error: ENOMEM }
  - { op: dma-unmap, device: 54200000.dc, name: fb }
  - { op: dma-free, device: 54200000.dc, name: ring }
  - { op: release-dma-mapping, device: 54200000.dc }
  - { op: pci-add, hostBridge: /pcie@1000, function: { bdf: "02:01.0", driver: e1000e } }
  - { op: deferred-timeout }
  - { op: unload-module, module: tegra-smmu }
`;
  it("parse into their typed shape: sizes in bytes, addresses as bigint, count defaulting to 1", () => {
    const sink = new DiagnosticSink();
    const sf = parseScenarioFile(all, "all.yaml", sink);
    expect(sink.items).toEqual([]);
    expect(sf!.steps[4]).toEqual({ op: "dma-map", device: "54200000.dc", name: "fb", size: 65536, count: 3, mask: 32, phys: 0x8000_1000n });
    expect(sf!.steps[5]).toEqual({ op: "dma-alloc", device: "54200000.dc", name: "ring", size: 4096, count: 1 });
    expect(sf!.steps[2]).toMatchObject({ group: 3, domainType: null });
    expect(parseByteSize("2MiB")).toBe(2 * 2 ** 20);
    expect(parseByteSize("1G")).toBe(2 ** 30);
  });

  it("the probe layer gets every step with its line, and the modules", () => {
    const sink = new DiagnosticSink();
    const sf = parseScenarioFile(all, "all.yaml", sink)!;
    const sc = toProbeScenario(sf);
    expect(sink.items).toEqual([]);
    expect(sc.steps.map((s) => s.op)).toEqual(sf.steps.map((s) => s.op));
    expect(sc.modules).toEqual(["tegra-smmu"]);
    expect(sc.spans[0]!.step.file.positionAt(sc.spans[0]!.step.start).line).toBe(4);
    expect(checkRunInputs(sf, sink)).toBe(true);
  });

  it("checks what the schema cannot: modules from `modules`, buffers released once by their own kind, a result check after a step", () => {
    const sink = new DiagnosticSink();
    const bad = `steps:
  - { op: expect, error: EPERM }
  - { op: load-module, module: arm-smmu }
  - { op: dma-map, device: d, name: a, size: 4096 }
  - { op: dma-free, device: d, name: a }
  - { op: dma-unmap, device: d, name: b }
  - { op: dma-alloc, device: d, name: c, size: 4096, phys: 0 }
`;
    expect(parseScenarioFile(bad, "bad.yaml", sink)).toBeUndefined();
    const msgs = sink.items.map((d) => `${d.span!.file.positionAt(d.span!.start).line}: ${d.message}`);
    expect(msgs).toEqual([
      expect.stringMatching(/^7: \/steps\/5: must NOT be valid/),
    ]);
    const sink2 = new DiagnosticSink();
    expect(parseScenarioFile(bad.split("\n").slice(0, 6).join("\n") + "\n", "bad.yaml", sink2)).toBeUndefined();
    expect(sink2.items.map((d) => `${d.span!.file.positionAt(d.span!.start).line}: ${d.message}`)).toEqual([
      "2: step 1 (expect): checks the previous step's result, but it is the first step",
      '3: step 2 (load-module): "arm-smmu" is not in this scenario\'s `modules`',
      '5: step 4 (dma-free): no dma-alloc step made a buffer "a" on d (it came from dma-map)',
      '6: step 5 (dma-unmap): no dma-map step made a buffer "b" on d',
    ]);
  });

  it("an expect step must check something, and only what its form allows", () => {
    for (const bad of ["{ op: expect, device: d }", "{ op: expect, iommu: /i }", "{ op: expect }", "{ op: expect, error: EPERM, ok: true }", "{ op: expect, iommu: /i, group: 1, addressSpacesUsed: 1 }", "{ op: expect, error: EWHAT }"]) {
      const sink = new DiagnosticSink();
      expect(parseScenarioFile(`steps:\n  - { op: unbind, device: d }\n  - ${bad}\n`, "e.yaml", sink), bad).toBeUndefined();
      expect(lineOf(sink).line, bad).toBe(3);
    }
  });

  it("pci-add takes a --pci function entry; the scenario schema's copy of it matches pci-topology's", () => {
    expect(scenarioSchema.$defs.pciFunction).toEqual(pciSchema.$defs.function);
    const sink = new DiagnosticSink();
    expect(parseScenarioFile("steps:\n  - { op: pci-add, function: { bdf: 2:1.0 } }\n", "p.yaml", sink)).toBeUndefined();
    expect(sink.items[0]!.message).toContain("/steps/0/function/bdf");
  });
});

describe("with the device graph", () => {
  it("the probe layer's device check reports unknown devices of a converted scenario at their line", () => {
    const sink = new DiagnosticSink();
    const sf = parseScenarioFile('{\n  "steps": [\n    { "op": "unbind", "device": "999.nothing" }\n  ]\n}\n', "d.json", sink)!;
    const sc = toProbeScenario(sf);
    expect(checkScenario(sc, buildDeviceGraph(loadTree(`${projectDir}fixtures/kernel/ownership.dts`)), sink)).toBe(false);
    expect(lineOf(sink).line).toBe(3);
  });
});
