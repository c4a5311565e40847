// The AST the parser builds for each feature of dts-syntax.md §2–§6 (shape and spans).
import { describe, expect, it } from "vitest";
import type { NodeDef, PropertyDef, TopLevelStatement } from "../../grammar/index.ts";
import { DtsParser } from "../../grammar/parser.ts";
import { accept, firstValue, plain, shape } from "./helpers.ts";

function root(text: string) {
  const doc = accept(`/dts-v1/;\n/ {\n${text}\n};\n`);
  const s = doc.statements[0]!;
  if (s.kind !== "root") throw new Error("no root");
  return s.body;
}

describe("grammar validity", () => {
  it("passes chevrotain's grammar validations", () => {
    expect(() => new DtsParser({ validate: true })).not.toThrow();
  });
});

describe("headers, memreserves, top-level statements", () => {
  it("keeps every header with its plugin flag and span", () => {
    const doc = accept("/dts-v1/; /dts-v1/;\n/plugin/;\n/ { };");
    expect(plain(doc.headers)).toEqual([
      { plugin: false, span: "1.1-1.10" },
      { plugin: true, span: "1.11-2.10" },
    ]);
  });

  it("parses memreserves with labels and primary expressions", () => {
    const doc = accept("/dts-v1/;\nm: mq: /memreserve/ (1 + 2) 'a';\n/memreserve/ 0x10 0x20;\n/ { };");
    expect(plain(doc.memreserves)).toEqual([
      {
        labels: [{ name: "m", span: "2.1-2.3" }, { name: "mq", span: "2.4-2.7" }],
        address: {
          kind: "paren",
          inner: { kind: "binary", op: "+", left: { kind: "literal", raw: "1", span: "2.22-2.23" }, right: { kind: "literal", raw: "2", span: "2.26-2.27" }, span: "2.22-2.27" },
          span: "2.21-2.28",
        },
        size: { kind: "char", raw: "'a'", span: "2.29-2.32" },
        span: "2.1-2.33",
      },
      { labels: [], address: { kind: "literal", raw: "0x10", span: "3.14-3.18" }, size: { kind: "literal", raw: "0x20", span: "3.19-3.23" }, span: "3.1-3.24" },
    ]);
  });

  it("parses every kind of top-level statement", () => {
    const doc = accept("/dts-v1/;\n/ { };\n&l { };\n&{/a} { };\nx: &{l/b} { };\n/delete-node/ &l;\n/omit-if-no-ref/ &{/c};\n/ { };");
    expect(shape(doc.statements.map((s: TopLevelStatement) => ({ ...s, body: undefined })))).toEqual([
      { kind: "root" },
      { kind: "refNode", labels: [], ref: { kind: "label", label: "l" } },
      { kind: "refNode", labels: [], ref: { kind: "path", path: "/a" } },
      { kind: "refNode", labels: [{ name: "x" }], ref: { kind: "path", path: "l/b" } },
      { kind: "deleteNode", ref: { kind: "label", label: "l" } },
      { kind: "omitIfNoRef", ref: { kind: "path", path: "/c" } },
      { kind: "root" },
    ]);
    expect(plain(doc.statements.map((s) => s.span))).toEqual(["2.1-2.7", "3.1-3.8", "4.1-4.11", "5.1-5.15", "6.1-6.18", "7.1-7.24", "8.1-8.7"]);
  });

  it("accepts a reference node first (the tree reports the missing label)", () => {
    const doc = accept("/dts-v1/;\n&nosuch { };");
    expect(doc.statements[0]!.kind).toBe("refNode");
  });
});

describe("nodes and properties", () => {
  it("builds properties and nested nodes with dtc's spans", () => {
    const body = root("\tl1: l2: p = <1>;\n\tempty;\n\t/delete-property/ gone;\n\tn@1 {\n\t\tq;\n\t};\n\t/delete-node/ old;");
    expect(plain(body)).toEqual({
      properties: [
        // The property's span starts at its name: dtc's property position excludes labels.
        { kind: "property", labels: [{ name: "l1", span: "3.2-3.5" }, { name: "l2", span: "3.6-3.9" }], name: "p", nameSpan: "3.10-3.11", value: [{ kind: "cells", items: [{ kind: "expr", expr: { kind: "literal", raw: "1", span: "3.15-3.16" } }], span: "3.14-3.17" }], span: "3.10-3.18" },
        { kind: "property", labels: [], name: "empty", nameSpan: "4.2-4.7", span: "4.2-4.8" },
        { kind: "deleteProperty", name: "gone", nameSpan: "5.20-5.24", span: "5.2-5.25" },
      ],
      children: [
        {
          kind: "node",
          labels: [],
          omitIfNoRef: false,
          name: "n@1",
          nameSpan: "6.2-6.5",
          body: { properties: [{ kind: "property", labels: [], name: "q", nameSpan: "7.3-7.4", span: "7.3-7.5" }], children: [], span: "6.6-8.4" },
          span: "6.2-8.4",
        },
        { kind: "deleteNode", name: "old", nameSpan: "9.16-9.19", span: "9.2-9.20" },
      ],
      span: "2.3-10.3",
    });
  });

  it("drops a leading backslash from names", () => {
    const body = root("\\#gpio-cells = <2>; \\delete-node { };");
    expect(body.properties[0]!.name).toBe("#gpio-cells");
    expect((body.children[0] as NodeDef).name).toBe("delete-node");
  });

  it("takes /omit-if-no-ref/ before or among labels", () => {
    const body = root("/omit-if-no-ref/ a: n1 { }; b: /omit-if-no-ref/ c: n2 { }; d: n3 { }; /omit-if-no-ref/ /delete-node/ x;");
    expect(shape(body.children)).toEqual([
      { kind: "node", labels: [{ name: "a" }], omitIfNoRef: true, name: "n1", body: { properties: [], children: [] } },
      { kind: "node", labels: [{ name: "b" }, { name: "c" }], omitIfNoRef: true, name: "n2", body: { properties: [], children: [] } },
      { kind: "node", labels: [{ name: "d" }], omitIfNoRef: false, name: "n3", body: { properties: [], children: [] } },
      { kind: "deleteNode", name: "x", labels: [], omitIfNoRef: true },
    ]);
    expect(plain(body.children[1]!.span)).toBe("3.29-3.59");
  });

  it("keeps labels written before /delete-property/ and /delete-node/", () => {
    const body = root("l: /delete-property/ p; m: /delete-node/ n;");
    expect(shape(body.properties)).toEqual([{ kind: "deleteProperty", name: "p", labels: [{ name: "l" }] }]);
    expect(shape(body.children)).toEqual([{ kind: "deleteNode", name: "n", labels: [{ name: "m" }], omitIfNoRef: false }]);
  });

  it("serialises nodes with their computed fields", () => {
    const body = root("p = <1>; n { };");
    const json = JSON.parse(JSON.stringify(body, (k, v) => (k === "file" ? undefined : v))) as { properties: PropertyDef[] };
    expect(json.properties[0]).toMatchObject({ kind: "property", name: "p", value: [{ kind: "cells" }], span: { start: 14, end: 22 } });
  });
});

describe("property values", () => {
  it("parses strings, cells, bytes, path references and their concatenation", () => {
    expect(firstValue(`p = "a\\n", <1 'c' (2) &l &{/x}>, [00 1f], &l, &{/y};`)).toEqual([
      { kind: "string", raw: '"a\\n"' },
      {
        kind: "cells",
        items: [
          { kind: "expr", expr: { kind: "literal", raw: "1" } },
          { kind: "expr", expr: { kind: "char", raw: "'c'" } },
          { kind: "expr", expr: { kind: "paren", inner: { kind: "literal", raw: "2" } } },
          { kind: "ref", ref: { kind: "label", label: "l" } },
          { kind: "ref", ref: { kind: "path", path: "/x" } },
        ],
      },
      { kind: "bytes", items: [{ kind: "byte", raw: "00" }, { kind: "byte", raw: "1f" }] },
      { kind: "pathRef", ref: { kind: "label", label: "l" } },
      { kind: "pathRef", ref: { kind: "path", path: "/y" } },
    ]);
  });

  it("keeps /bits/ size as written and allows empty arrays and byte strings", () => {
    expect(firstValue("p = /bits/ 16 <1>, <>, [], [ ], /bits/ 7 <>;")).toEqual([
      { kind: "cells", bits: { raw: "16" }, items: [{ kind: "expr", expr: { kind: "literal", raw: "1" } }] },
      { kind: "cells", items: [] },
      { kind: "bytes", items: [] },
      { kind: "bytes", items: [] },
      { kind: "cells", bits: { raw: "7" }, items: [] },
    ]);
  });

  it("places labels before, between and after components and inside arrays and bytes", () => {
    expect(firstValue(`p = v1: <1 v2: 2 v3:> v4:, v5: "s" v6:, [b1: 00 b2:];`)).toEqual([
      { kind: "label", label: { name: "v1" } },
      { kind: "cells", items: [{ kind: "expr", expr: { kind: "literal", raw: "1" } }, { kind: "label", label: { name: "v2" } }, { kind: "expr", expr: { kind: "literal", raw: "2" } }, { kind: "label", label: { name: "v3" } }] },
      { kind: "label", label: { name: "v4" } },
      { kind: "label", label: { name: "v5" } },
      { kind: "string", raw: '"s"' },
      { kind: "label", label: { name: "v6" } },
      { kind: "bytes", items: [{ kind: "label", label: { name: "b1" } }, { kind: "byte", raw: "00" }, { kind: "label", label: { name: "b2" } }] },
    ]);
  });

  it("parses /incbin/ with and without a range", () => {
    expect(firstValue(`p = /incbin/("a.bin"), /incbin/("b.bin", 4, (2 * 8));`)).toEqual([
      { kind: "incbin", file: { raw: '"a.bin"' } },
      { kind: "incbin", file: { raw: '"b.bin"' }, offset: { kind: "literal", raw: "4" }, length: { kind: "paren", inner: { kind: "binary", op: "*", left: { kind: "literal", raw: "2" }, right: { kind: "literal", raw: "8" } } } },
    ]);
  });

  it("decodes value spans and a fresh value on each access", () => {
    const body = root('p = "x", <1>;');
    const prop = body.properties[0] as PropertyDef;
    expect(plain(prop.value)).toEqual([
      { kind: "string", raw: '"x"', span: "3.5-3.8" },
      { kind: "cells", items: [{ kind: "expr", expr: { kind: "literal", raw: "1", span: "3.11-3.12" } }], span: "3.10-3.13" },
    ]);
    expect(prop.value).not.toBe(prop.value);
    expect(prop.value).toEqual(prop.value);
  });
});

describe("expressions", () => {
  function expr(text: string): unknown {
    const v = firstValue(`p = <(${text})>;`) as { items: { expr: { inner: unknown } }[] }[];
    return v[0]!.items[0]!.expr.inner;
  }
  const lit = (raw: string) => ({ kind: "literal", raw });
  const bin = (op: string, left: unknown, right: unknown) => ({ kind: "binary", op, left, right });

  it("applies C precedence and left associativity", () => {
    expect(expr("1 + 2 * 3")).toEqual(bin("+", lit("1"), bin("*", lit("2"), lit("3"))));
    expect(expr("1 - 2 - 3")).toEqual(bin("-", bin("-", lit("1"), lit("2")), lit("3")));
    expect(expr("1 | 2 ^ 3 & 4 == 5 < 6 << 7 + 8 * 9")).toEqual(
      bin("|", lit("1"), bin("^", lit("2"), bin("&", lit("3"), bin("==", lit("4"), bin("<", lit("5"), bin("<<", lit("6"), bin("+", lit("7"), bin("*", lit("8"), lit("9"))))))))),
    );
    expect(expr("1 || 2 && 3")).toEqual(bin("||", lit("1"), bin("&&", lit("2"), lit("3"))));
    expect(expr("1 > 2 >= 3 <= 4 != 5")).toEqual(bin("!=", bin("<=", bin(">=", bin(">", lit("1"), lit("2")), lit("3")), lit("4")), lit("5")));
    expect(expr("6 & 3 % 2 / 1 >> 1")).toEqual(bin("&", lit("6"), bin(">>", bin("/", bin("%", lit("3"), lit("2")), lit("1")), lit("1"))));
  });

  it("parses unary operators and the right-associative ternary", () => {
    expect(expr("-~!1 - -2")).toEqual(
      bin("-", { kind: "unary", op: "-", operand: { kind: "unary", op: "~", operand: { kind: "unary", op: "!", operand: lit("1") } } }, { kind: "unary", op: "-", operand: lit("2") }),
    );
    expect(expr("1 ? 2 : 3 ? 4 : 5")).toEqual({ kind: "ternary", test: lit("1"), then: lit("2"), otherwise: { kind: "ternary", test: lit("3"), then: lit("4"), otherwise: lit("5") } });
    expect(expr("1 || 0 ? 1 + 1 : 0 | 3")).toEqual({ kind: "ternary", test: bin("||", lit("1"), lit("0")), then: bin("+", lit("1"), lit("1")), otherwise: bin("|", lit("0"), lit("3")) });
  });

  it("gives binary nodes the span of their operands and parens their own", () => {
    const v = plain(accept("/dts-v1/;\n/ { p = <((1 + 2) * 3)>; };").statements[0]) as { body: { properties: { value: { items: { expr: unknown }[] }[] }[] } };
    expect(v.body.properties[0]!.value[0]!.items[0]!.expr).toEqual({
      kind: "paren",
      span: "2.10-2.23",
      inner: {
        kind: "binary",
        op: "*",
        span: "2.11-2.22",
        left: { kind: "paren", span: "2.11-2.18", inner: { kind: "binary", op: "+", span: "2.12-2.17", left: { kind: "literal", raw: "1", span: "2.12-2.13" }, right: { kind: "literal", raw: "2", span: "2.16-2.17" } } },
        right: { kind: "literal", raw: "3", span: "2.21-2.22" },
      },
    });
  });
});
