// `dtprobe run`: every scenario under fixtures/scenarios runs with all its expectations holding
// (each file is the example of one behaviour; the facts it exists for are asserted here
// too, so that a fixture edited into saying nothing fails), a changed expectation fails the run
// with expected against actual, and the CLI's exit codes and JSON output.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import { renderTimeline, reportSchema, runScenarioFile, type ScenarioRunResult } from "../../src/report/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { projectDir } from "../helpers/shared.ts";

const dir = join(projectDir, "fixtures/scenarios");
const work = mkdtempSync(join(tmpdir(), "dtprobe-run-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const validate = new Ajv2020.default({ allErrors: true, strict: false }).compile(reportSchema);

function run(name: string): ScenarioRunResult {
  const sink = new DiagnosticSink();
  const r = runScenarioFile(join(dir, name), sink);
  expect(sink.items.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return r!;
}

/** The step results in order (ok, -EPERM, failed), without the expect steps. */
const results = (r: ScenarioRunResult) => r.steps.filter((s) => s.op !== "expect").map((s) => `${s.op} ${s.result}`);
const device = (r: ScenarioRunResult, name: string) => r.report.devices.find((d) => d.name === name)!;

function dtprobe(args: string[]) {
  const tsx = pathToFileURL(join(projectDir, "node_modules/tsx/dist/loader.mjs")).href;
  const r = spawnSync(process.execPath, ["--import", tsx, join(projectDir, "src/cli/main.ts"), ...args], { cwd: work, maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe("the scenario fixtures", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".scenario.yaml"));

  it("each holds expectations, and all of them hold", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const r = run(f);
      const expects = r.steps.filter((s) => s.op === "expect");
      expect(expects.length, f).toBeGreaterThanOrEqual(3);
      expect(r.failedExpectations, `${f}\n${renderTimeline(r, f)}`).toBe(0);
      expect(validate({ ...r.report }), f).toBe(true);
    }
  });

  it("Tegra30, 4 address spaces: per-device exhausts them at boot, per-instance leaves three for per-process domains", () => {
    const pd = run("tegra30-asids.per-device.scenario.yaml");
    expect(pd.report.iommus[0]!.used).toMatchObject({ asids: 4 });
    expect(device(pd, "54300000.engine").errors.map((e) => e.errno)).toEqual(["-ENOSPC"]);
    expect(results(pd)).toEqual(["release-dma-mapping ok", "attach-domain -ENOSPC", "dma-map ok", "dma-map -ENOMEM", "dma-map ok", "dma-unmap ok", "dma-map ok"]);
    // The arm32 mapping's bitmaps: 32 x 128 MiB fill SATA's 4 GiB window; HDA's is its own.
    expect(pd.steps.find((s) => s.result === "-ENOMEM")!.message).toContain("the arm_iommu mapping's IOVA bitmap has no room for 4096 bytes");
    expect(pd.iova).toEqual([
      { domain: 0, kind: "arm-mapping", allocatedPages: 1, capacityPages: 1048576 },
      { domain: 1, kind: "arm-mapping", allocatedPages: 1, capacityPages: 1048576 },
    ]);
    const pi = run("tegra30-asids.per-instance.scenario.yaml");
    expect(results(pi).filter((s) => s.startsWith("attach-domain"))).toEqual(["attach-domain ok", "attach-domain ok", "attach-domain ok", "attach-domain -ENOSPC", "attach-domain ok"]);
    expect(pi.steps.find((s) => s.op === "detach-domain")!.changes).toContainEqual({ subject: "/memory-controller@7000f000", field: "used.asids", from: 4, to: 3 });
  });

  it("the DRM composite switches its one group between its own domain and two process domains", () => {
    const r = run("drm-composite.scenario.yaml");
    expect(results(r)).toEqual(["attach-domain -EBUSY", "detach-domain ok", "attach-domain ok", "attach-domain -EBUSY", "detach-domain ok", "attach-domain ok", "detach-domain ok", "attach-domain ok"]);
    // Every switch moves all four members (display x2, 2D, 3D): one group.
    const first = r.steps.find((s) => s.op === "attach-domain" && s.result === "ok")!;
    expect(first.changes.filter((c) => c.field === "domain").map((c) => c.subject)).toEqual(["54200000.dc", "54240000.dc", "54140000.gr2d", "54180000.gr3d"]);
  });

  it("VFIO: EPERM while a sibling is bound, success after unbinding it, the default domain back at release", () => {
    const r = run("vfio-sibling.scenario.yaml");
    expect(results(r)).toEqual(["unbind ok", "bind ok", "vfio-claim -EPERM", "unbind ok", "vfio-claim ok", "bind -EBUSY", "vfio-attach ok", "vfio-release ok", "bind ok"]);
    expect(r.steps.find((s) => s.result === "-EPERM")!.where).toBe("iommu_group_claim_dma_owner");
  });

  it("an IOMMU module: deferral then attachment (6.12), dma-direct after the timeout, no deferral at all in 3.19", () => {
    const bind = run("iommu-module.scenario.yaml");
    const load = bind.steps.find((s) => s.op === "load-module")!;
    expect(load.changes).toContainEqual({ subject: "7ffd0000.ethernet", field: "state", from: "deferred", to: "bound" });
    expect(bind.report.events.some((e) => e.message === "Extended deferred probe timeout by 10 secs")).toBe(true);
    const late = run("iommu-module-late.scenario.yaml");
    expect(device(late, "7ffd0000.ethernet").errors.map((e) => e.errno)).toContain("-ETIMEDOUT");
    const old = run("iommu-module.3.19.scenario.yaml");
    expect(old.report.config.era).toBe("creation");
    expect(old.report.events.some((e) => e.message === "Driver requests probe deferral")).toBe(false);
  });

  it("under the driver tables a scenario's modules are held back only where the table builds them as modules (=m)", () => {
    // The same scenario without `assumeDrivers`: Debian's 6.12 arm64 configuration builds
    // arm-smmu-v3 in (CONFIG_ARM_SMMU_V3=y), so it registers at boot and there is no module to load.
    const text = readFileSync(join(dir, "iommu-module.scenario.yaml"), "latin1").replace(/^assumeDrivers: true$/m, "");
    const board = `board: ${join(projectDir, "fixtures/kernel/family-arm-smmu-v3.dts")}`;
    const file = join(work, "iommu-module.tables.scenario.yaml");
    writeFileSync(file, text.replace("board: ../kernel/family-arm-smmu-v3.dts", board));
    try {
      const sink = new DiagnosticSink();
      const r = runScenarioFile(file, sink)!;
      expect(r.report.config.kernelData.source).toBe("shipped");
      const load = r.steps.find((s) => s.op === "load-module")!;
      expect([load.result, load.message]).toEqual(["-EEXIST", expect.stringMatching(/built in \(=y\) in 6\.12/)]);
      // `assumeDrivers` with `kconfig` is refused.
      writeFileSync(file, `kconfig: my.config\nassumeDrivers: true\n${text.replace("board: ../kernel/family-arm-smmu-v3.dts", board)}`);
      const bad = new DiagnosticSink();
      expect(runScenarioFile(file, bad)).toBeUndefined();
      expect(bad.items.map((d) => d.message)).toContainEqual(expect.stringMatching(/assumeDrivers: true` cannot be combined with `kconfig`/));
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("hotplug behind a PCIe-to-PCI bridge: the bridge's alias is a duplicate StreamID for the second function", () => {
    const r = run("pci-bridge-hotplug.scenario.yaml");
    expect(results(r)).toEqual(["pci-add ok", "pci-add -EEXIST", "remove ok", "unbind ok", "bind ok", "pci-add ok", "pci-add -ENODEV"]);
    expect(r.report.events.filter((e) => e.message.startsWith("stream 512 already in tree")).map((e) => [e.device, e.message])).toEqual([
      ["0000:02:09.0", "stream 512 already in tree from dev 0000:02:08.0"],
      ["0000:02:08.0", "stream 512 already in tree from dev 0000:02:09.0"],
    ]);
    expect(device(r, "0000:02:09.0").ids).toEqual([0x248, 0x200]);
  });

  it("DMA traffic exhausts a 16 MiB IOVA window, and fits again after unmapping", () => {
    const r = run("dma-exhaustion.scenario.yaml");
    const maps = r.steps.filter((s) => s.op === "dma-map");
    expect(maps.map((s) => s.result)).toEqual(["ok", "-ENOMEM", "-ENOMEM", "ok"]);
    expect(maps[0]!.message).toContain("at 0xf00000 .. 0x100000");
    expect(maps[2]!.message).toContain("buffer 256 of 300");
    expect(r.iova.map((u) => [u.domain, u.kind])).toEqual([
      [0, "iommu-dma"],
      [1, "iommu-dma"],
    ]);
  });
});

describe("dtprobe run", () => {
  it("exits 0 when every expectation holds; JSON is the report plus the timeline", () => {
    const text = dtprobe(["run", join(dir, "vfio-sibling.scenario.yaml")]);
    expect([text.status, text.stderr]).toEqual([0, ""]);
    expect(text.stdout.trimEnd().split("\n").at(-1)).toBe("13 expectations held");
    const json = dtprobe(["run", "--format", "json", join(dir, "vfio-sibling.scenario.yaml")]);
    expect(json.status).toBe(0);
    const r = JSON.parse(json.stdout);
    expect(r.steps[4]).toMatchObject({ op: "vfio-claim", result: "-EPERM", code: -1 });
    const { steps, ...report } = r;
    expect(validate(report)).toBe(true);
    expect(validate({ ...report, steps })).toBe(true);
  });

  it("an expectation that does not hold fails the run with expected against actual", () => {
    const text = readFileSync(join(dir, "vfio-sibling.scenario.yaml"), "utf8").replace("board: ../kernel/ownership.dts", `board: ${join(projectDir, "fixtures/kernel/ownership.dts")}`).replace("{ op: expect, error: EPERM }", "{ op: expect, error: EBUSY }");
    const file = join(work, "bad.scenario.yaml");
    writeFileSync(file, text);
    const r = dtprobe(["run", file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("expect previous step: failed in expect — does not hold: step 5 result: expected -EBUSY, got -EPERM\n    - step 5 result: -EBUSY\n    + step 5 result: -EPERM\n");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("1 of 13 expectations failed");
  });

  it("usage and input errors", () => {
    expect(dtprobe(["run"]).status).toBe(2);
    const missing = dtprobe(["run", "nowhere.yaml"]);
    expect([missing.status, missing.stdout]).toEqual([1, ""]);
    expect(missing.stderr).toContain('Couldn\'t open "nowhere.yaml"');
  });
});
