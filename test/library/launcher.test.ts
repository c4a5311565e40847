// The installed command: bin/dtprobe.cjs (package.json "bin") runs dist/dtprobe-compile.cjs for
// everything but `report` and `test`, dist/dtprobe.cjs for those, each with its V8 code cache
// (scripts/build.mjs, docs/startup.md). The bundles are built by `npm ci` (prepare); without them
// these tests skip and say so.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin: Record<string, string> };
const built = ["dist/dtprobe-compile.cjs", "dist/dtprobe.cjs", "dist/dtprobe.mjs"].every((f) => existsSync(join(root, f)));
if (!built) console.warn("test/library/launcher.test.ts: dist/ is not built (npm run build): launcher tests skipped");

const work = mkdtempSync(join(tmpdir(), "dtprobe-launcher-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(entry: string, args: string[]) {
  return spawnSync(process.execPath, [join(root, entry), ...args], { cwd: work, encoding: "latin1" });
}

describe("the dtprobe command", () => {
  it("is bin/dtprobe.cjs", () => {
    expect(pkg.bin["dtprobe"]).toBe("bin/dtprobe.cjs");
    expect(existsSync(join(root, pkg.bin["dtprobe"]!))).toBe(true);
  });

  it.runIf(built)("compiles through the compile bundle to the bytes the ESM bundle writes", () => {
    writeFileSync(join(work, "irq.h"), "#define SPI(n) 0 (n) 4\n");
    writeFileSync(join(work, "board.dts"), '#include "irq.h"\n/dts-v1/;\n/ {\n\tintc: ic { interrupt-controller; #interrupt-cells = <3>; };\n\tdev { interrupt-parent = <&intc>; interrupts = <SPI(3 + 4)>; };\n};\n');
    const viaLauncher = run("bin/dtprobe.cjs", ["compile", "--cpp", "-q", "-O", "dts", "board.dts"]);
    const viaEsm = run("dist/dtprobe.mjs", ["compile", "--cpp", "-q", "-O", "dts", "board.dts"]);
    expect(viaLauncher.status).toBe(0);
    expect(viaLauncher.stdout).toContain("interrupts = <0x00 0x07 0x04>;");
    expect(viaLauncher.stdout).toBe(viaEsm.stdout);
    expect(run("bin/dtprobe.mjs", ["compile", "--cpp", "-q", "-O", "dts", "board.dts"]).stdout).toBe(viaEsm.stdout);
  });

  it.runIf(built)("runs report and test from the full bundle, --debug first or not", () => {
    for (const args of [["report", "--help"], ["--debug", "report", "--help"], ["test", "--help"]]) {
      const r = run("bin/dtprobe.cjs", args);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^usage: dtprobe (report|test) /);
    }
  });

  it.runIf(built)("answers --version, help and an unknown command from the compile bundle", () => {
    expect(run("bin/dtprobe.cjs", ["--version"]).stdout).toMatch(/^dtprobe \d+\.\d+\.\d+\n$/);
    const help = run("bin/dtprobe.cjs", []);
    // No command is a usage error: the usage goes to stderr with exit 2 (--help prints it to stdout).
    expect(help.status).toBe(2);
    expect(help.stderr).toContain("usage: dtprobe <command>");
    expect(help.stdout).toBe("");
    expect(run("bin/dtprobe.cjs", ["--help"]).stdout).toContain("usage: dtprobe <command>");
    const unknown = run("bin/dtprobe.cjs", ["frobnicate"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });
});
