// Hostile input that makes dtc report a quadratic number of problems: diagnostics are streamed
// as they come (as dtc prints them), the first ones are dtc's, past the limit they are counted
// in one step, and the work stays linear.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_DIAGNOSTIC_LIMIT } from "../../../src/source/index.ts";
import { hasDtc } from "../../helpers/shared.ts";
import { compileText, dtc, dtprobe, growth, linearBound, scratchDir } from "./support.ts";

const dupProps = (n: number) => `/dts-v1/;\n/ {\n${"\tp = <1>;\n".repeat(n)}};\n`;
const dupNodes = (n: number) => `/dts-v1/;\n/ {\n${"\tn { };\n".repeat(n)}};\n`;
const dupUnits = (n: number) => `/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <0>;\n${Array.from({ length: n }, (_, i) => `\ta${i}@1 { reg = <1>; };\n`).join("")}};\n`;

const scratch = scratchDir("hostile-diag");
afterAll(scratch.remove);

/** (file, line, column, check, message) of each line dtc or dtprobe prints for a check failure. */
function checkLines(stderr: string, kind: "dtc" | "ours"): string[] {
  const out: string[] = [];
  const re = kind === "dtc" ? /^([^:\s]+):(\d+)\.(\d+)(?:-[\d.]+)?: (?:ERROR|Warning) \((\w+)\): (.*)$/ : /^([^:\s]+):(\d+):(\d+): (?:error|warning): (.*) \[(\w+)\]$/;
  for (const line of stderr.split("\n")) {
    const m = re.exec(line);
    if (!m) continue;
    out.push(kind === "dtc" ? `${m[1]}:${m[2]}:${m[3]} ${m[4]} ${m[5]}` : `${m[1]}:${m[2]}:${m[3]} ${m[5]} ${m[4]}`);
  }
  return out;
}

describe("30,000 duplicate properties (dtc: 450 million messages)", () => {
  it("keeps the first messages, counts the rest, and fails the checks", () => {
    const n = 30_000;
    const { outcome, sink } = compileText(dupProps(n));
    expect(outcome).toMatchObject({ ok: false, stage: "checks" });
    expect(sink.items).toHaveLength(DEFAULT_DIAGNOSTIC_LIMIT);
    // dtc reports each property once per later property of the same name.
    expect(sink.errorCount).toBe((n * (n - 1)) / 2);
    expect(sink.unshownErrors).toBe((n * (n - 1)) / 2 - DEFAULT_DIAGNOSTIC_LIMIT);
    const first = sink.items[0]!;
    expect(first.message).toBe("/:p: Duplicate property name");
    expect(first.span?.file.positionAt(first.span.start)).toMatchObject({ file: "main.dts", line: 3, column: 2 });
  });

  it("grows linearly with the number of properties", () => {
    const ratio = growth((n) => compileText(dupProps(n)), 3_750, 30_000);
    expect(ratio).toBeLessThan(linearBound(8));
  });

  it("pairs of duplicate nodes and of duplicate unit addresses are counted, not visited", () => {
    expect(growth((n) => compileText(dupNodes(n)), 2_500, 20_000)).toBeLessThan(linearBound(8));
    expect(growth((n) => compileText(dupUnits(n)), 2_500, 20_000)).toBeLessThan(linearBound(8));
    const { sink } = compileText(dupNodes(2_000));
    expect(sink.errorCount).toBe((2_000 * 1_999) / 2);
  });

  it("the command streams them, says how many were not shown, and exits 2 as dtc does", () => {
    writeFileSync(join(scratch.dir, "dups.dts"), dupProps(30_000));
    const r = dtprobe(["compile", "-o", "out.dtb", "dups.dts"], { cwd: scratch.dir });
    expect(r.status).toBe(2);
    const lines = r.stderr.split("\n");
    expect(lines[0]).toBe("dups.dts:3:2: error: /:p: Duplicate property name [duplicate_property_names]");
    expect(r.stderr).toContain("dtprobe: note: too many diagnostics: 449,984,000 more errors not shown (the first 1,000 are)");
    // 1,000 diagnostics of three lines each, and the closing lines.
    expect(lines.length).toBeLessThan(3 * DEFAULT_DIAGNOSTIC_LIMIT + 10);
  });

  it.skipIf(!hasDtc)("the messages shown are dtc's first messages, in dtc's order", () => {
    // 60 properties: 1,770 messages, more than the limit, few enough for dtc to print quickly.
    writeFileSync(join(scratch.dir, "small.dts"), dupProps(60));
    const theirs = dtc(["-o", "/dev/null", "small.dts"], scratch.dir);
    const ours = dtprobe(["compile", "-o", "/dev/null", "small.dts"], { cwd: scratch.dir });
    expect(ours.status).toBe(theirs.status);
    const dtcLines = checkLines(theirs.stderr, "dtc");
    expect(dtcLines).toHaveLength((60 * 59) / 2);
    expect(checkLines(ours.stderr, "ours")).toEqual(dtcLines.slice(0, DEFAULT_DIAGNOSTIC_LIMIT));
    // With no limit, all of them.
    const all = dtprobe(["compile", "--max-diagnostics", "0", "-o", "/dev/null", "small.dts"], { cwd: scratch.dir });
    expect(checkLines(all.stderr, "ours")).toEqual(dtcLines);
  });
});
