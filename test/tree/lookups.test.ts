import { describe, expect, it } from "vitest";
import { findNodeByLabel, findNodeByPath, findNodeByPhandle, findNodeByRef, invalidateTreeIndex } from "../../src/tree/index.ts";
import * as A from "./ast-builders.ts";
import { at, mustBuild, resolve } from "./helpers.ts";

describe("lookups", () => {
  const tree = () => {
    A.newText();
    return mustBuild(A.doc({}, A.rootStmt(A.node("a: n@1", A.node("b: c", A.node("d"))), A.node("a: other"), A.node("n"), A.prop("r", A.cells("&b")))));
  };

  it("finds by label (first in pre-order when duplicated), path and ref text", () => {
    const t = tree();
    expect(findNodeByLabel(t, "a")).toBe(at(t, "/n@1"));
    expect(findNodeByLabel(t, "zz")).toBeUndefined();
    expect(findNodeByPath(t, "/")).toBe(t.root);
    expect(findNodeByPath(t, "/n@1/c/d")).toBe(at(t, "/n@1/c/d"));
    expect(findNodeByPath(t, "//n@1//c")).toBe(at(t, "/n@1/c"));
    expect(findNodeByPath(t, "/n")).toBe(at(t, "/n"));
    expect(findNodeByPath(t, "/n@1/x")).toBeUndefined();
    expect(findNodeByRef(t, "/")).toBe(t.root);
    expect(findNodeByRef(t, "b")).toBe(at(t, "/n@1/c"));
    expect(findNodeByRef(t, "a/c/d")).toBe(at(t, "/n@1/c/d"));
    expect(findNodeByRef(t, "a/")).toBe(at(t, "/n@1"));
    expect(findNodeByRef(t, "/n@1/c")).toBe(at(t, "/n@1/c"));
    expect(findNodeByRef(t, "nope/c")).toBeUndefined();
  });

  it("finds by phandle once assigned; never 0 or 0xffffffff", () => {
    const t = tree();
    expect(findNodeByPhandle(t, 1)).toBeUndefined();
    resolve(t);
    expect(findNodeByPhandle(t, 1)).toBe(at(t, "/n@1/c"));
    expect(findNodeByPhandle(t, 0)).toBeUndefined();
    expect(findNodeByPhandle(t, 0xffffffff)).toBeUndefined();
  });

  it("rebuilds the index after outside edits when asked", () => {
    const t = tree();
    at(t, "/n").labels.push("fresh");
    expect(findNodeByLabel(t, "fresh")).toBeUndefined();
    invalidateTreeIndex(t);
    expect(findNodeByLabel(t, "fresh")).toBe(at(t, "/n"));
  });
});
