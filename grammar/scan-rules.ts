// The character-level rules of dtc's flex lexer (dtc-lexer.l) that the scanner loop uses:
// character classes, the STRING and CHAR_LITERAL regexes (longest match), the cpp line-marker
// regex, and the token of each single character.
import type { TokenType } from "chevrotain";
import * as T from "./tokens.ts";
import { tokenCode } from "./tokens.ts";

// ---- character classes (text is latin1: every code is < 256) ----
export const WS = 1; // [[:space:]]
export const NAME = 2; // PROPNODECHAR [a-zA-Z0-9,._+*#?@-]
export const LABEL_START = 4; // [a-zA-Z_]
export const LABEL_CHAR = 8; // [a-zA-Z0-9_]
export const DIGIT = 16;
export const HEX = 32;
export const PATH = 64; // PROPNODECHAR or '/'
export const CLASS = new Uint8Array(256);
(() => {
  const set = (chars: string, flag: number) => {
    for (let i = 0; i < chars.length; i++) CLASS[chars.charCodeAt(i)]! |= flag;
  };
  const lower = "abcdefghijklmnopqrstuvwxyz";
  const upper = lower.toUpperCase();
  const digits = "0123456789";
  set(" \t\n\v\f\r", WS);
  set(lower + upper + digits + ",._+*#?@-", NAME | PATH);
  set("/", PATH);
  set(lower + upper + "_", LABEL_START | LABEL_CHAR);
  set(digits, LABEL_CHAR | DIGIT | HEX);
  set("abcdefABCDEF", HEX);
})();

/** Token code of each character dtc's catch-all rule returns as itself; others are Stray. */
export const STRAY = tokenCode(T.Stray);
export const SINGLE = new Uint8Array(256).fill(STRAY);
(() => {
  const map: [string, TokenType][] = [
    [";", T.Semicolon], ["/", T.Slash], ["{", T.LBrace], ["}", T.RBrace], ["=", T.Equals], ["<", T.LAngle],
    [">", T.RAngle], ["[", T.LBracket], ["]", T.RBracket], ["(", T.LParen], [")", T.RParen], [",", T.Comma],
    ["?", T.Question], [":", T.Colon], ["|", T.Pipe], ["^", T.Caret], ["&", T.Amp], ["+", T.Plus], ["-", T.Minus],
    ["*", T.Star], ["%", T.Percent], ["~", T.Tilde], ["!", T.Bang],
  ];
  for (const [ch, type] of map) SINGLE[ch.charCodeAt(0)] = tokenCode(type);
})();

/** Set by scanString: whether the string it matched holds a backslash (so escapes need checking). */
export let stringHasEscape = false;

/**
 * End of a `"..."` string starting at `q` (exclusive), or -1 when flex's STRING rule does not
 * match: `\"([^\\"]|\\.)*\"`, where `.` is any byte but a newline.
 */
export function scanString(text: string, q: number): number {
  const len = text.length;
  let i = q + 1;
  stringHasEscape = false;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c === 92) {
      if (i + 1 >= len || text.charCodeAt(i + 1) === 10) return -1;
      stringHasEscape = true;
      i += 2;
    } else i++;
  }
  return -1;
}

/**
 * End of the longest match of `'([^']|\\')*'` starting at `q` (exclusive), or -1. A quote right
 * after a backslash in the content can be content or the closing quote, so the match runs to the
 * last such quote before the first quote without a backslash (the `'\\'` quirk: it runs on).
 */
export function scanCharLiteral(text: string, q: number): number {
  const len = text.length;
  let last = -1;
  let i = q + 1;
  for (;;) {
    const j = text.indexOf("'", i);
    if (j < 0) return last;
    if (j - 1 > q && text.charCodeAt(j - 1) === 92) {
      last = j + 1;
      i = j + 1;
      if (i >= len) return last;
      continue;
    }
    return j + 1;
  }
}

export interface LineMarkerMatch {
  /** End of the marker (exclusive); the rest of the line is not part of it. */
  readonly end: number;
  /** The line number's digits. */
  readonly numberStart: number;
  readonly numberEnd: number;
  /** The file name string, quotes included. */
  readonly nameStart: number;
  readonly nameEnd: number;
}

/**
 * Matches `^"#"(line)?[ \t]+[0-9]+[ \t]+{STRING}([ \t]+[0-9]+)*` at `pos` (the caller checks
 * that `pos` starts a line). The trailing flags never cross a line break, so they cannot take a
 * number from the next line.
 */
export function matchLineMarker(text: string, pos: number): LineMarkerMatch | undefined {
  const blanks = (k: number): number => {
    while (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9) k++;
    return k;
  };
  const digits = (k: number): number => {
    while (CLASS[text.charCodeAt(k)]! & DIGIT) k++;
    return k;
  };
  let i = pos + 1;
  if (text.startsWith("line", i)) i += 4;
  let j = blanks(i);
  if (j === i) return undefined;
  const numberStart = j;
  i = digits(j);
  if (i === numberStart) return undefined;
  const numberEnd = i;
  j = blanks(i);
  if (j === i || text.charCodeAt(j) !== 34) return undefined;
  const nameStart = j;
  const nameEnd = scanString(text, j);
  if (nameEnd < 0) return undefined;
  let end = nameEnd;
  for (;;) {
    const b = blanks(end);
    if (b === end) break;
    const d = digits(b);
    if (d === b) break;
    end = d;
  }
  return { end, numberStart, numberEnd, nameStart, nameEnd };
}
