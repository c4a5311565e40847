// dtprobe compile in dtc's place (`make DTC=...`): the kernel build's dtc command line on a raw
// board gives the same blob and dependency file; -O yaml, -O asm and -T give dtc's bytes; -I fs
// reads a /proc/device-tree style directory as dtc does; -v leads with dtc's version line.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile, compileTree, defaultCompileOptions, type CompileOptions, type OutputFormat } from "../../../src/compile/index.ts";
import { parseCompileArgs } from "../../../src/cli/compile-command.ts";
import { writeDtsBytes } from "../../../src/fdt/index.ts";
import { DiagnosticSink, rootedFileHost } from "../../../src/source/index.ts";
import { hasCpp, hasDtc, hasShared, readManifest, sharedDir } from "../../helpers/shared.ts";
import { dtc, dtprobe, scratchDir } from "./support.ts";

const scratch = scratchDir("hostile-dropin");
afterAll(scratch.remove);
const inputs = `${sharedDir}dtc-tests/inputs`;

/** The dtc options of a manifest row as compile options (reading from the dtc-tests inputs). */
function rowOptions(flags: readonly string[], extra: readonly string[]): CompileOptions {
  const { options } = parseCompileArgs([...flags, ...extra, "x.dts"]);
  return { ...defaultCompileOptions, ...options, host: rootedFileHost(inputs) };
}

/** Rows both dtc 1.6.1 (installed) and 1.8.1 accept with the same blob: the output formats compare. */
const rows = () => (hasShared ? readManifest().filter((r) => r.accepted && r.dtbComparable) : []);

describe.skipIf(!hasShared || !hasDtc)("dtc's text formats, on dtc's own test inputs", () => {
  for (const format of ["yaml", "asm"] as OutputFormat[]) {
    it(`-O ${format} is byte for byte dtc 1.6.1's`, () => {
      let compared = 0;
      for (const row of rows()) {
        const theirs = dtc([...row.flags, "-O", format, "-o", "-", row.file], inputs);
        if (theirs.status !== 0) continue;
        const sink = new DiagnosticSink();
        const ours = compile(row.file, { ...rowOptions(row.flags, ["-O", format]) }, sink);
        expect(ours.ok, `${row.id}: ${sink.items.find((d) => d.severity === "error")?.message}`).toBe(true);
        if (!ours.ok) continue;
        expect(Buffer.from(ours.output).toString("latin1"), row.id).toBe(theirs.stdout.toString("latin1"));
        compared++;
      }
      expect(compared).toBeGreaterThan(100);
    });
  }

  for (const level of [1, 2]) {
    it(`${"-T ".repeat(level).trim()} annotates as dtc 1.6.1 does`, () => {
      const T = Array.from({ length: level }, () => "-T");
      let compared = 0;
      for (const row of rows()) {
        const theirs = dtc([...row.flags, ...T, "-O", "dts", "-o", "-", row.file], inputs);
        if (theirs.status !== 0) continue;
        const sink = new DiagnosticSink();
        const result = compileTree(row.file, rowOptions(row.flags, [...T, "-O", "dts"]), sink);
        expect(result, row.id).toBeDefined();
        // The installed dtc prints values as 1.6.1 does; the annotations are what is compared.
        const text = writeDtsBytes(result!.tree, { dialect: "1.6.1", annotate: { level, initialPath: result!.initialPath! } }, 1 << 30);
        expect(Buffer.from(text).toString("latin1"), row.id).toBe(theirs.stdout.toString("latin1"));
        compared++;
      }
      expect(compared).toBeGreaterThan(100);
    });
  }
});

describe.skipIf(!hasShared || !hasDtc || !hasCpp)("the kernel build's dtc command line (scripts/Makefile.dtbs, Linux 6.12)", () => {
  it("on a raw board: the same blob and the same dependency file as dtc", () => {
    const raw = `${sharedDir}corpus/raw`;
    const board = "src/arm64/qcom/sdm845-oneplus-fajita.dts";
    const tmp = join(scratch.dir, ".sdm845-oneplus-fajita.dtb.dts.tmp");
    execFileSync("cpp", ["-Wp,-MMD," + join(scratch.dir, "dep.pre.tmp"), "-nostdinc", "-I", "include", "-I", "src", "-undef", "-D__DTS__", "-x", "assembler-with-cpp", "-o", tmp, board], { cwd: raw });
    // cmd_dtc: $(DTC) -o $@ -b 0 $(addprefix -i,$(dir $<) $(DTC_INCLUDE)) $(DTC_FLAGS) -d $(depfile).dtc.tmp $(dtc-tmp)
    const flags = (out: string, dep: string) => [
      "-o", out, "-b", "0", "-isrc/arm64/qcom/", "-iinclude",
      "-Wno-unique_unit_address", "-Wno-unit_address_vs_reg", "-Wno-avoid_unnecessary_addr_size", "-Wno-alias_paths", "-Wno-graph_child_address", "-Wno-simple_bus_reg",
      "-d", dep, tmp,
    ];
    const theirs = dtc(flags(join(scratch.dir, "k.dtb"), join(scratch.dir, "dtc.d")), raw);
    expect(theirs.status).toBe(0);
    const ours = dtprobe(["compile", ...flags(join(scratch.dir, "k.dtb.ours"), join(scratch.dir, "ours.d"))], { cwd: raw });
    // Warnings are not compared: the installed dtc 1.6.1 still warns "Missing #address-cells in
    // interrupt provider", which dtc 1.7 dropped (dtprobe follows 1.8.1).
    expect(ours.stderr).not.toContain("error:");
    expect(ours.status).toBe(0);
    expect(readFileSync(join(scratch.dir, "k.dtb.ours")).equals(readFileSync(join(scratch.dir, "k.dtb")))).toBe(true);
    const dep = readFileSync(join(scratch.dir, "ours.d"), "latin1").replace("k.dtb.ours:", "k.dtb:");
    expect(dep).toBe(readFileSync(join(scratch.dir, "dtc.d"), "latin1"));
  });
});

describe.skipIf(!hasDtc)("other drop-in behaviour", () => {
  it("-d lists the input, /include/d and /incbin/d files in dtc's format", () => {
    const cwd = join(scratch.dir, "deps");
    mkdirSync(join(cwd, "inc"), { recursive: true });
    writeFileSync(join(cwd, "main.dts"), '/dts-v1/;\n/include/ "part.dtsi"\n/ {\n\tblob = /incbin/("data.bin");\n};\n');
    writeFileSync(join(cwd, "inc/part.dtsi"), "/ { model = \"m\"; };\n");
    writeFileSync(join(cwd, "data.bin"), "abcd");
    expect(dtc(["-i", "inc", "-o", "out.dtb", "-d", "dtc.d", "main.dts"], cwd).status).toBe(0);
    expect(dtprobe(["compile", "-i", "inc", "-o", "out.dtb", "-d", "ours.d", "main.dts"], { cwd }).status).toBe(0);
    expect(readFileSync(join(cwd, "ours.d"), "latin1")).toBe(readFileSync(join(cwd, "dtc.d"), "latin1"));
    expect(readFileSync(join(cwd, "ours.d"), "latin1")).toBe("out.dtb: main.dts inc/part.dtsi data.bin\n");
  });

  it("-I fs reads a /proc/device-tree style directory as dtc does (readdir order)", () => {
    const root = join(scratch.dir, "proc-dt");
    mkdirSync(join(root, "cpus/cpu@0"), { recursive: true });
    mkdirSync(join(root, "soc/serial@1000"), { recursive: true });
    writeFileSync(join(root, "compatible"), "vendor,board\0");
    writeFileSync(join(root, "#address-cells"), Buffer.from([0, 0, 0, 1]));
    writeFileSync(join(root, "cpus/cpu@0/reg"), Buffer.from([0, 0, 0, 0]));
    writeFileSync(join(root, "soc/serial@1000/status"), "okay\0");
    writeFileSync(join(root, "soc/serial@1000/clock-frequency"), Buffer.from([0, 0x1c, 0x9c, 0x38]));
    const theirs = dtc(["-I", "fs", "-O", "dtb", "-o", "-", root], scratch.dir);
    expect(theirs.status).toBe(0);
    // Guessed from the directory, as dtc guesses.
    const ours = dtprobe(["compile", "-O", "dtb", "-o", "-", root], { cwd: scratch.dir });
    expect(ours.status).toBe(0);
    expect(ours.stdout.equals(theirs.stdout)).toBe(true);
  });

  it("-v leads with the dtc version line build scripts parse", () => {
    const r = dtprobe(["compile", "-v"], { cwd: scratch.dir });
    expect(r.status).toBe(0);
    const first = r.stdout.toString("latin1").split("\n")[0]!;
    expect(first).toMatch(/^Version: DTC \d+\.\d+\.\d+$/);
    // dtc-version.sh: `$dtc -v | head -1 | awk '{print $NF}'`
    expect(first.split(" ").at(-1)).toBe("1.8.1");
  });
});
