import { describe, expect, it } from "vitest";
import { memoryFileHost } from "../../src/source/index.ts";
import * as A from "./ast-builders.ts";
import { build, messages, mustBuild, propHex } from "./helpers.ts";

const one = (...value: Parameters<typeof A.prop> extends [string, ...infer R] ? R : never) => A.doc({}, A.rootStmt(A.prop("p", ...value)));

describe("property values", () => {
  it("concatenates components with no alignment", () => {
    A.newText();
    const tree = mustBuild(one(A.str("abc"), A.bytes("12", "34"), A.cells("0xa")));
    expect(propHex(tree, "/", "p")).toBe("61626300" + "1234" + "0000000a");
  });

  it("records markers at dtc's offsets", () => {
    A.newText();
    const tree = mustBuild(one(A.vlabel("v1"), A.cells("1", "v2:", "2", "v3:"), A.vlabel("v4"), A.str("s"), A.vlabel("v5")));
    expect(tree.root.properties[0]!.value.markers).toEqual([
      { kind: "label", offset: 0, name: "v1" },
      { kind: "type", offset: 0, type: "u32" },
      { kind: "label", offset: 4, name: "v2" },
      { kind: "label", offset: 8, name: "v3" },
      { kind: "label", offset: 8, name: "v4" },
      { kind: "type", offset: 8, type: "string" },
      { kind: "label", offset: 10, name: "v5" },
    ]);
  });

  it("writes /bits/ sizes without padding", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.prop("a", A.cellsBits("8", "1", "0xff")), A.prop("b", A.cellsBits("16", "0x1234")), A.prop("c", A.cellsBits("64", "0x123456789abcdef0")), A.prop("d", A.cellsBits("32", "5")))));
    expect(propHex(tree, "/", "a")).toBe("01ff");
    expect(propHex(tree, "/", "b")).toBe("1234");
    expect(propHex(tree, "/", "c")).toBe("123456789abcdef0");
    expect(propHex(tree, "/", "d")).toBe("00000005");
    expect(tree.root.properties[0]!.value.markers).toEqual([{ kind: "type", offset: 0, type: "u8" }]);
  });

  it("rejects other /bits/ sizes and references outside 32-bit arrays", () => {
    A.newText();
    const r = build(A.doc({}, A.rootStmt(A.prop("a", A.cellsBits("7", "1")), A.prop("b", A.cellsBits("16", "&x")), A.node("x: x"))));
    expect(r.tree).toBeUndefined();
    expect(messages(r.sink)).toEqual(["error:Array elements must be 8, 16, 32 or 64-bits", "error:References are only allowed in arrays with 32-bit elements."]);
  });

  it("warns on truncation (dtc 1.8.1) and accepts sign-extended values", () => {
    A.newText();
    const r = build(
      A.doc({}, A.rootStmt(
        A.prop("a", A.cells("0x7048860ddf79")),
        A.prop("b", A.cellsBits("8", A.paren(A.un("-", A.lit("129"))))),
        A.prop("c", A.cellsBits("8", "256")),
        A.prop("d", A.cells(A.paren(A.un("-", A.lit("1"))))),
      )),
    );
    expect(messages(r.sink)).toEqual(["warning:Value 0x00007048860ddf79 truncated to 0x860ddf79", "warning:Value 0x0000000000000100 truncated to 0x00"]);
    const tree = r.tree!;
    expect(propHex(tree, "/", "a")).toBe("860ddf79");
    expect(propHex(tree, "/", "b")).toBe("7f");
    expect(propHex(tree, "/", "c")).toBe("00");
    expect(propHex(tree, "/", "d")).toBe("ffffffff");
  });

  it("decodes strings with embedded NULs and escapes", () => {
    A.newText();
    const tree = mustBuild(one(A.rawStr(String.raw`"a\0b"`), A.rawStr(String.raw`"\x41\101"`)));
    expect(propHex(tree, "/", "p")).toBe("61006200" + "414100");
  });

  it("stops at dtc's fatal \\x error", () => {
    A.newText();
    const r = build(one(A.rawStr(String.raw`"\xz"`)));
    expect(r.tree).toBeUndefined();
    expect(messages(r.sink)).toEqual(["error:\\x used with no following hex digits"]);
  });

  it("reads character literals and their errors", () => {
    A.newText();
    const r = build(one(A.cells(A.chr("'a'"), A.chr(String.raw`'\n'`), A.chr("''"), A.chr("'ab'"))));
    expect(messages(r.sink)).toEqual(["error:Empty character literal", "error:Character literal has 2 characters instead of 1"]);
  });

  it("leaves a zero-length slot for path references, typed as a string", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.prop("p", A.str("x"), A.pathRef("n")), A.node("n: n"))));
    expect(propHex(tree, "/", "p")).toBe("7800");
    expect(tree.root.properties[0]!.value.markers.map((m) => [m.kind, m.offset])).toEqual([["type", 0], ["type", 2], ["pathRef", 2]]);
  });

  it("includes /incbin/ files, with offset and length", () => {
    A.newText();
    const host = memoryFileHost({ "bin.dat": new Uint8Array([1, 2, 3, 4, 5, 6]) });
    const tree = mustBuild(A.doc({}, A.rootStmt(A.prop("a", A.incbin("bin.dat")), A.prop("b", A.incbin("bin.dat", A.lit("2"), A.lit("3"))), A.prop("c", A.incbin("bin.dat", A.lit("5"), A.lit("9"))), A.prop("d", A.incbin("bin.dat", A.lit("9"), A.lit("1"))))), host);
    expect(propHex(tree, "/", "a")).toBe("010203040506");
    expect(propHex(tree, "/", "b")).toBe("030405");
    expect(propHex(tree, "/", "c")).toBe("06");
    expect(propHex(tree, "/", "d")).toBe("");
  });

  it("a missing /incbin/ file is fatal", () => {
    A.newText();
    const r = build(one(A.incbin("nope.bin")));
    expect(r.tree).toBeUndefined();
    expect(messages(r.sink)).toEqual(['error:Couldn\'t open "nope.bin": No such file or directory']);
  });

  it("gives an empty value to `name;` and empty arrays", () => {
    A.newText();
    const tree = mustBuild(A.doc({}, A.rootStmt(A.prop("a"), A.prop("b", A.cells()), A.prop("c", A.bytes()))));
    expect([propHex(tree, "/", "a"), propHex(tree, "/", "b"), propHex(tree, "/", "c")]).toEqual(["", "", ""]);
  });
});
