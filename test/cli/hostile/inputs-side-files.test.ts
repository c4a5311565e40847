// Every input the user gives is used or reported: --pci and --hw entries the board cannot use,
// duplicates and bad bus numbers are errors or warnings naming the entry at its file:line;
// malformed JSON is reported where it breaks (a trailing comma used to be "1:1"); --kernel
// outside the modelled range names the range.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPciTopology, parsePciTopology } from "../../../src/graph/index.ts";
import { checkHwOverrides, parseHwOverrides } from "../../../src/iommu/index.ts";
import { toOfNode } from "../../../src/of/index.ts";
import { parseScenario } from "../../../src/probe/index.ts";
import { DiagnosticSink, type Diagnostic } from "../../../src/source/index.ts";
import { findNodeByPath } from "../../../src/tree/find.ts";
import { projectDir } from "../../helpers/shared.ts";
import { loadTree } from "../../kernel/support/run.ts";
import { dtprobe, scratchDir, SLOW } from "./run-cli.ts";

const fixtures = `${projectDir}fixtures/kernel/`;
const pciBoard = loadTree(`${fixtures}smmuv3-pci.dts`);
const work = scratchDir("inputs");

const where = (d: Diagnostic) => {
  const p = d.span!.file.positionAt(d.span!.start);
  return `${d.span!.file.name}:${p.line}:${p.column}: ${d.severity}: ${d.message}`;
};

function pciCheck(text: string): string[] {
  const sink = new DiagnosticSink();
  const topo = parsePciTopology(text, "pci.json", sink);
  if (topo) checkPciTopology(topo, pciBoard, sink);
  return sink.items.map(where);
}

function hwCheck(text: string): string[] {
  const sink = new DiagnosticSink();
  const hw = parseHwOverrides(text, "hw.json", sink);
  if (hw) checkHwOverrides(hw, (path) => { const n = findNodeByPath(pciBoard, path); return n && toOfNode(n); }, sink);
  return sink.items.map(where);
}

describe("--pci entries", () => {
  it("a host bridge the board does not have, or a node that is not one, is an error at its line", () => {
    expect(pciCheck('{\n  "hostBridges": [\n    { "node": "/pcie@50000000", "functions": [] }\n  ]\n}\n')).toEqual([
      'pci.json:3:15: error: host bridge /pcie@50000000: the board has no such node (its PCI host bridges: /pcie@40000000, /pcie@60000000, /pcie@80000000, /pcie@a0000000)',
    ]);
    expect(pciCheck('{ "hostBridges": [\n { "node": "/iommu@2b400000", "functions": [] } ] }')).toEqual([
      'pci.json:2:12: error: /iommu@2b400000 is not a PCI host bridge (a node with device_type "pci" or "pciex" whose parent is not a PCI bus)',
    ]);
  });

  it("a host bridge or a BDF listed twice, and bridges with impossible bus numbers, are errors naming both lines", () => {
    const text = `{ "hostBridges": [
  { "node": "/pcie@60000000", "functions": [
    { "bdf": "00:01.0", "header": 1, "secondary": 1 },
    { "bdf": "00:01.0" },
    { "bdf": "01:00.0", "header": 1, "secondary": 1 },
    { "bdf": "00:02.0", "header": 1, "secondary": 1 },
    { "bdf": "00:03.0", "header": 1, "secondary": 5, "subordinate": 4 },
    { "bdf": "07:00.0" }
  ] },
  { "node": "/pcie@60000000", "functions": [] }
] }`;
    expect(pciCheck(text)).toEqual([
      "pci.json:4:14: error: /pcie@60000000: PCI function 00:01.0 is listed twice (also at line 3)",
      "pci.json:5:51: error: /pcie@60000000: bridge 01:00.0: secondary bus 1 is not above its own bus 1 (pci_scan_bridge_extend: \"bridge configuration invalid\", renumbered by the kernel)",
      "pci.json:6:51: error: /pcie@60000000: bridges 00:01.0 and 00:02.0 both lead to bus 1 (also at line 3)",
      "pci.json:7:69: error: /pcie@60000000: bridge 00:03.0: subordinate bus 4 is below its secondary bus 5",
      'pci.json:8:14: warning: /pcie@60000000: no bridge in this list leads to bus 7 (a bridge with "secondary": 7); 07:00.0 is treated as a function of the root bus',
      "pci.json:10:13: error: host bridge /pcie@60000000 is listed twice (also at line 2): one list of functions per host bridge",
    ]);
  });

  it("the command stops with exit 1 and prints the entry's line with a caret", () => {
    const pci = join(work, "bad-pci.json");
    writeFileSync(pci, '{\n  "hostBridges": [\n    { "node": "/pcie@50000000", "functions": [] }\n  ]\n}\n');
    const r = dtprobe(["report", "--pci", pci, `${fixtures}smmuv3-pci.dts`]);
    expect(r.status).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toContain(`${pci}:3:15: error: host bridge /pcie@50000000: the board has no such node`);
    expect(r.stderr).toContain('    { "node": "/pcie@50000000", "functions": [] }\n');
    expect(r.stderr).toMatch(/\n\s+\^~+\n/);
  }, SLOW);
});

describe("--hw entries", () => {
  it("a path that is no IOMMU (or no node) is an error; a duplicate and a limit the model lacks are warnings", () => {
    const text = `{ "instances": [
  { "node": "/pcie@40000000", "limits": { "asidBits": 4 } },
  { "node": "/nowhere", "limits": { "asidBits": 4 } },
  { "node": "/iommu@2b400000", "limits": { "asidBits": 4 } },
  { "node": "/iommu@2b400000", "limits": { "contextBanks": 4 } }
] }`;
    expect(hwCheck(text)).toEqual([
      "hw.json:2:13: error: /pcie@40000000 is not an IOMMU (no #iommu-cells, and no modelled IOMMU driver matches its compatible)",
      "hw.json:3:13: error: /nowhere: the board has no such node",
      "hw.json:5:13: warning: /iommu@2b400000 is listed twice (also at line 4): the limits are merged, the later entry's win",
      "hw.json:5:60: warning: /iommu@2b400000: the arm-smmu-v3 model (SMMUv3) has no limit 'contextBanks' (it has asidBits, inputBits, streamIdBits, vmidBits); not used",
    ]);
  });
});

describe("malformed JSON is reported where it breaks", () => {
  it("a trailing comma in a scenario, at its own line and column", () => {
    const sink = new DiagnosticSink();
    const text = '{\n  "version": 1,\n  "steps": [\n    { "op": "unbind", "device": "a" },\n  ]\n}\n';
    expect(parseScenario(text, "s.json", sink)).toBeUndefined();
    expect(sink.items.map(where)).toEqual(["s.json:4:38: error: invalid JSON: trailing comma: no element follows it before ']'"]);
  });

  it("other breaks: a missing comma, single quotes, a bare word, an unterminated string", () => {
    const first = (text: string) => {
      const sink = new DiagnosticSink();
      parseHwOverrides(text, "hw.json", sink);
      return sink.items.map(where)[0];
    };
    expect(first('{ "instances": [\n  { "node": "/a" "limits": {} }\n] }')).toBe("hw.json:2:18: error: invalid JSON: unexpected '\"': expected ',' or '}'");
    expect(first("{ 'instances': [] }")).toBe("hw.json:1:3: error: invalid JSON: unexpected ''': expected a member name in double quotes");
    expect(first('{ "instances": [ nope ] }')).toMatch(/^hw\.json:1:18: error: invalid JSON: unexpected word 'nope'/);
    expect(first('{ "instances": [ "abc ] }')).toBe("hw.json:1:18: error: invalid JSON: unterminated string");
  });
});

describe("--kernel", () => {
  it("a version outside the modelled range is a usage error that names the range, which the help shows too", () => {
    const r = dtprobe(["report", "--kernel", "99.1", `${fixtures}tegra30-like.dts`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("invalid --kernel '99.1': dtprobe emulates kernels 3.19 to 7.1");
    expect(dtprobe(["report", "--kernel", "3.18", `${fixtures}tegra30-like.dts`]).status).toBe(2);
    expect(dtprobe(["report", "--help"]).stdout.toString()).toMatch(/--kernel VERSION\s+kernel version to emulate, 3\.19 to 7\.1 \(default 6\.1/);
  }, SLOW);
});
