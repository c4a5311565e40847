// The DTS token vocabulary, as chevrotain token types. The patterns are never used: tokens are
// produced by the hand-written scanner in ./lexer.ts (dtc's flex rules), which feeds the
// chevrotain parser in ./parser.ts directly.
//
// Names follow dtc-parser.y's terminals: DT_V1 -> DtsV1, DT_PROPNODENAME -> PropNodeName, and the
// single characters dtc returns as themselves ('/', '{', ...) get one type each; any other single
// character (a stray `#`, `@`, non-ASCII byte, unterminated quote...) is a `Stray` token, which no
// grammar rule accepts, so it is a syntax error exactly where dtc's would be.
import { createToken, Lexer, type IToken, type TokenType } from "chevrotain";
import { span, type SourceFile, type Span } from "../src/source/index.ts";

function tok(name: string, categories?: TokenType[]): TokenType {
  return createToken({ name, pattern: Lexer.NA, ...(categories ? { categories } : {}) });
}

/** Category of every binary operator token: `/`, `<`, `>` and `&` double as punctuation. */
export const BinaryOperator = tok("BinaryOperator");

// ---- keywords ----
export const DtsV1 = tok("DtsV1");
export const Plugin = tok("Plugin");
export const MemReserve = tok("MemReserve");
export const Bits = tok("Bits");
export const DeleteProperty = tok("DeleteProperty");
export const DeleteNode = tok("DeleteNode");
export const OmitIfNoRef = tok("OmitIfNoRef");
export const Incbin = tok("Incbin");

// ---- tokens with text ----
/** dtc's DT_PROPNODENAME: image keeps a leading `\`; only lexed after `{`, `;`, `/delete-*` and `/omit-if-no-ref/`. */
export const PropNodeName = tok("PropNodeName");
/** Integer literal (V1 state only). In dtc >= 1.7 a bare identifier in V1 state is also returned as a literal, after a lexical error. */
export const Literal = tok("Literal");
export const CharLiteral = tok("CharLiteral");
/** Two hex digits inside `[ ]`. */
export const Byte = tok("Byte");
export const StringLiteral = tok("StringLiteral");
/** `name:` (image includes the colon). */
export const Label = tok("Label");
/** `&name` */
export const LabelRef = tok("LabelRef");
/** `&{...}` */
export const PathRef = tok("PathRef");

// ---- punctuation (the characters dtc's parser uses) ----
export const Semicolon = tok("Semicolon");
export const Slash = tok("Slash", [BinaryOperator]);
export const LBrace = tok("LBrace");
export const RBrace = tok("RBrace");
export const Equals = tok("Equals");
export const LAngle = tok("LAngle", [BinaryOperator]);
export const RAngle = tok("RAngle", [BinaryOperator]);
export const LBracket = tok("LBracket");
export const RBracket = tok("RBracket");
export const LParen = tok("LParen");
export const RParen = tok("RParen");
export const Comma = tok("Comma");
export const Question = tok("Question");
export const Colon = tok("Colon");
export const Pipe = tok("Pipe", [BinaryOperator]);
export const Caret = tok("Caret", [BinaryOperator]);
export const Amp = tok("Amp", [BinaryOperator]);
export const Plus = tok("Plus", [BinaryOperator]);
export const Minus = tok("Minus", [BinaryOperator]);
export const Star = tok("Star", [BinaryOperator]);
export const Percent = tok("Percent", [BinaryOperator]);
export const Tilde = tok("Tilde");
export const Bang = tok("Bang");
export const LShift = tok("LShift", [BinaryOperator]);
export const RShift = tok("RShift", [BinaryOperator]);
export const LessEqual = tok("LessEqual", [BinaryOperator]);
export const GreaterEqual = tok("GreaterEqual", [BinaryOperator]);
export const EqualEqual = tok("EqualEqual", [BinaryOperator]);
export const NotEqual = tok("NotEqual", [BinaryOperator]);
export const AndAnd = tok("AndAnd", [BinaryOperator]);
export const OrOr = tok("OrOr", [BinaryOperator]);

/** Any other single character. */
export const Stray = tok("Stray");
/** End of input; positioned on the last whitespace/comment/token, as dtc reports EOF errors. */
export const End = tok("End");

export const allTokenTypes: readonly TokenType[] = [
  BinaryOperator,
  DtsV1, Plugin, MemReserve, Bits, DeleteProperty, DeleteNode, OmitIfNoRef, Incbin,
  PropNodeName, Literal, CharLiteral, Byte, StringLiteral, Label, LabelRef, PathRef,
  Semicolon, Slash, LBrace, RBrace, Equals, LAngle, RAngle, LBracket, RBracket, LParen, RParen, Comma,
  Question, Colon, Pipe, Caret, Amp, Plus, Minus, Star, Percent, Tilde, Bang,
  LShift, RShift, LessEqual, GreaterEqual, EqualEqual, NotEqual, AndAnd, OrOr,
  Stray, End,
];

/** Image of each token type whose text is always the same (others are sliced from the source). */
const FIXED_IMAGE = new Map<TokenType, string>([
  [Semicolon, ";"], [Slash, "/"], [LBrace, "{"], [RBrace, "}"], [Equals, "="], [LAngle, "<"], [RAngle, ">"],
  [LBracket, "["], [RBracket, "]"], [LParen, "("], [RParen, ")"], [Comma, ","], [Question, "?"], [Colon, ":"],
  [Pipe, "|"], [Caret, "^"], [Amp, "&"], [Plus, "+"], [Minus, "-"], [Star, "*"], [Percent, "%"], [Tilde, "~"],
  [Bang, "!"], [LShift, "<<"], [RShift, ">>"], [LessEqual, "<="], [GreaterEqual, ">="], [EqualEqual, "=="],
  [NotEqual, "!="], [AndAnd, "&&"], [OrOr, "||"], [DtsV1, "/dts-v1/"], [Plugin, "/plugin/"],
  [MemReserve, "/memreserve/"], [Bits, "/bits/"], [DeleteProperty, "/delete-property/"],
  [DeleteNode, "/delete-node/"], [OmitIfNoRef, "/omit-if-no-ref/"], [Incbin, "/incbin/"], [End, ""],
]);

/** Token types by the small code the scanner stores (index in allTokenTypes). */
const TYPE_BY_CODE: readonly TokenType[] = allTokenTypes;
const IMAGE_BY_CODE: readonly (string | undefined)[] = allTokenTypes.map((t) => FIXED_IMAGE.get(t));
const CODE = new Map<TokenType, number>(allTokenTypes.map((t, i) => [t, i]));

/** The scanner's code for a token type. */
export function tokenCode(type: TokenType): number {
  return CODE.get(type)!;
}

/**
 * A token as the parser sees it: chevrotain's IToken fields (offsets only; `endOffset` is
 * inclusive, as chevrotain defines it) plus its index in the stream and the buffer it came from,
 * since `/include/` mixes buffers in one stream. Text and offsets are read from the TokenBuffer on
 * access. The parser reuses one instance as a cursor (see DtsParser.LA_FAST), so a token object
 * is only valid until the next token is read: keep `index`, not the object.
 */
export class DtsToken implements IToken {
  constructor(
    public tokenType: TokenType,
    public tokenTypeIdx: number,
    public index: number,
    public buffer: TokenBuffer | undefined,
  ) {}

  get image(): string {
    return this.buffer ? this.buffer.imageAt(this.index) : "";
  }

  get startOffset(): number {
    return this.buffer ? this.buffer.startAt(this.index) : NaN;
  }

  /** Inclusive, as in chevrotain. */
  get endOffset(): number {
    return this.buffer ? this.buffer.endAt(this.index) - 1 : NaN;
  }

  get file(): SourceFile {
    return this.buffer!.fileAt(this.index);
  }
}

/** The scanner's output: parallel typed arrays, one entry per token. */
export class TokenBuffer {
  count = 0;
  private codes: Uint8Array;
  private starts: Int32Array;
  private ends: Int32Array;
  private fileIds: Int32Array;
  private readonly files: SourceFile[] = [];
  private readonly fileIdOf = new Map<SourceFile, number>();
  private currentFileId = -1;
  private currentFile: SourceFile | undefined = undefined;

  constructor(capacity: number) {
    capacity = Math.max(64, capacity);
    this.codes = new Uint8Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.fileIds = new Int32Array(capacity);
  }

  push(code: number, start: number, end: number, file: SourceFile): void {
    const i = this.count;
    if (i === this.codes.length) this.grow();
    if (file !== this.currentFile) {
      this.currentFile = file;
      let id = this.fileIdOf.get(file);
      if (id === undefined) {
        id = this.files.push(file) - 1;
        this.fileIdOf.set(file, id);
      }
      this.currentFileId = id;
    }
    this.codes[i] = code;
    this.starts[i] = start;
    this.ends[i] = end;
    this.fileIds[i] = this.currentFileId;
    this.count = i + 1;
  }

  /**
   * Shrinks the arrays to the tokens held when they have more than 1/8 slack. On an 80 MB board
   * the last doubling left ~200 MB of the buffer's ~440 MB unused while the document was alive.
   */
  trim(): void {
    const n = this.count;
    if (this.codes.length - n <= n >> 3) return;
    this.codes = this.codes.slice(0, n);
    this.starts = this.starts.slice(0, n);
    this.ends = this.ends.slice(0, n);
    this.fileIds = this.fileIds.slice(0, n);
  }

  private grow(): void {
    // Doubling while small; past a million tokens, half again (less slack on huge inputs).
    const old = this.codes.length;
    const n = old < 1 << 20 ? old * 2 : old + (old >> 1);
    const codes = new Uint8Array(n);
    codes.set(this.codes);
    this.codes = codes;
    const starts = new Int32Array(n);
    starts.set(this.starts);
    this.starts = starts;
    const ends = new Int32Array(n);
    ends.set(this.ends);
    this.ends = ends;
    const fileIds = new Int32Array(n);
    fileIds.set(this.fileIds);
    this.fileIds = fileIds;
  }

  typeAt(i: number): TokenType {
    return TYPE_BY_CODE[this.codes[i]!]!;
  }

  /** The scanner's code of token `i` (see tokenCode). */
  codeAt(i: number): number {
    return i < this.count ? this.codes[i]! : -1;
  }

  startAt(i: number): number {
    return this.starts[i]!;
  }

  endAt(i: number): number {
    return this.ends[i]!;
  }

  fileAt(i: number): SourceFile {
    return this.files[this.fileIds[i]!]!;
  }

  /** The text of token `i`. */
  imageAt(i: number): string {
    return IMAGE_BY_CODE[this.codes[i]!] ?? this.files[this.fileIds[i]!]!.text.slice(this.starts[i]!, this.ends[i]!);
  }

  /** Source span of token `i`. */
  span(i: number): Span {
    return span(this.files[this.fileIds[i]!]!, this.starts[i]!, this.ends[i]!);
  }

  /** From the start of token `i` to the end of token `j` (just token `i`, with the real end as its tail, when they lie in different buffers). */
  spanBetween(i: number, j: number): Span {
    const file = this.files[this.fileIds[i]!]!;
    if (this.fileIds[i] === this.fileIds[j]) return span(file, this.starts[i]!, this.ends[j]!);
    return { file, start: this.starts[i]!, end: this.ends[i]!, tail: { file: this.files[this.fileIds[j]!]!, end: this.ends[j]! } };
  }

  /** A new token object for entry `i` (0 <= i < count). */
  token(i: number): DtsToken {
    const type = TYPE_BY_CODE[this.codes[i]!]!;
    return new DtsToken(type, type.tokenTypeIdx!, i, this);
  }

  /** Points `cursor` at entry `i` (0 <= i < count). */
  moveTo(cursor: DtsToken, i: number): DtsToken {
    const type = TYPE_BY_CODE[this.codes[i]!]!;
    cursor.tokenType = type;
    cursor.tokenTypeIdx = type.tokenTypeIdx!;
    cursor.index = i;
    cursor.buffer = this;
    return cursor;
  }
}
