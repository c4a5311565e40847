import { describe, expect, it } from "vitest";
import { DiagnosticSink } from "../../src/source/index.ts";
import { generateAliasesFromLabels, generateFixups, generateSymbols } from "../../src/tree/index.ts";
import type { DeviceTree, DtNode } from "../../src/tree/index.ts";
import * as A from "./ast-builders.ts";
import { at, build, childNames, messages, mustBuild, propHex, propNames, resolve } from "./helpers.ts";

function strings(tree: DeviceTree, path: string, name: string): string[] {
  const p = at(tree, path).properties.find((x) => x.name === name)!;
  return Buffer.from(p.value.bytes).toString("latin1").split("\0").slice(0, -1);
}

/** The overlay of the dtc -O dts session recorded in the test name. */
function overlay() {
  return A.doc(
    { plugin: [true] },
    A.refStmt("ext1", [], A.prop("a", A.cells("&loc", 1)), A.node("loc: sub", A.prop("b", A.cells("&ext2")))),
    A.refStmt("{/some/path}", [], A.prop("c", A.cells("&ext1"))),
    A.rootStmt(A.prop("d", A.cells("&loc"))),
    A.refStmt("ext1", [], A.prop("e")),
    A.refStmt("loc", [], A.prop("f", A.cells("&loc"))),
  );
}

describe("/plugin/ overlays (compared with dtc -O dts output)", () => {
  it("turns unknown label targets and path targets into numbered fragments; known labels merge locally", () => {
    A.newText();
    const tree = mustBuild(overlay());
    expect(tree.plugin).toBe(true);
    expect(childNames(tree.root)).toEqual(["fragment@0", "fragment@1", "fragment@2"]);
    expect(propNames(at(tree, "/fragment@0"))).toEqual(["target"]);
    expect(propHex(tree, "/fragment@0", "target")).toBe("ffffffff");
    expect(strings(tree, "/fragment@1", "target-path")).toEqual(["/some/path"]);
    expect(childNames(at(tree, "/fragment@0"))).toEqual(["__overlay__"]);
    expect(propNames(at(tree, "/fragment@0/__overlay__/sub"))).toEqual(["b", "f"]);
  });

  it("generates __fixups__ and __local_fixups__", () => {
    A.newText();
    const tree = mustBuild(overlay());
    expect(resolve(tree)).toEqual([]);
    const sink = new DiagnosticSink();
    generateFixups(tree, sink);
    expect(sink.items).toEqual([]);
    expect(childNames(tree.root)).toEqual(["fragment@0", "fragment@1", "fragment@2", "__fixups__", "__local_fixups__"]);
    expect(strings(tree, "/__fixups__", "ext1")).toEqual(["/fragment@0:target:0", "/fragment@1/__overlay__:c:0", "/fragment@2:target:0"]);
    expect(strings(tree, "/__fixups__", "ext2")).toEqual(["/fragment@0/__overlay__/sub:b:0"]);
    expect(propNames(at(tree, "/__local_fixups__"))).toEqual(["d"]);
    expect(propHex(tree, "/__local_fixups__/fragment@0/__overlay__", "a")).toBe("00000000");
    expect(propHex(tree, "/__local_fixups__/fragment@0/__overlay__/sub", "f")).toBe("00000000");
    expect(propHex(tree, "/fragment@0/__overlay__/sub", "phandle")).toBe("00000001");
  });

  it("keeps hand-written fixups and adds only new entries (dtc 1.8.1)", () => {
    A.newText();
    const tree = mustBuild(A.doc({ plugin: [true] }, A.rootStmt(A.prop("r", A.cells("&x", "&x")), A.node("__fixups__", A.prop("x", A.str("/:r:0"))))));
    resolve(tree);
    generateFixups(tree, new DiagnosticSink());
    expect(strings(tree, "/__fixups__", "x")).toEqual(["/:r:0", "/:r:4"]);
  });

  it("cannot make a fixup for an unresolved path reference (dtc 1.8.1 error)", () => {
    A.newText();
    const tree = mustBuild(A.doc({ plugin: [true] }, A.rootStmt(A.prop("r", A.cells("&{/path/to/node}")))));
    resolve(tree);
    const sink = new DiagnosticSink();
    generateFixups(tree, sink);
    expect(messages(sink)).toEqual(["error:Can't generate fixup for reference to path &{/path/to/node}"]);
  });

  it("rejects label-relative targets in plugins and reports mismatched header flags", () => {
    A.newText();
    const r = build(A.doc({ plugin: [true] }, A.rootStmt(A.node("l: n")), A.refStmt("{l/x}", []), A.refStmt("{l/}", ["m"])));
    expect(messages(r.sink)).toEqual(["error:Label-relative reference l/x not supported in plugin", "error:Label-relative reference l/ not supported in plugin"]);
    A.newText();
    const h = build(A.doc({ plugin: [false, true, true] }, A.rootStmt()));
    expect(messages(h.sink)).toEqual(["error:Header flags don't match earlier ones"]);
  });
});

describe("-A and -@", () => {
  const source = () => A.doc({}, A.rootStmt(A.node("aliases", A.prop("x", A.str("/a"))), A.node("x: a", A.node("b: b")), A.node("c: c")));
  const path = (tree: DeviceTree, n: string, p: string) => strings(tree, n, p)[0];

  it("-A adds aliases without phandles and warns on clashes", () => {
    A.newText();
    const tree = mustBuild(source());
    const sink = new DiagnosticSink();
    generateAliasesFromLabels(tree, sink);
    expect(propNames(at(tree, "/aliases"))).toEqual(["x", "b", "c"]);
    expect(path(tree, "/aliases", "b")).toBe("/a/b");
    expect(messages(sink)).toEqual(["warning:label x already exists in /aliases"]);
    expect(at(tree, "/a").phandle).toBe(0);
  });

  it("-@ adds __symbols__ last and allocates phandles in pre-order", () => {
    A.newText();
    const tree = mustBuild(source());
    resolve(tree);
    generateAliasesFromLabels(tree);
    generateSymbols(tree, { phandleFormat: "epapr" });
    expect(childNames(tree.root)).toEqual(["aliases", "a", "c", "__symbols__"]);
    expect(propNames(at(tree, "/__symbols__"))).toEqual(["x", "b", "c"]);
    expect(path(tree, "/__symbols__", "c")).toBe("/c");
    const ph = (n: DtNode) => n.phandle;
    expect([ph(at(tree, "/a")), ph(at(tree, "/a/b")), ph(at(tree, "/c"))]).toEqual([1, 2, 3]);
  });

  it("-@ without any label adds nothing", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.node("a"))));
    generateSymbols(tree, { phandleFormat: "epapr" });
    expect(childNames(tree.root)).toEqual(["a"]);
  });
});
