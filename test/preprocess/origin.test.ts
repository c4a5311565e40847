// The origin map of the output: every output byte back to the file, line and column it came from.
import { describe, expect, it } from "vitest";
import { DiagnosticSink, memoryFileHost } from "../../src/source/index.ts";
import { Engine } from "../../src/preprocess/engine.ts";
import { FileState } from "../../src/preprocess/file-state.ts";
import { runOurs } from "./harness.ts";

function where(r: ReturnType<typeof runOurs>, needle: string, nth = 0): string {
  const text = r.out!.text;
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  expect(at).toBeGreaterThanOrEqual(0);
  const p = r.out!.positionAt(at);
  const chain = r.out!.includeChainAt(at).map((c) => `${c.file}:${c.line}`);
  return `${p.file}:${p.line}:${p.column}` + (chain.length ? ` via ${chain.join(" > ")}` : "");
}

describe("origin map", () => {
  const files = {
    "main.S": '/ {\n\tmodel = "x";\n#include "sub/a.dtsi"\n\tcells = <CELL(7) FOO>;\n\tFOO;\n};\n',
    "sub/a.dtsi": '#define FOO foo_value\n#define CELL(x) ((x) << 8)\n#include "b.h"\n\tfrom_a = <1>;\n',
    "sub/b.h": "  /* comment */  from_b\n",
  };
  const r = runOurs({ files });

  it("maps plain tokens to their own file, line and column, with the include chain", () => {
    expect(where(r, "model")).toBe("main.S:2:2");
    expect(where(r, '"x"')).toBe("main.S:2:10");
    expect(where(r, "from_a")).toBe("sub/a.dtsi:4:2 via main.S:3");
    expect(where(r, "from_b")).toBe("sub/b.h:1:18 via main.S:3 > sub/a.dtsi:3");
    expect(r.out!.lineTextAt(r.out!.text.indexOf("from_b"))).toBe("  /* comment */  from_b");
  });

  it("maps macro output to the invocation, and source arguments to themselves", () => {
    expect(where(r, "((")).toBe("main.S:4:11");
    expect(where(r, "7")).toBe("main.S:4:16");
    expect(where(r, "<< 8")).toBe("main.S:4:11");
    expect(where(r, "foo_value")).toBe("main.S:4:19");
    expect(where(r, "foo_value", 1)).toBe("main.S:5:2");
    expect(r.out!.lineTextAt(r.out!.text.indexOf("foo_value"))).toBe("\tcells = <CELL(7) FOO>;");
  });

  it("follows line splices and #line", () => {
    const s = runOurs({ files: { "main.S": "a \\\n  b\n#define M(x) x\nM(c\n  d)\n#line 40 \"other.dts\"\ne\n" } });
    expect(where(s, "b")).toBe("main.S:2:3");
    expect(where(s, "d")).toBe("main.S:5:3");
    expect(where(s, "e")).toBe("other.dts:40:1");
  });

  it("keeps one segment per plain line", () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `\tprop${i} = <${i} 0x10>; /* c */`).join("\n") + "\n";
    const main = new FileState("main.S", "", lines, null, -1);
    const e = new Engine({ host: memoryFileHost({}), includeDirs: [] }, new DiagnosticSink(), main);
    e.run();
    expect(e.printer.origin.segmentCount).toBeLessThanOrEqual(2000);
  });
});
