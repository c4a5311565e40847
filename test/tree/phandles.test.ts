import { describe, expect, it } from "vitest";
import { findNodeByPhandle, getNodePhandle } from "../../src/tree/index.ts";
import * as A from "./ast-builders.ts";
import { at, mustBuild, propHex, propNames, resolve } from "./helpers.ts";

describe("phandle allocation", () => {
  const tree3 = () =>
    A.doc(
      {},
      A.rootStmt(
        A.prop("r1", A.cells("&c", "&a")),
        A.node("a: a", A.prop("x")),
        A.node("b: b", A.prop("phandle", A.cells(2))),
        A.node("c: c", A.prop("r2", A.cells("&b", "&a", "&{/d}"))),
        A.node("d"),
      ),
    );

  it("allocates in reference order from 1, skipping explicit values, appended last", () => {
    A.newText();
    const tree = mustBuild(tree3());
    expect(resolve(tree)).toEqual([]);
    expect(propHex(tree, "/", "r1")).toBe("00000001" + "00000003");
    expect(propHex(tree, "/c", "r2")).toBe("00000002" + "00000003" + "00000004");
    expect(propNames(at(tree, "/a"))).toEqual(["x", "phandle"]);
    expect(propNames(at(tree, "/b"))).toEqual(["phandle"]);
    expect(findNodeByPhandle(tree, 4)).toBe(at(tree, "/d"));
    expect(at(tree, "/a").referenced).toBe(true);
  });

  it("-H legacy / both choose the properties written", () => {
    A.newText();
    const legacy = mustBuild(tree3());
    resolve(legacy, { phandleFormat: "legacy" });
    expect(propNames(at(legacy, "/a"))).toEqual(["x", "linux,phandle"]);
    expect(propNames(at(legacy, "/b"))).toEqual(["phandle"]);
    A.newText();
    const both = mustBuild(tree3());
    resolve(both, { phandleFormat: "both" });
    expect(propNames(at(both, "/a"))).toEqual(["x", "linux,phandle", "phandle"]);
    expect(propNames(at(both, "/b"))).toEqual(["phandle"]);
  });

  it("phandle = <&self> allocates; with -H both linux,phandle is added after it", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.node("n: n", A.prop("phandle", A.cells("&n")), A.prop("y")))));
    expect(resolve(tree, { phandleFormat: "both" })).toEqual([]);
    expect(propNames(at(tree, "/n"))).toEqual(["phandle", "y", "linux,phandle"]);
    expect(propHex(tree, "/n", "phandle")).toBe("00000001");
    expect(propHex(tree, "/n", "linux,phandle")).toBe("00000001");
  });

  it("reports explicit phandle errors with dtc's texts", () => {
    A.newText();
    const tree = mustBuild(
      A.doc(
        {},
        A.rootStmt(
          A.node("o: other"),
          A.node("z", A.prop("phandle", A.cells(0))),
          A.node("m", A.prop("phandle", A.cells("0xffffffff"))),
          A.node("len", A.prop("linux,phandle", A.cells(1, 2))),
          A.node("mis", A.prop("phandle", A.cells(5)), A.prop("linux,phandle", A.cells(6))),
          A.node("dup", A.prop("phandle", A.cells(5))),
          A.node("ref", A.prop("phandle", A.cells("&o"))),
        ),
      ),
    );
    expect(resolve(tree).map((p) => `${p.path}:${p.prop ?? ""}: ${p.message}`)).toEqual([
      "/z:phandle: bad value (0x0) in phandle property",
      "/m:phandle: bad value (0xffffffff) in phandle property",
      "/len:linux,phandle: bad length (8) linux,phandle property",
      "/mis:: mismatching 'phandle' and 'linux,phandle' properties",
      "/dup:: duplicated phandle 0x5 (seen before at /mis)",
      "/ref:: phandle is a reference to another node",
    ]);
  });

  it("unresolved references: errors, or 0xffffffff in a plugin", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.prop("r", A.cells("&nope", 1)), A.prop("s", A.pathRef("{/nope}")))));
    expect(resolve(tree)).toEqual([
      { check: "phandle_references", path: "/", prop: undefined, message: 'Reference to non-existent node or label "nope"\n' },
      { check: "path_references", path: "/", prop: undefined, message: 'Reference to non-existent node or label "/nope"\n' },
    ]);
    A.newText();
    const plugin = mustBuild(A.doc({ plugin: [true] }, A.rootStmt(A.prop("r", A.cells("&nope", 1)))));
    expect(resolve(plugin)).toEqual([]);
    expect(propHex(plugin, "/", "r")).toBe("ffffffff00000001");
  });

  it("path references splice the full path and shift later markers", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.prop("p", A.pathRef("n"), A.vlabel("after"), A.str("x"), A.pathRef("{/}")), A.node("n: n@1"))));
    expect(resolve(tree)).toEqual([]);
    const v = tree.root.properties[0]!.value;
    expect(Buffer.from(v.bytes).toString("latin1")).toBe("/n@1\0x\0/\0");
    expect(v.markers.map((m) => `${m.kind}@${m.offset}`)).toEqual(["type@0", "pathRef@0", "label@5", "type@5", "type@7", "pathRef@7"]);
    expect(at(tree, "/n@1").phandle).toBe(0);
  });

  it("getNodePhandle keeps counting where the reference pass stopped", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.prop("r", A.cells("&a")), A.node("a: a"), A.node("b"), A.node("c", A.prop("phandle", A.cells(2))))));
    resolve(tree);
    expect(getNodePhandle(tree, at(tree, "/b"), "epapr")).toBe(3);
  });
});
