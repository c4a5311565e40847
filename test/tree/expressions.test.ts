import { describe, expect, it } from "vitest";
import type { Expr } from "../../grammar/ast.ts";
import { evaluateExpr } from "../../src/tree/expressions.ts";
import * as A from "./ast-builders.ts";

function run(e: Expr): { value: bigint; problems: string[] } {
  const problems: string[] = [];
  const value = evaluateExpr(e, { lexical: (m) => problems.push("lexical:" + m), semantic: (m) => problems.push("semantic:" + m) });
  return { value, problems };
}
const L = A.lit;
const MAX = (1n << 64n) - 1n;

describe("integer expressions (uint64, eager)", () => {
  A.newText();
  it("uses unsigned division and modulo", () => {
    expect(run(A.bin("/", A.un("-", L("6")), L("4"))).value).toBe(0x3ffffffffffffffen);
    expect(run(A.bin("%", A.un("-", L("1")), L("10"))).value).toBe(MAX % 10n);
  });
  it("wraps like uint64_t", () => {
    expect(run(A.bin("+", L("0xffffffffffffffff"), L("2"))).value).toBe(1n);
    expect(run(A.bin("-", L("0"), L("1"))).value).toBe(MAX);
    expect(run(A.bin("*", L("0x100000000"), L("0x100000000"))).value).toBe(0n);
    expect(run(A.un("~", L("0"))).value).toBe(MAX);
    expect(run(A.un("!", L("5"))).value).toBe(0n);
    expect(run(A.un("!", L("0"))).value).toBe(1n);
  });
  it("shifts by 64 or more give 0; >> is logical", () => {
    expect(run(A.bin("<<", L("1"), L("64"))).value).toBe(0n);
    expect(run(A.bin(">>", L("1"), L("100"))).value).toBe(0n);
    expect(run(A.bin("<<", L("1"), L("63"))).value).toBe(1n << 63n);
    expect(run(A.bin(">>", A.un("-", L("1")), L("60"))).value).toBe(15n);
  });
  it("comparisons and logical operators give 0 or 1", () => {
    expect(run(A.bin("<", A.un("-", L("1")), L("1"))).value).toBe(0n);
    expect(run(A.bin(">=", L("3"), L("3"))).value).toBe(1n);
    expect(run(A.bin("!=", L("3"), L("3"))).value).toBe(0n);
    expect(run(A.bin("&&", L("3"), L("4"))).value).toBe(1n);
    expect(run(A.bin("||", L("0"), L("0"))).value).toBe(0n);
    expect(run(A.bin("^", L("6"), L("3"))).value).toBe(5n);
    expect(run(A.tern(L("0"), L("1"), L("2"))).value).toBe(2n);
  });
  it("reports division by zero even where C would short-circuit, in evaluation order", () => {
    const r = run(A.bin("&&", L("0"), A.paren(A.bin("/", L("1"), L("0")))));
    expect(r).toEqual({ value: 0n, problems: ["semantic:Division by zero"] });
    const t = run(A.tern(L("1"), L("2"), A.paren(A.bin("%", L("1"), L("0")))));
    expect(t).toEqual({ value: 2n, problems: ["semantic:Division by zero"] });
    const order = run(A.bin("+", A.bin("/", L("1"), L("0")), L("09")));
    expect(order.problems).toEqual(["semantic:Division by zero", "lexical:Bad integer literal '09'"]);
  });
  it("evaluates very deep expressions without recursion", () => {
    let e: Expr = L("1");
    for (let i = 0; i < 100_000; i++) e = A.un("-", e);
    expect(run(e).value).toBe(1n);
  });
});
