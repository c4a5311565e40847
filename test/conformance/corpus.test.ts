// Real kernel boards: the same blob as dtc, from the preprocessed sources and, with the built-in
// preprocessor, from the raw sources (against cpp + dtc).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile, defaultCompileOptions } from "../../src/compile/index.ts";
import { DiagnosticSink, rootedFileHost } from "../../src/source/index.ts";
import { hasCpp, hasDtc, hasShared, sharedDir } from "../helpers/shared.ts";

const work = mkdtempSync(join(tmpdir(), "dtprobe-corpus-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function dtcBlob(args: string[], cwd: string): Buffer {
  const out = join(work, `ref-${Math.random().toString(36).slice(2)}.dtb`);
  const r = spawnSync("dtc", [...args, "-o", out], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`dtc failed: ${r.stderr}`);
  return readFileSync(out);
}

const devDir = sharedDir + "corpus/dev/";
const boards = hasShared ? readdirSync(devDir).filter((f) => f.endsWith(".pre.dts")).sort() : [];

describe.skipIf(!hasShared || !hasDtc)("corpus/dev boards compile to dtc's blob", () => {
  for (const board of boards) {
    it(board, () => {
      const expected = dtcBlob(["-q", "-I", "dts", "-O", "dtb", board], devDir);
      const sink = new DiagnosticSink();
      const outcome = compile(board, { ...defaultCompileOptions, inputFormat: "dts", outputFormat: "dtb", host: rootedFileHost(devDir) }, sink);
      expect(outcome.ok, sink.items.map((d) => d.message).join("\n")).toBe(true);
      if (outcome.ok) expect(Buffer.from(outcome.output).equals(expected)).toBe(true);
    });
  }
});

const rawDir = sharedDir + "corpus/raw/";
function rawBoards(): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(rawDir + rel, { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${rel}/${e.name}`);
      else if (e.name.endsWith(".dts")) found.push(`${rel}/${e.name}`);
    }
  };
  walk("src");
  return found.sort();
}

describe.skipIf(!hasShared || !hasDtc || !hasCpp)("corpus/raw boards: --cpp gives cpp + dtc's blob", () => {
  for (const board of hasShared ? rawBoards() : []) {
    it(board, () => {
      const pre = join(work, board.replace(/\//g, "_") + ".pre.dts");
      const cpp = spawnSync("cpp", ["-nostdinc", "-I", "include", "-I", "src", "-undef", "-D__DTS__", "-x", "assembler-with-cpp", "-o", pre, board], { cwd: rawDir, encoding: "utf8" });
      expect(cpp.status, cpp.stderr).toBe(0);
      const expected = dtcBlob(["-q", "-I", "dts", "-O", "dtb", pre], rawDir);
      const sink = new DiagnosticSink();
      const outcome = compile(
        board,
        { ...defaultCompileOptions, cpp: true, includeDirs: ["include", "src"], defines: [{ name: "__DTS__" }], inputFormat: "dts", outputFormat: "dtb", host: rootedFileHost(rawDir) },
        sink,
      );
      expect(outcome.ok, sink.items.map((d) => d.message).join("\n")).toBe(true);
      if (outcome.ok) expect(Buffer.from(outcome.output).equals(expected)).toBe(true);
    });
  }
});
