// The include memo (src/preprocess/include-memo.ts): a replayed include must give exactly what
// preprocessing it again gives — the same text, the same origin of every output byte, the same
// diagnostics — whatever the state before it. Each case preprocesses a sequence of boards twice:
// alone, and with one memo shared by the whole sequence (twice over, so the second pass replays).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { IncludeMemo, preprocess } from "../../src/preprocess/index.ts";
import { DiagnosticSink, formatDiagnostic, memoryFileHost, nodeFileHost, SourceFile, type FileHost } from "../../src/source/index.ts";
import { sharedDir } from "../helpers/shared.ts";

interface Outcome {
  readonly text: string | undefined;
  readonly origins: string[];
  readonly diagnostics: string[];
}

function run(name: string, text: string, host: FileHost, includeDirs: string[], memo?: IncludeMemo): Outcome {
  const sink = new DiagnosticSink();
  const out = preprocess(new SourceFile(name, text), { host, includeDirs, defines: [{ name: "__DTS__" }], undefines: [], includeMemo: memo }, sink);
  const origins: string[] = [];
  if (out) {
    for (let off = 0; off < out.text.length; off += 7) {
      const p = out.positionAt(off);
      origins.push(p ? `${p.file}:${p.line}:${p.column}` : "-");
    }
  }
  return { text: out?.text, origins, diagnostics: sink.items.map((d) => formatDiagnostic(d).split("\n")[0]!) };
}

/** Every board alone, then all of them through one memo, twice; the outcomes must be equal. */
function sameWithMemo(boards: readonly { name: string; text: string }[], host: FileHost, includeDirs: string[]): IncludeMemo {
  const alone = boards.map((b) => run(b.name, b.text, host, includeDirs));
  const memo = new IncludeMemo(includeDirs);
  for (let pass = 0; pass < 2; pass++) {
    boards.forEach((b, k) => {
      expect(run(b.name, b.text, host, includeDirs, memo), `${b.name} (pass ${pass + 1})`).toEqual(alone[k]);
    });
  }
  return memo;
}

describe("include memo", () => {
  it("a header read under different macro states, guards, defines it leaves, function-like macros from outside", () => {
    const host = memoryFileHost({
      "inc/cfg.h": "#ifndef CFG_H\n#define CFG_H\n#ifdef BIG\n#define SIZE 0x2000\n#else\n#define SIZE 0x1000\n#endif\n#define PAIR(a, b) <a b>\n#endif\n",
      "inc/node.dtsi": "\tnode@0 {\n\t\treg = PAIR(0, SIZE);\n\t\tlabel = WHO;\n\t};\n",
      "inc/soc.dtsi": '#include "cfg.h"\n/ {\n\tsoc {\n#include "node.dtsi"\n\t};\n};\n',
    });
    const boards = [
      { name: "a.dts", text: '/dts-v1/;\n#define WHO "a"\n#include "soc.dtsi"\n#include "cfg.h"\n/ { size = <SIZE>; };\n' },
      { name: "b.dts", text: '/dts-v1/;\n#define BIG\n#define WHO "b"\n#include "soc.dtsi"\n' },
      { name: "c.dts", text: '/dts-v1/;\n#define WHO "c"\n#include "cfg.h"\n#include "soc.dtsi"\n#undef SIZE\n#include "node.dtsi"\n' },
      { name: "d.dts", text: '/dts-v1/;\n#define WHO "a"\n/ { x = <1>; }; /* printed before */\n#include "soc.dtsi"\n' },
    ];
    const memo = sameWithMemo(boards, host, ["inc"]);
    expect(memo.hits).toBeGreaterThan(4);
  });

  it("never replays what depends on the run: __COUNTER__, __INCLUDE_LEVEL__, __BASE_FILE__, pragmas, diagnostics", () => {
    const host = memoryFileHost({
      "inc/count.h": "/ { c = <__COUNTER__ __INCLUDE_LEVEL__>; base = __BASE_FILE__; };\n",
      "inc/warn.h": "#warning careful\n#define W 1\n",
      "inc/once.h": "#pragma once\n#define ONCE 1\n",
      "inc/lvl.h": '#include "count.h"\n',
    });
    const boards = [
      { name: "a.dts", text: '/dts-v1/;\n#include "count.h"\n#include "count.h"\n#include "warn.h"\n#include "once.h"\n#include "once.h"\n' },
      { name: "b.dts", text: '/dts-v1/;\n/ { first = <__COUNTER__>; };\n#include "lvl.h"\n#include "warn.h"\n#include "once.h"\n' },
    ];
    const memo = sameWithMemo(boards, host, ["inc"]);
    expect(memo.hits).toBe(0);
  });

  it("an include opened in the middle of a line and at the end of a macro argument list is left alone", () => {
    const host = memoryFileHost({ "inc/v.h": "7\n", "inc/m.h": "#define F(x) <x>\n" });
    const boards = [
      { name: "a.dts", text: '/dts-v1/;\n#include "m.h"\n/ { p = F(\n#include "v.h"\n); };\n' },
      { name: "b.dts", text: '/dts-v1/;\n#include "m.h"\n/ { p = <\n#include "v.h"\n>; };\n' },
    ];
    sameWithMemo(boards, host, ["inc"]);
  });

  it("a run that stops in the middle of expanding a macro a header defined leaves it usable for the next", () => {
    let chain = "#define B0 x x\n";
    for (let k = 1; k <= 21; k++) chain += `#define B${k} B${k - 1} B${k - 1}\n`;
    const host = memoryFileHost({ "inc/exp.h": `${chain}#define X B21\n` });
    const boards = [
      // 2^22 tokens: over the expansion limit while X is being expanded.
      { name: "a.dts", text: '/dts-v1/;\n#include "exp.h"\n/ { p = <X>; };\n' },
      { name: "b.dts", text: '/dts-v1/;\n#include "exp.h"\n#undef B21\n#define B21 7\n/ { p = <X>; };\n' },
    ];
    const memo = sameWithMemo(boards, host, ["inc"]);
    expect(memo.hits).toBeGreaterThan(0);
    expect(run("b.dts", boards[1]!.text, host, ["inc"], memo).text).toContain("p = <7>");
  });

  it.skipIf(!existsSync(`${sharedDir}corpus/raw/src`))("the raw kernel boards of ../shared/corpus/raw", () => {
    const raw = `${sharedDir}corpus/raw/`;
    const boards: { name: string; text: string }[] = [];
    const walk = (dir: string) => {
      for (const n of readdirSync(join(raw, dir)).sort()) {
        const rel = `${dir}/${n}`;
        if (statSync(join(raw, rel)).isDirectory()) walk(rel);
        else if (n.endsWith(".dts")) boards.push({ name: join(raw, rel), text: readFileSync(join(raw, rel), "latin1") });
      }
    };
    walk("src");
    expect(boards.length).toBe(6);
    const memo = sameWithMemo(boards, nodeFileHost, [join(raw, "include"), join(raw, "src")]);
    expect(memo.hits).toBeGreaterThan(0);
  });
});
