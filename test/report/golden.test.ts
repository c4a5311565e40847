// `dtprobe test`: the sample directory fixtures/user-tests passes (each kind of case, with the
// facts it exists to show), a changed golden fails with its unified diff and `--update` restores
// it, and every way a case cannot run is reported at its file and line.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkGoldenCase, findGoldenCases, goldenDiff, runGoldenCase, runGoldenSuite } from "../../src/report/golden/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { projectDir } from "../helpers/shared.ts";

const sample = `${projectDir}fixtures/user-tests`;
const work = mkdtempSync(join(tmpdir(), "dtprobe-golden-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function dtprobe(args: string[]) {
  const tsx = pathToFileURL(join(projectDir, "node_modules/tsx/dist/loader.mjs")).href;
  const r = spawnSync(process.execPath, ["--import", tsx, join(projectDir, "src/cli/main.ts"), ...args], { cwd: work, maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe("the sample directory", () => {
  const sink = new DiagnosticSink();
  const found = findGoldenCases(sample, sink);

  it("holds one case of each kind, found by the naming rules", () => {
    expect(sink.items).toEqual([]);
    expect(found.orphans).toEqual([]);
    expect(found.cases.map((c) => [c.name, c.kind, c.board])).toEqual([
      ["blobs/tiny", "board", "tiny.dtb"],
      ["nic-soc", "options", "nic-soc.dts"],
      ["nic-soc.6.1", "options", "nic-soc.dts"],
      ["nic-soc.passthrough", "options", "nic-soc.dts"],
      ["nic-soc.unbind", "options", "nic-soc.dts"],
      ["vfio", "scenario", "nic-soc.dts"],
    ]);
  });

  it("every case matches its goldens, and the reports say what each case is for", () => {
    for (const c of found.cases) expect(checkGoldenCase(c, false).status, c.name).toBe("pass");
    const run = (name: string) => runGoldenCase(found.cases.find((c) => c.name === name)!, new DiagnosticSink())!;
    const base = run("nic-soc");
    // The two NIC ports share stream 0x874: one group of two on a DMA default domain.
    const g = base.groups.find((x) => x.devices.includes("ff0b0000.ethernet"))!;
    expect(g.devices).toEqual(["ff0b0000.ethernet", "ff0c0000.ethernet"]);
    expect(base.domains.find((d) => d.id === g.defaultDomain)!.type).toBe("DMA");
    expect(run("nic-soc.6.1").config.kernel).toBe("6.1");
    const pt = run("nic-soc.passthrough");
    expect([pt.config.kernel, pt.config.defaultDomainType]).toEqual(["6.12", "identity"]);
    expect(run("nic-soc.unbind").scenario!.steps.map((s) => s.result)).toEqual(["ok", "ok", "ok"]);
    const vfio = run("vfio");
    expect(vfio.scenario!.file).toBe("vfio.scenario.yaml");
    expect(vfio.scenario!.steps.map((s) => s.result)).toEqual(["ok", "ok", "-EPERM", "ok", "ok", "ok", "ok", "ok"]);
    expect(vfio.scenario!.steps[2]!.line).toBe(8);
    expect(run("blobs/tiny").config.arch).toBe("arm");
  });

  it("the command passes it: a PASS line per case and the count last", () => {
    const r = dtprobe(["test", sample]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("PASS ")).length).toBe(6);
    expect(lines.at(-1)).toBe("6 passed, 0 failed");
  });
});

describe("failures", () => {
  it("a changed golden fails with a unified diff; --update writes it back atomically", () => {
    const dir = join(work, "changed");
    cpSync(sample, dir, { recursive: true });
    const golden = join(dir, "nic-soc.6.1.report.txt");
    const original = readFileSync(golden, "utf8");
    writeFileSync(golden, original.replace("kernel 6.1 (bind era)", "kernel 6.1 (add era)"));
    const r = dtprobe(["test", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("FAIL nic-soc.6.1 (nic-soc.6.1.options.json)\n--- nic-soc.6.1.report.txt (golden)\n+++ nic-soc.6.1.report.txt (now)\n@@ -1,5 +1,5 @@\n dtprobe report v1 for nic-soc.dts\n-kernel 6.1 (add era)");
    expect(r.stdout).toContain("\n+kernel 6.1 (bind era)");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("5 passed, 1 failed");
    const u = runGoldenSuite(dir, true);
    expect([u.passed, u.failed]).toEqual([6, 0]);
    expect(u.stdout).toContain(`UPDATED nic-soc.6.1 (${golden})\n`);
    expect(readFileSync(golden, "utf8")).toBe(original);
    expect(runGoldenSuite(dir, false).failed).toBe(0);
  });

  it("a new board without goldens fails until --update; a golden of no case is named", () => {
    const dir = join(work, "fresh");
    mkdirSync(dir);
    cpSync(join(sample, "nic-soc.dts"), join(dir, "board.dts"));
    writeFileSync(join(dir, "gone.report.txt"), "old\n");
    const r = runGoldenSuite(dir, false);
    expect(r.failed).toBe(1);
    expect(r.stdout).toContain("board.report.txt: no golden yet (dtprobe test --update writes it)\n");
    expect(r.stderr).toContain(`dtprobe test: note: ${join(dir, "gone.report.txt")} belongs to no case\n`);
  });

  it("cases that cannot run fail with their diagnostics at file and line", () => {
    const dir = join(work, "broken");
    mkdirSync(dir);
    cpSync(join(sample, "nic-soc.dts"), join(dir, "soc.dts"));
    writeFileSync(join(dir, "soc.a.options.json"), '{\n  "kernel": "6.1",\n  "policy": "per-nothing"\n}\n');
    writeFileSync(join(dir, "other.options.yaml"), "kernel: 6.1\n");
    writeFileSync(join(dir, "dma.scenario.yaml"), "board: soc.dts\nsteps:\n  - { op: dma-map, device: f0000000.nothing, name: a, size: 4K }\n");
    writeFileSync(join(dir, "soc.b.options.json"), '{ "kernel": "9.99.1x" }');
    const run = runGoldenSuite(dir, false);
    const r = { stdout: run.stdout.join("") };
    expect(run.failed).toBe(4);
    expect(r.stdout).toContain(`${join(dir, "soc.a.options.json")}:3:13: error: /policy: must be equal to one of the allowed values`);
    expect(r.stdout).toContain("other.options.yaml: no `board`, and no other.dts / .dtb");
    expect(r.stdout).toContain(`${join(dir, "dma.scenario.yaml")}:3:28: error: step 1 (dma-map): no device named "f0000000.nothing"`);
    expect(r.stdout).toContain("soc.b.options.json:1:13: error: /kernel: must match pattern");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("0 passed, 4 failed");
  });

  it("usage: DIR must be a directory (exit 2); an empty one has nothing to test", () => {
    const nowhere = dtprobe(["test", "nowhere"]);
    expect([nowhere.status, nowhere.stderr]).toEqual([2, "dtprobe: nowhere: not a directory\n(run 'dtprobe test --help' for usage)\n"]);
    mkdirSync(join(work, "empty"));
    const e = runGoldenSuite(join(work, "empty"), false);
    expect([e.empty, e.stderr]).toEqual([true, [`dtprobe test: no boards, options or scenario files under ${join(work, "empty")}\n`]]);
  });

  it("a golden rewritten from end to end shows its first difference instead of a quadratic diff", () => {
    const a = Array.from({ length: 30_000 }, (_, i) => `line ${i}`).join("\n");
    const b = Array.from({ length: 30_000 }, (_, i) => `other ${i}`).join("\n");
    const d = goldenDiff("x.report.json", a, b);
    expect(d).toContain("the first difference is at line 1)\n-line 0\n+other 0\n");
  });
});
