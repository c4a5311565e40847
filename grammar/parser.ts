// The DTS grammar of dtc-parser.y (dtc 1.8.1) as a chevrotain parser (./token-parser.ts) that
// builds the AST of ./ast.ts; syntax only. dtc's bison parser reports a syntax error at the first
// token that cannot continue a valid prefix; this parser's LL(1) decisions never commit early,
// so it stops at the same token. Node bodies are parsed by one flat loop with an explicit stack
// of open nodes, so nesting is bounded only by memory; only expressions recurse (parentheses and
// `?:`, limited by MAX_EXPRESSION_DEPTH: ./expressions.ts). Values are recognised but not built:
// nodes keep token indices (./nodes.ts), ./values.ts builds a value when it is read, so a
// document costs O(properties + nodes) objects, not O(tokens).
import type { IOrAlt, IToken, ParserMethod, TokenType } from "chevrotain";
import { internRange, type Span } from "../src/source/index.ts";
import type * as A from "./ast.ts";
import { BodyNode, labelAt, NodeNode, PropertyCursor, PropertyNode, referenceAt, spanTo, type ValueSource } from "./nodes.ts";
import { ExpressionRecogniser, GrammarStop, MAX_EXPRESSION_DEPTH } from "./expressions.ts";
import { COMMA, LABEL, PLAIN_CELLS, STRING, TokenBufferParser } from "./token-parser.ts";
import { decodePrimary, decodeValue } from "./values.ts";
import * as T from "./tokens.ts";
import { DtsToken, tokenCode, type TokenBuffer } from "./tokens.ts";

export { GrammarStop, MAX_EXPRESSION_DEPTH };

export type ParseOutcome =
  | { readonly ok: true; readonly document: A.DtsDocument }
  | { readonly ok: false; /** Index of the failing token. */ readonly index: number; readonly message: string; readonly span: Span };

/** An open node while its body is being parsed. */
interface Frame {
  readonly labels: readonly A.Label[];
  readonly omitIfNoRef: boolean;
  readonly name: string;
  readonly nameIndex: number; // -1 for the statement's own body
  readonly firstIndex: number; // first label, keyword or name
  readonly openIndex: number;
  readonly properties: (A.PropertyDef | A.DeleteProperty)[];
  readonly children: (A.NodeDef | A.DeleteNode)[];
  sawChild: boolean;
}

const NO_LABELS: readonly A.Label[] = Object.freeze([]) as readonly A.Label[];
/** A block's item lists when a BodyListener receives the items instead (never pushed to). */
const NO_ITEMS: never[] = Object.freeze([]) as unknown as never[];

function nameOf(image: string): string {
  return image.charCodeAt(0) === 92 ? image.slice(1) : image;
}

export class DtsParser extends TokenBufferParser {
  private busy = false;

  // ---- state of the current parse ----
  private source: ValueSource | undefined = undefined;
  /** Receives blocks and statements as they are parsed (streaming parse), else undefined. */
  private listener: A.BodyListener | undefined = undefined;
  /** The PropertyDef handed to the listener, re-pointed per property (see PropertyCursor). */
  private cursor_: PropertyCursor | undefined = undefined;
  private frames: Frame[] = [];
  private finishedBody: A.NodeBody | undefined = undefined;
  private pendingLabels: A.Label[] = [];
  private pendingOmit = false;
  private pendingFirst = -1;
  /** Token index of the name of the property or node being parsed (values hold no names). */
  private lastName = -1;
  /** In a property value: whether a component is expected next (at the start and after `,`). */
  private needComponent = false;
  /** Expression nesting, and the hand recogniser of parenthesised cell expressions. */
  private readonly expressions = new ExpressionRecogniser();

  // ---- rules ----
  document!: ParserMethod<[], A.DtsDocument>;
  private header!: ParserMethod<[], A.Header>;
  private memreserve!: ParserMethod<[], A.MemReserve>;
  private firstStatement!: ParserMethod<[], A.TopLevelStatement>;
  private statement!: ParserMethod<[], A.TopLevelStatement>;
  private reference!: ParserMethod<[], A.Reference>;
  private nodeBody!: ParserMethod<[], A.NodeBody>;
  private byteString!: ParserMethod<[], void>;
  private incbin!: ParserMethod<[], void>;
  private primary!: ParserMethod<[], void>;
  private parenExpr!: ParserMethod<[], void>;
  private ternary!: ParserMethod<[], void>;
  private unary!: ParserMethod<[], void>;

  // ---- OR alternatives and loop bodies, built once (closures per call cost in hot rules) ----
  private bodyAlts!: IOrAlt<void>[];
  private afterNameAlts!: IOrAlt<void>[];
  private valueAlts!: IOrAlt<void>[];
  private cellAlts!: IOrAlt<void>[];
  private byteAlts!: IOrAlt<void>[];
  private statementAlts!: IOrAlt<A.TopLevelStatement>[];
  private firstStatementAlts!: IOrAlt<A.TopLevelStatement>[];
  private primaryAlts!: IOrAlt<void>[];
  private referenceAlts!: IOrAlt<number>[];
  private unaryOpAlts!: IOrAlt<IToken>[];

  constructor(options: { readonly validate: boolean }) {
    super(T.allTokenTypes as TokenType[], { maxLookahead: 1, recoveryEnabled: false, skipValidations: !options.validate });
    const $ = this;
    /** Index of the token a CONSUME just returned (token objects are reused: keep indices). */
    const at = (t: IToken): number => (t as DtsToken).index;

    // ---------------- top level ----------------

    $.document = $.RULE("document", (): A.DtsDocument => {
      const headers: A.Header[] = [];
      const memreserves: A.MemReserve[] = [];
      const statements: A.TopLevelStatement[] = [];
      $.AT_LEAST_ONE(() => {
        headers.push($.SUBRULE($.header));
      });
      $.MANY(() => {
        memreserves.push($.SUBRULE($.memreserve));
      });
      if (!$.RECORDING_PHASE) $.listener?.begin(headers, memreserves);
      statements.push($.SUBRULE($.firstStatement));
      if (!$.RECORDING_PHASE) $.listener?.statement(statements[0]!);
      $.MANY2(() => {
        const st = $.SUBRULE($.statement);
        statements.push(st);
        if (!$.RECORDING_PHASE) $.listener?.statement(st);
      });
      $.CONSUME(T.End);
      return { headers, memreserves, statements };
    });

    // header: DT_V1 ';' | DT_V1 ';' DT_PLUGIN ';'
    $.header = $.RULE("header", (): A.Header => {
      const v1 = at($.CONSUME(T.DtsV1));
      let last = at($.CONSUME(T.Semicolon));
      let plugin = false;
      $.OPTION(() => {
        $.CONSUME(T.Plugin);
        last = at($.CONSUME2(T.Semicolon));
        plugin = true;
      });
      return $.RECORDING_PHASE ? (undefined as never) : { plugin, span: $.spanOf(v1, last) };
    });

    // memreserve: DT_MEMRESERVE integer_prim integer_prim ';' | DT_LABEL memreserve
    $.memreserve = $.RULE("memreserve", (): A.MemReserve => {
      const labels: A.Label[] = [];
      let first = -1;
      $.MANY(() => {
        const t = at($.CONSUME(T.Label));
        if (!$.RECORDING_PHASE) {
          if (first < 0) first = t;
          labels.push(labelAt($.buffer!, t));
        }
      });
      const keyword = at($.CONSUME(T.MemReserve));
      $.SUBRULE($.primary);
      $.SUBRULE2($.primary);
      const semi = at($.CONSUME(T.Semicolon));
      if ($.RECORDING_PHASE) return undefined as never;
      const [address, next] = decodePrimary($.buffer!, keyword + 1);
      const [size] = decodePrimary($.buffer!, next);
      return { labels, address, size, span: $.spanOf(first < 0 ? keyword : first, semi) };
    });

    $.referenceAlts = [{ ALT: () => at($.CONSUME(T.LabelRef)) }, { ALT: () => at($.CONSUME(T.PathRef)) }];
    $.reference = $.RULE("reference", (): A.Reference => {
      const t = $.OR($.referenceAlts);
      return $.RECORDING_PHASE ? (undefined as never) : referenceAt($.buffer!, t);
    });

    // devicetree: '/' nodedef | dt_ref nodedef (first); then also DT_LABEL dt_ref nodedef,
    // DT_DEL_NODE dt_ref ';' and DT_OMIT_NO_REF dt_ref ';'.
    const rootStatement = (): A.TopLevelStatement => {
      const slash = at($.CONSUME(T.Slash));
      const body = $.SUBRULE($.nodeBody);
      return $.RECORDING_PHASE ? (undefined as never) : { kind: "root", body, span: spanTo($.buffer!, slash, body.span) };
    };
    const refStatement = (): A.TopLevelStatement => {
      const first = $.currIdx + 1;
      const ref = $.SUBRULE($.reference);
      const body = $.SUBRULE2($.nodeBody);
      return $.RECORDING_PHASE ? (undefined as never) : { kind: "refNode", labels: [], ref, body, span: spanTo($.buffer!, first, body.span) };
    };
    $.firstStatementAlts = [{ ALT: rootStatement }, { ALT: refStatement }];
    $.statementAlts = [
      { ALT: rootStatement },
      { ALT: refStatement },
      {
        ALT: () => {
          const label = at($.CONSUME(T.Label));
          const ref = $.SUBRULE3($.reference);
          const body = $.SUBRULE3($.nodeBody);
          return $.RECORDING_PHASE ? (undefined as never) : { kind: "refNode", labels: [labelAt($.buffer!, label)], ref, body, span: spanTo($.buffer!, label, body.span) };
        },
      },
      {
        ALT: () => {
          const keyword = at($.CONSUME(T.DeleteNode));
          const ref = $.SUBRULE4($.reference);
          const semi = at($.CONSUME(T.Semicolon));
          return $.RECORDING_PHASE ? (undefined as never) : { kind: "deleteNode", ref, span: $.spanOf(keyword, semi) };
        },
      },
      {
        ALT: () => {
          const keyword = at($.CONSUME(T.OmitIfNoRef));
          const ref = $.SUBRULE5($.reference);
          const semi = at($.CONSUME2(T.Semicolon));
          return $.RECORDING_PHASE ? (undefined as never) : { kind: "omitIfNoRef", ref, span: $.spanOf(keyword, semi) };
        },
      },
    ];
    $.firstStatement = $.RULE("firstStatement", () => $.OR($.firstStatementAlts));
    $.statement = $.RULE("statement", () => $.OR($.statementAlts));

    // ---------------- node bodies ----------------

    // nodedef: '{' proplist subnodes '}' ';' -- with every nested nodedef parsed by the same loop.
    // Labels and /omit-if-no-ref/ are collected until what they prefix is known.
    $.bodyAlts = [
      {
        ALT: () => {
          const t = at($.CONSUME(T.Label));
          if (!$.RECORDING_PHASE) {
            if ($.pendingFirst < 0) $.pendingFirst = t;
            $.pendingLabels.push(labelAt($.buffer!, t));
          }
        },
      },
      {
        ALT: () => {
          const t = at($.CONSUME(T.OmitIfNoRef));
          if (!$.RECORDING_PHASE) {
            if ($.pendingFirst < 0) $.pendingFirst = t;
            $.pendingOmit = true;
          }
        },
      },
      {
        ALT: () => {
          const name = at($.CONSUME(T.PropNodeName));
          if (!$.RECORDING_PHASE) {
            $.lastName = name;
            // `/omit-if-no-ref/` only prefixes a subnode: dtc expects `{` after the name.
            if ($.pendingOmit && $.LA(1).tokenType !== T.LBrace) $.syntaxError($.currIdx + 1);
          }
          $.OR2($.afterNameAlts);
        },
      },
      {
        ALT: () => {
          if (!$.RECORDING_PHASE && $.pendingOmit) $.syntaxError($.currIdx + 1);
          const keyword = at($.CONSUME(T.DeleteProperty));
          const name = at($.CONSUME2(T.PropNodeName));
          const semi = at($.CONSUME3(T.Semicolon));
          if (!$.RECORDING_PHASE) $.addDeleteProperty(keyword, name, semi);
        },
      },
      {
        ALT: () => {
          const keyword = at($.CONSUME(T.DeleteNode));
          const name = at($.CONSUME3(T.PropNodeName));
          const semi = at($.CONSUME4(T.Semicolon));
          if (!$.RECORDING_PHASE) $.addDeleteNode(keyword, name, semi);
        },
      },
      {
        ALT: () => {
          if (!$.RECORDING_PHASE && ($.pendingOmit || $.pendingLabels.length > 0)) $.syntaxError($.currIdx + 1);
          $.CONSUME(T.RBrace);
          const semi = at($.CONSUME5(T.Semicolon));
          if (!$.RECORDING_PHASE) $.closeNode(semi);
        },
      },
    ];
    $.afterNameAlts = [
      {
        ALT: () => {
          $.CONSUME(T.Equals);
          propertyValue();
          const semi = at($.CONSUME(T.Semicolon));
          if (!$.RECORDING_PHASE) $.addProperty(true, semi);
        },
      },
      {
        ALT: () => {
          const semi = at($.CONSUME2(T.Semicolon));
          if (!$.RECORDING_PHASE) $.addProperty(false, semi);
        },
      },
      {
        ALT: () => {
          const open = at($.CONSUME2(T.LBrace));
          if (!$.RECORDING_PHASE) $.openNode(open);
        },
      },
    ];
    const bodyItem = { GATE: () => $.frames.length > 0, DEF: () => $.OR($.bodyAlts) };
    $.nodeBody = $.RULE("nodeBody", (): A.NodeBody => {
      const open = at($.CONSUME(T.LBrace));
      if (!$.RECORDING_PHASE) {
        const streaming = $.listener !== undefined;
        $.frames.push({ labels: NO_LABELS, omitIfNoRef: false, name: "", nameIndex: -1, firstIndex: -1, openIndex: open, properties: streaming ? NO_ITEMS : [], children: streaming ? NO_ITEMS : [], sawChild: false });
        $.finishedBody = undefined;
        $.listener?.openTop();
      }
      $.MANY(bodyItem);
      if ($.RECORDING_PHASE) return undefined as never;
      // The loop also ends on a token no item starts with: that token is the syntax error.
      if ($.frames.length > 0 || $.finishedBody === undefined) $.syntaxError($.currIdx + 1);
      return $.finishedBody!;
    });

    // ---------------- property values (recognised only) ----------------
    // Part of the nodeBody rule (no sub-rule call per property or array: they are the hot path),
    // so the CONSUME/OR/MANY occurrence numbers below continue those of the body alternatives.

    // propdata: LABEL* component LABEL* (',' LABEL* component LABEL*)* -- recognised as one flat
    // loop over labels, commas and components, which reports errors at the same tokens.
    const component = (): true => {
      // A component right after another one (no comma between) is the syntax error.
      if (!$.RECORDING_PHASE && !$.needComponent) $.syntaxError($.currIdx + 1);
      $.needComponent = false;
      return true;
    };
    // arrayprefix '>': ('/bits/' DT_LITERAL)? '<' (integer_prim | dt_ref | DT_LABEL)* '>'
    $.cellAlts = [
      { ALT: () => void $.CONSUME(T.Literal) },
      { ALT: () => void $.CONSUME(T.CharLiteral) },
      {
        // '(' integer_expr ')', recognised by hand past its '(' (see parenTail): chevrotain's
        // rule machinery made closures and arrays per operand (~15 MB per 8 MB board).
        ALT: () => {
          const open = at($.CONSUME(T.LParen));
          if (!$.RECORDING_PHASE) $.currIdx = $.expressions.parenTail(open);
        },
      },
      { ALT: () => void $.CONSUME2(T.LabelRef) },
      { ALT: () => void $.CONSUME2(T.PathRef) },
      { ALT: () => void $.CONSUME3(T.Label) },
    ];
    const cell = () => $.OR4($.cellAlts);
    const bitsPrefix = () => {
      $.CONSUME(T.Bits);
      $.CONSUME2(T.Literal);
    };
    const cellArray = () => {
      $.OPTION(bitsPrefix);
      $.CONSUME(T.LAngle);
      if (!$.RECORDING_PHASE) $.skipCodes(PLAIN_CELLS);
      $.MANY3(cell);
      $.CONSUME(T.RAngle);
    };
    $.valueAlts = [
      { ALT: () => void $.CONSUME2(T.Label) },
      {
        ALT: () => {
          if (!$.RECORDING_PHASE && $.needComponent) $.syntaxError($.currIdx + 1);
          $.CONSUME(T.Comma);
          $.needComponent = true;
        },
      },
      { ALT: () => void (component() && $.CONSUME(T.StringLiteral)) },
      { ALT: () => void (component() && cellArray()) },
      { ALT: () => void (component() && $.SUBRULE($.byteString)) },
      { ALT: () => void (component() && $.CONSUME(T.LabelRef)) },
      { ALT: () => void (component() && $.CONSUME(T.PathRef)) },
      { ALT: () => void (component() && $.SUBRULE($.incbin)) },
    ];
    const valueItem = () => $.OR3($.valueAlts);
    const propertyValue = () => {
      $.needComponent = true;
      // `"a", "b"`: the string-list alternatives below, without the OR per token.
      if (!$.RECORDING_PHASE) $.needComponent = $.skipList(STRING, COMMA, LABEL, true);
      $.MANY2(valueItem);
      // Nothing after `=` or after a comma: the token here is the error.
      if (!$.RECORDING_PHASE && $.needComponent) $.syntaxError($.currIdx + 1);
    };

    // '[' bytestring ']': DT_BYTE and DT_LABEL
    $.byteAlts = [{ ALT: () => void $.CONSUME(T.Byte) }, { ALT: () => void $.CONSUME(T.Label) }];
    const byteItem = () => $.OR($.byteAlts);
    $.byteString = $.RULE("byteString", (): void => {
      $.CONSUME(T.LBracket);
      $.MANY(byteItem);
      $.CONSUME(T.RBracket);
    });

    // DT_INCBIN '(' DT_STRING ')' | DT_INCBIN '(' DT_STRING ',' integer_prim ',' integer_prim ')'
    const incbinRange = () => {
      $.CONSUME(T.Comma);
      $.SUBRULE($.primary);
      $.CONSUME2(T.Comma);
      $.SUBRULE2($.primary);
    };
    $.incbin = $.RULE("incbin", (): void => {
      $.CONSUME(T.Incbin);
      $.CONSUME(T.LParen);
      $.CONSUME(T.StringLiteral);
      $.OPTION(incbinRange);
      $.CONSUME(T.RParen);
    });

    // ---------------- integer expressions (recognised, with their depth) ----------------

    // integer_prim: DT_LITERAL | DT_CHAR_LITERAL | '(' integer_expr ')'
    $.primaryAlts = [{ ALT: () => void $.CONSUME(T.Literal) }, { ALT: () => void $.CONSUME(T.CharLiteral) }, { ALT: () => $.SUBRULE($.parenExpr) }];
    $.primary = $.RULE("primary", (): void => $.OR($.primaryAlts));

    $.parenExpr = $.RULE("parenExpr", (): void => {
      const open = at($.CONSUME(T.LParen));
      // The only recursion (through parentheses and `?:`): bounded before it can go deep.
      if (!$.RECORDING_PHASE) $.expressions.enter(open);
      $.SUBRULE($.ternary);
      $.CONSUME(T.RParen);
      if (!$.RECORDING_PHASE) $.expressions.leave();
    });

    // integer_trinary: integer_or ('?' integer_expr ':' integer_trinary)?
    // The binary levels are recognised as a flat list (./values.ts associates them by precedence).
    $.ternary = $.RULE("ternary", (): void => {
      $.SUBRULE($.unary);
      $.MANY(() => {
        $.CONSUME(T.BinaryOperator);
        $.SUBRULE2($.unary);
      });
      $.OPTION(() => {
        const question = at($.CONSUME(T.Question));
        if (!$.RECORDING_PHASE) $.expressions.enter(question);
        $.SUBRULE($.ternary);
        $.CONSUME(T.Colon);
        $.SUBRULE2($.ternary);
        if (!$.RECORDING_PHASE) $.expressions.leave();
      });
    });

    // integer_unary: ('-' | '~' | '!')* integer_prim
    $.unaryOpAlts = [{ ALT: () => $.CONSUME(T.Minus) }, { ALT: () => $.CONSUME(T.Tilde) }, { ALT: () => $.CONSUME(T.Bang) }];
    $.unary = $.RULE("unary", (): void => {
      $.MANY(() => $.OR($.unaryOpAlts));
      $.SUBRULE($.primary);
    });

    this.performSelfAnalysis();
  }

  private attach(tokens: TokenBuffer, start: number, limit: number): void {
    this.attachTokens(tokens, start, limit);
    this.expressions.attach(tokens, limit);
  }

  private detach(): void {
    this.detachTokens();
    this.busy = false;
  }

  /**
   * Parses one token stream (ending with an `End` token). With a listener, node blocks go to it
   * as they are parsed (see A.BodyListener) and the document's bodies are left empty.
   */
  parseTokens(tokens: TokenBuffer, listener?: A.BodyListener): ParseOutcome {
    // Not re-entrant (one parse at a time per instance); a nested call gets its own instance.
    if (this.busy) return new DtsParser({ validate: false }).parseTokens(tokens, listener);
    this.busy = true;
    this.listener = listener;
    this.attach(tokens, 0, tokens.count);
    this.source = {
      tokens,
      decodeValue(start: number, end: number): A.ValuePart[] {
        return decodeValue(tokens, start, end);
      },
    };
    this.cursor_ = listener ? new PropertyCursor(this.source) : undefined;
    this.frames = [];
    this.finishedBody = undefined;
    this.pendingLabels = [];
    this.pendingOmit = false;
    this.pendingFirst = -1;
    this.lastName = -1;
    try {
      const document = this.document();
      const error = this.errors[0];
      if (error) {
        // chevrotain's exceptions hold the token it failed on (its index is read before any
        // other token is read, so the cursor still points there).
        const index = (error.token as DtsToken).index;
        return { ok: false, index, message: "syntax error", span: tokens.span(index) };
      }
      return { ok: true, document };
    } catch (e) {
      if (e instanceof GrammarStop) return { ok: false, index: e.index, message: e.message, span: e.span };
      throw e;
    } finally {
      this.frames = [];
      this.finishedBody = undefined;
      this.pendingLabels = [];
      this.source = undefined;
      this.listener = undefined;
      this.cursor_ = undefined;
      this.detach();
    }
  }

  // ---- helpers over token indices ----

  private spanOf(first: number, last: number): Span {
    return this.buffer!.spanBetween(first, last);
  }

  // ---- actions ----

  private syntaxError(index: number): never {
    throw new GrammarStop(index, "syntax error", this.buffer!.span(Math.min(index, this.limit - 1)));
  }

  private takeLabels(): readonly A.Label[] {
    const labels = this.pendingLabels;
    if (labels.length === 0) return NO_LABELS;
    this.pendingLabels = [];
    return labels;
  }

  private takeFirst(fallback: number): number {
    const first = this.pendingFirst < 0 ? fallback : this.pendingFirst;
    this.pendingFirst = -1;
    this.pendingOmit = false;
    return first;
  }

  /** A property (or /delete-property/) is complete: dtc rejects it after a subnode, at its whole span. */
  private checkPropertyOrder(frame: Frame, first: number, semi: number): void {
    if (frame.sawChild) throw new GrammarStop(semi, "Properties must precede subnodes", this.spanOf(first, semi));
  }

  private addProperty(hasValue: boolean, semi: number): void {
    const frame = this.frames[this.frames.length - 1]!;
    const nameIndex = this.lastName;
    const labels = this.takeLabels();
    this.checkPropertyOrder(frame, this.takeFirst(nameIndex), semi);
    // Interned: a board has few distinct property names, and the tree keeps them (see internName).
    const tokens = this.buffer!;
    // A leading `\` is not part of the name.
    let start = tokens.startAt(nameIndex);
    const text = tokens.fileAt(nameIndex).text;
    if (text.charCodeAt(start) === 92) start++;
    const name = internRange(text, start, tokens.endAt(nameIndex));
    if (this.listener) this.listener.property(this.cursor_!.point(labels, name, nameIndex, semi, hasValue));
    else frame.properties.push(new PropertyNode(labels, name, this.source!, nameIndex, semi, hasValue));
  }

  private addDeleteProperty(keyword: number, name: number, semi: number): void {
    const frame = this.frames[this.frames.length - 1]!;
    const labels = this.takeLabels();
    this.checkPropertyOrder(frame, this.takeFirst(keyword), semi);
    const item: A.DeleteProperty = { kind: "deleteProperty", name: nameOf(this.buffer!.imageAt(name)), nameSpan: this.spanOf(name, name), span: this.spanOf(keyword, semi) };
    const def = labels.length > 0 ? { ...item, labels } : item;
    if (this.listener) this.listener.deleteProperty(def);
    else frame.properties.push(def);
  }

  private addDeleteNode(keyword: number, name: number, semi: number): void {
    const frame = this.frames[this.frames.length - 1]!;
    const labels = this.takeLabels();
    const omit = this.pendingOmit;
    this.takeFirst(keyword);
    const item: A.DeleteNode = { kind: "deleteNode", name: nameOf(this.buffer!.imageAt(name)), nameSpan: this.spanOf(name, name), span: this.spanOf(keyword, semi) };
    const def = labels.length > 0 || omit ? { ...item, labels, omitIfNoRef: omit } : item;
    if (this.listener) this.listener.deleteNode(def);
    else frame.children.push(def);
    frame.sawChild = true;
  }

  private openNode(openIndex: number): void {
    const nameIndex = this.lastName;
    const labels = this.takeLabels();
    const omitIfNoRef = this.pendingOmit;
    const firstIndex = this.takeFirst(nameIndex);
    const name = nameOf(this.buffer!.imageAt(nameIndex));
    if (this.listener) {
      this.listener.openChild(labels, omitIfNoRef, name);
      this.frames.push({ labels: NO_LABELS, omitIfNoRef, name, nameIndex, firstIndex, openIndex, properties: NO_ITEMS, children: NO_ITEMS, sawChild: false });
      return;
    }
    this.frames.push({ labels, omitIfNoRef, name, nameIndex, firstIndex, openIndex, properties: [], children: [], sawChild: false });
  }

  private closeNode(semiIndex: number): void {
    const frame = this.frames.pop()!;
    const tokens = this.buffer!;
    if (this.listener) {
      this.listener.close(tokens.spanBetween(frame.openIndex, semiIndex));
      if (this.frames.length === 0) this.finishedBody = new BodyNode(NO_ITEMS, NO_ITEMS, tokens, frame.openIndex, semiIndex);
      else this.frames[this.frames.length - 1]!.sawChild = true;
      return;
    }
    const body = new BodyNode(frame.properties, frame.children, tokens, frame.openIndex, semiIndex);
    if (this.frames.length === 0) {
      this.finishedBody = body;
      return;
    }
    const parent = this.frames[this.frames.length - 1]!;
    parent.children.push(new NodeNode(frame.labels, frame.omitIfNoRef, frame.name, body, tokens, frame.nameIndex, frame.firstIndex, semiIndex));
    parent.sawChild = true;
  }
}
