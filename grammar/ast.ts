// The DTS syntax tree: exactly what the source says, with spans, and no meaning applied.
// Literal and string tokens are kept as their source text (`raw`); decoding them, evaluating
// expressions, resolving references and merging nodes all happen in src/.
//
// How parseDts delivers it (grammar/nodes.ts): to keep a parsed board at O(properties + nodes)
// objects, PropertyDef, NodeDef and NodeBody are class instances whose `span`/`nameSpan` are
// computed on access and whose PropertyDef `value` is decoded from the (validated) tokens on
// EVERY access -- read it once into a local. Their own enumerable fields are exactly the stored
// fields below; `toJSON()` shows the computed ones too. Treat all nodes as read-only; do not
// spread them (`{...prop}` drops the computed members).
import type { Span } from "../src/source/index.ts";

export interface Label {
  /** Without the trailing colon. */
  readonly name: string;
  readonly span: Span;
}

/** `&label`, `&{/path}` or (dtc >= 1.7.1) `&{label/sub/path}`. */
export type Reference =
  | { readonly kind: "label"; readonly label: string; readonly span: Span }
  | { readonly kind: "path"; /** Text between `&{` and `}`. */ readonly path: string; readonly span: Span };

// ---- integer expressions (only inside parentheses, plus bare literals) ----

export type BinaryOperator = "*" | "/" | "%" | "+" | "-" | "<<" | ">>" | "<" | ">" | "<=" | ">=" | "==" | "!=" | "&" | "^" | "|" | "&&" | "||";
export type UnaryOperator = "-" | "~" | "!";

export type Expr =
  | { readonly kind: "literal"; /** e.g. `0x10UL`, `010`, `09` (invalid: reported when decoded). */ readonly raw: string; readonly span: Span }
  | { readonly kind: "char"; /** Including the quotes. */ readonly raw: string; readonly span: Span }
  | { readonly kind: "unary"; readonly op: UnaryOperator; readonly operand: Expr; readonly span: Span }
  | { readonly kind: "binary"; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: "ternary"; readonly test: Expr; readonly then: Expr; readonly otherwise: Expr; readonly span: Span }
  /** `( expr )`: the span covers the parentheses (dtc positions its errors on it). */
  | { readonly kind: "paren"; readonly inner: Expr; readonly span: Span };

// ---- property values ----

export type CellItem =
  | { readonly kind: "expr"; readonly expr: Expr }
  | { readonly kind: "ref"; readonly ref: Reference }
  | { readonly kind: "label"; readonly label: Label };

export type ByteItem =
  | { readonly kind: "byte"; /** Two hex digits. */ readonly raw: string; readonly span: Span }
  | { readonly kind: "label"; readonly label: Label };

export type ValuePart =
  | { readonly kind: "string"; /** Including the quotes; escapes undecoded. */ readonly raw: string; readonly span: Span }
  | {
      readonly kind: "cells";
      /** `/bits/ N` literal text, or undefined for the default 32. */
      readonly bits: { readonly raw: string; readonly span: Span } | undefined;
      readonly items: readonly CellItem[];
      /** From `/bits/` or `<` to `>`. */
      readonly span: Span;
    }
  | { readonly kind: "bytes"; readonly items: readonly ByteItem[]; readonly span: Span }
  /** `prop = &x;`: the target's path string. */
  | { readonly kind: "pathRef"; readonly ref: Reference }
  | {
      readonly kind: "incbin";
      /** The file name token (with quotes). */
      readonly file: { readonly raw: string; readonly span: Span };
      readonly offset: Expr | undefined;
      readonly length: Expr | undefined;
      readonly span: Span;
    }
  /** A label between components (`p = a: "x", b: <1> c:;`). */
  | { readonly kind: "label"; readonly label: Label };

// ---- nodes and properties ----

/**
 * Read access to the scanner's token stream, for a value encoder that wants to skip building
 * ValueParts (see PropertyDef.withValueTokens). Codes are those of `valueTokenCodes`.
 */
export interface TokenReader {
  codeAt(i: number): number;
  /** The token's text (a string literal with its quotes, a label reference with its `&`). */
  imageAt(i: number): string;
  span(i: number): Span;
  /** Where the token's text lies: `fileAt(i).text.slice(startAt(i), endAt(i))` is its image. */
  startAt(i: number): number;
  endAt(i: number): number;
  fileAt(i: number): Span["file"];
}

export interface PropertyDef {
  readonly kind: "property";
  readonly labels: readonly Label[];
  /** Name with a leading `\` already dropped. */
  readonly name: string;
  readonly nameSpan: Span;
  /** Undefined for `name;` (empty value). */
  readonly value: readonly ValuePart[] | undefined;
  /**
   * From the name to the `;` inclusive: dtc's property position (srcpos), which does not include
   * the labels (dtc 1.6.1: `l: p = <1 2>;` is reported at the column of `p`).
   */
  readonly span: Span;
  /**
   * Optional fast access to the value's (validated) tokens `[start, end)`: calls `read` and
   * returns its result, or undefined for `name;`. Parsed documents provide it; a reader that
   * cannot handle some token must fall back to `value`, which always describes the same value.
   */
  withValueTokens?<T>(read: (tokens: TokenReader, start: number, end: number) => T): T | undefined;
}

export interface DeleteProperty {
  readonly kind: "deleteProperty";
  readonly name: string;
  readonly nameSpan: Span;
  /** From `/delete-property/` to the `;`. */
  readonly span: Span;
  /** Labels written before `/delete-property/` (the grammar allows them; dtc drops them with the property). */
  readonly labels?: readonly Label[];
}

export interface NodeDef {
  readonly kind: "node";
  readonly labels: readonly Label[];
  /** `/omit-if-no-ref/` before or among the labels. */
  readonly omitIfNoRef: boolean;
  readonly name: string;
  readonly nameSpan: Span;
  readonly body: NodeBody;
  /** From the first label, keyword or name to the `;`. */
  readonly span: Span;
}

export interface DeleteNode {
  readonly kind: "deleteNode";
  readonly name: string;
  readonly nameSpan: Span;
  /** From `/delete-node/` to the `;` (dtc's position of the deleted-node marker). */
  readonly span: Span;
  /** Labels written before `/delete-node/` (the grammar allows them: `l: /delete-node/ n;`). */
  readonly labels?: readonly Label[];
  /** `/omit-if-no-ref/` written before `/delete-node/` (allowed by the grammar, no effect). */
  readonly omitIfNoRef?: boolean;
}

export interface NodeBody {
  readonly properties: readonly (PropertyDef | DeleteProperty)[];
  readonly children: readonly (NodeDef | DeleteNode)[];
  /** From `{` to `;` after `}` (dtc's node position). */
  readonly span: Span;
}

// ---- top level ----

export interface Header {
  readonly plugin: boolean;
  readonly span: Span;
}

export interface MemReserve {
  readonly labels: readonly Label[];
  readonly address: Expr;
  readonly size: Expr;
  readonly span: Span;
}

export type TopLevelStatement =
  /** `/ { ... };` */
  | { readonly kind: "root"; readonly body: NodeBody; readonly span: Span }
  /** `[labels] &ref { ... };` */
  | { readonly kind: "refNode"; readonly labels: readonly Label[]; readonly ref: Reference; readonly body: NodeBody; readonly span: Span }
  /** `/delete-node/ &ref;` */
  | { readonly kind: "deleteNode"; readonly ref: Reference; readonly span: Span }
  /** `/omit-if-no-ref/ &ref;` */
  | { readonly kind: "omitIfNoRef"; readonly ref: Reference; readonly span: Span };

export interface DtsDocument {
  readonly headers: readonly Header[];
  readonly memreserves: readonly MemReserve[];
  readonly statements: readonly TopLevelStatement[];
}

// ---- streaming ----

/**
 * Receives the node blocks of a document while it is parsed (parseDtsStreaming), so a consumer
 * can build its own nodes at once instead of from a whole retained AST. Calls come in source
 * order: `begin` once before the first statement, then for each top-level statement with a body
 * `openTop`, the block's items (`openChild` ... `close` nest), `close` of the top block, then
 * `statement` with the statement itself (its `body` then has empty `properties`/`children`: they
 * were delivered by the calls). Statements without a body only get `statement`. Properties
 * always precede the children of their block (the grammar enforces it). If the parse fails, the
 * calls made so far describe a prefix of the input and must be discarded.
 */
export interface BodyListener {
  begin(headers: readonly Header[], memreserves: readonly MemReserve[]): void;
  /** A top-level statement's `{`. */
  openTop(): void;
  /** `labels name {` inside the innermost open block. */
  openChild(labels: readonly Label[], omitIfNoRef: boolean, name: string): void;
  /** `def` is valid only during the call (the parser re-points one object at each property). */
  property(def: PropertyDef): void;
  deleteProperty(def: DeleteProperty): void;
  deleteNode(def: DeleteNode): void;
  /** `};` of the innermost open block; `bodySpan` is NodeBody.span (from `{` to `;`). */
  close(bodySpan: Span): void;
  statement(st: TopLevelStatement): void;
}
