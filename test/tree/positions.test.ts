// Parse-time errors of the tree builder at dtc's positions (expected texts recorded from dtc 1.6.1,
// `Error: <pos> <message>`; 1.8.1 turns the range errors into truncation warnings at the same place).
import { describe, expect, it } from "vitest";
import { DiagnosticSink, dtcPositionText } from "../../src/source/index.ts";
import { parseAndBuild } from "./dts.ts";

function errorsOf(src: string): string[] {
  const sink = new DiagnosticSink();
  const { tree } = parseAndBuild("pe.dts", src, {}, sink);
  expect(tree).toBeUndefined();
  return sink.items.map((d) => `${d.span ? dtcPositionText(d.span) : "-"} ${d.message}`);
}

function warningsOf(src: string): string[] {
  const sink = new DiagnosticSink();
  const { tree } = parseAndBuild("pe.dts", src, {}, sink);
  expect(tree).toBeDefined();
  return sink.items.filter((d) => d.severity === "warning").map((d) => `${d.span ? dtcPositionText(d.span) : "-"} ${d.message}`);
}

describe("parse-time error positions", () => {
  it("unknown merge target: at the reference", () => {
    expect(errorsOf("/dts-v1/;\n/ { };\n&nope { a; };\n")).toEqual(["pe.dts:3.1-6 Label or path nope not found"]);
  });
  it("unknown target of a first `&ref {}`: at the block", () => {
    expect(errorsOf("/dts-v1/;\n&nope {\n a; };\n/ { };\n")).toEqual(["pe.dts:2.7-3.7 Label or path nope not found"]);
  });
  it("division by zero: at the operation", () => {
    expect(errorsOf("/dts-v1/;\n/ { a = <(1 +\n (2 / 0))>; };\n")).toEqual(["pe.dts:3.3-8 Division by zero"]);
  });
  it("/bits/ errors: at the size literal and at the reference", () => {
    expect(errorsOf("/dts-v1/;\n/ { a = /bits/ 7 <1>; b = /bits/ 16 <&x>; };\n")).toEqual([
      "pe.dts:2.16-17 Array elements must be 8, 16, 32 or 64-bits",
      "pe.dts:2.38-40 References are only allowed in arrays with 32-bit elements.",
    ]);
  });
  it("header flags: over the rest of the header list", () => {
    expect(errorsOf("/dts-v1/;\n/plugin/;\n/dts-v1/;\n/dts-v1/;\n/ { };\n")).toEqual(["pe.dts:3.1-4.10 Header flags don't match earlier ones"]);
  });
  it("label merge, delete and omit targets: at the reference", () => {
    expect(errorsOf("/dts-v1/;\n/ { l: n {}; };\nm: &{/x} { };\n/delete-node/ &q;\n/omit-if-no-ref/ &{/r};\n")).toEqual([
      "pe.dts:3.4-9 Label or path /x not found",
      "pe.dts:4.15-17 Label or path q not found",
      "pe.dts:5.18-23 Label or path /r not found",
    ]);
  });
  it("value truncation (dtc 1.8.1 warning): at the element", () => {
    expect(warningsOf("/dts-v1/;\n/ { a = <0x100000000>; b = /bits/ 8 <(256)>; };\n")).toEqual([
      "pe.dts:2.10-21 Value 0x0000000100000000 truncated to 0x00000000",
      "pe.dts:2.38-43 Value 0x0000000000000100 truncated to 0x00",
    ]);
  });
});
