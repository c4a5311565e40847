// Building property values and integer expressions from token ranges the parser has validated.
//
// The chevrotain parser (./parser.ts) recognises every value and enforces the expression depth
// limit, but builds nothing for it: a document keeps only token indices (./nodes.ts). These
// functions turn such a range into AST when it is read. Because the input is known to be valid,
// this is a plain walk over the token codes, with no error handling beyond an internal check.
import { joinSpans, type Span } from "../src/source/index.ts";
import type * as A from "./ast.ts";
import * as T from "./tokens.ts";
import { tokenCode, type TokenBuffer } from "./tokens.ts";

const C = {
  Label: tokenCode(T.Label), Comma: tokenCode(T.Comma), StringLiteral: tokenCode(T.StringLiteral),
  Bits: tokenCode(T.Bits), LAngle: tokenCode(T.LAngle), RAngle: tokenCode(T.RAngle),
  LBracket: tokenCode(T.LBracket), RBracket: tokenCode(T.RBracket), Byte: tokenCode(T.Byte),
  LabelRef: tokenCode(T.LabelRef), PathRef: tokenCode(T.PathRef), Incbin: tokenCode(T.Incbin),
  LParen: tokenCode(T.LParen), RParen: tokenCode(T.RParen), Literal: tokenCode(T.Literal),
  CharLiteral: tokenCode(T.CharLiteral), Question: tokenCode(T.Question), Colon: tokenCode(T.Colon),
  Minus: tokenCode(T.Minus), Tilde: tokenCode(T.Tilde), Bang: tokenCode(T.Bang),
} as const;

/** The codes TokenReader.codeAt gives for the tokens a simple value is made of. */
export const valueTokenCodes = {
  StringLiteral: C.StringLiteral,
  LAngle: C.LAngle,
  RAngle: C.RAngle,
  Literal: C.Literal,
  LabelRef: C.LabelRef,
  Comma: C.Comma,
  PathRef: tokenCode(T.PathRef),
  Label: tokenCode(T.Label),
  Bits: tokenCode(T.Bits),
  LBracket: tokenCode(T.LBracket),
  RBracket: tokenCode(T.RBracket),
  Byte: tokenCode(T.Byte),
  LParen: C.LParen,
  RParen: C.RParen,
  CharLiteral: C.CharLiteral,
  Question: C.Question,
  Minus: C.Minus,
  Tilde: C.Tilde,
  Bang: C.Bang,
  Star: tokenCode(T.Star),
  Slash: tokenCode(T.Slash),
  Percent: tokenCode(T.Percent),
  Plus: tokenCode(T.Plus),
  LShift: tokenCode(T.LShift),
  RShift: tokenCode(T.RShift),
  LessEqual: tokenCode(T.LessEqual),
  GreaterEqual: tokenCode(T.GreaterEqual),
  EqualEqual: tokenCode(T.EqualEqual),
  NotEqual: tokenCode(T.NotEqual),
  Amp: tokenCode(T.Amp),
  Caret: tokenCode(T.Caret),
  Pipe: tokenCode(T.Pipe),
  AndAnd: tokenCode(T.AndAnd),
  OrOr: tokenCode(T.OrOr),
} as const;

// Binary operators: C precedence (dtc-parser.y integer_* rules), all left-associative.
const BINARY: { readonly op: A.BinaryOperator; readonly precedence: number }[] = [];
for (const [type, op, precedence] of [
  [T.Star, "*", 10], [T.Slash, "/", 10], [T.Percent, "%", 10],
  [T.Plus, "+", 9], [T.Minus, "-", 9],
  [T.LShift, "<<", 8], [T.RShift, ">>", 8],
  [T.LAngle, "<", 7], [T.RAngle, ">", 7], [T.LessEqual, "<=", 7], [T.GreaterEqual, ">=", 7],
  [T.EqualEqual, "==", 6], [T.NotEqual, "!=", 6],
  [T.Amp, "&", 5], [T.Caret, "^", 4], [T.Pipe, "|", 3], [T.AndAnd, "&&", 2], [T.OrOr, "||", 1],
] as [import("chevrotain").TokenType, A.BinaryOperator, number][]) {
  BINARY[tokenCode(type)] = { op, precedence };
}

/** Precedence of a binary operator token code (higher binds tighter), or 0. */
export function binaryPrecedence(code: number): number {
  return BINARY[code]?.precedence ?? 0;
}

/**
 * Associates `v0 op1 v1 op2 v2 ...` by precedence, left to right, without recursion
 * (shunting-yard). `combine` makes the node for `left op right`.
 */
export function associate<V>(values: readonly V[], operators: readonly number[], precedenceOf: (op: number) => number, combine: (left: V, op: number, right: V) => V): V {
  const out: V[] = [values[0]!];
  const ops: number[] = [];
  const reduce = () => {
    const op = ops.pop()!;
    const right = out.pop()!;
    const left = out.pop()!;
    out.push(combine(left, op, right));
  };
  for (let i = 0; i < operators.length; i++) {
    const op = operators[i]!;
    const p = precedenceOf(op);
    while (ops.length > 0 && precedenceOf(ops[ops.length - 1]!) >= p) reduce();
    ops.push(op);
    out.push(values[i + 1]!);
  }
  while (ops.length > 0) reduce();
  return out[0]!;
}

/** Walks one validated token range. */
class Decoder {
  constructor(private readonly tokens: TokenBuffer) {}

  private label(i: number): A.Label {
    return { name: this.tokens.imageAt(i).slice(0, -1), span: this.tokens.span(i) };
  }

  private reference(i: number): A.Reference {
    const tokens = this.tokens;
    const image = tokens.imageAt(i);
    return tokens.codeAt(i) === C.LabelRef
      ? { kind: "label", label: image.slice(1), span: tokens.span(i) }
      : { kind: "path", path: image.slice(2, -1), span: tokens.span(i) };
  }

  private expect(i: number, code: number): void {
    if (this.tokens.codeAt(i) !== code) throw new Error(`internal error: unexpected token ${this.tokens.imageAt(i)} in a validated value`);
  }

  value(start: number, end: number): A.ValuePart[] {
    const tokens = this.tokens;
    const parts: A.ValuePart[] = [];
    let i = start;
    while (i < end) {
      const code = tokens.codeAt(i);
      if (code === C.Label) {
        parts.push({ kind: "label", label: this.label(i) });
        i++;
      } else if (code === C.Comma) {
        i++;
      } else if (code === C.StringLiteral) {
        parts.push({ kind: "string", raw: tokens.imageAt(i), span: tokens.span(i) });
        i++;
      } else if (code === C.Bits || code === C.LAngle) {
        i = this.cells(i, parts);
      } else if (code === C.LBracket) {
        const items: A.ByteItem[] = [];
        let j = i + 1;
        for (; tokens.codeAt(j) !== C.RBracket; j++) {
          items.push(tokens.codeAt(j) === C.Byte ? { kind: "byte", raw: tokens.imageAt(j), span: tokens.span(j) } : { kind: "label", label: this.label(j) });
        }
        parts.push({ kind: "bytes", items, span: tokens.spanBetween(i, j) });
        i = j + 1;
      } else if (code === C.LabelRef || code === C.PathRef) {
        parts.push({ kind: "pathRef", ref: this.reference(i) });
        i++;
      } else if (code === C.Incbin) {
        // /incbin/ ( "file" [, prim, prim] )
        const file = i + 2;
        let offset: A.Expr | undefined;
        let length: A.Expr | undefined;
        let j = file + 1;
        if (tokens.codeAt(j) === C.Comma) {
          [offset, j] = this.primary(j + 1);
          this.expect(j, C.Comma);
          [length, j] = this.primary(j + 1);
        }
        this.expect(j, C.RParen);
        parts.push({ kind: "incbin", file: { raw: tokens.imageAt(file), span: tokens.span(file) }, offset, length, span: tokens.spanBetween(i, j) });
        i = j + 1;
      } else {
        throw new Error(`internal error: unexpected token ${tokens.imageAt(i)} in a validated value`);
      }
    }
    return parts;
  }

  private cells(first: number, parts: A.ValuePart[]): number {
    const tokens = this.tokens;
    let bits: { readonly raw: string; readonly span: Span } | undefined;
    let i = first;
    if (tokens.codeAt(i) === C.Bits) {
      bits = { raw: tokens.imageAt(i + 1), span: tokens.span(i + 1) };
      i += 2;
    }
    const items: A.CellItem[] = [];
    i++; // '<'
    for (;;) {
      const code = tokens.codeAt(i);
      if (code === C.RAngle) break;
      if (code === C.Literal) {
        items.push({ kind: "expr", expr: { kind: "literal", raw: tokens.imageAt(i), span: tokens.span(i) } });
        i++;
      } else if (code === C.LabelRef || code === C.PathRef) {
        items.push({ kind: "ref", ref: this.reference(i) });
        i++;
      } else if (code === C.Label) {
        items.push({ kind: "label", label: this.label(i) });
        i++;
      } else {
        let expr: A.Expr;
        [expr, i] = this.primary(i);
        items.push({ kind: "expr", expr });
      }
    }
    parts.push({ kind: "cells", bits, items, span: tokens.spanBetween(first, i) });
    return i + 1;
  }

  /** integer_prim at `i`: the expression and the index after it. */
  primary(i: number): [A.Expr, number] {
    const tokens = this.tokens;
    const code = tokens.codeAt(i);
    if (code === C.Literal) return [{ kind: "literal", raw: tokens.imageAt(i), span: tokens.span(i) }, i + 1];
    if (code === C.CharLiteral) return [{ kind: "char", raw: tokens.imageAt(i), span: tokens.span(i) }, i + 1];
    this.expect(i, C.LParen);
    const [inner, j] = this.ternary(i + 1);
    this.expect(j, C.RParen);
    return [{ kind: "paren", inner, span: tokens.spanBetween(i, j) }, j + 1];
  }

  private unary(i: number): [A.Expr, number] {
    const tokens = this.tokens;
    const first = i;
    while (tokens.codeAt(i) === C.Minus || tokens.codeAt(i) === C.Tilde || tokens.codeAt(i) === C.Bang) i++;
    let [expr, next] = this.primary(i);
    for (let k = i - 1; k >= first; k--) {
      const code = tokens.codeAt(k);
      const op: A.UnaryOperator = code === C.Minus ? "-" : code === C.Tilde ? "~" : "!";
      expr = { kind: "unary", op, operand: expr, span: joinSpans(tokens.span(k), expr.span) };
    }
    return [expr, next];
  }

  private ternary(i: number): [A.Expr, number] {
    const tokens = this.tokens;
    let [expr, j] = this.unary(i);
    if (binaryPrecedence(tokens.codeAt(j)) > 0) {
      const operands = [expr];
      const operators: number[] = [];
      while (binaryPrecedence(tokens.codeAt(j)) > 0) {
        operators.push(j);
        const [rhs, next] = this.unary(j + 1);
        operands.push(rhs);
        j = next;
      }
      expr = associate(operands, operators, (op) => binaryPrecedence(tokens.codeAt(op)), (left, op, right) => ({
        kind: "binary",
        op: BINARY[tokens.codeAt(op)]!.op,
        left,
        right,
        span: joinSpans(left.span, right.span),
      }));
    }
    if (tokens.codeAt(j) === C.Question) {
      const [then, k] = this.ternary(j + 1);
      this.expect(k, C.Colon);
      const [otherwise, next] = this.ternary(k + 1);
      return [{ kind: "ternary", test: expr, then, otherwise, span: joinSpans(expr.span, otherwise.span) }, next];
    }
    return [expr, j];
  }
}

/** The value parts of a validated property value, tokens `[start, end)`. */
export function decodeValue(tokens: TokenBuffer, start: number, end: number): A.ValuePart[] {
  return new Decoder(tokens).value(start, end);
}

/** The validated integer_prim starting at token `start`, and the index after it. */
export function decodePrimary(tokens: TokenBuffer, start: number): [A.Expr, number] {
  return new Decoder(tokens).primary(start);
}
