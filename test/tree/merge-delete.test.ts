import { describe, expect, it } from "vitest";
import * as A from "./ast-builders.ts";
import { at, build, childNames, messages, mustBuild, propHex, propNames, resolve } from "./helpers.ts";

describe("merging blocks", () => {
  it("replaces properties in place, appends new ones, merges children by full name (checked against dtc -O dts)", () => {
    A.newText();
    const tree = mustBuild(
      A.doc(
        {},
        A.rootStmt(A.prop("a", A.cells(1)), A.prop("b", A.cells(2)), A.prop("l1: c", A.cells(3)), A.node("x: n1", A.prop("p", A.cells(1))), A.node("n2")),
        A.rootStmt(A.prop("l2: a", A.cells(10)), A.prop("d", A.cells(4)), A.delProp("b"), A.node("y: n1", A.prop("q", A.cells(2))), A.node("n3")),
        A.rootStmt(A.prop("b", A.cells(20)), A.delNode("n2")),
        A.rootStmt(A.node("n2", A.prop("r", A.cells(1))), A.node("z: w: n1")),
      ),
    );
    expect(propNames(tree.root)).toEqual(["a", "b", "c", "d"]);
    expect(tree.root.properties.map((p) => p.labels)).toEqual([["l2"], [], ["l1"], []]);
    expect(propHex(tree, "/", "a")).toBe("0000000a");
    expect(propHex(tree, "/", "b")).toBe("00000014");
    expect(childNames(tree.root)).toEqual(["n1", "n2", "n3"]);
    expect(at(tree, "/n1").labels).toEqual(["w", "z", "y", "x"]);
    expect(propNames(at(tree, "/n1"))).toEqual(["p", "q"]);
    expect(propNames(at(tree, "/n2"))).toEqual(["r"]);
    expect(at(tree, "/n1").spans).toHaveLength(3);
    expect(tree.root.spans).toHaveLength(4);
  });

  it("merges &label and &{/path} blocks and adds `label: &ref` labels", () => {
    A.newText();
    const tree = mustBuild(
      A.doc({}, A.rootStmt(A.node("l: n@1", A.node("c"))), A.refStmt("l", [], A.prop("a", A.cells(1))), A.refStmt("{/n@1/c}", [], A.prop("b", A.cells(2))), A.refStmt("l", ["m"], A.prop("c", A.cells(3))), A.refStmt("{l/c}", [], A.prop("d"))),
    );
    expect(propNames(at(tree, "/n@1"))).toEqual(["a", "c"]);
    expect(at(tree, "/n@1").labels).toEqual(["m", "l"]);
    expect(propNames(at(tree, "/n@1/c"))).toEqual(["b", "d"]);
  });

  it("reports unknown merge targets at the reference, and at the body for a first `&ref {}`", () => {
    A.newText();
    const d = A.doc({}, A.refStmt("nolabel", []), A.refStmt("{/no/path}", []), A.delNodeStmt("gone"), A.omitStmt("{/x}"));
    const r = build(d);
    expect(r.tree).toBeUndefined();
    expect(messages(r.sink)).toEqual(["error:Label or path nolabel not found", "error:Label or path /no/path not found", "error:Label or path gone not found", "error:Label or path /x not found"]);
    const first = d.statements[0]!;
    expect(r.sink.items[0]!.span).toBe(first.kind === "refNode" ? first.body.span : undefined);
    const second = d.statements[1]!;
    expect(r.sink.items[1]!.span).toBe(second.kind === "refNode" ? second.ref.span : undefined);
  });

  it("path components match full names: &{/node} does not find node@1", () => {
    A.newText();
    const r = build(A.doc({}, A.rootStmt(A.node("node@1")), A.refStmt("{/node}", [])));
    expect(messages(r.sink)).toEqual(["error:Label or path /node not found"]);
  });

  it("property labels from several blocks are kept, newest first", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.prop("l1: l2: p", A.cells(1))), A.rootStmt(A.prop("l3: l4: p", A.cells(2)))));
    expect(tree.root.properties[0]!.labels).toEqual(["l4", "l3", "l1", "l2"]);
  });

  it("does not merge duplicates inside one block", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.prop("p", A.cells(1)), A.prop("p", A.cells(2)), A.node("n"), A.node("n"))));
    expect(propNames(tree.root)).toEqual(["p", "p"]);
    expect(childNames(tree.root)).toEqual(["n", "n"]);
  });
});

describe("deleting", () => {
  it("deletes by label and path, dropping labels so that later references fail", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.node("a: n1", A.node("b: c")), A.node("n2"), A.prop("r", A.cells("&b"))), A.delNodeStmt("a"), A.delNodeStmt("{/n2}")));
    expect(childNames(tree.root)).toEqual([]);
    expect(resolve(tree)).toEqual([{ check: "phandle_references", path: "/", prop: undefined, message: 'Reference to non-existent node or label "b"\n' }]);
  });

  it("a deleted label can be reused elsewhere", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.node("a: n1"), A.prop("r", A.cells("&a"))), A.delNodeStmt("a"), A.rootStmt(A.node("a: n2"))));
    expect(resolve(tree)).toEqual([]);
    expect(propHex(tree, "/n2", "phandle")).toBe("00000001");
  });

  it("a reinstated node keeps its old position but not its old contents or labels", () => {
    A.newText();
    const tree = mustBuild(
      A.doc({}, A.rootStmt(A.node("a: n1", A.prop("p", A.cells(1)), A.node("k")), A.node("n2")), A.delNodeStmt("{/n1}"), A.rootStmt(A.node("n3"), A.node("n1", A.prop("q")))),
    );
    expect(childNames(tree.root)).toEqual(["n1", "n2", "n3"]);
    const n1 = at(tree, "/n1");
    expect(propNames(n1)).toEqual(["q"]);
    expect(childNames(n1)).toEqual([]);
    expect(n1.labels).toEqual([]);
    expect(n1.hasDeletedLabels).toBe(true);
    expect(n1.ghosts?.map((g) => g.name)).toEqual(["k"]);
  });

  it("a deleted property reappears at its old position, without its old labels", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.prop("l: a", A.cells(1)), A.prop("b", A.cells(2))), A.rootStmt(A.delProp("a")), A.rootStmt(A.prop("c"), A.prop("a", A.cells(3)))));
    expect(propNames(tree.root)).toEqual(["a", "b", "c"]);
    expect(tree.root.properties[0]!.labels).toEqual([]);
  });

  it("deleting what does not exist by name is ignored", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.prop("a")), A.rootStmt(A.delProp("zz"), A.delNode("zz"))));
    expect(propNames(tree.root)).toEqual(["a"]);
  });

  it("quirk: a delete in the defining block is not applied, and leaves a ghost for duplicate_node_names", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.prop("a", A.cells(1)), A.delProp("a"), A.node("n"), A.delNode("n"))));
    expect(propNames(tree.root)).toEqual(["a"]);
    expect(childNames(tree.root)).toEqual(["n"]);
    expect(tree.root.ghosts).toEqual([{ name: "n", span: expect.anything(), index: 1, path: undefined, omitted: false }]);
  });

  it("quirk: a delete marker left in a block is what a later delete-by-name finds first", () => {
    // `/ { /delete-node/ n; n {}; }; / { /delete-node/ n; };` deletes the marker again: n survives.
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.delNode("n"), A.node("n")), A.rootStmt(A.delNode("n"))));
    expect(childNames(tree.root)).toEqual(["n"]);
  });
});
