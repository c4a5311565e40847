import { describe, expect, it } from "vitest";
import { guessBootCpuId, sortTree } from "../../src/tree/index.ts";
import * as A from "./ast-builders.ts";
import { at, childNames, mustBuild, propNames, resolve } from "./helpers.ts";

describe("/omit-if-no-ref/ (compared with dtc -O dts output)", () => {
  const source = () =>
    A.doc(
      {},
      A.rootStmt(
        A.prop("r", A.cells("&a")),
        A.prop("s", A.pathRef("d")),
        A.node("/omit-if-no-ref/ a: a"),
        A.node("b: /omit-if-no-ref/ b"),
        A.node("c: c", A.prop("x", A.cells(1))),
        A.node("d: d", A.node("q")),
        A.node("e: e"),
        A.node("f"),
      ),
      A.omitStmt("c"),
      A.omitStmt("{/d}"),
      A.omitStmt("e"),
      A.rootStmt(A.node("/omit-if-no-ref/ f")),
    );

  it("drops unreferenced marked nodes; a merge does not carry the mark", () => {
    A.newText();
    const tree = mustBuild(source());
    expect(resolve(tree)).toEqual([]);
    expect(childNames(tree.root)).toEqual(["a", "d", "f"]);
    expect(tree.root.ghosts?.map((g) => [g.name, g.index, g.path, g.omitted])).toEqual([
      ["b", 1, "/b", true],
      ["c", 1, "/c", true],
      ["e", 2, "/e", true],
    ]);
  });

  it("keeps labelled nodes with -@", () => {
    A.newText();
    const tree = mustBuild(source());
    resolve(tree, { symbols: true });
    expect(childNames(tree.root)).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  it("renumbers earlier ghosts when nodes are omitted", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.node("/omit-if-no-ref/ x"), A.node("y"), A.node("z"), A.delNode("z"))));
    expect(tree.root.ghosts?.map((g) => [g.name, g.index])).toEqual([["z", 3]]);
    resolve(tree);
    expect(childNames(tree.root)).toEqual(["y", "z"]);
    expect(tree.root.ghosts?.map((g) => [g.name, g.index, g.omitted])).toEqual([["x", 0, true], ["z", 2, false]]);
  });
});

describe("boot cpu guess", () => {
  it("takes reg of the first /cpus child when it is one cell", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.node("cpus", A.node("cpu@11", A.prop("reg", A.cells("0x11"))), A.node("cpu@12", A.prop("reg", A.cells("0x12")))))));
    expect(guessBootCpuId(tree)).toBe(0x11);
    expect(tree.bootCpuId).toBe(0x11);
  });
  it("is 0 for two-cell regs, missing /cpus, or a deleted first child (dtc looks at the raw list)", () => {
    A.newText();
    const two = mustBuild(A.doc({}, A.rootStmt(A.node("cpus", A.node("cpu@0", A.prop("reg", A.cells(0, 1)))))));
    expect(guessBootCpuId(two)).toBe(0);
    A.newText();
    expect(guessBootCpuId(mustBuild(A.doc({}, A.rootStmt())))).toBe(0);
    A.newText();
    const del = mustBuild(A.doc({}, A.rootStmt(A.node("cpus", A.node("cpu@1", A.prop("reg", A.cells(1))), A.node("cpu@2", A.prop("reg", A.cells(2))))), A.rootStmt(A.node("cpus", A.delNode("cpu@1")))));
    expect(childNames(at(del, "/cpus"))).toEqual(["cpu@2"]);
    expect(del.bootCpuId).toBe(0);
    expect(guessBootCpuId(del)).toBe(0);
  });
});

describe("-s", () => {
  it("sorts memreserves, properties and children by name (byte order)", () => {
    A.newText();
    const tree = mustBuild(
      A.doc(
        { memreserves: [A.memres(["m"], A.lit("0x2000"), A.lit("0x10")), A.memres([], A.lit("0x1000"), A.lit("0x20")), A.memres([], A.lit("0x1000"), A.lit("0x10"))] },
        A.rootStmt(A.prop("b"), A.prop("B"), A.prop("a"), A.node("z", A.prop("y"), A.prop("x")), A.node("a@2"), A.node("a@10")),
      ),
    );
    sortTree(tree);
    expect(tree.memreserves.map((m) => [m.address, m.size])).toEqual([[0x1000n, 0x10n], [0x1000n, 0x20n], [0x2000n, 0x10n]]);
    expect(propNames(tree.root)).toEqual(["B", "a", "b"]);
    expect(childNames(tree.root)).toEqual(["a@10", "a@2", "z"]);
    expect(propNames(at(tree, "/z"))).toEqual(["x", "y"]);
    expect(tree.memreserves[2]!.labels).toEqual(["m"]);
  });
});
