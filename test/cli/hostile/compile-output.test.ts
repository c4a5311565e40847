// Output that grows faster than its input, and options that ask for huge outputs: `-O dts` of a
// deep tree (its text is quadratic in the depth: 625 MB for 25,000 levels, over V8's string
// limit, which made compile exit 70), and -S/-p/-R/-a with huge numbers (gigabytes allocated).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../../src/cli/args.ts";
import { parseCompileArgs } from "../../../src/cli/compile-command.ts";
import { OutputTooLarge, writeDtsBytes } from "../../../src/fdt/index.ts";
import { hasDtc } from "../../helpers/shared.ts";
import { compileText, dtc, dtprobe, growth, scratchDir } from "./support.ts";

const deep = (n: number) => `/dts-v1/;\n/ {${"a{".repeat(n)}${"};".repeat(n)}};\n`;
/** Bytes of `-O dts` for deep(n): per level an opening and a closing line indented by the level. */
const deepDtsBytes = (n: number) => {
  let total = "/dts-v1/;\n\n/ {\n".length + "};\n".length;
  for (let level = 1; level <= n; level++) total += 1 + 2 * level + "a {\n".length + "};\n".length;
  return total;
};

const scratch = scratchDir("hostile-output");
afterAll(scratch.remove);
const cwd = scratch.dir;

describe("-O dts of a deep tree", () => {
  it("writes a 10,000-deep tree (100 MB of text), in blocks", () => {
    writeFileSync(join(cwd, "deep.dts"), deep(10_000));
    const r = dtprobe(["compile", "-O", "dts", "-o", "deep.out.dts", "deep.dts"], { cwd });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const { outcome } = compileText(deep(10_000), { outputFormat: "dts" });
    expect(outcome.ok && outcome.output.length).toBe(deepDtsBytes(10_000));
  });

  it("takes time in proportion to the text it writes", () => {
    // Depth x4: text x16 (quadratic in the depth, as dtc's), time within three times that.
    const ratio = growth((n) => compileText(deep(n), { outputFormat: "dts" }), 1_000, 4_000);
    expect(ratio).toBeLessThan(3 * (deepDtsBytes(4_000) / deepDtsBytes(1_000)));
  });

  it.skipIf(!hasDtc)("writes what dtc writes (3,000 levels: dtc's parser stack allows about 3,300)", () => {
    writeFileSync(join(cwd, "deep3k.dts"), deep(3_000));
    expect(dtc(["-O", "dts", "-o", "deep3k.dtc.dts", "deep3k.dts"], cwd).status).toBe(0);
    expect(dtprobe(["compile", "-O", "dts", "-o", "deep3k.ours.dts", "deep3k.dts"], { cwd }).status).toBe(0);
    expect(readFileSync(join(cwd, "deep3k.ours.dts")).equals(readFileSync(join(cwd, "deep3k.dtc.dts")))).toBe(true);
  });

  it("stops with an error past the output limit instead of failing inside the writer", () => {
    const { outcome } = compileText(deep(2_000), { outputFormat: "dtb" });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(() => writeDtsBytes(outcome.tree, {}, 1_000_000)).toThrow(OutputTooLarge);
    expect(writeDtsBytes(outcome.tree, {}, 10_000_000)).toHaveLength(deepDtsBytes(2_000));
  });
});

describe("numeric options with huge values", () => {
  writeFileSync(join(cwd, "good.dts"), "/dts-v1/;\n/ {\n\tmodel = \"x\";\n};\n");
  const cases: [string[], string][] = [
    [["-S", "0x7fffffff"], 'invalid argument "0x7fffffff" to -S (from 0 to 134,217,728)'],
    [["-p", "99999999999"], 'invalid argument "99999999999" to -p (from 0 to 134,217,728)'],
    [["-R", "0x7fffffff"], 'invalid argument "0x7fffffff" to -R (from 0 to 65,536)'],
    [["-R", "-1"], 'invalid argument "-1" to -R (from 0 to 65,536)'],
    [["-a", "0x40000000"], 'invalid argument "0x40000000" to -a (from 1 to 134,217,728)'],
    [["-a", "3"], 'invalid argument "3" to -a (not a power of 2)'],
    [["-b", "0x100000000"], 'invalid argument "0x100000000" to -b (from -1 to 4,294,967,295)'],
  ];
  it("each is a usage error naming the bounds", () => {
    for (const [args, message] of cases) expect(() => parseCompileArgs([...args, "good.dts"]), args.join(" ")).toThrow(new UsageError(message));
  });

  it("the command exits 2 and writes nothing (it allocated gigabytes or exited 70)", () => {
    const r = dtprobe(["compile", "-R", "0x7fffffff", "-o", "never.dtb", "good.dts"], { cwd });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`dtprobe: ${cases[2]![1]}`);
    expect(existsSync(join(cwd, "never.dtb"))).toBe(false);
  });

  it.skipIf(!hasDtc)("values inside the bounds give dtc's blob", () => {
    const args = ["-R", "3", "-S", "0x10000", "-a", "0x100", "-b", "7"];
    const theirs = dtc([...args, "-O", "dtb", "-o", "-", "good.dts"], cwd);
    const ours = dtprobe(["compile", ...args, "-o", "-", "good.dts"], { cwd });
    expect(ours.status).toBe(0);
    expect(ours.stdout.equals(theirs.stdout)).toBe(true);
  });
});
