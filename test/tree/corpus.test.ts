// The 15 real boards of the corpus: parse -> buildTree -> checks -> blob, byte-identical to what
// the installed dtc writes for the same preprocessed source (with and without -@).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeDtb } from "../../src/fdt/index.ts";
import { DiagnosticSink, nodeFileHost } from "../../src/source/index.ts";
import { guessBootCpuId } from "../../src/tree/index.ts";
import { finish, parseAndBuild } from "./dts.ts";

const dev = new URL("../../../shared/corpus/dev/", import.meta.url).pathname;
const hasCorpus = existsSync(dev);
const hasDtc = spawnSync("dtc", ["--version"], { stdio: "ignore" }).status === 0;
const boards = hasCorpus ? readdirSync(dev).filter((f) => f.endsWith(".pre.dts")) : [];

describe.skipIf(!hasCorpus || !hasDtc)("corpus boards: blobs identical to dtc's", () => {
  const tmp = mkdtempSync(join(tmpdir(), "dtprobe-tree-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  for (const symbols of [false, true]) {
    it(`${boards.length} boards${symbols ? " with -@" : ""}`, () => {
      const differing: string[] = [];
      for (const board of boards) {
        const out = join(tmp, board + (symbols ? ".sym" : "") + ".dtb");
        const r = spawnSync("dtc", ["-q", "-I", "dts", "-O", "dtb", ...(symbols ? ["-@"] : []), "-o", out, dev + board]);
        expect(r.status, board).toBe(0);
        const sink = new DiagnosticSink();
        const { tree } = parseAndBuild(dev + board, nodeFileHost.readText(dev + board)!, { host: nodeFileHost, symbols }, sink);
        expect(tree, `${board}: ${sink.items.find((d) => d.severity === "error")?.message}`).toBeDefined();
        finish(tree!, { symbols }, sink);
        const blob = writeDtb(tree!, { bootCpuId: guessBootCpuId(tree!) });
        if (!Buffer.from(blob).equals(readFileSync(out))) differing.push(board);
      }
      expect(differing).toEqual([]);
    });
  }
});
