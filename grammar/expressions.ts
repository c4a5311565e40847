// Integer expressions in the parser: the nesting limit, the error the grammar throws, and the
// recogniser of parenthesised cell expressions by hand (the hot case: `reg = <(0x1000 + 4)>`).
// The hand recogniser accepts the same language, with the same errors (token and message) and
// nesting checks in the same order, as the parenExpr/ternary/unary/primary rules of ./parser.ts
// (which /memreserve/ and /incbin/ still use): the grammar is LL(1) here, so one token decides
// each step. Recursion only through `(` and `?:`, bounded by MAX_EXPRESSION_DEPTH as in the rules.
import type { Span } from "../src/source/index.ts";
import * as T from "./tokens.ts";
import { tokenCode, type TokenBuffer } from "./tokens.ts";
import { binaryPrecedence } from "./values.ts";

/**
 * Deepest nesting of parentheses and `?:` accepted in an integer expression: the only recursion
 * of the parser and of the value decoder. dtc's limit is its bison stack (10,000 entries: about
 * 5,000 parentheses); this one keeps the recursion far from the JS stack limit. A flat chain of
 * operators is not nesting: `(1 + 1 + ... + 1)` with 100,000 terms is accepted, as dtc accepts it.
 */
export const MAX_EXPRESSION_DEPTH = 256;

/** Thrown by grammar actions for errors dtc's grammar reports itself (and for our depth limit). */
export class GrammarStop extends Error {
  constructor(
    /** Index of the token at which dtc stops: its lexical errors are the last ones printed. */
    readonly index: number,
    message: string,
    readonly span: Span,
  ) {
    super(message);
    this.name = "GrammarStop";
  }
}

const LITERAL = tokenCode(T.Literal);
const CHAR_LITERAL = tokenCode(T.CharLiteral);
const LPAREN = tokenCode(T.LParen);
const RPAREN = tokenCode(T.RParen);
const QUESTION = tokenCode(T.Question);
const COLON = tokenCode(T.Colon);
const MINUS = tokenCode(T.Minus);
const TILDE = tokenCode(T.Tilde);
const BANG = tokenCode(T.Bang);

/** The expression nesting of one parse, and the hand recogniser over its token buffer. */
export class ExpressionRecogniser {
  private tokens: TokenBuffer | undefined = undefined;
  private limit = 0;
  /** Parentheses and `?:` open around the expression being recognised. */
  private nesting = 0;

  attach(tokens: TokenBuffer | undefined, limit: number): void {
    this.tokens = tokens;
    this.limit = limit;
    this.nesting = 0;
  }

  /** One more level of parentheses or `?:`, opened by the token at `index`. */
  enter(index: number): void {
    if (++this.nesting > MAX_EXPRESSION_DEPTH) throw new GrammarStop(index, "expression nested too deeply", this.tokens!.span(index));
  }

  leave(): void {
    this.nesting--;
  }

  syntaxError(index: number): never {
    throw new GrammarStop(index, "syntax error", this.tokens!.span(Math.min(index, this.limit - 1)));
  }

  private codeAt(i: number): number {
    return i < this.limit ? this.tokens!.codeAt(i) : -1;
  }

  /** After the `(` at `open` was consumed: the rest of parenExpr; the index of its `)`. */
  parenTail(open: number): number {
    this.enter(open);
    const close = this.ternary(open + 1);
    if (this.codeAt(close) !== RPAREN) this.syntaxError(close);
    this.leave();
    return close;
  }

  /** integer_trinary at token `pos` (the ternary rule): the index after it. */
  private ternary(pos: number): number {
    pos = this.unary(pos);
    // A chain of binary operators is a loop: its length is not nesting.
    while (binaryPrecedence(this.codeAt(pos)) > 0) pos = this.unary(pos + 1);
    if (this.codeAt(pos) === QUESTION) {
      this.enter(pos);
      pos = this.ternary(pos + 1);
      if (this.codeAt(pos) !== COLON) this.syntaxError(pos);
      pos = this.ternary(pos + 1);
      this.leave();
    }
    return pos;
  }

  /** integer_unary at `pos` (the unary rule). */
  private unary(pos: number): number {
    for (let c = this.codeAt(pos); c === MINUS || c === TILDE || c === BANG; c = this.codeAt(pos)) pos++;
    return this.primary(pos);
  }

  /** integer_prim at `pos` (the primary rule). */
  private primary(pos: number): number {
    const code = this.codeAt(pos);
    if (code === LITERAL || code === CHAR_LITERAL) return pos + 1;
    if (code !== LPAREN) this.syntaxError(pos);
    this.enter(pos);
    const close = this.ternary(pos + 1);
    if (this.codeAt(close) !== RPAREN) this.syntaxError(close);
    this.leave();
    return close + 1;
  }
}
