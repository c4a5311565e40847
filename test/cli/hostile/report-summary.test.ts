// Honest summaries: the JSON summary, the text header and the exit status count every device
// with an error, a deferral or an unbound state; `--fail-on` turns the worst finding into exit 1;
// diagnostics are printed once (standard error), counted by the report, kept in JSON; -q, -W and
// -E mean what they mean in dtc.
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { renderReportText, reportSchema, type Report } from "../../../src/report/index.ts";
import { hasShared, projectDir, sharedDir } from "../../helpers/shared.ts";
import { loadTree, runModel, type RunOptions } from "../../kernel/support/run.ts";
import { dtprobe, dtprobeAsync, pooled, scratchDir, SLOW } from "./run-cli.ts";

const fixtures = `${projectDir}fixtures/kernel/`;
const work = scratchDir("summary");
const validate = new Ajv2020.default({ allErrors: true, strict: false }).compile(reportSchema);

/** The summary recounted from the devices, independently of src/report/summary.ts. */
function recount(r: Report) {
  const by = (p: (d: Report["devices"][number]) => boolean) => r.devices.filter(p).length;
  const exists = (d: Report["devices"][number]) => d.state !== "not-created" && d.state !== "removed";
  // of_iommu_configure's -ENODEV is "no IOMMU for this device", which the kernel does not report.
  const declinedOnly = (d: Report["devices"][number]) => d.errors.length > 0 && d.errors.every((e) => e.errno === "-ENODEV");
  const withErrors = by((d) => d.errors.length > 0 && !declinedOnly(d));
  const declined = by(declinedOnly);
  const notAttached = by((d) => exists(d) && d.group === null && d.wantedIommu !== null);
  const failed = by((d) => d.state === "failed");
  const deferred = by((d) => d.state === "deferred");
  const warnings = r.diagnostics.filter((d) => d.severity === "warning").length;
  return {
    withErrors,
    declined,
    notAttached,
    failed,
    deferred,
    noDriver: by((d) => d.state === "no-driver"),
    notCreated: by((d) => d.state === "not-created"),
    unbound: by((d) => d.state === "unbound"),
    removed: by((d) => d.state === "removed"),
    warnings,
    findings: withErrors + failed > 0 ? "error" : deferred + notAttached + declined + warnings > 0 ? "warning" : "none",
  };
}

const runs: [string, RunOptions][] = [
  ["family-ipmmu-vmsa", {}],
  ["tegra30-like", { kernel: "6.1" }],
  ["tegra30-like", { kernel: "6.15", policy: "per-group", scenarioFile: `${fixtures}tegra30-like.scenario.json` }],
  ["ownership", { kernel: "6.12", scenarioFile: `${fixtures}ownership.scenario.json` }],
  ["deferred-probe", {}],
  ["arm-smmu-errors", { hwFile: `${fixtures}arm-smmu-errors.hw.json` }],
  ["family-rockchip", {}],
  ["families", { kernel: "6.15" }],
];

describe("the summary counts every device", () => {
  it("fixture reports: each count is what the devices say, and the text header says it", () => {
    for (const [name, o] of runs) {
      const { report } = runModel(loadTree(`${fixtures}${name}.dts`), { input: `${name}.dts`, assumeDrivers: true, ...o });
      const s = report.summary;
      expect(s, name).toMatchObject(recount(report));
      const header = renderReportText(report).split("\n").find((l) => / devices, \d+ behind an IOMMU, /.test(l))!;
      expect(header, name).toContain(`${s.deferred} deferred, ${s.failed} failed, ${s.withErrors} with errors, ${s.notAttached} not attached, ${s.noDriver} without a driver`);
      expect(header, name).toMatch(new RegExp(`; findings: ${s.findings}$`));
    }
  });

  it("tegra30-like: the -EINVAL of the grouped DRM members are errors; scenario unbinds and removals are counted", () => {
    const at61 = runModel(loadTree(`${fixtures}tegra30-like.dts`), { kernel: "6.1", assumeDrivers: true }).report;
    expect(at61.summary.withErrors).toBeGreaterThan(0);
    expect(at61.summary.notAttached).toBe(0); // grouped, then failed: not "not attached"
    expect(at61.summary.findings).toBe("error");
    const scenario = runModel(loadTree(`${fixtures}tegra30-like.dts`), { kernel: "6.15", assumeDrivers: true, policy: "per-group", scenarioFile: `${fixtures}tegra30-like.scenario.json` }).report;
    expect(scenario.summary.unbound).toBe(2);
    const ownership = runModel(loadTree(`${fixtures}ownership.dts`), { kernel: "6.12", assumeDrivers: true, scenarioFile: `${fixtures}ownership.scenario.json` }).report;
    expect(ownership.summary.removed).toBe(2);
    // A device off the R-Car IPMMU allow list: -ENODEV, dma-direct, no kernel message.
    const ipmmu = runModel(loadTree(`${fixtures}family-ipmmu-vmsa.dts`), { assumeDrivers: true }).report;
    expect([ipmmu.summary.withErrors, ipmmu.summary.declined, ipmmu.summary.findings]).toEqual([0, 1, "warning"]);
  });

  it.skipIf(!hasShared)("the boards of the issue: tegra30-ouya's four -EINVAL, mt8395's 25 devices not attached at 6.1", () => {
    // The pictures: every device with a driver (--assume-drivers).
    const ouya = runModel(loadTree(`${sharedDir}corpus/dev/tegra30-ouya.pre.dts`), { assumeDrivers: true }).report;
    expect([ouya.summary.withErrors, ouya.summary.findings]).toEqual([4, "error"]);
    const mt = runModel(loadTree(`${sharedDir}corpus/dev/mt8395-genio-1200-evk.pre.dts`), { kernel: "6.1", assumeDrivers: true }).report;
    expect([mt.summary.notAttached, mt.summary.withErrors, mt.summary.findings]).toEqual([25, 25, "error"]);
    // Under Debian's 6.1 tables the armmp configuration builds no Tegra30 SMMU: the DRM clients and
    // host1x wait for it until the deferred probe timeout (-ETIMEDOUT), still errors.
    const ouyaTable = runModel(loadTree(`${sharedDir}corpus/dev/tegra30-ouya.pre.dts`)).report;
    expect([ouyaTable.summary.groups, ouyaTable.summary.findings]).toEqual([0, "error"]);
    expect(ouyaTable.devices.filter((d) => d.errors.length > 0).every((d) => d.errors[0]!.errno === "-ETIMEDOUT")).toBe(true);
    for (const f of readdirSync(`${sharedDir}corpus/dev`).filter((x) => x.endsWith(".pre.dts"))) {
      const r = runModel(loadTree(`${sharedDir}corpus/dev/${f}`)).report;
      expect(r.summary, f).toMatchObject(recount(r));
    }
  });
});

const withErrors = `${fixtures}tegra30-like.dts`;
const clean = join(work, "clean.dts");
writeFileSync(clean, '/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n\tcompatible = "test,board";\n\tdev@1000 { compatible = "test,device"; reg = <0x1000 0x100>; };\n};\n');
// One dtc check warning: a unit address without reg.
const warns = join(work, "warns.dts");
writeFileSync(warns, '/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n\tcompatible = "test,board";\n\tdev@1000 { compatible = "test,device"; };\n};\n');

describe("--fail-on and the exit status", () => {
  it("default never: exit 0 with errors in the report; error/warning: exit 1; never: 0", async () => {
    const cases: [string[], string, number][] = [
      [[], withErrors, 0],
      [["--fail-on", "error"], withErrors, 1],
      [["--fail-on=warning"], withErrors, 1],
      [["--fail-on", "never"], withErrors, 0],
      [["--fail-on", "warning"], clean, 0],
      // A warning diagnostic is a warning-class finding, not an error-class one.
      [["--fail-on", "error"], warns, 0],
      [["--fail-on", "warning"], warns, 1],
    ];
    const results = await pooled(cases.map(([flags, board]) => () => dtprobeAsync(["report", "-q", "-o", "/dev/null", ...flags, board])));
    expect(results.map((r) => r.status)).toEqual(cases.map((c) => c[2]));
    const bad = dtprobe(["report", "--fail-on", "sometimes", clean]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("invalid --fail-on 'sometimes' (error, warning, never)");
    expect(dtprobe(["report", "--help"]).stdout.toString()).toContain("--fail-on CLASS");
  }, SLOW);
});

describe("diagnostics once, and dtc's -q, -W, -E", () => {
  it("a check warning goes to standard error once; the text report counts it; JSON keeps it", () => {
    const text = dtprobe(["report", warns]);
    expect(text.status).toBe(0);
    expect(text.stderr.match(/warning: \/dev@1000: node has a unit name, but no reg or ranges property \[unit_address_vs_reg\]/g)).toHaveLength(1);
    expect(text.stdout.toString()).not.toContain("unit_address_vs_reg");
    expect(text.stdout.toString()).toContain(", 1 warning; findings: warning");
    const json = dtprobe(["report", "--format", "json", warns]);
    const report = JSON.parse(json.stdout.toString());
    expect(report.summary.warnings).toBe(1);
    expect(report.diagnostics.map((d: { code: string }) => d.code)).toEqual(["unit_address_vs_reg"]);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  }, SLOW);

  it("-q silences warnings; -W no-CHECK turns the check off; -E CHECK makes it an error that stops the run", () => {
    const quiet = dtprobe(["report", "-q", warns]);
    expect([quiet.status, quiet.stderr]).toEqual([0, ""]);
    const off = dtprobe(["report", "--format", "json", "-Wno-unit_address_vs_reg", warns]);
    expect(off.stderr).toBe("");
    expect(JSON.parse(off.stdout.toString()).summary.warnings).toBe(0);
    const err = dtprobe(["report", "-E", "unit_address_vs_reg", warns]);
    expect(err.status).toBe(1);
    expect(err.stderr).toContain("error: /dev@1000: node has a unit name, but no reg or ranges property [unit_address_vs_reg]");
    expect(err.stdout.length).toBe(0);
    expect(dtprobe(["report", "-W", "no_such_check", warns]).status).toBe(2);
  }, SLOW);
});
