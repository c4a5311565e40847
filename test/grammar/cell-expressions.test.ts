// Parenthesised expressions in cells are recognised by hand (DtsParser.parenTail), while
// /memreserve/ operands still go through the chevrotain rules (parenExpr, ternary, unary,
// primary). Both must accept the same expressions and stop at the same token with the same
// message (syntax errors and the depth limit): compared here on random token sequences, the
// same text in both places, positions taken relative to the expression's first character.
import { describe, expect, it } from "vitest";
import { MAX_EXPRESSION_DEPTH } from "../../grammar/index.ts";
import { parse } from "./helpers.ts";

const PIECES = ["1", "0x10", "'a'", "(", "(", ")", ")", "+", "-", "*", "<<", ">", "<", "==", "&&", "|", "?", ":", "~", "!", ",", ";"];

/** Where parsing `text` stopped (offset of the first diagnostic's span, else -1) and the message. */
function outcome(text: string, exprStart: number): [number, string] {
  const r = parse(text);
  const d = r.diagnostics[0];
  return d === undefined ? [-1, ""] : [d.span!.start - exprStart, d.message];
}

function both(expr: string): { cell: [number, string]; memreserve: [number, string] } {
  const cellPrefix = "/dts-v1/;\n/ { p = <";
  const memPrefix = "/dts-v1/;\n/memreserve/ ";
  return {
    cell: outcome(`${cellPrefix}${expr} 0>; };\n`, cellPrefix.length),
    memreserve: outcome(`${memPrefix}${expr} 0;\n/ { };\n`, memPrefix.length),
  };
}

/** The offset just past the `)` closing the leading `(` of `expr`, else Infinity (unclosed). */
function groupEnd(expr: string): number {
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    if (expr[i] === "(" && expr[i + 1] !== "'") depth++;
    else if (expr[i] === ")" && expr[i - 1] !== "'") if (--depth === 0) return i + 1;
  }
  return Infinity;
}

/**
 * Both agree wherever the stop lies within the leading parenthesised expression: after its `)`
 * the contexts differ (more cells, or the second /memreserve/ operand).
 */
function expectSame(expr: string): void {
  const { cell, memreserve } = both(expr);
  const end = groupEnd(expr);
  const inside = (o: [number, string]) => o[0] >= 0 && o[0] < end;
  if (inside(cell) || inside(memreserve)) expect(cell, expr).toEqual(memreserve);
}

describe("cell expressions: the hand recogniser against the chevrotain rules", () => {
  it("on random token sequences", () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    let errors = 0;
    for (let k = 0; k < 4000; k++) {
      const n = 1 + rnd(9);
      const parts = ["("];
      for (let j = 0; j < n; j++) parts.push(PIECES[rnd(PIECES.length)]!);
      parts.push(")");
      const expr = parts.join(" ");
      expectSame(expr);
      const stop = both(expr).cell[0];
      if (stop >= 0 && stop < groupEnd(expr)) errors++;
    }
    // Most random sequences are wrong somewhere: the comparison covers error positions.
    expect(errors).toBeGreaterThan(1500);
  });

  it("on valid expressions", () => {
    for (const e of ["(1)", "(1 + 2 * 3)", "(-~!1)", "(1 ? 2 : 3 ? 4 : 5)", "((1 < 2) == (3 > 2))", "('a' | 0x10)"]) {
      expect(both(e).cell[0], e).toBe(-1);
      expectSame(e);
    }
  });

  it("at the nesting limit: parentheses and ternaries; chains of any length", () => {
    const L = MAX_EXPRESSION_DEPTH;
    const cases = [
      `${"(".repeat(L)}1${")".repeat(L)}`,
      `${"(".repeat(L + 1)}1${")".repeat(L + 1)}`,
      // Chains are loops, not nesting: far past the limit is fine.
      `(1${" + 1".repeat(L * 8)})`,
      `(1${" * 2 + 1".repeat(L * 4)})`,
      `(${"-".repeat(L * 8)}1)`,
      `(${"1 ? 1 : ".repeat(L - 2)}1)`,
      `(${"1 ? 1 : ".repeat(L)}1)`,
      `(${"(1 ? ".repeat(L / 2)}1${" : 2)".repeat(L / 2)})`,
      `(1 + ${"(1 + ".repeat(L)}1${")".repeat(L)})`,
      `(${"(1 + ".repeat(100)}1${")".repeat(100)} * ${"(1 ? ".repeat(100)}1${" : 2)".repeat(100)})`,
      `(${"(".repeat(L * 4)}`,
      `(${"-~!".repeat(4)}${"(".repeat(L - 10)}1${")".repeat(L - 10)})`,
      `(1 + ${"-".repeat(10)}${"(".repeat(L - 10)}1${")".repeat(L - 10)} * 3)`,
    ];
    let deep = 0;
    for (const e of cases) {
      expectSame(e);
      if (both(e).cell[1] === "expression nested too deeply") deep++;
    }
    expect(deep).toBeGreaterThanOrEqual(4);
  });
});
