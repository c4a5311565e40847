// Smoke test of the whole front end into this layer: dtc-tests sources parsed and built by
// grammar/ and src/tree (with the reference passes dtc runs as checks), then written as a blob
// (must equal dtc's results/<id>.dtb) and as DTS (must equal dtc 1.6.1's results/<id>.src.dts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDts } from "../../grammar/index.ts";
import { writeDtb, writeDts } from "../../src/fdt/index.ts";
import { DiagnosticSink, SourceFile, nodeFileHost } from "../../src/source/index.ts";
import { buildTree, checkExplicitPhandles, fixupPathReferences, fixupPhandleReferences, guessBootCpuId, omitUnusedNodes } from "../../src/tree/index.ts";
import type { DeviceTree } from "../../src/tree/index.ts";
import { HAS_SHARED, SHARED } from "./helpers.ts";

const INPUTS = join(SHARED, "dtc-tests/inputs");
const RESULTS = join(SHARED, "dtc-tests/results");

/** dtc's steps up to output for `dtc -I dts -O dtb <file>` (default -H epapr, no -@). */
function compileSource(file: string): DeviceTree {
  const path = join(INPUTS, file);
  const sink = new DiagnosticSink();
  const source = new SourceFile(path, readFileSync(path, "latin1"));
  const doc = parseDts(source, { host: nodeFileHost, includeDirs: [] }, sink);
  const tree = doc && buildTree(doc, { host: nodeFileHost, includeDirs: [] }, sink);
  if (!tree) throw new Error(sink.items.map((d) => d.message).join("; "));
  const problems: string[] = [];
  const report = (_n: unknown, _p: unknown, message: string) => problems.push(message);
  checkExplicitPhandles(tree, report);
  fixupPhandleReferences(tree, { phandleFormat: "epapr" }, report);
  fixupPathReferences(tree, report);
  omitUnusedNodes(tree, { symbols: false });
  expect(problems).toEqual([]);
  tree.bootCpuId = guessBootCpuId(tree);
  return tree;
}

const SMOKE = [
  "test_tree1",
  "type-preservation",
  "value-labels",
  "escapes",
  "char_literal",
  "sized_cells",
  "stringlist",
  "incbin",
  "multilabel_merge",
  "delete_reinstate_multilabel",
  "appendprop",
  "multilabel",
  "references",
  "integer-expressions",
  "omit-no-ref",
  "boot-cpuid",
  "test_tree1_merge_labelled",
];

describe.skipIf(!HAS_SHARED)("dtc-tests sources through parser, builder and writers", () => {
  it.each(SMOKE)("%s", (id) => {
    const tree = compileSource(`${id}.dts`);
    const blob = writeDtb(tree, { bootCpuId: tree.bootCpuId ?? 0 });
    expect(Buffer.from(blob).equals(readFileSync(join(RESULTS, `${id}.dtb`)))).toBe(true);
    expect(writeDts(tree, { dialect: "1.6.1" })).toBe(readFileSync(join(RESULTS, `${id}.src.dts`), "latin1"));
  });

  it("type-preservation prints as dtc 1.8.1 prints it", () => {
    expect(writeDts(compileSource("type-preservation.dts"))).toBe(readFileSync(join(INPUTS, "type-preservation.dts"), "latin1"));
  });
});
