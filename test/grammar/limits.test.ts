// Depth and size: node nesting and sibling counts are bounded only by memory (dtc's bison stack
// limits are not language rules); parentheses and `?:` in expressions are bounded by
// MAX_EXPRESSION_DEPTH, operator chains are not.
import { describe, expect, it } from "vitest";
import { MAX_EXPRESSION_DEPTH, type NodeBody, type NodeDef } from "../../grammar/index.ts";
import { parse } from "./helpers.ts";

function rootBody(text: string): NodeBody {
  const r = parse(text);
  if (!r.doc) throw new Error(r.messages.join("; "));
  const s = r.doc.statements[0]!;
  if (s.kind !== "root") throw new Error("no root");
  return s.body;
}

describe("nesting and siblings", () => {
  it("parses nodes nested 10,000 deep", () => {
    const depth = 10_000;
    const text = `/dts-v1/;\n/ {${"n{".repeat(depth)}p;${"};".repeat(depth)}};`;
    let body = rootBody(text);
    let levels = 0;
    while (body.children.length > 0) {
      body = (body.children[0] as NodeDef).body;
      levels++;
    }
    expect(levels).toBe(depth);
    expect(body.properties.map((p) => p.name)).toEqual(["p"]);
  });

  it("parses 100,000 sibling nodes and 100,000 properties in one body", () => {
    const n = 100_000;
    const props = Array.from({ length: n }, (_, i) => `p${i};`).join("");
    const nodes = Array.from({ length: n }, (_, i) => `n${i}{};`).join("");
    const body = rootBody(`/dts-v1/;\n/ {${props}${nodes}};`);
    expect(body.properties.length).toBe(n);
    expect(body.children.length).toBe(n);
    expect(body.children[n - 1]!.name).toBe(`n${n - 1}`);
  });

  it("reports a syntax error deep inside at the right token", () => {
    const depth = 5_000;
    const text = `/dts-v1/;\n/ {${"n{".repeat(depth)}p=;${"};".repeat(depth)}};`;
    expect(parse(text).messages).toEqual([`t.dts:2.${4 + 2 * depth + 2} syntax error`]);
  });
});

describe("expression depth", () => {
  const at = (d: number) => `/dts-v1/;\n/ { p = <${"(".repeat(d)}1${")".repeat(d)}>; };`;

  it("accepts parentheses nested up to the limit", () => {
    expect(parse(at(MAX_EXPRESSION_DEPTH)).messages).toEqual([]);
  });

  it("rejects deeper nesting cleanly, at the first parenthesis past the limit", () => {
    // `p = <` ends at column 9: the (MAX+1)th parenthesis is at column 9 + MAX + 1.
    expect(parse(at(MAX_EXPRESSION_DEPTH + 1)).messages).toEqual([`t.dts:2.${10 + MAX_EXPRESSION_DEPTH} expression nested too deeply`]);
    const r = parse(at(100_000));
    expect(r.doc).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: "syntax", message: "expression nested too deeply" });
  });

  it("does not count operator chains or unary chains as nesting (dtc accepts 100,000 terms)", () => {
    const chain = (n: number) => `/dts-v1/;\n/ { p = <(1${" + 1".repeat(n)})>; };`;
    expect(parse(chain(100_000)).messages).toEqual([]);
    const unary = (n: number) => `/dts-v1/;\n/ { p = <(${"-".repeat(n)}1)>; };`;
    expect(parse(unary(100_000)).messages).toEqual([]);
    // `?:` nests (its branches are expressions of their own), as parentheses do.
    const ternary = (n: number) => `/dts-v1/;\n/ { p = <(${"1 ? 1 : ".repeat(n)}1)>; };`;
    expect(parse(ternary(MAX_EXPRESSION_DEPTH - 1)).messages).toEqual([]);
    expect(parse(ternary(100_000)).messages[0]).toMatch(/expression nested too deeply/);
  });

  it("counts nesting in /memreserve/ and /incbin/ arguments too", () => {
    const deep = (d: number) => `/dts-v1/;\n/memreserve/ ${"(".repeat(d)}1${")".repeat(d)} 2;\n/ { };`;
    expect(parse(deep(MAX_EXPRESSION_DEPTH)).messages).toEqual([]);
    expect(parse(deep(MAX_EXPRESSION_DEPTH + 1)).messages[0]).toMatch(/expression nested too deeply/);
  });

  it("decodes a value at the depth limit", () => {
    const body = rootBody(at(MAX_EXPRESSION_DEPTH));
    const value = body.properties[0]!.kind === "property" ? body.properties[0]!.value : undefined;
    let expr = value?.[0]?.kind === "cells" && value[0].items[0]?.kind === "expr" ? value[0].items[0].expr : undefined;
    let depth = 0;
    while (expr?.kind === "paren") {
      expr = expr.inner;
      depth++;
    }
    expect(depth).toBe(MAX_EXPRESSION_DEPTH);
    expect(expr).toMatchObject({ kind: "literal", raw: "1" });
  });
});
