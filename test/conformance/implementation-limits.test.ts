// dtc's implementation limits are not ours: 100,000 siblings in one block (dtc's bison stack dies
// near 9,988), nesting 10,000 deep (dtc: ~3,330) and a 10 MB source all compile, without
// overflowing the JS stack. The blob is read back and counted, so "compiles" means "right tree".
import { describe, expect, it } from "vitest";
import { compile, defaultCompileOptions } from "../../src/compile/index.ts";
import { readDtb } from "../../src/fdt/index.ts";
import { generateBoard, generateDeepNesting, generateSiblings } from "../../src/gen/index.ts";
import { DiagnosticSink, memoryFileHost, SourceFile } from "../../src/source/index.ts";
import type { DtNode } from "../../src/tree/model.ts";

function compileText(text: string) {
  const sink = new DiagnosticSink();
  const out = compile("big.dts", { ...defaultCompileOptions, inputFormat: "dts", outputFormat: "dtb", quiet: 1, host: memoryFileHost({ "big.dts": text }) }, sink);
  expect(out.ok, sink.items.slice(0, 3).map((d) => d.message).join("\n")).toBe(true);
  if (!out.ok) throw new Error("unreachable");
  const back = readDtb(out.output, SourceFile.binary("big.dtb", ""), new DiagnosticSink());
  expect(back).toBeDefined();
  return back!;
}

function depth(root: DtNode): number {
  let d = 0;
  for (let n: DtNode | undefined = root; n; n = n.children[0]) d++;
  return d;
}

describe("implementation limits", () => {
  it("100,000 sibling nodes in one block", () => {
    const tree = compileText(generateSiblings(100_000));
    const widest = Math.max(...[...tree.root.walk()].map((n) => n.children.length));
    expect(widest).toBe(100_000);
  });

  it("nesting 10,000 deep", () => {
    const tree = compileText(generateDeepNesting(10_000));
    expect(depth(tree.root)).toBeGreaterThanOrEqual(10_000);
  });

  it("a 10 MB source", () => {
    const text = generateBoard({ nodes: 28_000, iommus: 8 });
    expect(text.length).toBeGreaterThan(10_000_000);
    const tree = compileText(text);
    expect([...tree.root.walk()].length).toBeGreaterThan(28_000);
  });
});
