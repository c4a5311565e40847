// The 15 real boards (shared/corpus/dev): the checks' stderr must be dtc's, line for line. The
// oracle is the installed dtc (1.6.1), mapped to 1.8.1 with dtc-versions.ts.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hasDtc, hasShared, sharedDir } from "../helpers/shared.ts";
import { runLikeDtc } from "./dtc-run.ts";
import { checkLines181, corpusAdded181 } from "./dtc-versions.ts";

const dir = sharedDir + "corpus/dev/";

describe.skipIf(!hasShared || !hasDtc)("checks on the corpus boards", () => {
  const boards = hasShared ? readdirSync(dir).filter((f) => f.endsWith(".pre.dts")) : [];

  it("prints what dtc prints for every board", () => {
    const summary: string[] = [];
    let lines = 0;
    for (const f of boards) {
      const dtc = spawnSync("dtc", ["-I", "dts", "-O", "dtb", "-o", "/dev/null", f], { cwd: dir, encoding: "latin1" });
      const expected = [...checkLines181(dtc.stderr), ...(corpusAdded181[f.replace(".pre.dts", "")] ?? [])];
      const run = runLikeDtc(dir, f, [], "/dev/null");
      expect(run.frontEndFailed).toBe(false);
      expect({ board: f, lines: run.lines }).toEqual({ board: f, lines: expected });
      lines += expected.length;
      summary.push(`${f.replace(".pre.dts", "")} ${expected.length}`);
    }
    console.log(`corpus: ${boards.length} boards, ${lines} check lines identical to dtc (${summary.join(", ")})`);
    expect(boards.length).toBe(15);
  });
});
