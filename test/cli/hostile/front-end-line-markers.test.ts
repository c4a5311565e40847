// A preprocessed file (.pre.dts, with cpp's line markers) read again through the preprocessor, as
// `report` reads every board: positions go through its markers, as `compile` (and `cpp | dtc`)
// report them, not into the flattened file.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileTree, defaultCompileOptions, loadDeviceTree } from "../../../src/compile/index.ts";
import { DiagnosticSink, memoryFileHost, type Diagnostic } from "../../../src/source/index.ts";
import { hasShared, sharedDir } from "../../helpers/shared.ts";

const where = (d: Diagnostic) => {
  const p = d.span?.file.positionAt(d.span.start);
  return `${p?.file}:${p?.line}:${p?.column} ${d.severity} ${d.message}`;
};

/** Diagnostics of `name` through the report's loading path (preprocessor on) and through compile (off). */
function bothWays(name: string, files: Record<string, string>) {
  const host = memoryFileHost(files);
  const viaReport = new DiagnosticSink();
  loadDeviceTree(name, { host }, viaReport);
  const viaCompile = new DiagnosticSink();
  compileTree(name, { ...defaultCompileOptions, host }, viaCompile);
  return { report: viaReport.items.map(where), compile: viaCompile.items.map(where) };
}

const preprocessed = [
  '# 1 "board.dts"',
  '# 1 "<built-in>"',
  '# 1 "<command-line>"',
  '# 1 "board.dts"',
  "/dts-v1/;",
  '# 1 "soc.dtsi" 1',
  "/ {",
  "\tbus@1 { reg = <1>; };",
  "};",
  '# 12 "board.dts" 2',
  "/ { p = <1 2;",
  "};",
  "",
].join("\n");

describe("line markers in a file read through the preprocessor", () => {
  it("steer positions exactly as compile reports them", () => {
    const { report, compile } = bothWays("board.pre.dts", { "board.pre.dts": preprocessed });
    expect(report).toEqual(["board.dts:12:13 error syntax error"]);
    expect(report).toEqual(compile);
  });

  it("warnings point into the file named by the marker", () => {
    const text = preprocessed.replace("/ { p = <1 2;", "/ { p = <1 2>;");
    const { report, compile } = bothWays("board.pre.dts", { "board.pre.dts": text });
    expect(report.some((l) => l.startsWith("soc.dtsi:2:"))).toBe(true);
    expect(report).toEqual(compile);
  });

  it("a marker that does not start its line is text, as in dtc's lexer", () => {
    const text = "/dts-v1/;\n/ {\n\t# 40 \"other.dts\"\n\tp = <1 2;\n};\n";
    const host = memoryFileHost({ "x.dts": text });
    const sink = new DiagnosticSink();
    loadDeviceTree("x.dts", { host }, sink);
    expect(sink.items.map(where)[0]).toMatch(/^x\.dts:3:/);
  });

  it.skipIf(!hasShared)("on every corpus board's .pre.dts, report's positions are compile's", () => {
    const dir = `${sharedDir}corpus/dev/`;
    const boards = readdirSync(dir).filter((f) => f.endsWith(".pre.dts"));
    expect(boards.length).toBeGreaterThan(5);
    for (const board of boards) {
      const { report, compile } = bothWays(board, { [board]: readFileSync(dir + board, "latin1") });
      expect(report, board).toEqual(compile);
    }
  });
});
