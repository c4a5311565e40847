// The top level of a C file as a list of items: function definitions (name and body), declarations
// (with the struct type, name and initializer of a variable definition), and macro invocations at
// file scope (`module_platform_driver(x);`, `subsys_initcall(fn);`, `IRQCHIP_DECLARE(...)`).
import { T, type Token } from "./c-tokens.ts";

export interface FunctionItem {
  readonly kind: "function";
  readonly name: string;
  readonly isStatic: boolean;
  /** Token index of the body's `{` and of its matching `}`. */
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly start: number;
}

export interface DeclarationItem {
  readonly kind: "declaration";
  readonly start: number;
  /** Index of the terminating `;`. */
  readonly end: number;
  /** `struct X` of the declared type, if any. */
  readonly struct?: string;
  readonly name?: string;
  readonly isArray: boolean;
  readonly isPointer: boolean;
  /** Initializer tokens [from, to) after `=`, when the declaration has one. */
  readonly init?: readonly [number, number];
}

export interface InvocationItem {
  readonly kind: "invocation";
  readonly name: string;
  readonly start: number;
  /** Index of `(` and of its matching `)`. */
  readonly open: number;
  readonly close: number;
}

export type TopItem = FunctionItem | DeclarationItem | InvocationItem;

/** Attribute macros that take arguments and may stand before a function's name. */
const ATTRIBUTE_CALLS = new Set(["__attribute__", "__printf", "__scanf", "__acquires", "__releases", "__must_hold", "__section", "__aligned", "__alloc_size", "__cond_acquires", "__diag_ignore", "__no_sanitize_or_inline", "__counted_by", "__free", "__cleanup", "__weak", "alignas", "_Alignas"]);

/** Index of the bracket closing the one at `open` (same kind), or tokens.length. */
export function matching(tokens: readonly Token[], open: number): number {
  const o = tokens[open]!.v;
  const c = o === "(" ? ")" : o === "{" ? "}" : "]";
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.k !== T.Punct) continue;
    if (t.v === o) depth++;
    else if (t.v === c && --depth === 0) return i;
  }
  return tokens.length;
}

function functionName(tokens: readonly Token[], start: number, bodyStart: number): string | undefined {
  for (let i = start; i < bodyStart; i++) {
    const t = tokens[i]!;
    if (t.k === T.Punct && t.v === "(") {
      const prev = tokens[i - 1];
      if (prev && prev.k === T.Ident && !ATTRIBUTE_CALLS.has(prev.v)) return prev.v;
      i = matching(tokens, i);
    }
  }
  return undefined;
}

function declaration(tokens: readonly Token[], start: number, end: number, eq: number): DeclarationItem {
  let struct: string | undefined;
  let isPointer = false;
  for (let i = start; i < (eq < 0 ? end : eq); i++) {
    const t = tokens[i]!;
    if (t.v === "struct" && tokens[i + 1]?.k === T.Ident && struct === undefined) struct = tokens[i + 1]!.v;
    if (t.v === "*") isPointer = true;
  }
  // The declarator's name: walking back from `=` (or `;`) over `[...]`, `(...)` attribute
  // arguments and `__attribute`-style words.
  let name: string | undefined;
  let isArray = false;
  let i = (eq < 0 ? end : eq) - 1;
  while (i >= start) {
    const t = tokens[i]!;
    if (t.k === T.Punct && (t.v === "]" || t.v === ")")) {
      if (t.v === "]") isArray = true;
      // Walk back to the opening bracket.
      const open = t.v === "]" ? "[" : "(";
      let depth = 0;
      for (; i >= start; i--) {
        const v = tokens[i]!.v;
        if (v === t.v) depth++;
        else if (v === open && --depth === 0) break;
      }
      i--;
      // `__section(".x")`: drop the attribute word before the parentheses too.
      if (open === "(" && tokens[i]?.k === T.Ident && tokens[i]!.v.startsWith("__")) i--;
      continue;
    }
    if (t.k === T.Ident && (t.v.startsWith("__") || t.v === "const")) {
      i--;
      continue;
    }
    if (t.k === T.Ident) name = t.v;
    break;
  }
  return { kind: "declaration", start, end, struct, name, isArray, isPointer, init: eq < 0 ? undefined : [eq + 1, end] };
}

export function splitTopLevel(tokens: readonly Token[]): TopItem[] {
  const items: TopItem[] = [];
  const n = tokens.length;
  let itemStart = 0;
  let eq = -1;
  let i = 0;
  while (i < n) {
    const t = tokens[i]!;
    if (i === itemStart && t.k === T.Ident && tokens[i + 1]?.v === "(") {
      const close = matching(tokens, i + 1);
      const next = tokens[close + 1];
      if (next?.v === "{") {
        const bodyEnd = matching(tokens, close + 1);
        items.push({ kind: "function", name: t.v, isStatic: false, bodyStart: close + 1, bodyEnd, start: i });
        i = itemStart = bodyEnd + 1;
        eq = -1;
        continue;
      }
      if (next === undefined || next.v === ";" || next.k === T.Ident) {
        items.push({ kind: "invocation", name: t.v, start: i, open: i + 1, close });
        i = itemStart = next?.v === ";" ? close + 2 : close + 1;
        eq = -1;
        continue;
      }
    }
    if (t.k !== T.Punct) {
      i++;
      continue;
    }
    if (t.v === "(" || t.v === "[") {
      i = matching(tokens, i) + 1;
      continue;
    }
    if (t.v === "=" && eq < 0) {
      eq = i;
      i++;
      continue;
    }
    if (t.v === ";") {
      if (i > itemStart) items.push(declaration(tokens, itemStart, i, eq));
      i = itemStart = i + 1;
      eq = -1;
      continue;
    }
    if (t.v === "{") {
      const close = matching(tokens, i);
      const prev = tokens[i - 1];
      if (eq < 0 && prev && (prev.v === ")" || (prev.k === T.Ident && i - 1 > itemStart && tokens.slice(itemStart, i).some((x) => x.v === "(")))) {
        const name = functionName(tokens, itemStart, i);
        if (name !== undefined) {
          const isStatic = tokens.slice(itemStart, i).some((x) => x.v === "static");
          items.push({ kind: "function", name, isStatic, bodyStart: i, bodyEnd: close, start: itemStart });
          i = itemStart = close + 1;
          eq = -1;
          continue;
        }
      }
      // An initializer or a struct/enum/union body: part of the declaration up to `;`.
      i = close + 1;
      continue;
    }
    if (t.v === "}") {
      // Stray closing brace (unbalanced preprocessor branches): restart after it.
      i = itemStart = i + 1;
      eq = -1;
      continue;
    }
    i++;
  }
  return items;
}
