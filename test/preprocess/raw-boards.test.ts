// The six raw kernel boards of ../shared/corpus/raw: our preprocessor + dtc must give the same
// blob as `cpp` + dtc, with the kernel's command (see corpus/raw/README.md).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DiagnosticSink, SourceFile, nodeFileHost } from "../../src/source/index.ts";
import { preprocess } from "../../src/preprocess/index.ts";
import { cppAvailable, diagnosticLines, dtcAvailable, normalize } from "./harness.ts";

const shared = fileURLToPath(new URL("../../../shared/", import.meta.url));
const raw = join(shared, "corpus/raw");
const present = existsSync(join(raw, "src"));

function findBoards(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, r)).isDirectory()) out.push(...findBoards(dir, r));
    else if (name.endsWith(".dts")) out.push(r);
  }
  return out.sort();
}

describe.skipIf(!present || !cppAvailable || !dtcAvailable)("raw kernel boards: built-in preprocessor + dtc == cpp + dtc", () => {
  const boards = present ? findBoards(raw, "src") : [];
  const work = mkdtempSync(join(tmpdir(), "dtprobe-boards-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("finds the six boards", () => {
    expect(boards.length).toBe(6);
  });

  for (const board of boards) {
    it(board, () => {
      const name = board.split("/").pop()!.replace(/\.dts$/, "");
      const cppOut = join(work, `${name}.cpp.dts`);
      const cpp = spawnSync("cpp", ["-nostdinc", "-I", "include", "-I", "src", "-undef", "-D__DTS__", "-x", "assembler-with-cpp", "-o", cppOut, board], { cwd: raw, encoding: "latin1" });
      expect(cpp.status).toBe(0);

      const sink = new DiagnosticSink();
      const host = { readText: (p: string) => nodeFileHost.readText(join(raw, p)), readBytes: (p: string) => nodeFileHost.readBytes(join(raw, p)) };
      const entry = new SourceFile(board, readFileSync(join(raw, board), "latin1"));
      const out = preprocess(entry, { host, includeDirs: ["include", "src"], defines: [{ name: "__DTS__" }], undefines: [] }, sink);
      expect(diagnosticLines(sink.items)).toEqual([]);
      expect(out).toBeDefined();
      const ourOut = join(work, `${name}.ours.dts`);
      writeFileSync(ourOut, Buffer.from(out!.text, "latin1"));

      // Same tokens with the same separation (cpp's line markers aside)...
      const cppText = readFileSync(cppOut, "latin1").replace(/^# \d+ .*$/gm, "");
      expect(normalize(out!.text)).toBe(normalize(cppText));

      // ...and the same blob from dtc.
      const blobs = [cppOut, ourOut].map((f) => {
        const r = spawnSync("dtc", ["-q", "-I", "dts", "-O", "dtb", "-o", "-", f], { encoding: "buffer" });
        expect(r.status).toBe(0);
        return r.stdout;
      });
      expect(blobs[1]!.length).toBeGreaterThan(0);
      expect(Buffer.compare(blobs[0]!, blobs[1]!)).toBe(0);

      // Positions come from the origin map: the model line sits in the board file itself.
      const at = out!.text.indexOf("model = ");
      expect(at).toBeGreaterThanOrEqual(0);
      const pos = out!.positionAt(at);
      expect(out!.lineTextAt(at)).toContain("model = ");
      expect(pos.file.endsWith(".dts") || pos.file.endsWith(".dtsi")).toBe(true);
    });
  }
});
