// docs/robustness.md, limit by limit: each hostile input ends in a clean error that says what went
// wrong and where (file and line), through the same API the CLI uses — or, where dtprobe has no
// limit (nesting depth), in a clean success.
import { describe, expect, it } from "vitest";
import { compile, defaultCompileOptions, type CompileOptions } from "../../src/compile/index.ts";
import { DiagnosticSink, MAX_INPUT_BYTES, memoryFileHost } from "../../src/source/index.ts";
import { generateDeepNesting } from "../../src/gen/index.ts";
import { MAX_EXPRESSION_DEPTH, MAX_INCLUDE_DEPTH } from "../../grammar/index.ts";
import { MAX_EXPANDED_TOKENS } from "../../src/preprocess/index.ts";
import { runBoard } from "../../src/report/index.ts";

function run(files: Record<string, string | Uint8Array>, options: Partial<CompileOptions> = {}) {
  const sink = new DiagnosticSink();
  const out = compile("main.dts", { ...defaultCompileOptions, inputFormat: "dts", outputFormat: "dtb", ...options, host: memoryFileHost(files) }, sink);
  const errors = sink.items.filter((d) => d.severity === "error");
  const where = (i = 0) => {
    const d = errors[i];
    if (!d?.span) return undefined;
    const p = d.span.file.positionAt(d.span.start);
    return `${p.file}:${p.line}`;
  };
  return { ok: out.ok, errors, messages: errors.map((d) => d.message), where };
}

describe("limits: what and where", () => {
  it("/include/ cycle stops at the include depth limit, at the directive", () => {
    const r = run({ "main.dts": '/dts-v1/;\n/ {\n\t/include/ "loop.dtsi"\n};\n', "loop.dtsi": '/include/ "loop.dtsi"\n' });
    expect(r.ok).toBe(false);
    expect(r.messages).toEqual(["Includes nested too deeply"]);
    expect(r.where()).toBe("loop.dtsi:1");
    expect(MAX_INCLUDE_DEPTH).toBe(200);
  });

  it("#include cycle (with --cpp) stops at the include depth limit, at the directive", () => {
    const r = run({ "main.dts": '#include "a.h"\n/dts-v1/;\n/ { };\n', "a.h": '#include "a.h"\n' }, { cpp: true });
    expect(r.ok).toBe(false);
    expect(r.messages[0]).toMatch(/#include nested depth \d+ exceeds maximum of 200/);
    expect(r.where()).toBe("a.h:1");
  });

  it("exponential macro expansion stops at the token limit, at the invocation", () => {
    let src = "#define A0 x x\n";
    for (let i = 1; i <= 30; i++) src += `#define A${i} A${i - 1} A${i - 1}\n`;
    const r = run({ "main.dts": `${src}/dts-v1/;\n/ { p = "A30"; q = <A30>; };\n` }, { cpp: true });
    expect(r.ok).toBe(false);
    expect(r.messages[0]).toContain(String(MAX_EXPANDED_TOKENS));
    expect(r.where()).toBe("main.dts:33");
  });

  it("recursive macros terminate without an error", () => {
    const r = run({ "main.dts": "#define X X\n#define F(a) F(a)\n/dts-v1/;\n/ { p = <0>; };\nX F(1)\n" }, { cpp: true });
    // The unexpanded names reach the DTS parser, which rejects them at their line: a clean error, no hang.
    expect(r.ok).toBe(false);
    expect(r.where()).toBe("main.dts:5");
  });

  it("node nesting has no limit: 50,000 deep compiles without overflowing the stack", () => {
    const r = run({ "main.dts": generateDeepNesting(50_000) });
    expect(r.messages).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it("expression nesting beyond the limit is an error at the expression", () => {
    const deep = "(".repeat(MAX_EXPRESSION_DEPTH + 10) + "1" + ")".repeat(MAX_EXPRESSION_DEPTH + 10);
    const r = run({ "main.dts": `/dts-v1/;\n/ {\n\tp = <${deep}>;\n};\n` });
    expect(r.ok).toBe(false);
    expect(r.messages[0]).toContain("nested too deeply");
    expect(r.where()).toBe("main.dts:3");
  });

  it("an input larger than the input limit is refused by name, before it is read", () => {
    const r = run({ "main.dts": new Uint8Array(MAX_INPUT_BYTES + 1) });
    expect(r.ok).toBe(false);
    expect(r.messages).toEqual([`main.dts is ${MAX_INPUT_BYTES + 1} bytes, larger than the 128 MiB input limit`]);
  });

  it("division by zero is an error at the expression, shifts past 63 are 0", () => {
    const r = run({ "main.dts": "/dts-v1/;\n/ {\n\tok = <(1 << 64) (5 >> 70)>;\n\tbad = <(1 / 0)>;\n};\n" });
    expect(r.ok).toBe(false);
    expect(r.messages).toEqual(["Division by zero"]);
    expect(r.where()).toBe("main.dts:4");
  });

  it("a phandle that points back at its own node is fine; a reference loop through labels cannot hang", () => {
    const r = run({ "main.dts": "/dts-v1/;\n/ {\n\ta: a { phandle = <&a>; next = <&b>; };\n\tb: b { next = <&a>; iommus = <&b 1>; #iommu-cells = <1>; };\n};\n" });
    expect(r.messages).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it("an /include/d file larger than the input limit is refused at the directive", () => {
    const r = run({ "main.dts": '/dts-v1/;\n/ {\n\t/include/ "big.dtsi"\n};\n', "big.dtsi": new Uint8Array(MAX_INPUT_BYTES + 1) });
    expect(r.ok).toBe(false);
    expect(r.messages).toEqual([`big.dtsi is ${MAX_INPUT_BYTES + 1} bytes, larger than the 128 MiB input limit`]);
    expect(r.where()).toBe("main.dts:3");
  });

  it("an /incbin/ larger than the input limit is refused at the directive", () => {
    const r = run({ "main.dts": '/dts-v1/;\n/ {\n\tblob = /incbin/("big.bin");\n};\n', "big.bin": new Uint8Array(MAX_INPUT_BYTES + 1) });
    expect(r.ok).toBe(false);
    expect(r.messages[0]).toContain("larger than the 128 MiB input limit");
    expect(r.where()).toBe("main.dts:3");
  });

  it("two IOMMUs that are each other's masters end at the deferred-probe timeout, not in a loop", () => {
    const smmu = (name: string, at: string, other: string, sid: number) =>
      `\t\t${name}: iommu@${at} { compatible = "arm,mmu-500"; reg = <0x${at} 0x1000>; #iommu-cells = <1>; #global-interrupts = <1>; interrupts = <0 1 4>, <0 2 4>; iommus = <&${other} ${sid}>; };\n`;
    const src =
      "/dts-v1/;\n/ {\n\t#address-cells = <1>; #size-cells = <1>;\n\tsoc {\n\t\tcompatible = \"simple-bus\"; #address-cells = <1>; #size-cells = <1>; ranges;\n" +
      smmu("a", "1000", "b", 1) +
      smmu("b", "2000", "a", 2) +
      "\t\tdev@3000 { compatible = \"test,dev\"; reg = <0x3000 0x100>; iommus = <&a 3>; };\n\t};\n};\n";
    const sink = new DiagnosticSink();
    const out = compile("main.dts", { ...defaultCompileOptions, inputFormat: "dts", outputFormat: "dtb", host: memoryFileHost({ "main.dts": src }) }, sink);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const report = runBoard(out.tree, "main.dts", { kernel: "6.1", policy: "per-group" }, new DiagnosticSink())!.report;
    const events = JSON.stringify(report.events);
    expect(events).toContain("deferred probe timeout, ignoring dependency");
    const names = report.devices.map((d) => d.name);
    expect(names).toContain("3000.dev");
  });
});
