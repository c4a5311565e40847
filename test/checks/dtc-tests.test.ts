// dtc's own test inputs (shared/dtc-tests): the checks' stderr must be dtc's, line for line —
// positions, paths, texts, order, "also defined at" and "Failed prerequisite" lines. The recorded
// stderr is dtc 1.6.1's; dtc-versions.ts maps it to 1.8.1 (which dtprobe follows).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hasShared, readManifest, sharedDir } from "../helpers/shared.ts";
import { runLikeDtc } from "./dtc-run.ts";
import { added181, checkLines181 } from "./dtc-versions.ts";

describe.skipIf(!hasShared)("checks on dtc-tests inputs", () => {
  const inputs = sharedDir + "dtc-tests/inputs";
  const rows = hasShared ? readManifest() : [];

  it("prints what dtc prints, for every row the front end accepts", () => {
    let compared = 0;
    let identicalTo161 = 0;
    const mismatches: string[] = [];
    for (const row of rows) {
      const run = runLikeDtc(inputs, row.file, row.flags, `${row.id}.dtb`);
      if (run.frontEndFailed) continue;
      compared++;
      const stderr = readFileSync(`${sharedDir}dtc-tests/results/${row.id}.stderr`, "latin1");
      const expected = [...checkLines181(stderr), ...(added181[row.id] ?? [])];
      if (run.lines.join("\n") !== expected.join("\n")) mismatches.push(`${row.id}:\n  expected ${JSON.stringify(expected)}\n  got      ${JSON.stringify(run.lines)}`);
      const raw161 = stderr.split("\n").filter((l) => l && !/^(ERROR|Warning): Input tree has errors/.test(l));
      if (run.lines.filter(Boolean).join("\n") === raw161.filter(Boolean).join("\n")) identicalTo161++;
    }
    console.log(`dtc-tests: ${compared} rows checked, ${compared - mismatches.length} match dtc 1.8.1 (mapped), ${identicalTo161} identical to the raw 1.6.1 stderr`);
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(180);
  });

  it("agrees with dtc 1.8.1's verdicts", () => {
    const wrong: string[] = [];
    for (const row of rows) {
      const run = runLikeDtc(inputs, row.file, row.flags, `${row.id}.dtb`);
      if (run.frontEndFailed) continue;
      const forced = row.flags.includes("-f");
      // A check error fails the run unless -f; "accepted" (no warnings at all) means the checks
      // printed nothing. (Other 1.8.1 warnings, such as value truncation, come from the builder.)
      if (!forced && run.errors !== row.outcome.startsWith("check-error")) wrong.push(`${row.id}: errors=${run.errors} but 1.8.1 ${row.outcome}`);
      if (row.outcome === "accepted" && run.diagnostics.length > 0) wrong.push(`${row.id}: 1.8.1 prints nothing, we print ${run.lines[0]}`);
    }
    expect(wrong).toEqual([]);
  });
});
