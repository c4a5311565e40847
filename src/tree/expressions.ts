// Integer expressions as dtc's parser evaluates them: uint64_t arithmetic, every operand evaluated
// (no short-circuit: `0 && (1/0)` still reports the division), errors reported in the order the
// bison actions run (post-order, left to right). Iterative, so operand nesting depth is not bounded
// by the JS stack.
import type { Expr } from "../../grammar/ast.ts";
import type { Span } from "../source/index.ts";
import { decodeCharLiteral, decodeIntegerLiteral, decodeSmallLiteral, UINT64_MAX } from "./literals.ts";

/** Where expression problems go: lexical errors (literals) and semantic errors (division by zero). */
export interface ExprProblems {
  lexical(message: string, span: Span): void;
  semantic(message: string, span: Span): void;
}

const M = UINT64_MAX;

function applyBinary(op: string, a: bigint, b: bigint): bigint | "div0" {
  switch (op) {
    case "*": return (a * b) & M;
    case "/": return b === 0n ? "div0" : a / b;
    case "%": return b === 0n ? "div0" : a % b;
    case "+": return (a + b) & M;
    case "-": return (a - b) & M;
    case "<<": return b < 64n ? (a << b) & M : 0n;
    case ">>": return b < 64n ? a >> b : 0n;
    case "<": return a < b ? 1n : 0n;
    case ">": return a > b ? 1n : 0n;
    case "<=": return a <= b ? 1n : 0n;
    case ">=": return a >= b ? 1n : 0n;
    case "==": return a === b ? 1n : 0n;
    case "!=": return a !== b ? 1n : 0n;
    case "&": return a & b;
    case "^": return a ^ b;
    case "|": return a | b;
    case "&&": return a !== 0n && b !== 0n ? 1n : 0n;
    case "||": return a !== 0n || b !== 0n ? 1n : 0n;
  }
  throw new Error(`unknown operator ${op}`);
}

function applyUnary(op: string, a: bigint): bigint {
  switch (op) {
    case "-": return -a & M;
    case "~": return a ^ M;
    case "!": return a === 0n ? 1n : 0n;
  }
  throw new Error(`unknown operator ${op}`);
}

/** Evaluates `expr` to a uint64 (as a non-negative bigint below 2^64). */
export function evaluateExpr(expr: Expr, problems: ExprProblems): bigint {
  if (expr.kind === "literal") {
    const small = decodeSmallLiteral(expr.raw);
    if (small !== undefined) return BigInt(small);
  }
  // Post-order walk: a frame is visited once to push its operands, once to combine them.
  const work: { e: Expr; expanded: boolean }[] = [{ e: expr, expanded: false }];
  const values: bigint[] = [];
  while (work.length > 0) {
    const frame = work[work.length - 1]!;
    const e = frame.e;
    if (!frame.expanded) {
      frame.expanded = true;
      switch (e.kind) {
        case "literal": {
          work.pop();
          const d = decodeIntegerLiteral(e.raw);
          for (const m of d.errors ?? []) problems.lexical(m, e.span);
          values.push(d.value);
          continue;
        }
        case "char": {
          work.pop();
          const d = decodeCharLiteral(e.raw);
          if (d.error) problems.lexical(d.error, e.span);
          values.push(d.value);
          continue;
        }
        case "paren":
          work.push({ e: e.inner, expanded: false });
          continue;
        case "unary":
          work.push({ e: e.operand, expanded: false });
          continue;
        case "binary":
          // Pushed right first so the left operand is evaluated (and reports) first.
          work.push({ e: e.right, expanded: false }, { e: e.left, expanded: false });
          continue;
        case "ternary":
          work.push({ e: e.otherwise, expanded: false }, { e: e.then, expanded: false }, { e: e.test, expanded: false });
          continue;
      }
    }
    work.pop();
    switch (e.kind) {
      case "paren":
        break;
      case "unary":
        values.push(applyUnary(e.op, values.pop()!));
        break;
      case "binary": {
        const b = values.pop()!;
        const a = values.pop()!;
        const r = applyBinary(e.op, a, b);
        if (r === "div0") {
          problems.semantic("Division by zero", e.span);
          values.push(0n);
        } else values.push(r);
        break;
      }
      case "ternary": {
        const otherwise = values.pop()!;
        const then = values.pop()!;
        const test = values.pop()!;
        values.push(test !== 0n ? then : otherwise);
        break;
      }
      default:
        break;
    }
  }
  return values[0]!;
}
