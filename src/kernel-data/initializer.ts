// Brace initializers (`{ .driver = { .name = "x" }, .probe = f }`, `{ "a", "b" }`) as a tree of
// designated and positional items, and readers for the values kernel tables use: string literals
// (with adjacent-literal concatenation), identifiers, `&x`, `of_match_ptr(x)`.
import { T, type Token } from "./c-tokens.ts";

export type InitValue = InitList | InitExpr;

export interface InitList {
  readonly kind: "list";
  readonly items: readonly InitItem[];
  /** Guard id of the opening brace. */
  readonly g: number;
}

export interface InitExpr {
  readonly kind: "expr";
  readonly tokens: readonly Token[];
}

export interface InitItem {
  /** `.a.b = v` → ["a", "b"]; `[3] = v` → ["[3]"]; positional → []. */
  readonly designators: readonly string[];
  readonly value: InitValue;
}

/** Parses `{ ... }` starting at tokens[at] (which must be `{`); also returns the end index. */
export function parseInitializer(tokens: readonly Token[], at = 0): { list: InitList; end: number } | undefined {
  if (tokens[at]?.v !== "{") return undefined;
  const items: InitItem[] = [];
  let i = at + 1;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.v === "}") return { list: { kind: "list", items, g: tokens[at]!.g }, end: i };
    if (t.v === ",") {
      i++;
      continue;
    }
    const designators: string[] = [];
    // .a.b[2] = ...   or   name: value (GNU old style)
    while (i < tokens.length) {
      const d = tokens[i]!;
      if (d.v === "." && tokens[i + 1]?.k === T.Ident) {
        designators.push(tokens[i + 1]!.v);
        i += 2;
      } else if (d.v === "[" && designators.length >= 0) {
        let j = i + 1;
        const parts: string[] = [];
        while (j < tokens.length && tokens[j]!.v !== "]") parts.push(tokens[j++]!.v);
        if (tokens[j + 1]?.v !== "=" && tokens[j + 1]?.v !== "." && tokens[j + 1]?.v !== "[") break;
        designators.push(`[${parts.join("")}]`);
        i = j + 1;
      } else break;
    }
    if (designators.length > 0) {
      if (tokens[i]?.v === "=") i++;
    } else if (tokens[i]?.k === T.Ident && tokens[i + 1]?.v === ":" && tokens[i + 2]?.v !== ":") {
      designators.push(tokens[i]!.v);
      i += 2;
    }
    if (tokens[i]?.v === "{") {
      const inner = parseInitializer(tokens, i);
      if (!inner) return undefined;
      items.push({ designators, value: inner.list });
      i = inner.end + 1;
      continue;
    }
    const start = i;
    let depth = 0;
    while (i < tokens.length) {
      const v = tokens[i]!.v;
      if (tokens[i]!.k === T.Punct) {
        if (v === "(" || v === "[" || v === "{") depth++;
        else if (v === ")" || v === "]" || v === "}") {
          if (depth === 0) break;
          depth--;
        } else if (v === "," && depth === 0) break;
      }
      i++;
    }
    items.push({ designators, value: { kind: "expr", tokens: tokens.slice(start, i) } });
  }
  return undefined;
}

/**
 * Fields of a struct initializer by dotted path (`driver.name`), positional items placed by the
 * struct's field order (a positional item after `.f = x` is the field after f, as in C).
 */
export function fieldsOf(list: InitList, order: readonly string[] = []): Map<string, InitValue> {
  const out = new Map<string, InitValue>();
  let next = 0;
  for (const item of list.items) {
    let path: string;
    if (item.designators.length > 0) {
      path = item.designators.join(".");
      const idx = order.indexOf(item.designators[0]!);
      next = idx >= 0 ? idx + 1 : next;
    } else {
      const f = order[next++];
      if (f === undefined) continue;
      path = f;
    }
    out.set(path, item.value);
    if (item.value.kind === "list" && item.designators.length > 0) {
      for (const [k, v] of fieldsOf(item.value)) out.set(`${path}.${k}`, v);
    }
  }
  return out;
}

/** Strips surrounding parentheses and casts `(type)` from an expression. */
function unwrap(tokens: readonly Token[]): readonly Token[] {
  let t = tokens;
  while (t.length >= 2 && t[0]!.v === "(" && t[t.length - 1]!.v === ")") {
    let depth = 0;
    let whole = true;
    for (let i = 0; i < t.length - 1; i++) {
      if (t[i]!.v === "(") depth++;
      else if (t[i]!.v === ")" && --depth === 0) {
        whole = false;
        break;
      }
    }
    if (!whole) break;
    t = t.slice(1, -1);
  }
  return t;
}

/** The C string a string-literal token denotes (simple escapes). */
export function decodeCString(literal: string): string {
  const body = literal.replace(/^(u8|[uUL])/, "").slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === "x") return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: "\n", t: "\t", r: "\r", "0": "\0" } as Record<string, string>)[e] ?? e;
  });
}

/**
 * A string value (adjacent literals concatenated), or undefined when the expression is not one.
 * Sources are read as latin1 (one char per byte); the bytes of the value are UTF-8, as the
 * kernel's sources are (cafe_nand's driver name "CAF\u00c9 NAND").
 */
export function stringValue(v: InitValue | undefined): string | undefined {
  if (!v || v.kind !== "expr") return undefined;
  const t = unwrap(v.tokens);
  if (t.length === 0 || !t.every((x) => x.k === T.String)) return undefined;
  const bytes = t.map((x) => decodeCString(x.v)).join("");
  return /[^\x00-\x7f]/.test(bytes) ? Buffer.from(bytes, "latin1").toString("utf8") : bytes;
}

/**
 * The variable an expression names: `x`, `&x`, `&x[0]`, `(x)`, `of_match_ptr(x)`, `ACPI_PTR(x)`.
 * Undefined for NULL, 0 or anything else.
 */
export function referencedName(v: InitValue | undefined): string | undefined {
  if (!v || v.kind !== "expr") return undefined;
  let t = unwrap(v.tokens);
  for (;;) {
    if (t.length >= 4 && t[0]!.k === T.Ident && t[1]!.v === "(" && t[t.length - 1]!.v === ")" && /^(of_match_ptr|ACPI_PTR|pm_ptr|pm_sleep_ptr|PTR_IF)$/.test(t[0]!.v)) {
      t = unwrap(t.slice(2, -1));
      continue;
    }
    if (t[0]?.v === "&") {
      t = unwrap(t.slice(1));
      continue;
    }
    break;
  }
  if (t.length === 4 && t[1]!.v === "[" && t[3]!.v === "]") t = t.slice(0, 1);
  if (t.length !== 1 || t[0]!.k !== T.Ident || t[0]!.v === "NULL") return undefined;
  return t[0]!.v;
}

/** `true` / nonzero literal. */
export function booleanValue(v: InitValue | undefined): boolean {
  if (!v || v.kind !== "expr") return false;
  const t = unwrap(v.tokens);
  return t.length === 1 && (t[0]!.v === "true" || (t[0]!.k === T.Number && /^0*[1-9]/.test(t[0]!.v)));
}
