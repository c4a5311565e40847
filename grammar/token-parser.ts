// The chevrotain parser reading tokens straight from the scanner's typed arrays (./tokens.ts
// TokenBuffer) instead of an array of token objects: chevrotain reads tokens only through
// LA/LA_FAST (its documented hook for lazy lexers), so a document costs no token objects. Also
// chevrotain's MANY loop without its error-recovery bookkeeping (recovery is off).
import { createTokenInstance, EmbeddedActionsParser, EOF, type IParserConfig, type IToken, type TokenType } from "chevrotain";
import * as T from "./tokens.ts";
import { DtsToken, tokenCode, type TokenBuffer } from "./tokens.ts";

/** A set of token types as a table by scanner code (see TokenBufferParser.skipCodes). */
function codeSet(types: readonly TokenType[]): Uint8Array {
  const set = new Uint8Array(256);
  for (const t of types) set[tokenCode(t)] = 1;
  return set;
}

/** Cells recognised without chevrotain's OR (./parser.ts): their alternatives only CONSUME (`(` has an action). */
export const PLAIN_CELLS = codeSet([T.Literal, T.CharLiteral, T.LabelRef, T.PathRef, T.Label]);
export const STRING = tokenCode(T.StringLiteral);
export const COMMA = tokenCode(T.Comma);
export const LABEL = tokenCode(T.Label);

/** What LA returns past the end (never reached in practice: the grammar consumes `End` last). */
const PAST_END = createTokenInstance(EOF, "", NaN, NaN, NaN, NaN, NaN, NaN);

/** chevrotain's recognizer internals that manyInternalLogic uses (not in its typings). */
interface ChevrotainEngine {
  getLaFuncFromCache(key: number): () => boolean;
  doSingleRepetition(action: () => unknown): boolean;
}

export class TokenBufferParser extends EmbeddedActionsParser {
  /** chevrotain's position in the token stream (its own field, not in its typings). */
  declare protected currIdx: number;
  protected buffer: TokenBuffer | undefined = undefined;
  /** Tokens at or past this index read as past-the-end. */
  protected limit = 0;
  /** The token LA_FAST returns, re-pointed at each new position (see LA_FAST). */
  private readonly cursor = new DtsToken(EOF, EOF.tokenTypeIdx!, -1, undefined);

  constructor(tokens: TokenType[], config: IParserConfig) {
    super(tokens, config);
  }

  /**
   * chevrotain 11.2's manyInternalLogic (every MANY runs it) without its error-recovery hook: the
   * original builds an argument array for attemptInRepetitionRecovery on each call, which does
   * nothing with recovery off -- 38 MB of garbage per 8 MB board (allocation profile), one array
   * per property value, cell list and expression. The loop itself is the original's. Only the
   * parse phase calls it (the grammar recorder replaces MANY while it records).
   */
  manyInternalLogic(_occurrence: number, actionORMethodDef: (() => unknown) | { GATE?: () => boolean; DEF: () => unknown }, key: number): void {
    const engine = this as unknown as ChevrotainEngine;
    let lookahead = engine.getLaFuncFromCache(key);
    let action: () => unknown;
    if (typeof actionORMethodDef !== "function") {
      action = actionORMethodDef.DEF;
      const gate = actionORMethodDef.GATE;
      if (gate !== undefined) {
        const original = lookahead;
        lookahead = () => gate.call(this) && original.call(this);
      }
    } else action = actionORMethodDef;
    let notStuck = true;
    while (lookahead.call(this) === true && notStuck) notStuck = engine.doSingleRepetition(action);
  }

  // chevrotain reads tokens only through LA/LA_FAST (its documented hook for lazy lexers).
  // LA_FAST (lookahead and CONSUME) re-points one cursor object instead of making a token per
  // read; LA (error reporting, and rarely our actions) makes a fresh token that stays valid.
  override LA_FAST(howMuch: number): IToken {
    const i = this.currIdx + howMuch;
    const cursor = this.cursor;
    if (cursor.index === i && cursor.buffer === this.buffer) return cursor;
    if (i < 0 || i >= this.limit) return PAST_END;
    return this.buffer!.moveTo(cursor, i);
  }

  override LA(howMuch: number): IToken {
    const i = this.currIdx + howMuch;
    if (i < 0 || i >= this.limit) return PAST_END;
    return this.buffer!.token(i);
  }

  /**
   * Consumes the tokens from the next one on whose codes are in `codes`: what a MANY over an OR
   * of alternatives that only CONSUME those types does, without the calls per token that cost
   * most in a one-board process (docs/startup.md). Only outside the recording phase.
   */
  protected skipCodes(codes: Uint8Array): void {
    const buffer = this.buffer!;
    let i = this.currIdx + 1;
    while (i < this.limit && codes[buffer.codeAt(i)] === 1) i++;
    this.currIdx = i - 1;
  }

  /**
   * Consumes a list `item (sep item)*` with `neutral` tokens anywhere, from the next token on,
   * while it stays well formed: `needItem` says whether an item comes next (else a separator).
   * Returns that state where it stopped, for the grammar to go on (and report errors) from there.
   */
  protected skipList(item: number, separator: number, neutral: number, needItem: boolean): boolean {
    const buffer = this.buffer!;
    let i = this.currIdx + 1;
    for (; i < this.limit; i++) {
      const code = buffer.codeAt(i);
      if (code === neutral) continue;
      if (needItem ? code !== item : code !== separator) break;
      needItem = !needItem;
    }
    this.currIdx = i - 1;
    return needItem;
  }

  /** Points the parser at `tokens`, to parse from `start` up to (not including) `limit`. */
  protected attachTokens(tokens: TokenBuffer, start: number, limit: number): void {
    this.buffer = tokens;
    this.limit = limit;
    this.cursor.index = -1;
    this.cursor.buffer = undefined;
    this.input = [];
    // `input` sizes chevrotain's view of the stream; the tokens come from LA/LA_FAST.
    (this as unknown as { tokVectorLength: number }).tokVectorLength = limit;
    this.currIdx = start - 1;
  }

  protected detachTokens(): void {
    this.buffer = undefined;
    this.cursor.index = -1;
    this.cursor.buffer = undefined;
    this.input = [];
  }
}
