// Plain lines, lines of number macros and simple #defines done in one piece
// (src/preprocess/plain-lines.ts) must print exactly what the token path prints, byte for byte,
// with the same origin of every output byte, and keep cpp's token stream. An include memo makes
// the engine take the token path for every line (it records what that path looks up and prints),
// so the same input run with and without one compares the two paths.
import { describe, expect, it } from "vitest";
import { IncludeMemo, preprocess } from "../../src/preprocess/index.ts";
import { DiagnosticSink, memoryFileHost, SourceFile } from "../../src/source/index.ts";
import { fastest, linearBound } from "../cli/hostile/support.ts";
import { cppAvailable, normalize, runCpp } from "./harness.ts";

const HEADER = [
  "#ifndef H",
  "#define H",
  "#define GIC_SPI 0",
  "#define IRQ_TYPE_LEVEL_HIGH 4",
  "  #  define   SPACED\t0x10   ",
  "#define DOTTED 1.5",
  "#define EXP 1e+3",
  "#define NEG -1",
  "#define WORD okay",
  "#define FN(x) x",
  "#define GIC_SPI 0",
  "#endif",
  "",
].join("\n");

// Runs of plain lines copied as one piece: blank lines (7 are printed, 8 or more are not), a
// trailing blank at a run's end, a spliced line and CR LF line ends (raw line numbers differ).
const RUNS: Record<string, string> = {
  "blank7.dtsi": "\tp1;\n\tp2;\n\n\n\n\n\n\n\n\tp3;\n",
  "blank8.dtsi": "\tp4;\n\tp5;\n\n\n\n\n\n\n\n\n\tp6;\n",
  "trailing.dtsi": "\tp7;\n\tp8; \n\tp9;\n",
  "trailing-last.dtsi": "\tp10;\n\tp11;\t\n",
};
const SPLICED = "\ts1;\n\ts2;\n\ts3 = \\\n<1>;\n\ts4;\n";
const CRLF = "\tq1;\r\n\tq2;\r\n\r\n\tq3;\r\n";

const BOARD = [
  '#include "h.h"',
  ...Object.keys(RUNS).map((name) => `#include "${name}"`),
  '#include "spliced.dtsi"',
  '#include "crlf.dtsi"',
  "/dts-v1/;",
  "/ {",
  "\t#address-cells = <1>;",
  "#size-cells = <1>;",
  "\tn@0 {   reg = <0 0x10>;    ",
  "\t\tinterrupts = <GIC_SPI 5 IRQ_TYPE_LEVEL_HIGH>,<GIC_SPI\t6 IRQ_TYPE_LEVEL_HIGH>;",
  "GIC_SPI IRQ_TYPE_LEVEL_HIGH",
  "#size-cells = <2>;",
  // One case a line: a line the one-piece path refuses goes to the token path whole.
  "\ta = <(GIC_SPI+1) (1+GIC_SPI)>;",
  "\ta = <GIC_SPI-1>;",
  "\ta = <GIC_SPI.5>;",
  "\ta = <.GIC_SPI>;",
  "\ta = <SPACED,DOTTED EXP>;",
  "\ta = <SPACED\tGIC_SPI>, <GIC_SPI>;",
  "#size-cells = <1>;",
  "\tb = <0xGIC_SPI 1e+GIC_SPI>; c = NEG; d = WORD; e = FN(GIC_SPI);",
  '\ts = "GIC_SPI", \'x\';',
  "\tt = <1>; /* comment */ u = <2>;",
  "\t\t\t\t",
  "",
  "",
  "",
  "",
  "",
  "",
  "",
  "",
  "\tv = <" + " ".repeat(300) + "1>;",
  "#address\tx",
  "# 7 \"name.dts\"",
  "#define LATE 7",
  "\tw = <LATE>; /",
  "};",
].join("\n");

function run(memo: IncludeMemo | undefined) {
  const files = { "h.h": HEADER, ...RUNS, "spliced.dtsi": SPLICED, "crlf.dtsi": CRLF, "main.S": BOARD + "\n" };
  const sink = new DiagnosticSink();
  const out = preprocess(new SourceFile("main.S", files["main.S"]), { host: memoryFileHost(files), includeDirs: [], defines: [], undefines: [], includeMemo: memo }, sink);
  const positions: string[] = [];
  if (out) for (let i = 0; i <= out.text.length; i++) positions.push(JSON.stringify(out.origin?.positionAt(i) ?? null));
  return { text: out?.text, positions, diagnostics: sink.items.map((d) => `${d.message} ${JSON.stringify(d.span?.start)}`) };
}

describe("lines done in one piece", () => {
  const fast = run(undefined);
  const tokenPath = run(new IncludeMemo([]));

  it("prints what the token path prints, with the same origins and diagnostics", () => {
    expect(fast.text).toContain("interrupts = <0 5 4>,<0 6 4>;");
    expect(fast.text).toBe(tokenPath.text);
    expect(fast.diagnostics).toEqual(tokenPath.diagnostics);
    expect(fast.positions).toEqual(tokenPath.positions);
  });

  it.skipIf(!cppAvailable)("keeps cpp's tokens and spacing", () => {
    const cpp = runCpp({ files: { "h.h": HEADER, ...RUNS, "spliced.dtsi": SPLICED, "crlf.dtsi": CRLF, "main.S": BOARD + "\n" } });
    expect(cpp.ok).toBe(true);
    expect(normalize(fast.text!)).toBe(normalize(cpp.text));
  });
});

describe("a block of plain lines longer than one match", () => {
  // PLAIN_BLOCK matches at most 4,096 lines at a time (V8's backtracking state for a block of
  // millions of lines overflows); the block goes on across matches, to the same text and origins.
  const text = "#define M 7\n" + "\tp = <1 2>;\n".repeat(9000) + "\tq = <M>;\n" + "\tr;\n".repeat(9000);
  const once = (memo: IncludeMemo | undefined) => {
    const out = preprocess(new SourceFile("main.S", text), { host: memoryFileHost({}), includeDirs: [], defines: [], undefines: [], includeMemo: memo }, new DiagnosticSink())!;
    const lineStarts: string[] = [];
    for (let i = out.text.indexOf("\n"); i >= 0; i = out.text.indexOf("\n", i + 1)) lineStarts.push(JSON.stringify(out.origin?.positionAt(i + 1) ?? null));
    return { text: out.text, lineStarts };
  };

  it("prints what the token path prints", () => {
    const fast = once(undefined);
    const tokenPath = once(new IncludeMemo([]));
    expect(fast.text).toContain("\tq = <7>;\n");
    expect(fast.text).toBe(tokenPath.text);
    expect(fast.lineStarts).toEqual(tokenPath.lineStarts);
  });
});

describe("lines done in one piece: linear work", () => {
  // Lines with no identifier (the search for the next one must stop at the line's end), a long
  // block of plain lines whose one-piece copy fails at its end (not retried after each line), and
  // lines that each invoke a function-like macro (the block is not matched again from each).
  const source = (n: number): string =>
    "#define F(x) x\n" + "\t<1 2 3>;\n".repeat(n) + "\ty = <4>;\n".repeat(n) + "\tz; \n" + "\tF(1)\n".repeat(n);
  const work = (n: number) => () => {
    const text = source(n);
    preprocess(new SourceFile("main.S", text), { host: memoryFileHost({}), includeDirs: [], defines: [], undefines: [] }, new DiagnosticSink());
  };

  it("grows linearly with the number of lines", () => {
    const small = 10000;
    const factor = 8;
    const ratio = fastest(work(small * factor), 5) / fastest(work(small), 5);
    expect(ratio).toBeLessThan(linearBound(factor));
  });
});
