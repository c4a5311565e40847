// `#if` / `#elif` expressions: C integer arithmetic on intmax_t / uintmax_t (64-bit), `defined`,
// `__has_include`, character constants, `?:`, and the "unevaluated operand" rule (no division by
// zero error in `0 && 1/0`). Operator precedence is handled with explicit operand and operator
// stacks, as gcc's reduce() does, so deeply parenthesised input cannot exhaust the JS stack.
import type { Engine } from "./engine.ts";
import { findHeader, headerNameFrom } from "./header-name.ts";
import { interpretChar, interpretInteger, toU64 } from "./literals.ts";
import type { LiteralProblem, PPValue } from "./literals.ts";
import { isPunct, T_CHAR, T_EOF, T_NAME, T_NUMBER, T_PUNCT } from "./token.ts";
import type { Token } from "./token.ts";

const BINARY_PREC: Record<string, number> = {
  "*": 10, "/": 10, "%": 10, "+": 9, "-": 9, "<<": 8, ">>": 8, "<": 7, ">": 7, "<=": 7, ">=": 7, "==": 6, "!=": 6,
  "&": 5, "^": 4, "|": 3, "&&": 2, "||": 1, "?": 0, ":": 0, ",": -1,
};
const UNARY = new Set(["+", "-", "~", "!"]);
const UNARY_PREC = 11;

interface Op {
  readonly op: string;
  readonly prec: number;
  readonly unary: boolean;
  readonly tok: Token;
  /** &&, || and ?: record whether they made the following operand unevaluated; ?: its condition. */
  skipped: boolean;
  cond: boolean;
}

class SyntaxError_ extends Error {}

const ZERO: PPValue = { v: 0n, unsigned: false };
const ONE: PPValue = { v: 1n, unsigned: false };
const I64_MIN = 1n << 63n;

function truthy(v: PPValue): boolean {
  return v.v !== 0n;
}

function signed(v: PPValue): bigint {
  return BigInt.asIntN(64, v.v);
}

/** Evaluates the rest of an `#if`/`#elif` line; false after any error. */
export function evaluateIf(e: Engine, directive: string): boolean {
  const ev = new Evaluator(e, directive);
  try {
    return ev.run();
  } catch (err) {
    if (err instanceof SyntaxError_) return false;
    throw err;
  }
}

class Evaluator {
  private readonly values: PPValue[] = [];
  private readonly ops: Op[] = [];
  private skipEval = 0;

  constructor(
    private readonly e: Engine,
    private readonly directive: string,
  ) {}

  private fail(message: string, at: Token): never {
    this.e.error(message, at);
    throw new SyntaxError_(message);
  }

  run(): boolean {
    let wantValue = true;
    for (;;) {
      const tok = this.e.getNonPadding();
      if (wantValue) {
        if (tok.kind === T_PUNCT && UNARY.has(tok.text)) {
          this.ops.push({ op: tok.text, prec: UNARY_PREC, unary: true, tok, skipped: false, cond: false });
          continue;
        }
        if (isPunct(tok, "(")) {
          this.ops.push({ op: "(", prec: -2, unary: false, tok, skipped: false, cond: false });
          continue;
        }
        const v = this.operand(tok);
        if (v) {
          this.values.push(v);
          wantValue = false;
          continue;
        }
        const top = this.ops[this.ops.length - 1];
        if (isPunct(tok, ")") && top?.op === "(") this.fail("missing expression between '(' and ')'", tok);
        if (tok.kind === T_EOF && !top) this.fail(`${this.directive} with no expression`, tok);
        if (top && top.op !== "(") this.fail(`operator '${top.op}' has no right operand`, tok);
        if (tok.kind === T_EOF) this.fail("missing ')' in expression", top!.tok);
        if (isPunct(tok, ")")) {
          this.close(tok); // reports "missing '(' in expression"
          return false;
        }
        if (tok.kind === T_PUNCT && tok.text in BINARY_PREC) this.fail(`operator '${tok.text}' has no left operand`, tok);
        this.invalidToken(tok);
      }
      // Want an operator.
      if (tok.kind === T_EOF) {
        this.reduce(-3, tok);
        const top = this.ops[this.ops.length - 1];
        if (top?.op === "(") this.fail("missing ')' in expression", top.tok);
        if (top?.op === "?") this.fail("'?' without following ':'", top.tok);
        if (this.values.length !== 1 || this.ops.length !== 0) this.fail(`unbalanced stack in ${this.directive}`, tok);
        return truthy(this.values[0]!);
      }
      if (isPunct(tok, ")")) {
        this.close(tok);
        continue;
      }
      if (tok.kind === T_PUNCT && tok.text in BINARY_PREC) {
        this.binary(tok);
        wantValue = true;
        continue;
      }
      if (tok.kind === T_NUMBER || tok.kind === T_NAME || tok.kind === T_CHAR || isPunct(tok, "(") || isPunct(tok, "~") || isPunct(tok, "!")) {
        this.fail(`missing binary operator before token "${tok.text}"`, tok);
      }
      this.invalidToken(tok);
    }
  }

  private invalidToken(tok: Token): never {
    this.fail(`token "${tok.text}" is not valid in preprocessor expressions`, tok);
  }

  /** `)`: reduce to the matching `(`. */
  private close(tok: Token): void {
    this.reduce(-2, tok);
    const top = this.ops[this.ops.length - 1];
    if (top?.op !== "(") this.fail("missing '(' in expression", tok);
    this.ops.pop();
  }

  private binary(tok: Token): void {
    const op = tok.text;
    const prec = BINARY_PREC[op]!;
    if (op === ":") {
      // Everything since the `?` (commas and inner ?: included) is its middle operand.
      this.reduce(-1, tok);
      const q = this.ops[this.ops.length - 1];
      if (q?.op !== "?") this.fail(" ':' without preceding '?'", tok);
      this.ops.pop();
      if (q.cond) this.skipEval++;
      else this.skipEval--;
      this.ops.push({ op: ":", prec: 0, unary: false, tok, skipped: false, cond: q.cond });
      return;
    }
    // ?: is right-associative; everything else binds to the left.
    this.reduce(op === "?" ? prec + 0.5 : prec, tok);
    const entry: Op = { op, prec, unary: false, tok, skipped: false, cond: false };
    const lhs = this.values[this.values.length - 1]!;
    if ((op === "&&" && !truthy(lhs)) || (op === "||" && truthy(lhs))) {
      entry.skipped = true;
      this.skipEval++;
    } else if (op === "?") {
      entry.cond = truthy(lhs);
      if (!entry.cond) this.skipEval++;
    }
    this.ops.push(entry);
  }

  /** Applies stacked operators binding at least as tightly as `prec` (stops at `(`). */
  private reduce(prec: number, _at: Token): void {
    for (;;) {
      const top = this.ops[this.ops.length - 1];
      if (!top || top.op === "(" || top.op === "?") {
        if (top?.op === "?" && prec < 0) {
          if (prec === -2) this.fail("'?' without following ':'", top.tok);
          return;
        }
        return;
      }
      if (top.prec < prec) return;
      this.ops.pop();
      this.apply(top);
    }
  }

  private apply(o: Op): void {
    if (o.unary) {
      const v = this.values.pop()!;
      this.values.push(this.unaryOp(o, v));
      return;
    }
    const rhs = this.values.pop()!;
    if (o.op === ":") {
      const t = this.values.pop()!;
      const c = this.values.pop()!;
      if (o.cond) this.skipEval--;
      const r = truthy(c) ? t : rhs;
      this.values.push({ v: r.v, unsigned: t.unsigned || rhs.unsigned });
      return;
    }
    const lhs = this.values.pop()!;
    if (o.skipped) this.skipEval--;
    this.values.push(this.binaryOp(o, lhs, rhs));
  }

  private overflow(o: Op): void {
    if (this.skipEval === 0) this.e.warning("integer overflow in preprocessor expression", o.tok);
  }

  private unaryOp(o: Op, v: PPValue): PPValue {
    switch (o.op) {
      case "+":
        return v;
      case "-":
        if (!v.unsigned && v.v === I64_MIN) this.overflow(o);
        return { v: toU64(-v.v), unsigned: v.unsigned };
      case "~":
        return { v: toU64(~v.v), unsigned: v.unsigned };
      default:
        return truthy(v) ? ZERO : ONE;
    }
  }

  private binaryOp(o: Op, a: PPValue, b: PPValue): PPValue {
    const unsigned = a.unsigned || b.unsigned;
    const op = o.op;
    switch (op) {
      case "&&":
        return truthy(a) && truthy(b) ? ONE : ZERO;
      case "||":
        return truthy(a) || truthy(b) ? ONE : ZERO;
      case ",":
        return b;
      case "<<":
      case ">>":
        return this.shift(o, a, b);
      case "==":
        return a.v === b.v ? ONE : ZERO;
      case "!=":
        return a.v !== b.v ? ONE : ZERO;
      case "<":
      case ">":
      case "<=":
      case ">=": {
        const x = unsigned ? a.v : signed(a);
        const y = unsigned ? b.v : signed(b);
        const r = op === "<" ? x < y : op === ">" ? x > y : op === "<=" ? x <= y : x >= y;
        return r ? ONE : ZERO;
      }
      case "&":
        return { v: a.v & b.v, unsigned };
      case "|":
        return { v: a.v | b.v, unsigned };
      case "^":
        return { v: a.v ^ b.v, unsigned };
    }
    const x = unsigned ? a.v : signed(a);
    const y = unsigned ? b.v : signed(b);
    let r: bigint;
    switch (op) {
      case "+":
        r = x + y;
        break;
      case "-":
        r = x - y;
        break;
      case "*":
        r = x * y;
        break;
      default:
        if (y === 0n) {
          if (this.skipEval === 0) this.e.error(`division by zero in ${this.directive}`, o.tok);
          return { v: 0n, unsigned };
        }
        r = op === "/" ? x / y : x % y;
    }
    if (!unsigned && BigInt.asIntN(64, r) !== r) this.overflow(o);
    return { v: toU64(r), unsigned };
  }

  private shift(o: Op, a: PPValue, b: PPValue): PPValue {
    let left = o.op === "<<";
    let n = b.unsigned ? b.v : signed(b);
    if (n < 0n) {
      left = !left;
      n = -n;
    }
    if (left) {
      if (n >= 64n) {
        if (!a.unsigned && a.v !== 0n) this.overflow(o);
        return { v: 0n, unsigned: a.unsigned };
      }
      const r = toU64(a.v << n);
      if (!a.unsigned && BigInt.asIntN(64, r) >> n !== signed(a)) this.overflow(o);
      return { v: r, unsigned: a.unsigned };
    }
    if (a.unsigned) return { v: n >= 64n ? 0n : a.v >> n, unsigned: true };
    const s = signed(a);
    return { v: toU64(n >= 64n ? (s < 0n ? -1n : 0n) : s >> n), unsigned: false };
  }

  private literal(problems: LiteralProblem[], v: PPValue | undefined, tok: Token): PPValue {
    for (const p of problems) {
      if (p.severity === "warning") this.e.warning(p.message, tok);
    }
    const err = problems.find((p) => p.severity === "error");
    if (err || !v) this.fail(err?.message ?? "invalid constant", tok);
    return v;
  }

  /** A primary operand, or undefined when `tok` cannot start one. */
  private operand(tok: Token): PPValue | undefined {
    if (tok.kind === T_NUMBER) {
      const problems: LiteralProblem[] = [];
      return this.literal(problems, interpretInteger(tok.text, problems), tok);
    }
    if (tok.kind === T_CHAR) {
      const problems: LiteralProblem[] = [];
      return this.literal(problems, interpretChar(tok.text, problems), tok);
    }
    if (tok.kind !== T_NAME) return undefined;
    if (tok.text === "defined") return this.defined();
    if (tok.text === "__has_include" || tok.text === "__has_include_next") return this.hasInclude(tok);
    return ZERO;
  }

  private defined(): PPValue {
    const e = this.e;
    e.preventExpansion++;
    try {
      let t = e.getNonPadding();
      const paren = isPunct(t, "(");
      if (paren) t = e.getNonPadding();
      if (t.kind !== T_NAME) this.fail('operator "defined" requires an identifier', t);
      if (paren) {
        const c = e.getNonPadding();
        if (!isPunct(c, ")")) this.fail('missing \')\' after "defined"', c);
      }
      return e.macros.has(t.text) ? ONE : ZERO;
    } finally {
      e.preventExpansion--;
    }
  }

  private hasInclude(op: Token): PPValue {
    const e = this.e;
    e.angledHeaders = true;
    let t = e.getNonPadding();
    const paren = isPunct(t, "(");
    if (paren) t = e.getNonPadding();
    e.angledHeaders = false;
    if (!paren) this.fail(`missing '(' before "${op.text}" operand`, t);
    const h = headerNameFrom(e, t, `operator "${op.text}" requires a header-name`);
    if (!h) throw new SyntaxError_("header");
    const c = e.getNonPadding();
    if (!isPunct(c, ")")) this.fail(`missing ')' after "${op.text}" operand`, c);
    const found = findHeader(e, h, op.text === "__has_include_next");
    return found !== undefined && "text" in found ? ONE : ZERO;
  }
}
