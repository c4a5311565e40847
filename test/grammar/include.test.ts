// /include/ (a buffer pushed inside the scanner) and cpp line markers (dts-syntax.md F7, F8).
// Expected positions were checked against dtc 1.6.1.
import { describe, expect, it } from "vitest";
import { parseDts, type PropertyDef } from "../../grammar/index.ts";
import { DiagnosticSink, memoryFileHost, SourceFile } from "../../src/source/index.ts";
import { parse, shape, where } from "./helpers.ts";

describe("/include/", () => {
  it("inserts the file's tokens anywhere, even mid-value", () => {
    const r = parse('/dts-v1/;\n/ { p = /include/ "v.dtsi" , "z"; };\n', { "v.dtsi": '<1 2>, "x"' });
    expect(r.messages).toEqual([]);
    const root = r.doc!.statements[0]!;
    if (root.kind !== "root") throw new Error("no root");
    const prop = root.body.properties[0] as PropertyDef;
    const value = prop.value!;
    expect(shape(value)).toEqual([
      { kind: "cells", items: [{ kind: "expr", expr: { kind: "literal", raw: "1" } }, { kind: "expr", expr: { kind: "literal", raw: "2" } }] },
      { kind: "string", raw: '"x"' },
      { kind: "string", raw: '"z"' },
    ]);
    expect(where(value[0]!.kind === "cells" ? value[0]!.span : undefined)).toBe("v.dtsi:1.1");
    // A span that starts and ends in different buffers keeps its start.
    expect(where(prop.span)).toBe("t.dts:2.5");
  });

  it("searches the including file's directory, then the -i directories in order", () => {
    const host = memoryFileHost({
      "dir/main.dts": '/dts-v1/;\n/include/ "a.dtsi"\n/include/ "sub/b.dtsi"\n/ { };\n',
      "dir/a.dtsi": "",
      "inc1/a.dtsi": "this is not used",
      "dir/sub/b.dtsi": '/include/ "c.dtsi"',
      "inc1/c.dtsi": "/ { from-inc1; };",
      "inc2/c.dtsi": "/ { from-inc2; };",
    });
    const r = parse(host.readText("dir/main.dts")!, {}, { name: "dir/main.dts", host, includeDirs: ["inc1", "inc2"] });
    expect(r.messages).toEqual([]);
    const root = r.doc!.statements[0]!;
    if (root.kind !== "root") throw new Error("no root");
    expect(root.body.properties.map((p) => p.name)).toEqual(["from-inc1"]);
    expect(where(root.span)).toBe("inc1/c.dtsi:1.1");
  });

  it("tracks the chain of include sites for diagnostics", () => {
    const r = parse('/dts-v1/;\n/include/ "a.dtsi"\n', { "a.dtsi": '\n/include/ "b.dtsi"', "b.dtsi": "/ { p = ; };" });
    expect(r.messages).toEqual(["b.dtsi:1.9 syntax error"]);
    expect(r.diagnostics[0]!.span!.file.includeChainAt(0)).toEqual([
      { file: "t.dts", line: 2, column: 1 },
      { file: "a.dtsi", line: 2, column: 1 },
    ]);
  });

  it("reports a missing file at the directive and stops there", () => {
    const r = parse('/dts-v1/;\n/ { };\n/include/ "nope.dtsi"\n/ { p = ; };\n');
    expect(r.doc).toBeUndefined();
    expect(r.messages).toEqual(['t.dts:3.1 Couldn\'t open "nope.dtsi": No such file or directory']);
    expect(r.diagnostics[0]!.code).toBe("include");
  });

  it("does not reach a missing include after a syntax error", () => {
    expect(parse('/dts-v1/;\n/ { p = ; };\n/include/ "nope.dtsi"\n').messages).toEqual(["t.dts:2.9 syntax error"]);
  });

  it("reports end of input at the last lexeme, even inside an included file", () => {
    expect(parse('/dts-v1/;\n/ { \n/include/ "e.dtsi"', { "e.dtsi": "\n /* x */ \n" }).messages).toEqual(["e.dtsi:2.9 syntax error"]);
  });

  it("allows 199 nested includes and rejects the 200th (dtc's limit of 200 open files)", () => {
    const chain = (n: number) => {
      const files: Record<string, string> = {};
      for (let i = 1; i <= n; i++) files[`f${i}.dtsi`] = i < n ? `/include/ "f${i + 1}.dtsi"` : "";
      return parse('/dts-v1/;\n/include/ "f1.dtsi"\n/ { };\n', files);
    };
    expect(chain(199).messages).toEqual([]);
    expect(chain(200).messages).toEqual(['f199.dtsi:1.1 Includes nested too deeply']);
  });

  it("stops an include cycle with the nesting limit", () => {
    const r = parse('/dts-v1/;\n/include/ "self.dtsi"\n', { "self.dtsi": '/include/ "self.dtsi"' });
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([["include", "Includes nested too deeply"]]);
  });

  it("needs a string right after /include/ (whitespace allowed)", () => {
    expect(parse('/dts-v1/;\n/include/\n  "a.dtsi"\n/ { };', { "a.dtsi": "" }).messages).toEqual([]);
    expect(parse("/dts-v1/;\n/include/ a.dtsi\n/ { };").messages).toEqual(["t.dts:2.2 syntax error"]);
  });
});

describe("cpp line markers", () => {
  it("sets the file and line of the following lines", () => {
    const text = '/dts-v1/;\n# 40 "other.dtsi" 1 3 4\n/ {\n p = ;\n};\n';
    expect(parse(text).messages).toEqual(["other.dtsi:41.6 syntax error"]);
    expect(parse('/dts-v1/;\n#line 12 "y.dts"\n/ { p = ; };\n').messages).toEqual(["y.dts:12.9 syntax error"]);
  });

  it("does not let flags eat a number on the next line", () => {
    const text = '/dts-v1/;\n/ {\n\tprop1 = <\n# 10 "qux.dts"\n\t\t0x12345678\n\t>;\n};\n';
    expect(parse(text).messages).toEqual([]);
  });

  it("counts the rest of the marker's line as line N-1 of the new file", () => {
    // dtc sets the line right after the marker: its newline (here the last lexeme) is in x.dtsi.
    expect(parse('/dts-v1/;\n/ {\n# 7 "x.dtsi"\n').messages).toEqual(["x.dtsi:6.13 syntax error"]);
  });

  it("decodes escapes in the file name and rejects a NUL", () => {
    expect(parse('/dts-v1/;\n# 3 "a\\\\b\\".dts"\n/ { p = ; };\n').messages).toEqual(['a\\b".dts:3.9 syntax error']);
    const r = parse('/dts-v1/;\n# 3 "a\\0b.dts"\n/ { p = ; };\n');
    expect(r.messages).toEqual(["t.dts:2.1 nul in line number directive", "a:3.9 syntax error"]);
    expect(parse('# 0 "\0"\n').messages[0]).toBe("t.dts:1.1 nul in line number directive");
  });

  it("is only a marker at column 1", () => {
    expect(parse('/dts-v1/;\n/ {\n  # 5 "q.dts"\n};\n').messages).toEqual(["t.dts:3.5 syntax error"]);
    expect(parse('/dts-v1/;\n#include "x.h"\n/ { };\n').messages).toEqual(["t.dts:2.1 syntax error"]);
  });

  it("keeps positions right when the same buffer is parsed twice", () => {
    const file = new SourceFile("t.dts", '/dts-v1/;\n# 40 "other.dtsi"\n/ {\n p = ;\n};\n');
    const options = { host: memoryFileHost({}), includeDirs: [] };
    for (let i = 0; i < 2; i++) {
      const sink = new DiagnosticSink();
      parseDts(file, options, sink);
      expect(sink.items.map((d) => where(d.span))).toEqual(["other.dtsi:41.6"]);
    }
  });
});
