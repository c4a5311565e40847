// Hostile input: every limit ends in a clean diagnostic (no hang, no stack overflow, no throw).
import { describe, expect, it } from "vitest";
import { MAX_EXPANDED_TOKENS, MAX_EXPANSION_DEPTH, MAX_INCLUDE_DEPTH, MAX_INCLUDED_FILES, MAX_LINE_BYTES } from "../../src/preprocess/index.ts";
import { diagnosticLines, normalize, runOurs } from "./harness.ts";

function errorsOf(r: ReturnType<typeof runOurs>): string[] {
  return diagnosticLines(r.diagnostics.filter((d) => d.severity === "error"));
}

describe("preprocessor limits", () => {
  it("an include cycle stops at the include depth limit", () => {
    const r = runOurs({ files: { "main.S": '#include "a.h"\n', "a.h": 'x\n#include "a.h"\n' } });
    expect(r.out).toBeUndefined();
    expect(errorsOf(r)).toEqual([`a.h:2:10: error: #include nested depth ${MAX_INCLUDE_DEPTH + 1} exceeds maximum of ${MAX_INCLUDE_DEPTH}`]);
  });

  it("a guarded self-include is fine", () => {
    const r = runOurs({ files: { "main.S": '#include "a.h"\n#include "a.h"\n', "a.h": '#ifndef A\n#define A\nx\n#include "a.h"\n#endif\n' } });
    expect(errorsOf(r)).toEqual([]);
    expect(normalize(r.text!)).toBe("x");
  });

  it("exponential inclusion stops at the included-files limit", () => {
    const files: Record<string, string> = { "main.S": '#include "f0.h"\n' };
    for (let i = 0; i < 30; i++) files[`f${i}.h`] = `#include "f${i + 1}.h"\n#include "f${i + 1}.h"\n`;
    files["f30.h"] = "leaf\n";
    const r = runOurs({ files });
    expect(r.out).toBeUndefined();
    expect(errorsOf(r)).toHaveLength(1);
    expect(errorsOf(r)[0]).toContain(`more than ${MAX_INCLUDED_FILES} files included`);
  });

  it("recursive macros terminate (blue paint)", () => {
    const r = runOurs({ files: { "main.S": "#define f(x) f(x) g(x)\n#define g(x) f(x)\n#define a a b\n#define b a\nf(1) a b\n" } });
    expect(errorsOf(r)).toEqual([]);
    expect(normalize(r.text!)).toBe("f(1) f(1) a a a b"); // as cpp prints it
  });

  it("exponential macro growth stops at the expanded-token limit", () => {
    let src = "#define A0 x x\n";
    for (let i = 1; i <= 40; i++) src += `#define A${i} A${i - 1} A${i - 1}\n`;
    const r = runOurs({ files: { "main.S": src + "A40\n" } });
    expect(r.out).toBeUndefined();
    expect(errorsOf(r)[0]).toContain(`macro expansion produced more than ${MAX_EXPANDED_TOKENS} tokens`);
  });

  it("10,000 nested macro calls in arguments stop at the nesting limit", () => {
    const n = 10_000;
    const r = runOurs({ files: { "main.S": "#define F(x) [x]\n" + "F(".repeat(n) + "1" + ")".repeat(n) + "\n" } });
    expect(r.out).toBeUndefined();
    expect(errorsOf(r)[0]).toContain(`macro invocations nested more than ${MAX_EXPANSION_DEPTH} deep in arguments`);
  });

  it("nesting below the limit works", () => {
    const n = 150;
    const r = runOurs({ files: { "main.S": "#define F(x) x\n" + "F(".repeat(n) + "1" + ")".repeat(n) + "\n" } });
    expect(errorsOf(r)).toEqual([]);
    expect(normalize(r.text!)).toBe("1");
  });

  it("10,000 nested parentheses and 10,000 nested #if work", () => {
    const n = 10_000;
    const src = `#if ${"(".repeat(n)}1${")".repeat(n)}\n` + "#if 1\n".repeat(n) + "deep\n" + "#endif\n".repeat(n) + "#endif\n";
    const r = runOurs({ files: { "main.S": src } });
    expect(errorsOf(r)).toEqual([]);
    expect(normalize(r.text!)).toBe("deep");
  });

  it("10,000-deep include chains stop at the depth limit", () => {
    const files: Record<string, string> = { "main.S": '#include "f0.h"\n' };
    for (let i = 0; i < 10_000; i++) files[`f${i}.h`] = `#include "f${i + 1}.h"\n`;
    const r = runOurs({ files });
    expect(r.out).toBeUndefined();
    expect(errorsOf(r)[0]).toContain(`exceeds maximum of ${MAX_INCLUDE_DEPTH}`);
  });

  it("an over-long logical line is rejected", () => {
    const r = runOurs({ files: { "main.S": "a" + "\\\n".repeat(10) + "b".repeat(MAX_LINE_BYTES + 1) + "\n" } });
    expect(r.out).toBeUndefined();
    expect(errorsOf(r)[0]).toContain(`line longer than ${MAX_LINE_BYTES} bytes`);
  });
});
