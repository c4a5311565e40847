// The AST nodes there are many of (properties, nodes, node bodies), as classes that keep token
// indices and compute their spans and values when asked.
//
// Why: an eager AST for a large board is several objects per token (spans, raw strings, cell
// wrappers); keeping millions of small objects alive until the tree is built made parsing mostly
// garbage collection. Here a parsed document costs O(properties + nodes) objects: spans are made on
// access, and a property value is decoded from the token stream (already validated by the parse)
// on each access of `value`, so its parts are short-lived unless the reader keeps them.
import { span, type Span } from "../src/source/index.ts";
import type * as A from "./ast.ts";
import * as T from "./tokens.ts";
import type { TokenBuffer } from "./tokens.ts";

/** The token stream of one parse, and how to decode a property value from it. */
export interface ValueSource {
  readonly tokens: TokenBuffer;
  /** Decodes the tokens `[start, end)` of a validated property value. */
  decodeValue(start: number, end: number): A.ValuePart[];
}

// The bookkeeping fields are #private: the own enumerable properties of a node are exactly the
// interface's stored fields, the rest are getters (toJSON shows them all).

export class PropertyNode implements A.PropertyDef {
  readonly kind = "property";
  readonly #source: ValueSource;
  /** Token index of the name; the value (if any) starts two tokens later, after `=`. */
  readonly #nameIndex: number;
  /** Token index of the closing `;`. */
  readonly #semiIndex: number;
  readonly #hasValue: boolean;

  constructor(readonly labels: readonly A.Label[], readonly name: string, source: ValueSource, nameIndex: number, semiIndex: number, hasValue: boolean) {
    this.#source = source;
    this.#nameIndex = nameIndex;
    this.#semiIndex = semiIndex;
    this.#hasValue = hasValue;
  }

  get nameSpan(): Span {
    return this.#source.tokens.span(this.#nameIndex);
  }

  get span(): Span {
    return this.#source.tokens.spanBetween(this.#nameIndex, this.#semiIndex);
  }

  /** Decoded on every access (see the file comment): read it once. */
  get value(): readonly A.ValuePart[] | undefined {
    return this.#hasValue ? this.#source.decodeValue(this.#nameIndex + 2, this.#semiIndex) : undefined;
  }

  withValueTokens<T>(read: (tokens: A.TokenReader, start: number, end: number) => T): T | undefined {
    return this.#hasValue ? read(this.#source.tokens, this.#nameIndex + 2, this.#semiIndex) : undefined;
  }

  toJSON(): A.PropertyDef {
    return { kind: this.kind, labels: this.labels, name: this.name, nameSpan: this.nameSpan, value: this.value, span: this.span };
  }
}

/**
 * The PropertyDef a BodyListener receives (streaming parse): one object re-pointed at each
 * property, valid only during the listener call (the listener builds its own property from it
 * at once). Saves an object per property on the hot path; plain fields assigned in `point`.
 */
export class PropertyCursor implements A.PropertyDef {
  readonly kind = "property";
  labels: readonly A.Label[] = [];
  name = "";
  private nameIndex = -1;
  private semiIndex = -1;
  private hasValue = false;

  constructor(private readonly source: ValueSource) {}

  point(labels: readonly A.Label[], name: string, nameIndex: number, semiIndex: number, hasValue: boolean): this {
    this.labels = labels;
    this.name = name;
    this.nameIndex = nameIndex;
    this.semiIndex = semiIndex;
    this.hasValue = hasValue;
    return this;
  }

  get nameSpan(): Span {
    return this.source.tokens.span(this.nameIndex);
  }

  get span(): Span {
    return this.source.tokens.spanBetween(this.nameIndex, this.semiIndex);
  }

  get value(): readonly A.ValuePart[] | undefined {
    return this.hasValue ? this.source.decodeValue(this.nameIndex + 2, this.semiIndex) : undefined;
  }

  withValueTokens<T>(read: (tokens: A.TokenReader, start: number, end: number) => T): T | undefined {
    return this.hasValue ? read(this.source.tokens, this.nameIndex + 2, this.semiIndex) : undefined;
  }
}

export class BodyNode implements A.NodeBody {
  readonly #tokens: TokenBuffer;
  /** Token indices of `{` and of the `;` after `}`. */
  readonly #openIndex: number;
  readonly #semiIndex: number;

  constructor(
    readonly properties: readonly (A.PropertyDef | A.DeleteProperty)[],
    readonly children: readonly (A.NodeDef | A.DeleteNode)[],
    tokens: TokenBuffer,
    openIndex: number,
    semiIndex: number,
  ) {
    this.#tokens = tokens;
    this.#openIndex = openIndex;
    this.#semiIndex = semiIndex;
  }

  get span(): Span {
    return this.#tokens.spanBetween(this.#openIndex, this.#semiIndex);
  }

  toJSON(): A.NodeBody {
    return { properties: this.properties, children: this.children, span: this.span };
  }
}

export class NodeNode implements A.NodeDef {
  readonly kind = "node";
  readonly #tokens: TokenBuffer;
  /** Token indices of the name, of the first label/keyword/name, and of the final `;`. */
  readonly #nameIndex: number;
  readonly #firstIndex: number;
  readonly #semiIndex: number;

  constructor(
    readonly labels: readonly A.Label[],
    readonly omitIfNoRef: boolean,
    readonly name: string,
    readonly body: A.NodeBody,
    tokens: TokenBuffer,
    nameIndex: number,
    firstIndex: number,
    semiIndex: number,
  ) {
    this.#tokens = tokens;
    this.#nameIndex = nameIndex;
    this.#firstIndex = firstIndex;
    this.#semiIndex = semiIndex;
  }

  get nameSpan(): Span {
    return this.#tokens.span(this.#nameIndex);
  }

  get span(): Span {
    return this.#tokens.spanBetween(this.#firstIndex, this.#semiIndex);
  }

  toJSON(): A.NodeDef {
    return { kind: this.kind, labels: this.labels, omitIfNoRef: this.omitIfNoRef, name: this.name, nameSpan: this.nameSpan, body: this.body, span: this.span };
  }
}

/** The label token at `i` (`name:`). */
export function labelAt(tokens: TokenBuffer, i: number): A.Label {
  return { name: tokens.imageAt(i).slice(0, -1), span: tokens.spanBetween(i, i) };
}

/** The reference token at `i`: `&label` or `&{/path}`. */
export function referenceAt(tokens: TokenBuffer, i: number): A.Reference {
  const image = tokens.imageAt(i);
  return tokens.typeAt(i) === T.LabelRef
    ? { kind: "label", label: image.slice(1), span: tokens.span(i) }
    : { kind: "path", path: image.slice(2, -1), span: tokens.span(i) };
}

/** From the start of token `first` to the end of `end` (same buffer), else token `first`. */
export function spanTo(tokens: TokenBuffer, first: number, end: Span): Span {
  const file = tokens.fileAt(first);
  return file === end.file ? span(file, tokens.startAt(first), end.end) : tokens.span(first);
}
