import { describe, expect, it } from "vitest";
import type { NodeDef, PropertyDef } from "../../grammar/ast.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { findNodeByLabel, findNodeByPath, generateFixups, generateSymbols, sortTree } from "../../src/tree/index.ts";
import * as A from "./ast-builders.ts";
import { mustBuild, resolve } from "./helpers.ts";

/** n0 { n1 { ... n{depth-1} { leaf-items } } } built bottom-up without recursion. */
function chain(depth: number, leaf: (PropertyDef | NodeDef)[], labelAt?: number): NodeDef {
  let n = A.node(`${labelAt === depth - 1 ? "deep: " : ""}n${depth - 1}`, ...leaf);
  for (let i = depth - 2; i >= 0; i--) n = A.node(`${labelAt === i ? "deep: " : ""}n${i}`, n);
  return n;
}

describe("deep and wide trees (no recursion, linear time)", () => {
  it("builds, merges, resolves and deletes 10,000 levels", () => {
    A.newText();
    const depth = 10_000;
    const d = A.doc(
      { plugin: [true] },
      A.rootStmt(A.prop("r", A.cells("&deep", "&ext")), chain(depth, [A.prop("a", A.cells(1))], depth - 1)),
      A.rootStmt(chain(depth, [A.prop("b", A.pathRef("deep"))])),
      A.refStmt("deep", [], A.node("extra")),
    );
    const tree = mustBuild(d);
    expect(resolve(tree, { symbols: true })).toEqual([]);
    const deep = findNodeByLabel(tree, "deep")!;
    expect(deep.properties.map((p) => p.name)).toEqual(["a", "b", "phandle"]);
    expect(deep.path.split("/")).toHaveLength(depth + 1);
    generateSymbols(tree, { phandleFormat: "epapr" });
    generateFixups(tree, new DiagnosticSink());
    expect(tree.root.children.map((c) => c.name)).toEqual(["n0", "__symbols__", "__fixups__", "__local_fixups__"]);
    sortTree(tree);
    let count = 0;
    for (const _ of tree.root.walk()) count++;
    expect(count).toBe(1 + depth + 1 + 3);
  });

  it("deletes a 10,000-level subtree and reinstates its top", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(chain(10_000, [], 5000)), A.delNodeStmt("{/n0}"), A.rootStmt(A.node("n0", A.prop("x")))));
    expect(findNodeByLabel(tree, "deep")).toBeUndefined();
    expect(tree.root.children[0]!.children).toEqual([]);
    expect(findNodeByPath(tree, "/n0")!.properties.map((p) => p.name)).toEqual(["x"]);
  });

  it("handles 30,000 siblings, labels and references in linear time", () => {
    const build = (n: number) => {
      A.newText();
      const kids: NodeDef[] = [];
      for (let i = 0; i < n; i++) kids.push(A.node(`l${i}: dev@${i.toString(16)}`, A.prop("reg", A.cells(i))));
      const refs = [];
      for (let i = 0; i < n; i += 10) refs.push(A.refStmt(`l${i}`, [], A.prop("ref", A.cells(`&l${n - 1 - i}`)), A.delProp("reg")));
      const start = performance.now();
      const tree = mustBuild(A.docOf({}, [A.rootStmt(A.nodeOf("soc", kids)), ...refs]));
      expect(resolve(tree)).toEqual([]);
      return { tree, ms: performance.now() - start };
    };
    build(1_000); // warm-up
    const small = build(3_000);
    const n = 30_000;
    const { tree, ms } = build(n);
    const soc = tree.root.children[0]!;
    expect(soc.children).toHaveLength(n);
    expect(soc.children[0]!.properties.map((p) => p.name)).toEqual(["ref"]);
    expect(soc.children[n - 1]!.properties.map((p) => p.name)).toEqual(["reg", "phandle"]);
    // 10x the input: linear work stays near 10x; quadratic would be ~100x.
    expect(ms / Math.max(small.ms, 1)).toBeLessThan(35);
  });
});
