// The simple-value encoder (values straight from tokens) against the general path (ValueParts):
// for every property it accepts, the same bytes and the same markers (kinds, offsets, names,
// references and their spans), on hand-written values and on every property of the real corpus.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDts, type NodeBody, type PropertyDef } from "../../grammar/index.ts";
import { DiagnosticSink, memoryFileHost, SourceFile } from "../../src/source/index.ts";
import { BuildProblems } from "../../src/tree/build-problems.ts";
import { encodeSimpleValue, SharedValues } from "../../src/tree/simple-values.ts";
import { buildPropertyValue, type ValueContext } from "../../src/tree/values.ts";

const shared = new URL("../../../shared/", import.meta.url).pathname;

function properties(text: string): PropertyDef[] {
  const sink = new DiagnosticSink();
  const doc = parseDts(new SourceFile("t.dts", text), { host: memoryFileHost({}), includeDirs: [] }, sink);
  expect(doc, sink.items.map((d) => d.message).join("; ")).toBeDefined();
  const out: PropertyDef[] = [];
  const bodies: NodeBody[] = [];
  for (const st of doc!.statements) if ("body" in st) bodies.push(st.body);
  while (bodies.length > 0) {
    const b = bodies.pop()!;
    for (const p of b.properties) if (p.kind === "property") out.push(p);
    for (const c of b.children) if (c.kind === "node") bodies.push(c.body);
  }
  return out;
}

function plain(markers: readonly object[]): unknown[] {
  return markers.map((m) => ({ ...m, ...("span" in m ? { span: { file: (m.span as { file: { name: string } }).file.name, start: (m.span as { start: number }).start, end: (m.span as { end: number }).end } } : {}) }));
}

/** Compares both encodings of every property; returns how many the simple encoder took. */
function compare(text: string, shareTable?: SharedValues): number {
  const ctx: ValueContext = { problems: new BuildProblems(new DiagnosticSink()), host: memoryFileHost({}), includeDirs: [], incbinBytes: 0 };
  let simple = 0;
  for (const p of properties(text)) {
    const fast = encodeSimpleValue(p, shareTable);
    if (!fast) continue;
    simple++;
    const general = buildPropertyValue(p.value, ctx);
    expect(Array.from(fast.bytes), p.name).toEqual(Array.from(general.bytes));
    expect(plain(fast.markers), p.name).toEqual(plain(general.markers));
  }
  return simple;
}

describe("simple values encode as the general path does", () => {
  it("on hand-written values", () => {
    const text = `/dts-v1/;
/ {
  a = "x"; b = "x", "yz"; c = <1 0x2 0xffffffff 0>; d = <>; e = <&l 1>, "s", <&l>;
  f = /bits/ 8 <0x1 0xff 0>; g = /bits/ 16 <0x800 0xffff>; h = /bits/ 64 <0x1 0xffffffff>; i = /bits/ 32 <7 &l>;
  j = [00 ab CD ef]; k = []; m = [0102 l1: 03 l2:]; n = <0 42 irq: 4>; o = <l3: 1 l4:>;
  p = &l; q = &{/n@1}; r = "a", &l, <1>, &{/n@1}, [ff]; s = pl: "x", ql: <1> rl:; t = &{l/sub};
  u = /bits/ 8 <1>, /bits/ 16 <2>, <3>; v = "", <0>;
  l: n@1 { sub { }; };
};
`;
    expect(compare(text)).toBe(21);
  });

  it("leaves what it does not handle to the general path", () => {
    const text = `/dts-v1/;
/ { a = <(0 - 1)>; b = /bits/ 8 <0x100>; c = "\\n"; d = <'a'>; e = /bits/ 0x8 <1>; f = <0x100000000>; g = /bits/ 16 <&l>; h = <010>; i = <1UL>; j = <&{/l}>; l: l { }; };
`;
    expect(compare(text)).toBe(0);
  });

  it("on parenthesised expressions below 2^32, and declines the others", () => {
    const accepted = [
      "(1 + 2)", "(0x20000000 + 5 * 0x1000)", "(16 << 20)", "(0x20000000 | 0xd000)", "(7 / 2)", "(7 % 3)", "(1 - 1)",
      "(((2)))", "(1 < 2)", "(2 > 1)", "(1 <= 1)", "(2 >= 3)", "(1 == 1)", "(1 != 1)", "(6 & 3)", "(6 ^ 3)", "(6 | 3)",
      "(1 && 0)", "(0 || 2)", "(!0)", "(!5 + 1)", "(!(3 - 3))", "(-0)", "(1 + 2 * 3 - 4 / 2 << 1 | 8 & 12 ^ 5)",
      "(0xffffffff >> 31)", "(1 >> 64)", "(1 << 64)", "(0xffffffff * 1)", "(10 - 3 - 2)", "(100 / 10 / 5)", "(2 * (3 + 4))",
    ];
    const declined = [
      "(0 - 1)", "(-1)", "(~0)", "(1 / 0)", "(1 % 0)", "(0xffffffff + 1)", "(1 << 32)", "(0x10000 * 0x10000)", "(1 ? 2 : 3)",
      "('a')", "(010)", "(1U)", "(0x100000000 >> 4)", "(-(1))",
    ];
    const text = (exprs: string[]) => `/dts-v1/;\n/ { ${exprs.map((e, i) => `p${i} = <1 ${e} 2>; q${i} = /bits/ 64 <${e} 3>;`).join(" ")} };\n`;
    expect(compare(text(accepted))).toBe(2 * accepted.length);
    expect(compare(`/dts-v1/;\n/ { a = /bits/ 8 <(0xfe + 1)>; b = /bits/ 16 <(0x100 * 0xff)>; };\n`)).toBe(2);
    expect(compare(`/dts-v1/;\n/ { a = /bits/ 8 <(0xff + 1)>; b = /bits/ 16 <(0x100 * 0x100)>; };\n`)).toBe(0);
    expect(compare(text(declined))).toBe(0);
  });

  it("on random expressions, the general path's value wherever it answers", () => {
    const ops = ["*", "/", "%", "+", "-", "<<", ">>", "<", ">", "<=", ">=", "==", "!=", "&", "^", "|", "&&", "||"];
    const literals = ["0", "1", "2", "3", "7", "31", "32", "64", "0x10", "0xff", "0x1000", "0xffff", "0x7fffffff", "0xffffffff", "1000000"];
    let seed = 12345;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const expr = (depth: number): string => {
      const r = rnd(10);
      if (depth > 3 || r < 3) return literals[rnd(literals.length)]!;
      if (r === 3) return `!${expr(depth + 1)}`;
      if (r === 4) return `-${expr(depth + 1)}`;
      if (r === 5) return `(${expr(depth + 1)})`;
      return `${expr(depth + 1)} ${ops[rnd(ops.length)]} ${expr(depth + 1)}`;
    };
    const exprs = Array.from({ length: 3000 }, () => `(${expr(0)})`);
    const taken = compare(`/dts-v1/;\n/ { ${exprs.map((e, i) => `p${i} = <${e}>;`).join(" ")} };\n`);
    // Most take the fast path; the others (out of range, division by zero) the general one.
    expect(taken).toBeGreaterThan(1000);
    expect(taken).toBeLessThan(3000);
  });

  it("shares equal reference-free values, and no value with references or labels", () => {
    const table = new SharedValues();
    const defs = properties(`/dts-v1/;\n/ { a = "okay"; b = "okay"; c = <1 2>; d = <1 2>; e = <&l>; f = <&l>; g = <x: 1>; h = <x: 1>; i = &l; j = &l; l: l { }; };\n`);
    const v = Object.fromEntries(defs.map((p) => [p.name, encodeSimpleValue(p, table)]));
    expect(v.a).toBe(v.b);
    expect(v.c).toBe(v.d);
    for (const [x, y] of [["e", "f"], ["g", "h"], ["i", "j"]]) expect(v[x!]).not.toBe(v[y!]);
  });

  it.skipIf(!existsSync(shared + "corpus/dev"))("on every property of the corpus boards", () => {
    const dir = shared + "corpus/dev/";
    let simple = 0;
    // With one sharing table per board (thousands of distinct values: the table grows several
    // times), a shared value must still be the general path's value of each property using it.
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".pre.dts"))) simple += compare(readFileSync(dir + f, "latin1"), new SharedValues());
    expect(simple).toBeGreaterThan(30_000);
  });
});
