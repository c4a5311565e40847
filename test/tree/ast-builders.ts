// Hand-built ASTs for tree-builder unit tests (independent of the parser). Each piece of source
// text given is appended to one synthetic SourceFile so spans are real and distinct.
import type {
  CellItem,
  DeleteNode,
  DeleteProperty,
  DtsDocument,
  Expr,
  Header,
  Label,
  MemReserve,
  NodeBody,
  NodeDef,
  PropertyDef,
  Reference,
  TopLevelStatement,
  ValuePart,
} from "../../grammar/ast.ts";
import { SourceFile, type Span } from "../../src/source/index.ts";

/** Collects the text of every span so that positions are unique and printable. */
export class AstText {
  private text = "";
  private file: SourceFile | undefined;

  span(text: string): Span {
    const start = this.text.length;
    this.text += text + "\n";
    return { get file() { return fileOf(); }, start, end: start + text.length } as Span;
    function fileOf(): SourceFile {
      return self.sourceFile();
    }
  }

  sourceFile(): SourceFile {
    this.file ??= new SourceFile("test.dts", this.text);
    return this.file;
  }
}
let self: AstText;

export function newText(): AstText {
  self = new AstText();
  return self;
}

const t = () => self;

export function lit(raw: string): Expr {
  return { kind: "literal", raw, span: t().span(raw) };
}
export function chr(raw: string): Expr {
  return { kind: "char", raw, span: t().span(raw) };
}
export function bin(op: Extract<Expr, { kind: "binary" }>["op"], left: Expr, right: Expr): Expr {
  return { kind: "binary", op, left, right, span: t().span(`(${op})`) };
}
export function un(op: Extract<Expr, { kind: "unary" }>["op"], operand: Expr): Expr {
  return { kind: "unary", op, operand, span: t().span(op) };
}
export function tern(test: Expr, then: Expr, otherwise: Expr): Expr {
  return { kind: "ternary", test, then, otherwise, span: t().span("?:") };
}
export function paren(inner: Expr): Expr {
  return { kind: "paren", inner, span: t().span("()") };
}

export function label(name: string): Label {
  return { name, span: t().span(name + ":") };
}
export function ref(text: string): Reference {
  return text.startsWith("{") ? { kind: "path", path: text.slice(1, -1), span: t().span("&" + text) } : { kind: "label", label: text, span: t().span("&" + text) };
}

/** Cell items: numbers/strings become literals, `&x` references, `x:` labels, Expr as is. */
export function cells(...items: (string | number | Expr)[]): ValuePart {
  return cellsBits(undefined, ...items);
}
export function cellsBits(bits: string | undefined, ...items: (string | number | Expr)[]): ValuePart {
  const out: CellItem[] = items.map((i) => {
    if (typeof i === "number") return { kind: "expr", expr: lit(String(i)) };
    if (typeof i !== "string") return { kind: "expr", expr: i };
    if (i.startsWith("&")) return { kind: "ref", ref: ref(i.slice(1)) };
    if (i.endsWith(":")) return { kind: "label", label: label(i.slice(0, -1)) };
    return { kind: "expr", expr: lit(i) };
  });
  return { kind: "cells", bits: bits === undefined ? undefined : { raw: bits, span: t().span(bits) }, items: out, span: t().span("<>") };
}
/** A plain string (no quotes or backslashes in `text`). */
export function str(text: string): ValuePart {
  return { kind: "string", raw: `"${text}"`, span: t().span(text) };
}
/** A string token exactly as written, quotes included. */
export function rawStr(raw: string): ValuePart {
  return { kind: "string", raw, span: t().span(raw) };
}
export function bytes(...items: string[]): ValuePart {
  return {
    kind: "bytes",
    items: items.map((b) => (b.endsWith(":") ? { kind: "label", label: label(b.slice(0, -1)) } : { kind: "byte", raw: b, span: t().span(b) })),
    span: t().span("[]"),
  };
}
export function pathRef(text: string): ValuePart {
  return { kind: "pathRef", ref: ref(text) };
}
export function vlabel(name: string): ValuePart {
  return { kind: "label", label: label(name) };
}
export function incbin(file: string, offset?: Expr, length?: Expr): ValuePart {
  return { kind: "incbin", file: { raw: JSON.stringify(file), span: t().span(file) }, offset, length, span: t().span("/incbin/") };
}

export function prop(nameWithLabels: string, ...value: ValuePart[]): PropertyDef {
  const parts = nameWithLabels.split(/\s+/);
  const name = parts.pop()!;
  const labels = parts.map((l) => label(l.replace(/:$/, "")));
  const nameSpan = t().span(name);
  return { kind: "property", labels, name, nameSpan, value: value.length ? value : undefined, span: t().span(`${name} = ...;`) };
}
export function delProp(name: string): DeleteProperty {
  const nameSpan = t().span(name);
  return { kind: "deleteProperty", name, nameSpan, span: t().span(`/delete-property/ ${name};`) };
}
export function body(...items: (PropertyDef | DeleteProperty | NodeDef | DeleteNode)[]): NodeBody {
  return bodyOf(items);
}
/** Like body(), for item lists too long to spread as arguments. */
export function bodyOf(items: readonly (PropertyDef | DeleteProperty | NodeDef | DeleteNode)[]): NodeBody {
  return {
    properties: items.filter((i): i is PropertyDef | DeleteProperty => i.kind === "property" || i.kind === "deleteProperty"),
    children: items.filter((i): i is NodeDef | DeleteNode => i.kind === "node" || i.kind === "deleteNode"),
    span: t().span("{ };"),
  };
}
/** `node("a: b: name", ...)`; a leading `/omit-if-no-ref/` word sets the flag. */
export function node(nameWithLabels: string, ...items: (PropertyDef | DeleteProperty | NodeDef | DeleteNode)[]): NodeDef {
  return nodeOf(nameWithLabels, items);
}
export function nodeOf(nameWithLabels: string, items: readonly (PropertyDef | DeleteProperty | NodeDef | DeleteNode)[]): NodeDef {
  const parts = nameWithLabels.split(/\s+/);
  const name = parts.pop()!;
  const omitIfNoRef = parts.includes("/omit-if-no-ref/");
  const labels = parts.filter((p) => p !== "/omit-if-no-ref/").map((l) => label(l.replace(/:$/, "")));
  const nameSpan = t().span(name);
  return { kind: "node", labels, omitIfNoRef, name, nameSpan, body: bodyOf(items), span: t().span(name + " {};") };
}
export function delNode(name: string): DeleteNode {
  return { kind: "deleteNode", name, nameSpan: t().span(name), span: t().span(`/delete-node/ ${name};`) };
}

export function rootStmt(...items: (PropertyDef | DeleteProperty | NodeDef | DeleteNode)[]): TopLevelStatement {
  return { kind: "root", body: body(...items), span: t().span("/ {};") };
}
export function refStmt(target: string, labels: string[], ...items: (PropertyDef | DeleteProperty | NodeDef | DeleteNode)[]): TopLevelStatement {
  return { kind: "refNode", labels: labels.map(label), ref: ref(target), body: body(...items), span: t().span(`&${target} {};`) };
}
export function delNodeStmt(target: string): TopLevelStatement {
  return { kind: "deleteNode", ref: ref(target), span: t().span(`/delete-node/ &${target};`) };
}
export function omitStmt(target: string): TopLevelStatement {
  return { kind: "omitIfNoRef", ref: ref(target), span: t().span(`/omit-if-no-ref/ &${target};`) };
}

export function doc(options: { plugin?: boolean[]; memreserves?: MemReserve[] }, ...statements: TopLevelStatement[]): DtsDocument {
  return docOf(options, statements);
}
export function docOf(options: { plugin?: boolean[]; memreserves?: MemReserve[] }, statements: TopLevelStatement[]): DtsDocument {
  const headers: Header[] = (options.plugin ?? [false]).map((plugin) => ({ plugin, span: t().span(plugin ? "/dts-v1/; /plugin/;" : "/dts-v1/;") }));
  return { headers, memreserves: options.memreserves ?? [], statements };
}
export function memres(labels: string[], address: Expr, size: Expr): MemReserve {
  return { labels: labels.map(label), address, size, span: t().span("/memreserve/") };
}
