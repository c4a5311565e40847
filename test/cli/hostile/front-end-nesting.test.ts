// Nesting that is not really nesting, and nesting that is: a flat chain of 100,000 operators is
// accepted (dtc accepts it), real nesting of parentheses and of macro invocations in arguments
// ends in a clear error after linear work.
import { afterAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_EXPRESSION_DEPTH } from "../../../grammar/index.ts";
import { MAX_EXPANSION_DEPTH } from "../../../src/preprocess/index.ts";
import { hasDtc } from "../../helpers/shared.ts";
import { compileText, dtc, dtprobe, fastest, growth, linearBound, scratchDir } from "./support.ts";

const flatChain = (n: number) => `/dts-v1/;\n/ {\n\tp = <(${Array.from({ length: n }, () => "1").join("+")})>;\n\tq = <(${"-".repeat(n)}5)>;\n};\n`;
const parens = (n: number) => `/dts-v1/;\n/ {\n\tp = <${"(".repeat(n)}1${")".repeat(n)}>;\n};\n`;
/** `F(` on `n` lines, then the closing parentheses: invocations nested `n` deep in arguments. */
const nestedMacroArgs = (n: number) => `#define F(x) x\n/dts-v1/;\n/ {\n\tp = <${"F(\n".repeat(n)}1${")".repeat(n)}>;\n};\n`;

const scratch = scratchDir("hostile-nesting");
afterAll(scratch.remove);

describe("a flat operator chain is not nesting", () => {
  it("accepts (1+1+...+1) with 100,000 terms and a chain of 100,000 unary minuses", () => {
    const { outcome, sink } = compileText(flatChain(100_000));
    expect(sink.items.filter((d) => d.severity === "error")).toEqual([]);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const p = outcome.tree.root.property("p")!;
    expect(p.value.u32At(0)).toBe(100_000);
    // An even number of minuses: 5.
    expect(outcome.tree.root.property("q")!.value.u32At(0)).toBe(5);
  });

  it("grows linearly with the chain", () => {
    expect(growth((n) => compileText(flatChain(n)), 12_500, 100_000)).toBeLessThan(linearBound(8));
  });

  it.skipIf(!hasDtc)("gives dtc's blob for a 300-term chain (refused as 'nested too deeply' before)", () => {
    const text = `/dts-v1/;\n/ {\n\tp = <(${Array.from({ length: 300 }, (_, i) => String(i)).join("+")})>;\n};\n`;
    writeFileSync(join(scratch.dir, "chain.dts"), text);
    const theirs = dtc(["-O", "dtb", "-o", "-", "chain.dts"], scratch.dir);
    expect(theirs.status).toBe(0);
    const ours = dtprobe(["compile", "-o", "-", "chain.dts"], { cwd: scratch.dir });
    expect(ours.status).toBe(0);
    expect(ours.stdout.equals(theirs.stdout)).toBe(true);
  });

  it("still limits real nesting of parentheses, at the first one past the limit", () => {
    expect(compileText(parens(MAX_EXPRESSION_DEPTH)).outcome.ok).toBe(true);
    const { sink } = compileText(parens(100_000));
    const error = sink.items.find((d) => d.severity === "error")!;
    expect(error.message).toBe("expression nested too deeply");
    // `\tp = <` ends at column 6: the (MAX+1)th parenthesis is at column 6 + MAX + 1.
    expect(error.span?.file.positionAt(error.span.start)).toMatchObject({ line: 3, column: 6 + MAX_EXPRESSION_DEPTH + 1 });
  });
});

describe("macro invocations nested in arguments (grew to 4 GB before the limit)", () => {
  it("stop at the nesting limit with a clear error at the invocation", () => {
    const { outcome, sink } = compileText(nestedMacroArgs(160_000), { cpp: true });
    expect(outcome.ok).toBe(false);
    const error = sink.items.find((d) => d.severity === "error")!;
    expect(error.message).toBe(`macro invocations nested more than ${MAX_EXPANSION_DEPTH} deep in arguments`);
    // The k-th F( is on line 3 + k; the outermost argument is expanded at depth 1, so the
    // (MAX+2)th invocation is the first whose argument would be expanded past the limit.
    expect(error.span?.file.positionAt(error.span.start)).toMatchObject({ file: "main.dts", line: 3 + MAX_EXPANSION_DEPTH + 2, column: 1 });
  });

  it("after work that does not grow with what follows the limit", () => {
    // The error comes after the first MAX levels, whatever the depth: 8 times the input, about
    // the same time (well inside a linear bound).
    expect(growth((n) => compileText(nestedMacroArgs(n), { cpp: true }), 20_000, 160_000)).toBeLessThan(linearBound(8));
    // And less than reading as many invocations that do not nest: before, every level collected
    // the nested tail again (200 times the work of the flat input).
    const flat = (n: number) => `#define F(x) x
/dts-v1/;
/ {
	p = <${"F(1)\n".repeat(n)}>;
};
`;
    const ratio = fastest(() => compileText(nestedMacroArgs(160_000), { cpp: true })) / fastest(() => compileText(flat(160_000), { cpp: true }));
    expect(ratio).toBeLessThan(3);
  });

  it("are still expanded below the limit, and not counted where the argument is only stringified", () => {
    const below = compileText(nestedMacroArgs(MAX_EXPANSION_DEPTH - 1), { cpp: true });
    expect(below.outcome.ok).toBe(true);
    const text = `#define F(x) x\n#define S(x) #x\n/dts-v1/;\n/ {\n\tp = S(${"F(".repeat(1_000)}1${")".repeat(1_000)});\n};\n`;
    const stringified = compileText(text, { cpp: true });
    expect(stringified.outcome.ok).toBe(true);
  });
});
