// dtc 1.6.1 (the oracle) compiles generated boards with exit 0 and not a single warning.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateBoard, generateDeepNesting, generateSiblings } from "../../src/gen/index.ts";

const hasDtc = spawnSync("dtc", ["--version"]).status === 0;

describe.skipIf(!hasDtc)("dtc accepts generated boards", () => {
  const dir = mkdtempSync(join(tmpdir(), "dtprobe-gen-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const compile = (name: string, text: string) => {
    const input = join(dir, `${name}.dts`);
    writeFileSync(input, text, "latin1");
    return spawnSync("dtc", ["-I", "dts", "-O", "dtb", "-o", join(dir, `${name}.dtb`), input], { encoding: "utf8" });
  };

  // N=200 with every IOMMU count that changes the family mix, plus edge sizes.
  const cases: [nodes: number, iommus: number, seed: number][] = [
    [200, 8, 1], [200, 0, 2], [200, 1, 3], [200, 2, 4], [200, 3, 5], [200, 6, 6], [200, 13, 7], [1, 1, 8], [1500, 8, 9],
  ];
  for (const [nodes, iommus, seed] of cases) {
    it(`--nodes ${nodes} --iommus ${iommus} --seed ${seed}: exit 0, no warnings`, () => {
      const r = compile(`b-${nodes}-${iommus}-${seed}`, generateBoard({ nodes, iommus, seed }));
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    });
  }

  it("accepts the stress shapes within dtc's own limits", () => {
    for (const [name, text] of [["siblings", generateSiblings(3000)], ["depth", generateDeepNesting(500)]] as const) {
      const r = compile(name, text);
      expect(r.stderr, name).toBe("");
      expect(r.status, name).toBe(0);
    }
  });
});
