// Plain lines in one piece. Most lines of a device tree source are text cpp passes through
// untouched: no directive, no comment, no name of a defined macro. For such a line the token path
// (lexer, macro lookup, printer, one object per token) prints exactly the line itself without
// its trailing blanks: the printer copies the indentation and the blanks between tokens from the
// source (./printer.ts). Found with native RegExp scans instead, a run of such lines costs a few
// calls per line instead of several per token, which is most of a cold process's preprocessing
// (docs/startup.md): V8 runs the token path's functions unoptimised in a one-board process, while
// RegExp and string built-ins run at full speed from their first call.
//
// Only called where the token path would read the first token of a line with nothing pending (no
// macro context, backed-up token, argument collection, directive or skipped group; see
// Engine.run), so that what it prints depends on the line alone.
import type { IncludeGuards } from "./include-guards.ts";
import type { Lexer } from "./lexer.ts";
import { MAX_EXPANDED_TOKENS } from "./limits.ts";
import type { Macro } from "./macro.ts";
import type { Printer } from "./printer.ts";
import { T_NUMBER } from "./token.ts";

/**
 * Lines that are blank or plain: optional blanks, then either the line break or a first character
 * that does not start a directive (`#`), and no character the token path would not copy as it is:
 * no comment (`/*`, `//`), no backslash (an escape in a string, a stray `\`), no form feed,
 * vertical tab or NUL (whitespace printed as a space). Each line is matched by one deterministic
 * path, so a line that fails costs time linear in its length.
 */
const PLAIN_BLOCK = /(?:[ \t]*(?:(?![#\s])[^\n\f\v\0\\/]*(?:\/(?![/*])[^\n\f\v\0\\/]*)*)?\n)+/y;

/** Identifier-like runs: every identifier token is one (runs inside strings and numbers only cost a lookup). */
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

/** The printer copies a gap between two tokens only when it is shorter than this (Printer.writeSpace). */
const MAX_COPIED_GAP = 256;
const LONG_GAP = /[ \t]{256}/;
const QUOTE = /["']/;

/** What copyPlainLines reads and updates of the engine. */
export interface PlainLineEngine {
  readonly currentLexer: Lexer;
  readonly printer: Printer;
  /** Defined macros (a line naming one that is not a simple number takes the token path). */
  readonly macros: ReadonlyMap<string, Macro>;
  readonly includeGuards: IncludeGuards;
  expandedTokens: number;
}

/** Per line: start, end and index in `bodies` of each macro name (reused between calls). */
const names: number[] = [];
const bodies: string[] = [];

/**
 * The number an object-like macro expands to when it is one pp-number, else undefined. Such a
 * name is replaced by that number and the expansion ends there (a number names no macro).
 */
function numberBody(m: Macro): string | undefined {
  if (m.funLike || m.builtin !== 0 || m.body.length !== 1) return undefined;
  const t = m.body[0]!;
  return t.kind === T_NUMBER ? t.text : undefined;
}

/**
 * Whether an identifier-like run at `at` is a name token, not the tail of a pp-number (`0x1FOO`,
 * `1.FOO`, `1e+FOO`); the line holds no literal (checked by the caller).
 */
function startsName(text: string, at: number, first: number): boolean {
  if (at === first) return true;
  const c = text.charCodeAt(at - 1);
  if (c === 46 || IDENTIFIER_CHAR[c] === 1) return false;
  if (c === 43 || c === 45) {
    const d = text.charCodeAt(at - 2);
    return !(d === 101 || d === 69 || d === 112 || d === 80);
  }
  return true;
}

const IDENTIFIER_CHAR = new Uint8Array(256);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$") IDENTIFIER_CHAR[c.charCodeAt(0)] = 1;

/**
 * Prints the plain lines that start where the current lexer is (at a line start, or on blanks
 * before a line break) and leaves it at the first line that is not plain. A line whose macro
 * names are all object-like macros of one number is printed with them replaced
 * (Printer.macroLine). Returns whether it printed anything.
 */
export function copyPlainLines(engine: PlainLineEngine): boolean {
  const lexer = engine.currentLexer;
  const file = lexer.file;
  const text = file.text;
  let start = lexer.pos;
  if (!lexer.atLineStart) {
    // The rest of the current line must be blanks; its break ends it.
    while (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9) start++;
    if (text.charCodeAt(start) !== 10) return false;
    start++;
  }
  PLAIN_BLOCK.lastIndex = start;
  if (!PLAIN_BLOCK.test(text)) return false;
  const end = PLAIN_BLOCK.lastIndex;
  const { macros, printer } = engine;
  let printed = false;
  let pos = start;
  lines: while (pos < end) {
    const lineEnd = text.indexOf("\n", pos);
    let first = pos;
    while (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9) first++;
    if (first < lineEnd) {
      let last = lineEnd;
      while (text.charCodeAt(last - 1) === 32 || text.charCodeAt(last - 1) === 9) last--;
      // A long gap between two tokens is printed as one space: the token path's business.
      if (last - first > MAX_COPIED_GAP && LONG_GAP.test(text.slice(first, last))) break;
      names.length = 0;
      bodies.length = 0;
      IDENTIFIER.lastIndex = first;
      for (let m = IDENTIFIER.exec(text); m !== null && m.index < last; m = IDENTIFIER.exec(text)) {
        const macro = macros.get(m[0]);
        if (macro === undefined) continue;
        const body = numberBody(macro);
        if (body === undefined || !startsName(text, m.index, first)) break lines;
        names.push(m.index, m.index + m[0].length, bodies.length);
        bodies.push(body);
      }
      if (names.length === 0) printer.plainLine(file, first, last);
      else {
        // In a literal a name is not expanded: leave such lines to the token path.
        if (QUOTE.test(text.slice(first, last))) break;
        if (engine.expandedTokens + bodies.length > MAX_EXPANDED_TOKENS) break;
        engine.expandedTokens += bodies.length;
        printer.macroLine(file, first, last, names, bodies);
      }
      printed = true;
    }
    pos = lineEnd + 1;
  }
  if (pos > lexer.pos) lexer.resumeAtLineStart(pos);
  // A token outside the file's include guard makes it unguarded (IncludeGuards.token).
  if (printed) engine.includeGuards.token();
  return printed;
}
