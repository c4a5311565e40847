import { describe, expect, it } from "vitest";
import { parsePciTopology, jsonValueOffsets } from "../../src/graph/index.ts";
import { parseHwOverrides } from "../../src/iommu/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";

describe("side inputs", () => {
  it("reports a schema error at the offending value's line", () => {
    const sink = new DiagnosticSink();
    const text = '{\n  "hostBridges": [\n    { "node": "/pcie", "functions": [\n      { "bdf": "zz:00.0" }\n    ] }\n  ]\n}\n';
    expect(parsePciTopology(text, "pci.json", sink)).toBeUndefined();
    expect(sink.errorCount).toBeGreaterThan(0);
    const d = sink.items[0]!;
    expect(d.span!.file.positionAt(d.span!.start).line).toBe(4);
    expect(d.message).toContain("/hostBridges/0/functions/0/bdf");
  });

  it("reports invalid JSON", () => {
    const sink = new DiagnosticSink();
    expect(parseHwOverrides("{ nope", "hw.json", sink)).toBeUndefined();
    expect(sink.items[0]!.code).toBe("hw");
  });

  it("maps JSON pointers to offsets", () => {
    const m = jsonValueOffsets('{"a": [1, {"b": "x"}], "c": true}');
    expect(m.get("/a/1/b")).toEqual({ start: 16, end: 19 });
    expect(m.get("/c")!.start).toBe(28);
  });

  it("accepts a valid --hw file", () => {
    const sink = new DiagnosticSink();
    const hw = parseHwOverrides('{"instances":[{"node":"/iommu@1","limits":{"contextBanks":8}}]}', "hw.json", sink);
    expect(hw?.instances[0]!.limits["contextBanks"]).toBe(8);
  });
});
