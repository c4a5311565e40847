// The kernel command line is read as the kernel reads it (kstrtobool, parameq, next_arg): a value
// kstrtobool refuses is not a silent "true" any more; the kernel's log line for it appears in the
// report, and the command warns, naming the word and where it was written.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kstrtobool } from "../../../src/iommu/index.ts";
import { projectDir } from "../../helpers/shared.ts";
import { loadTree, runModel } from "../../kernel/support/run.ts";
import { dtprobe, scratchDir, SLOW } from "./run-cli.ts";

const board = `${projectDir}fixtures/kernel/family-arm-smmu.dts`;
const tree = loadTree(board);
const run = (bootargs: string, kernel = "6.1") => runModel(tree, { bootargs, kernel }).report;
const log = (bootargs: string, kernel = "6.1") => run(bootargs, kernel).events.filter((e) => e.kind === "log" && e.device === null && e.prefix === "").map((e) => `${e.level} ${e.message}`);

describe("kstrtobool", () => {
  it("reads the first character (or o[nf]) and refuses a missing or empty value; t/f only from 5.19", () => {
    const cases: [string | undefined, boolean | undefined][] = [
      ["1", true], ["y", true], ["Yes", true], ["t", true], ["True", true], ["on", true], ["ON", true], ["oN", true],
      ["0", false], ["n", false], ["No", false], ["f", false], ["FALSE", false], ["off", false], ["OFF", false], ["foo", false],
      ["", undefined], [undefined, undefined], ["xyz", undefined], ["o", undefined], ["ok", undefined], ["2", undefined], [" 1", undefined],
    ];
    for (const [v, want] of cases) expect(kstrtobool(v), String(v)).toBe(want);
    expect([kstrtobool("true", false), kstrtobool("false", false), kstrtobool("yes", false)]).toEqual([undefined, undefined, true]);
  });
});

describe("iommu.passthrough and iommu.strict", () => {
  it("valid values set the default domain type; the last valid one wins", () => {
    expect(run("").config.defaultDomainType).toBe("DMA");
    expect(run("iommu.passthrough=T").config.defaultDomainType).toBe("identity");
    expect(run("iommu.passthrough=on").config.defaultDomainType).toBe("identity");
    expect(run("iommu.passthrough=1 iommu.passthrough=0").config.defaultDomainType).toBe("DMA");
    expect(run("iommu.strict=0").config.defaultDomainType).toBe("DMA-FQ");
    expect(run("iommu.strict=no").config.defaultDomainType).toBe("DMA-FQ");
    // After "--" the words are init's, not the kernel's.
    expect(run("console=ttyS0 -- iommu.passthrough=1").config.defaultDomainType).toBe("DMA");
    expect(run('foo="a b iommu.passthrough=1"').config.defaultDomainType).toBe("DMA");
  });

  it("a value kstrtobool refuses changes nothing and logs 'Malformed early option', as do_early_param does", () => {
    for (const word of ["iommu.passthrough=xyz", "iommu.passthrough", "iommu.passthrough="]) {
      expect(run(word).config.defaultDomainType, word).toBe("DMA");
      expect(log(word), word).toContain("warn Malformed early option 'iommu.passthrough'");
    }
    expect(run("iommu.passthrough=1 iommu.passthrough=xyz").config.defaultDomainType).toBe("identity");
    expect(log("iommu.strict=maybe")).toContain("warn Malformed early option 'iommu.strict'");
    expect(run("iommu.strict=maybe").config.defaultDomainType).toBe("DMA");
    // "foo" is false from 5.19 (the first letter, f), malformed before.
    expect([run("iommu.passthrough=foo").config.defaultDomainType, log("iommu.passthrough=foo")]).toEqual(["DMA", []]);
    expect(log("iommu.passthrough=foo", "5.15")).toContain("warn Malformed early option 'iommu.passthrough'");
    expect(run("iommu.passthrough=true", "5.15").config.defaultDomainType).toBe("DMA");
    // A built-in module's bool parameter: a bare name is "1"; a bad value is parse_args's error.
    expect(log("arm-smmu.disable_bypass=perhaps")).toContain("err Booting kernel: `perhaps' invalid for parameter `arm-smmu.disable_bypass'");
    expect(log("arm-smmu.disable_bypass")).toEqual([]);
    // parameq: - and _ are the same character in a name.
    expect(log("arm_smmu.disable-bypass=perhaps")).toContain("err Booting kernel: `perhaps' invalid for parameter `arm_smmu.disable-bypass'");
  });
});

describe("arm-smmu.disable_bypass", () => {
  // The devices of family-arm-smmu.dts whose stream IDs were never configured (a failed probe).
  const faulting = (bootargs: string, kernel = "6.1") =>
    run(bootargs, kernel).events.filter((e) => e.kind === "note" && e.message.includes("with arm-smmu.disable_bypass its DMA faults")).length;

  it("is read as param_set_bool reads it on this kernel: the last valid value, either spelling, t/f only from 5.19", () => {
    const all = faulting("");
    expect(all).toBeGreaterThan(0);
    expect(faulting("arm-smmu.disable_bypass=0")).toBe(0);
    expect(faulting("arm_smmu.disable-bypass=n")).toBe(0);
    expect(faulting("arm-smmu.disable_bypass=0 arm-smmu.disable_bypass=perhaps")).toBe(0);
    expect(faulting("arm-smmu.disable_bypass=0 arm-smmu.disable_bypass")).toBe(all);
    expect(faulting("arm-smmu.disable_bypass=f")).toBe(0);
    // Before 5.19 kstrtobool refuses "f": the parameter keeps its default (y).
    expect(faulting("arm-smmu.disable_bypass=f", "5.15")).toBe(all);
  });
});

describe("the command says so", () => {
  const work = scratchDir("bootargs");
  it("--bootargs: a warning naming the word; /chosen/bootargs: a warning at the property; the kernel's line in the report's log", () => {
    const r = dtprobe(["report", "--bootargs", "console=ttyS0 iommu.passthrough=xyz iommu.strict=off", board]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      `dtprobe: warning: --bootargs: iommu.passthrough=xyz: 'xyz' is not a boolean for iommu.passthrough (kstrtobool takes 1/0, y/n, t/f, on/off): the kernel logs "Malformed early option 'iommu.passthrough'" and keeps the default domain type (identity or translated) as it was [bootargs]\n`,
    );
    expect(r.stdout.toString()).toContain("  [setup] Malformed early option 'iommu.passthrough'\n");
    expect(r.stdout.toString()).toMatch(/, 1 warning; findings: /);
    const lenient = dtprobe(["report", "-o", "/dev/null", "--bootargs", "iommu.passthrough=foo", board]);
    expect(lenient.stderr).toContain("--bootargs: iommu.passthrough=foo: kstrtobool reads only the first character: 'foo' sets iommu.passthrough to false");
    const dts = join(work, "chosen.dts");
    writeFileSync(dts, '/dts-v1/;\n/ {\n\tcompatible = "test,board";\n\tchosen {\n\t\tbootargs = "iommu.strict=2";\n\t};\n};\n');
    const c = dtprobe(["report", dts]);
    expect(c.status).toBe(0);
    expect(c.stderr).toContain(`${dts}:5:3: warning: /chosen/bootargs: iommu.strict=2: '2' is not a boolean for iommu.strict`);
    expect(c.stdout.toString()).toContain("Malformed early option 'iommu.strict'");
  }, SLOW);
});
