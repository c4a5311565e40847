// The chevrotain parser reading tokens straight from the scanner's typed arrays (./tokens.ts
// TokenBuffer) instead of an array of token objects: chevrotain reads tokens only through
// LA/LA_FAST (its documented hook for lazy lexers), so a document costs no token objects. Also
// chevrotain's MANY loop without its error-recovery bookkeeping (recovery is off).
import { createTokenInstance, EmbeddedActionsParser, EOF, type IParserConfig, type IToken, type TokenType } from "chevrotain";
import { DtsToken, type TokenBuffer } from "./tokens.ts";

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
