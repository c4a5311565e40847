// A C source file read as the preprocessor goes by it: #define (object- and function-like),
// #include, and the #if/#ifdef/#else/#endif stack, whose conditions become a guard on every
// token. Code under a condition that is false on every devicetree platform (`#if 0`,
// `#ifndef CONFIG_OF`) is dropped; conditions true there (`#ifdef CONFIG_OF`) leave the guards.
import { evaluateCondition } from "./c-expr.ts";
import { lex, skipComment, skipLiteral, tokenizePlain, tokensText, type Token } from "./c-tokens.ts";

export interface MacroDef {
  readonly name: string;
  /** Parameter names; null for an object-like macro. */
  readonly params: readonly string[] | null;
  readonly variadic: boolean;
  readonly body: readonly Token[];
  /** Index of the next token of the file when the macro was defined (-1: from another file). */
  readonly at: number;
}

export interface CFile {
  readonly tokens: readonly Token[];
  /** Guard texts: guards[g] is the conjunction (each a C #if expression) for tokens with .g = g. */
  readonly guards: readonly (readonly string[])[];
  readonly defines: ReadonlyMap<string, readonly MacroDef[]>;
  /** `#include "x"` (quoted) and `#include <x>` names in order. */
  readonly includes: readonly { readonly name: string; readonly quoted: boolean }[];
}

/** Conditions known on every devicetree platform: CONFIG_OF is set. */
const DT_PLATFORM = (name: string): number | undefined => (name === "CONFIG_OF" || name === "CONFIG_OF_ADDRESS" || name === "CONFIG_OF_IRQ" ? 1 : undefined);

interface Frame {
  /** Conditions of earlier branches (to negate in #else/#elif). */
  readonly previous: string[];
  /** The current branch's condition text, or undefined when it is known true. */
  cond: string | undefined;
  dead: boolean;
  /** Any earlier branch known true (so later ones are dead). */
  taken: boolean;
  /** `#ifndef X` as the first thing: an include guard if `#define X` follows. */
  ifndefName?: string;
}

function wrap(expr: string): string {
  return /^[\w]+(\([\w]*\))?$/.test(expr) ? expr : `(${expr})`;
}

/** Splits a directive line into name and rest. */
function directive(line: string): [string, string] {
  const m = /^\s*#\s*(\w*)\s*([\s\S]*)$/.exec(line);
  return m ? [m[1]!, m[2]!.trim()] : ["", ""];
}

/** Removes comments from a directive's text (they may span the continued lines). */
function stripComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/.*$/gm, "");
}

export function scanC(text: string): CFile {
  const tokens: Token[] = [];
  const guards: (readonly string[])[] = [[]];
  const guardIds = new Map<string, number>([["", 0]]);
  const defines = new Map<string, MacroDef[]>();
  const includes: { name: string; quoted: boolean }[] = [];
  const frames: Frame[] = [];
  let g = 0;
  let dead = false;
  const refreshGuard = () => {
    dead = frames.some((f) => f.dead);
    const conds = frames.map((f) => f.cond).filter((c): c is string => c !== undefined);
    const key = conds.join("\u0000");
    let id = guardIds.get(key);
    if (id === undefined) {
      id = guards.length;
      guards.push(conds);
      guardIds.set(key, id);
    }
    g = id;
  };
  /** Sets the frame's branch from a condition text: known true, known false, or kept. */
  const setBranch = (f: Frame, expr: string | undefined, negatedPrev: string[]) => {
    if (f.taken) {
      f.dead = true;
      f.cond = undefined;
      return;
    }
    const parts = [...negatedPrev.map((p) => `!${wrap(p)}`), ...(expr === undefined ? [] : [expr])];
    const known = parts.map((p) => evaluateCondition(p, DT_PLATFORM));
    if (known.some((k) => k === 0)) {
      f.dead = true;
      f.cond = undefined;
      return;
    }
    f.dead = false;
    const kept = parts.filter((_, i) => known[i] === undefined);
    f.cond = kept.length === 0 ? undefined : kept.map(wrap).join("&&");
    if (kept.length === 0) f.taken = true;
  };

  const n = text.length;
  let i = 0;
  let lineStart = true;
  while (i < n) {
    // Find the next directive at a line start; lex what is before it.
    let j = i;
    let found = -1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 10) {
        lineStart = true;
        j++;
        continue;
      }
      if (c === 32 || c === 9 || c === 13) {
        j++;
        continue;
      }
      if (c === 35 /* # */ && lineStart) {
        found = j;
        break;
      }
      lineStart = false;
      // Skip comments and literals so that a '#' or newline inside them is not misread.
      const afterComment = skipComment(text, j, n);
      if (afterComment >= 0) {
        j = afterComment;
        continue;
      }
      if (c === 34 || c === 39) {
        j = skipLiteral(text, j, n);
        continue;
      }
      j++;
    }
    const stop = found < 0 ? n : found;
    if (!dead) lex(text, i, stop, g, tokens);
    if (found < 0) break;
    // The directive runs to an unescaped newline (comments may hide newlines).
    let e = found;
    while (e < n) {
      const c = text.charCodeAt(e);
      if (c === 10 && text.charCodeAt(e - 1) !== 92 && !(e >= 2 && text.charCodeAt(e - 1) === 13 && text.charCodeAt(e - 2) === 92)) break;
      if (c === 47 && text.charCodeAt(e + 1) === 42) {
        const end = text.indexOf("*/", e + 2);
        e = end < 0 ? n : end + 2;
        continue;
      }
      e++;
    }
    const line = stripComments(text.slice(found, e)).replace(/\\\r?\n/g, " ");
    i = e;
    lineStart = true;
    const [name, rest] = directive(line);
    switch (name) {
      case "if":
      case "ifdef":
      case "ifndef": {
        const expr = name === "if" ? tokensText(tokenizePlain(rest)) : name === "ifdef" ? `defined(${rest.split(/\s/)[0]})` : `!defined(${rest.split(/\s/)[0]})`;
        const f: Frame = { previous: [], cond: undefined, dead: false, taken: false };
        if (name === "ifndef" && tokens.length === 0 && frames.length === 0) f.ifndefName = rest.split(/\s/)[0];
        setBranch(f, expr, []);
        f.previous.push(expr);
        frames.push(f);
        refreshGuard();
        break;
      }
      case "elif":
      case "else": {
        const f = frames[frames.length - 1];
        if (!f) break;
        f.ifndefName = undefined;
        const expr = name === "elif" ? tokensText(tokenizePlain(rest)) : undefined;
        setBranch(f, expr, f.previous);
        if (expr !== undefined) f.previous.push(expr);
        refreshGuard();
        break;
      }
      case "endif":
        frames.pop();
        refreshGuard();
        break;
      case "define": {
        if (dead) break;
        const m = /^([A-Za-z_]\w*)(\(([^)]*)\))?\s*([\s\S]*)$/.exec(rest);
        if (!m) break;
        const top = frames[frames.length - 1];
        if (top?.ifndefName === m[1] && frames.length === 1) {
          // An include guard: its condition holds for the whole file.
          top.cond = undefined;
          top.ifndefName = undefined;
          refreshGuard();
        }
        let params: string[] | null = null;
        let variadic = false;
        if (m[2] !== undefined) {
          params = m[3]!.split(",").map((p) => p.trim()).filter(Boolean);
          if (params[params.length - 1]?.endsWith("...")) {
            variadic = true;
            const last = params.pop()!.replace("...", "").trim();
            params.push(last || "__VA_ARGS__");
          }
        }
        const def: MacroDef = { name: m[1]!, params, variadic, body: tokenizePlain(m[4]!), at: tokens.length };
        const list = defines.get(def.name);
        if (list) list.push(def);
        else defines.set(def.name, [def]);
        break;
      }
      case "include": {
        if (dead) break;
        const m = /^(?:"([^"]+)"|<([^>]+)>)/.exec(rest);
        if (m) includes.push(m[1] !== undefined ? { name: m[1], quoted: true } : { name: m[2]!, quoted: false });
        break;
      }
      default:
        break;
    }
  }
  return { tokens, guards, defines, includes };
}
