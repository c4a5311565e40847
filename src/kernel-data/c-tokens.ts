// C tokens for scanning kernel sources: comments dropped, string and char literals kept whole.
// (Directives are handled one level up, in c-file.ts.)

import { internName } from "../source/index.ts";

export const T = { Ident: 1, Number: 2, String: 3, Char: 4, Punct: 5 } as const;
export type TokenKind = (typeof T)[keyof typeof T];

export interface Token {
  readonly k: TokenKind;
  /** Source text (string literals with their quotes). */
  readonly v: string;
  /** Index into CFile.guards: the active preprocessor conditions (0: none). */
  readonly g: number;
}

const PUNCT3 = new Set(["...", "<<=", ">>="]);
const PUNCT2 = new Set(["->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##"]);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}
function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/**
 * If a comment starts at i, the index after it (a line comment stops before its newline);
 * otherwise -1.
 */
export function skipComment(text: string, i: number, to: number): number {
  if (text.charCodeAt(i) !== 47) return -1;
  const next = text.charCodeAt(i + 1);
  if (next === 42) {
    const end = text.indexOf("*/", i + 2);
    return end < 0 || end + 2 > to ? to : end + 2;
  }
  if (next === 47) {
    const end = text.indexOf("\n", i);
    return end < 0 || end > to ? to : end;
  }
  return -1;
}

/** The index after the string or char literal whose quote is at i (an unclosed one ends at the line). */
export function skipLiteral(text: string, i: number, to: number): number {
  const quote = text.charCodeAt(i);
  let j = i + 1;
  while (j < to) {
    const d = text.charCodeAt(j);
    if (d === 92) j += 2;
    else if (d === quote || d === 10) return j + 1;
    else j++;
  }
  return to;
}

/** Tokenizes text without directives (a macro body, a directive's expression). */
export function tokenizePlain(text: string, g = 0): Token[] {
  const out: Token[] = [];
  lex(text, 0, text.length, g, out);
  return out;
}

/** Scans [from, to) of text into out (no directives here). */
export function lex(text: string, from: number, to: number, g: number, out: Token[]): void {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    const afterComment = skipComment(text, i, to);
    if (afterComment >= 0) {
      i = afterComment;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      i++;
      while (i < to && isIdentChar(text.charCodeAt(i))) i++;
      // Interned: a slice would keep the whole file's text alive in the facts kept per file.
      out.push({ k: T.Ident, v: internName(text.slice(start, i)), g });
      continue;
    }
    if ((c >= 48 && c <= 57) || (c === 46 && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 57)) {
      i++;
      while (i < to) {
        const d = text.charCodeAt(i);
        if (isIdentChar(d) || d === 46) i++;
        else if ((d === 43 || d === 45) && /[eEpP]/.test(text[i - 1]!)) i++;
        else break;
      }
      out.push({ k: T.Number, v: internName(text.slice(start, i)), g });
      continue;
    }
    if (c === 34 || c === 39) {
      i = skipLiteral(text, i, to);
      out.push({ k: c === 34 ? T.String : T.Char, v: internName(text.slice(start, i)), g });
      continue;
    }
    const three = text.slice(i, i + 3);
    if (PUNCT3.has(three)) {
      out.push({ k: T.Punct, v: three, g });
      i += 3;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (PUNCT2.has(two)) {
      out.push({ k: T.Punct, v: two, g });
      i += 2;
      continue;
    }
    out.push({ k: T.Punct, v: text[i]!, g });
    i++;
  }
}

/** Joins tokens back into compact text (a space only between two word-like tokens). */
export function tokensText(tokens: readonly Token[]): string {
  let s = "";
  let prevWord = false;
  for (const t of tokens) {
    const word = t.k === T.Ident || t.k === T.Number;
    if (word && prevWord) s += " ";
    s += t.v;
    prevWord = word;
  }
  return s;
}

