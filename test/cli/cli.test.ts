// The dtprobe command as a user meets it: exit codes, diagnostics on stderr, atomic output,
// standard input and output, dtc's option spellings, and internal errors.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { projectDir } from "../helpers/shared.ts";

const work = mkdtempSync(join(tmpdir(), "dtprobe-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function dtprobe(args: string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}) {
  // tsx by absolute URL: the command runs in a scratch directory, away from node_modules.
  const tsx = pathToFileURL(join(projectDir, "node_modules/tsx/dist/loader.mjs")).href;
  const r = spawnSync(process.execPath, ["--import", tsx, join(projectDir, "src/cli/main.ts"), ...args], {
    input: options.input,
    env: { ...process.env, ...options.env },
    cwd: work,
    maxBuffer: 1 << 26,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

const good = "/dts-v1/;\n/ {\n\tmodel = \"x\";\n\tn: node@1 { reg = <1>; };\n};\n";
const bad = "/dts-v1/;\n/ {\n\tp = <1 2;\n};\n";
writeFileSync(join(work, "good.dts"), good);
writeFileSync(join(work, "bad.dts"), bad);
const isDtb = (b: Buffer) => b.length > 40 && b.readUInt32BE(0) === 0xd00dfeed;

describe("dtprobe command", () => {
  it("--version is fast to reach and exits 0", () => {
    const r = dtprobe(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toMatch(/^dtprobe \d+\.\d+\.\d+\n$/);
  });

  it("usage errors exit 2 and say what is wrong", () => {
    const r = dtprobe(["compile", "--bogus", "good.dts"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
    expect(dtprobe(["compile", "-H", "nonsense", "good.dts"]).status).toBe(2);
    expect(dtprobe(["compile", "-W", "bogus_check", "good.dts"]).stderr).toContain('Unrecognized check name "bogus_check"');
    // As in dtc, a leading "no_" or "no-" negates: the name checked is what follows.
    expect(dtprobe(["compile", "-W", "no_such_check", "good.dts"]).stderr).toContain('Unrecognized check name "such_check"');
    expect(dtprobe(["frobnicate"]).status).toBe(2);
  });

  it("an input error exits 1 with file:line:col, the source line and a caret; no output file", () => {
    const out = join(work, "never.dtb");
    const r = dtprobe(["compile", "-o", out, "bad.dts"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("bad.dts:3:10: error: syntax error");
    expect(r.stderr).toContain("\tp = <1 2;");
    expect(r.stderr).toMatch(/\n\s+\t\s+\^/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
  });

  it("a failed compile leaves an existing output file untouched", () => {
    const out = join(work, "keep.dtb");
    writeFileSync(out, "previous contents");
    expect(dtprobe(["compile", "-o", out, "bad.dts"]).status).toBe(1);
    expect(readFileSync(out, "utf8")).toBe("previous contents");
  });

  it("writes a blob atomically, to stdout with -o -, and to /dev/null", () => {
    const out = join(work, "good.dtb");
    expect(dtprobe(["compile", "-I", "dts", "-O", "dtb", "-o", out, "good.dts"]).status).toBe(0);
    expect(isDtb(readFileSync(out))).toBe(true);
    const r = dtprobe(["compile", "-O", "dtb", "-o", "-", "good.dts"]);
    expect(r.status).toBe(0);
    expect(isDtb(r.stdout)).toBe(true);
    expect(dtprobe(["compile", "-o", "/dev/null", "good.dts"]).status).toBe(0);
  });

  it("-V writes every blob version dtc can (1, 2, 3, 16, 17) and refuses others", () => {
    const versions = [1, 2, 3, 16, 17].map((v) => {
      const r = dtprobe(["compile", "-V", String(v), "-o", "-", "good.dts"]);
      expect(r.status).toBe(0);
      return r.stdout.readUInt32BE(20);
    });
    expect(versions).toEqual([1, 2, 3, 16, 17]);
    const r = dtprobe(["compile", "-V", "4", "good.dts"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown device tree blob version 4");
  });

  it("reads standard input for '-' and decompiles a blob to DTS", () => {
    const blob = dtprobe(["compile", "-o", "-", "-"], { input: good }).stdout;
    expect(isDtb(blob)).toBe(true);
    const dts = dtprobe(["compile", "-I", "dtb", "-O", "dts", "-"], { input: blob });
    expect(dts.status).toBe(0);
    expect(dts.stdout.toString()).toContain('model = "x";');
  });

  it("takes dtc's option spellings: -Wno-x attached, -E x separate, -E fails the build", () => {
    expect(dtprobe(["compile", "-Wno-unit_address_vs_reg", "-o", "/dev/null", "good.dts"]).status).toBe(0);
    const r = dtprobe(["compile", "-E", "always_fail", "-o", "/dev/null", "good.dts"]);
    // dtc's process_checks: a failed error-class check exits 2.
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("always_fail check");
    expect(dtprobe(["compile", "-f", "-E", "always_fail", "-o", "/dev/null", "good.dts"]).status).toBe(0);
  });

  it("an internal error exits 70 with one line naming it a bug, and writes no output", () => {
    const out = join(work, "crash.dtb");
    const r = dtprobe(["compile", "-q", "-o", out, "good.dts"], { env: { DTPROBE_FAILPOINT: "before-write" } });
    expect(r.status).toBe(70);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("internal error: TypeError: failpoint before-write (this is a bug in dtprobe; run with --debug for the stack)");
    expect(existsSync(out)).toBe(false);
    const debug = dtprobe(["--debug", "compile", "-q", "-o", out, "good.dts"], { env: { DTPROBE_FAILPOINT: "before-write" } });
    expect(debug.status).toBe(70);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it("report prints text and valid JSON for a bundled board", () => {
    const board = join(projectDir, "fixtures/kernel/driver-binding.dts");
    const text = dtprobe(["report", board]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout.toString()).toContain("Adding to iommu group");
    const json = dtprobe(["report", "--format", "json", board]);
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout.toString());
    expect(report.version).toBe(1);
    expect(Array.isArray(report.devices)).toBe(true);
    expect(dtprobe(["report", "--policy", "sideways", board]).status).toBe(2);
    expect(dtprobe(["report", "--kernel", "banana", board]).status).toBe(2);
  });
});
