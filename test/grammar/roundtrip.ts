// Checks that a property's decoded value accounts for every token of its source text: the
// value parts printed back as tokens must equal the tokens between `=` and `;` (commas aside,
// since the AST does not say on which side of a comma a label was written).
import type { Expr, PropertyDef, ValuePart } from "../../grammar/index.ts";
import { scanDts } from "../../grammar/lexer.ts";
import { memoryFileHost, SourceFile } from "../../src/source/index.ts";

function exprTokens(e: Expr, out: string[]): void {
  // Walks with an explicit stack: expressions can be 256 deep.
  const stack: (Expr | string)[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (typeof x === "string") out.push(x);
    else if (x.kind === "literal" || x.kind === "char") out.push(x.raw);
    else if (x.kind === "paren") stack.push(")", x.inner, "(");
    else if (x.kind === "unary") stack.push(x.operand, x.op);
    else if (x.kind === "binary") stack.push(x.right, x.op, x.left);
    else stack.push(x.otherwise, ":", x.then, "?", x.test);
  }
}

function ref(r: { kind: "label"; label: string } | { kind: "path"; path: string }): string {
  return r.kind === "label" ? `&${r.label}` : `&{${r.path}}`;
}

export function valueTokens(parts: readonly ValuePart[]): string[] {
  const out: string[] = [];
  for (const p of parts) {
    switch (p.kind) {
      case "label":
        out.push(`${p.label.name}:`);
        break;
      case "string":
        out.push(p.raw);
        break;
      case "pathRef":
        out.push(ref(p.ref));
        break;
      case "bytes":
        out.push("[");
        for (const i of p.items) out.push(i.kind === "byte" ? i.raw : `${i.label.name}:`);
        out.push("]");
        break;
      case "cells":
        if (p.bits) out.push("/bits/", p.bits.raw);
        out.push("<");
        for (const i of p.items) {
          if (i.kind === "expr") exprTokens(i.expr, out);
          else if (i.kind === "ref") out.push(ref(i.ref));
          else out.push(`${i.label.name}:`);
        }
        out.push(">");
        break;
      case "incbin":
        out.push("/incbin/", "(", p.file.raw);
        if (p.offset && p.length) {
          exprTokens(p.offset, out);
          exprTokens(p.length, out);
        }
        out.push(")");
        break;
    }
  }
  return out;
}

/**
 * The tokens of the property's own source text after `=` (undefined when the value comes from
 * another buffer, through /include/).
 */
export function sourceValueTokens(prop: PropertyDef): string[] | undefined {
  const s = prop.span;
  const parts = prop.value ?? [];
  if (parts.some((p) => ("span" in p ? p.span.file : p.kind === "label" ? p.label.span.file : p.ref.span.file) !== s.file)) return undefined;
  const text = s.file.text.slice(s.start, s.end);
  if (text.includes("/include/")) return undefined;
  const scan = scanDts(new SourceFile("v", `/dts-v1/;\n/ {\n${text}\n};`), { host: memoryFileHost({}), includeDirs: [] });
  const tokens: string[] = [];
  const t = scan.tokens;
  let i = 0;
  while (t.imageAt(i) !== "=") i++;
  for (i++; i < t.count && t.imageAt(i) !== ";"; i++) {
    const image = t.imageAt(i);
    if (image !== ",") tokens.push(image);
  }
  return tokens;
}
