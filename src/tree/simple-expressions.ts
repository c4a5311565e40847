// Parenthesised cell expressions (`<(0x20000000 + 5 * 0x1000)>`) evaluated straight from the
// parser's tokens, for the token encoder (./simple-values.ts).
//
// Why: the general path decodes an expression into AST objects (one per operand and operator, a
// span each, tuples per step) and evaluates them with BigInt; on a generated board with a third of
// its `reg`s written as expressions that was ~35 MB of garbage per 8 MB input. This evaluator
// keeps two small number stacks and allocates nothing.
//
// It handles only what needs no diagnostic and stays exact in doubles: plain literals up to
// 0xffffffff (no suffix, no octal: plainLiteralAt), the binary operators and
// `!`, with every intermediate value in [0, 2^32). Anything else -- char literals, `?:`, `~`, a
// negation of a non-zero value, a result or intermediate value of 2^32 or more, division by zero
// -- declines (-1), and the caller takes the general path (./expressions.ts, uint64 BigInt
// arithmetic with dtc's diagnostics), which gives the same value wherever this one answers: below
// 2^32 uint64 arithmetic and exact double arithmetic agree.
import { binaryPrecedence, valueTokenCodes as K } from "../../grammar/index.ts";
import type { TokenReader } from "../../grammar/ast.ts";

const TWO_32 = 4294967296;
const MAX_U32 = 0xffffffff;

/** Operator stack entries besides binary operator codes (which are >= 0). */
const OPEN = -1;
const NOT = -2;
const NEGATE = -3;

/** Reused stacks (expressions are evaluated one at a time; filled by index, never shrunk). */
const values: number[] = [];
const ops: number[] = [];

/** The token index after the expression evaluateSimpleExpression read last. */
export let simpleExpressionEnd = 0;

/** `a op b` for a binary operator code, or -1 when the result is not an exact value below 2^32. */
function applyBinary(code: number, a: number, b: number): number {
  let r: number;
  switch (code) {
    case K.Star: r = a * b; break;
    case K.Slash: if (b === 0) return -1; r = Math.floor(a / b); break;
    case K.Percent: if (b === 0) return -1; r = a % b; break;
    case K.Plus: r = a + b; break;
    case K.Minus: r = a - b; break;
    // uint64 shifts: a count of 64 or more gives 0 (as ./expressions.ts).
    case K.LShift: r = b >= 64 ? 0 : a * 2 ** b; break;
    case K.RShift: r = b >= 64 ? 0 : Math.floor(a / 2 ** b); break;
    case K.LAngle: r = a < b ? 1 : 0; break;
    case K.RAngle: r = a > b ? 1 : 0; break;
    case K.LessEqual: r = a <= b ? 1 : 0; break;
    case K.GreaterEqual: r = a >= b ? 1 : 0; break;
    case K.EqualEqual: r = a === b ? 1 : 0; break;
    case K.NotEqual: r = a !== b ? 1 : 0; break;
    case K.Amp: r = (a & b) >>> 0; break;
    case K.Caret: r = (a ^ b) >>> 0; break;
    case K.Pipe: r = (a | b) >>> 0; break;
    case K.AndAnd: r = a !== 0 && b !== 0 ? 1 : 0; break;
    case K.OrOr: r = a !== 0 || b !== 0 ? 1 : 0; break;
    default: return -1;
  }
  // Operands below 2^32: a true result below 2^32 is computed exactly, and one at or above 2^32
  // (or negative) computes to a double outside [0, 2^32) too, since rounding is monotonic.
  return r >= 0 && r < TWO_32 ? r : -1;
}

/**
 * The value of the parenthesised expression whose `(` is token `start` (the parser has validated
 * it and its depth), with `simpleExpressionEnd` set to the index after its `)`; or -1 when the
 * general path must evaluate it (see the file comment). Reads no further than `end`.
 */
export function evaluateSimpleExpression(tokens: TokenReader, start: number, end: number): number {
  let nv = 0;
  let no = 0;
  ops[no++] = OPEN;
  let expectOperand = true;
  for (let i = start + 1; i < end; i++) {
    const code = tokens.codeAt(i);
    if (expectOperand) {
      if (code === K.LParen) ops[no++] = OPEN;
      else if (code === K.Bang) ops[no++] = NOT;
      else if (code === K.Minus) ops[no++] = NEGATE;
      else if (code === K.Literal) {
        let v = literalAt(tokens, i);
        if (v < 0) return -1;
        // Prefix operators bind tighter than any binary one: apply them now, innermost first.
        while (no > 0 && ops[no - 1]! <= NOT) {
          const op = ops[--no]!;
          if (op === NOT) v = v === 0 ? 1 : 0;
          else if (v !== 0) return -1; // uint64 negation of a non-zero value: 2^64 - v
        }
        values[nv++] = v;
        expectOperand = false;
      } else return -1; // char literal, `~`
      continue;
    }
    if (code === K.RParen) {
      // Reduce to the matching `(`, then apply the prefix operators of the group.
      for (;;) {
        const op = ops[--no]!;
        if (op === OPEN) break;
        const b = values[--nv]!;
        const r = applyBinary(op, values[nv - 1]!, b);
        if (r < 0) return -1;
        values[nv - 1] = r;
      }
      let v = values[nv - 1]!;
      while (no > 0 && ops[no - 1]! <= NOT) {
        const op = ops[--no]!;
        if (op === NOT) v = v === 0 ? 1 : 0;
        else if (v !== 0) return -1;
      }
      values[nv - 1] = v;
      if (no === 0) {
        simpleExpressionEnd = i + 1;
        return v;
      }
      continue;
    }
    const p = binaryPrecedence(code);
    if (p === 0) return -1; // `?`
    // All binary operators are left-associative: reduce while the pending one binds as tight.
    while (no > 0 && ops[no - 1]! >= 0 && binaryPrecedence(ops[no - 1]!) >= p) {
      const op = ops[--no]!;
      const b = values[--nv]!;
      const r = applyBinary(op, values[nv - 1]!, b);
      if (r < 0) return -1;
      values[nv - 1] = r;
    }
    ops[no++] = code;
    expectOperand = true;
  }
  return -1;
}

/** Token `i`'s value when it is a plain literal (see plainLiteralAt), else -1. */
function literalAt(tokens: TokenReader, i: number): number {
  return plainLiteralAt(tokens.fileAt(i).text, tokens.startAt(i), tokens.endAt(i));
}

/**
 * The value of a plain literal in `text[start, end)` -- decimal without a leading 0, `0`, or
 * `0x`/`0X` hex, no suffix, at most 0xffffffff -- or -1 for anything else (octal, suffixes,
 * larger values, malformed text: the general path decodes and diagnoses those). Reads the source
 * in place: no substring per literal.
 */
export function plainLiteralAt(text: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 0) return -1;
  let v = 0;
  if (text.charCodeAt(start) !== 48) {
    if (n > 10) return -1;
    for (let k = start; k < end; k++) {
      const d = text.charCodeAt(k) - 48;
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v > MAX_U32 ? -1 : v;
  }
  if (n === 1) return 0;
  const x = text.charCodeAt(start + 1);
  if ((x !== 120 && x !== 88) || n < 3 || n > 10) return -1;
  for (let k = start + 2; k < end; k++) {
    const c = text.charCodeAt(k);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}
