// `-O dts` text: trees built the way dtc's parser lays out values and markers, printed in both
// dialects and compared with dtc's own outputs (1.8.1's type-preservation.dts is its own -O dts
// output; results/*.src.dts are 1.6.1's), plus live dtc 1.6.1 runs for marker corner cases.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatPropertyValue, writeDts } from "../../src/fdt/index.ts";
import { SourceFile, span } from "../../src/source/index.ts";
import type { Marker, ValueType } from "../../src/tree/model.ts";
import { DeviceTree, DtNode, DtProperty, PropertyValue } from "../../src/tree/model.ts";
import { HAS_DTC, HAS_SHARED, SHARED, dtc } from "./helpers.ts";

const SPAN = span(new SourceFile("t.dts", ""), 0, 0);

type Cell = number | bigint | { ref: string; value: number } | { label: string };

/** Builds a value as dtc's parser does: labels and type markers in source order, refs resolved. */
class Value {
  private readonly bytes: number[] = [];
  private readonly markers: Marker[] = [];
  label(name: string): this {
    this.markers.push({ kind: "label", offset: this.bytes.length, name });
    return this;
  }
  private type(type: ValueType): void {
    this.markers.push({ kind: "type", offset: this.bytes.length, type });
  }
  str(s: string): this {
    this.type("string");
    for (const c of s) this.bytes.push(c.charCodeAt(0));
    this.bytes.push(0);
    return this;
  }
  path(ref: string, path: string): this {
    this.type("string");
    this.markers.push({ kind: "pathRef", offset: this.bytes.length, ref, span: SPAN });
    for (const c of path) this.bytes.push(c.charCodeAt(0));
    this.bytes.push(0);
    return this;
  }
  cells(bits: 8 | 16 | 32 | 64, ...items: Cell[]): this {
    this.type(bits === 8 ? "u8" : bits === 16 ? "u16" : bits === 32 ? "u32" : "u64");
    for (const item of items) {
      if (typeof item === "object" && "label" in item) {
        this.label(item.label);
        continue;
      }
      let v: bigint;
      if (typeof item === "object") {
        this.markers.push({ kind: "phandleRef", offset: this.bytes.length, ref: item.ref, span: SPAN });
        v = BigInt(item.value);
      } else v = BigInt(item);
      for (let i = bits / 8 - 1; i >= 0; i--) this.bytes.push(Number((v >> BigInt(i * 8)) & 0xffn));
    }
    return this;
  }
  u32(...items: Cell[]): this {
    return this.cells(32, ...items);
  }
  bytestring(...items: (number | { label: string })[]): this {
    this.type("bytes");
    for (const item of items) {
      if (typeof item === "object") this.label(item.label);
      else this.bytes.push(item);
    }
    return this;
  }
  raw(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  done(): PropertyValue {
    return new PropertyValue(new Uint8Array(this.bytes), [...this.markers]);
  }
}

const v = () => new Value();
const prop = (name: string, value: Value | PropertyValue, labels: string[] = []) => new DtProperty(name, value instanceof Value ? value.done() : value, labels, undefined);

function node(name: string, labels: string[], props: DtProperty[], children: DtNode[] = []): DtNode {
  const n = new DtNode(name);
  n.labels = labels;
  for (const p of props) n.appendProperty(p);
  for (const c of children) n.appendChild(c);
  return n;
}

/** dtc's tests/type-preservation.dts as its parser builds it. */
function typePreservation(): DeviceTree {
  const sub1ref = { ref: "subsub1", value: 1 };
  const subsubsub = node("subsubsubnode", ["subsubsub1"], [prop("compatible", v().str("subsubsubnode1").u32(0x1234).label("valuea").label("valueb").str("subsubsubnode"))]);
  const subsub = node("subsubnode", ["subsub1"], [prop("compatible", v().str("subsubnode1").str("subsubnode")), prop("phandle", v().u32(1))], [subsubsub]);
  const sub = node(
    "subnode@1",
    ["sub1"],
    [
      prop("compatible", v().label("value_label").str("subnode1"), ["prop_label"]),
      prop("reg", v().u32(1)),
      prop("int-array", v().u32(0, 1).label("int_value_label").u32(2, 3)),
      prop("int8", v().bytestring(0x56)),
      prop("int8-array", v().bytestring(0x00, 0x12, 0x34, 0x56).label("label")),
      prop("int16", v().cells(16, 0x3210)),
      prop("int16-array", v().cells(16, 0x1234, 0x5678, 0x90ab, 0xcdef)),
      prop("int16-matrix", v().cells(16, 0x1234, 0x5678).u32(0x90ab, 0xcdef)),
      prop("int64", v().cells(64, 0x200000000n)),
      prop("int64-array", v().cells(64, 0x100000000n, 0).label("int64_array_label_end")),
      prop("a-string-with-nulls", v().str("foo\0bar").str("baz")),
      prop("a-phandle", v().u32(sub1ref)),
      prop("a-phandle-with-args", v().u32(sub1ref, 0, 1).u32(sub1ref, 2, 3)),
      prop("mixed-ints-and-phandles", v().u32(1, sub1ref, 2, sub1ref)),
    ],
    [subsub],
  );
  return new DeviceTree(node("", [], [prop("#address-cells", v().u32(1)), prop("#size-cells", v().u32(0))], [sub]));
}

/** dtc's tests/value-labels.dts. */
function valueLabels(): DeviceTree {
  return new DeviceTree(
    node("", [], [
      prop("prop1", v().label("start1").str("a").label("mid1").str("b").label("end1"), ["prop1"]),
      prop("prop2", v().label("start2").u32({ label: "innerstart2" }, 0xdeadbeef, { label: "innermid2" }, 0xabcd1234, { label: "innerend2" }).label("end2"), ["prop2"]),
      prop("prop3", v().label("start3").bytestring({ label: "innerstart3" }, 0xab, { label: "innermid3" }, 0xcd, { label: "innerend3" }).label("end3"), ["prop3"]),
    ]),
  );
}

describe.skipIf(!HAS_SHARED)("writeDts against dtc's outputs of dtc's tests", () => {
  it("type-preservation, 1.8.1: equals the file (dtc 1.8.1 reproduces it with -O dts)", () => {
    expect(writeDts(typePreservation())).toBe(readFileSync(join(SHARED, "dtc-tests/inputs/type-preservation.dts"), "latin1"));
  });
  it("type-preservation, 1.6.1: equals results/type-preservation.src.dts", () => {
    expect(writeDts(typePreservation(), { dialect: "1.6.1" })).toBe(readFileSync(join(SHARED, "dtc-tests/results/type-preservation.src.dts"), "latin1"));
  });
  it("value-labels, 1.6.1: equals results/value-labels.src.dts", () => {
    expect(writeDts(valueLabels(), { dialect: "1.6.1" })).toBe(readFileSync(join(SHARED, "dtc-tests/results/value-labels.src.dts"), "latin1"));
  });
});

describe("writeDts layout", () => {
  const tree = (): DeviceTree => {
    const t = new DeviceTree(
      node("", [], [prop("z", v().u32(1)), prop("a", new PropertyValue(new Uint8Array(0)))], [node("b@2", ["l1", "l2"], [prop("q", v().str("x"))]), node("a", [], [])]),
    );
    t.memreserves.push({ address: 0x2000n, size: 0x10n, labels: ["r"], span: undefined }, { address: 0x1000n, size: 0xffff_ffff_ffff_ffffn, labels: [], span: undefined });
    return t;
  };

  it("prints memreserves, labels, empty properties and a blank line before each subnode", () => {
    expect(writeDts(tree())).toBe(
      "/dts-v1/;\n\nr: /memreserve/\t0x0000000000002000 0x0000000000000010;\n/memreserve/\t0x0000000000001000 0xffffffffffffffff;\n" +
        "/ {\n\tz = <0x01>;\n\ta;\n\n\tl1: l2: b@2 {\n\t\tq = \"x\";\n\t};\n\n\ta {\n\t};\n};\n",
    );
  });

  it("sortedLike sorts memreserves, properties and subnodes as dtc -s", () => {
    expect(writeDts(tree(), { sortedLike: true })).toBe(
      "/dts-v1/;\n\n/memreserve/\t0x0000000000001000 0xffffffffffffffff;\nr: /memreserve/\t0x0000000000002000 0x0000000000000010;\n" +
        "/ {\n\ta;\n\tz = <0x01>;\n\n\ta {\n\t};\n\n\tl1: l2: b@2 {\n\t\tq = \"x\";\n\t};\n};\n",
    );
  });

  it("prints /plugin/ in the 1.8.1 dialect only", () => {
    const t = tree();
    t.plugin = true;
    expect(writeDts(t).startsWith("/dts-v1/;\n/plugin/;\n\n")).toBe(true);
    expect(writeDts(t, { dialect: "1.6.1" }).startsWith("/dts-v1/;\n\n")).toBe(true);
  });
});

describe("guessed types (values without markers, as read from a blob)", () => {
  const guess = (bytes: number[] | string, dialect: "1.8.1" | "1.6.1" = "1.8.1") =>
    formatPropertyValue(new PropertyValue(typeof bytes === "string" ? new Uint8Array(Buffer.from(bytes, "latin1")) : new Uint8Array(bytes)), dialect);

  it("strings, string lists, cells and bytes", () => {
    expect(guess("abc\0")).toBe(' = "abc";');
    expect(guess("hello,world\0foobar\0")).toBe(' = "hello,world", "foobar";');
    expect(guess("hello,world\0foobar\0", "1.6.1")).toBe(' = "hello,world\\0foobar";');
    expect(guess("hello,world\0\0\0")).toBe(' = "hello,world", "", "";');
    expect(guess("ab\0\0")).toBe(' = "ab", "";');
    expect(guess([0x61, 0x00, 0x00])).toBe(" = [61 00 00];");
    expect(guess([0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef])).toBe(" = <0x01 0xdeadbeef>;");
    expect(guess([0])).toBe(" = [00];");
    expect(guess([1, 2, 3])).toBe(" = [01 02 03];");
    expect(guess("a\tb\n\x7f\0")).toBe(" = [61 09 62 0a 7f 00];");
    expect(guess('q"\\\x07\0')).toBe(' = "q\\"\\\\\\a";');
  });

  it("prints bytes from 0x80 in strings sign-extended, as dtc on x86 does", () => {
    expect(formatPropertyValue(v().str("\x80x").done(), "1.8.1")).toBe(' = "\\xffffff80x";');
    expect(formatPropertyValue(v().str("\x01").done(), "1.6.1")).toBe(' = "\\x01";');
  });

  it("phandle references added to a marker-less value are printed as &label or &{/path}", () => {
    const value = new PropertyValue(new Uint8Array([0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 2]), [
      { kind: "phandleRef", offset: 0, ref: "intc", span: SPAN },
      { kind: "phandleRef", offset: 8, ref: "/soc/gpio@1", span: SPAN },
    ]);
    // dtc gives each reference its own cell group and guesses the gaps between them.
    expect(formatPropertyValue(value, "1.8.1")).toBe(" = <&intc>, <0x05>, <&{/soc/gpio@1}>;");
  });
});

describe.skipIf(!HAS_DTC)("1.6.1 marker corner cases against live dtc -I dts -O dts", () => {
  // Each case: source text of one property, and the same value built as dtc's parser builds it.
  const cases: [string, string, PropertyValue][] = [
    ["path reference after a string", `a = "a", &n;`, v().str("a").path("n", "/n").done()],
    ["labelled incbin (no type marker)", `b = l1: /incbin/("inc.bin") l2:;`, v().label("l1").raw(0x61, 0x62, 0x63, 0).label("l2").done()],
    ["empty bytestring at the end", `c = <1>, [];`, v().u32(1).bytestring().done()],
    ["labels between values", `d = x1: "s" x2:, x3: <1 x4: 2> x5:, x6: [00 x7: 01] x8:;`, v().label("x1").str("s").label("x2").label("x3").u32(1, { label: "x4" }, 2).label("x5").label("x6").bytestring(0, { label: "x7" }, 1).label("x8").done()],
    ["phandle refs mid-array", `e = <0 &n 1>, <&n>;`, v().u32(0, { ref: "n", value: 1 }, 1).u32({ ref: "n", value: 1 }).done()],
    ["/bits/ 8 array", `f = /bits/ 8 <1 2 0xff>;`, v().cells(8, 1, 2, 0xff).done()],
    ["empty string and string list", `g = "", "x", "";`, v().str("").str("x").str("").done()],
  ];
  const source = `/dts-v1/;\n/ {\n\tn: n {\n${cases.map((c) => `\t\t${c[1]}\n`).join("")}\t};\n};\n`;
  const lines = HAS_DTC ? dtc(["-q", "-I", "dts", "-O", "dts", "-i", join(import.meta.dirname, "fixtures"), "-"], source).toString("latin1").split("\n") : [];
  it.each(cases)("%s", (_name, text, value) => {
    const name = text.slice(0, text.indexOf(" "));
    const line = lines.find((l) => l.startsWith(`\t\t${name} `) || l.startsWith(`\t\t${name};`));
    expect(`\t\t${name}${formatPropertyValue(value, "1.6.1")}`).toBe(line);
  });
});
