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
import type { Printer } from "./printer.ts";

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

/**
 * Prints the plain lines that start where `lexer` is (at a line start, or on blanks before a line
 * break) and leaves it at the first line that is not plain. `macros` are the defined macros (a
 * line naming one takes the token path). Returns whether it printed anything.
 */
export function copyPlainLines(lexer: Lexer, printer: Printer, macros: ReadonlyMap<string, unknown>, includeGuards: IncludeGuards): boolean {
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
  let end = PLAIN_BLOCK.lastIndex;
  // Cut the block before the first line that names a defined macro.
  IDENTIFIER.lastIndex = start;
  for (let m = IDENTIFIER.exec(text); m !== null && m.index < end; m = IDENTIFIER.exec(text)) {
    if (macros.has(m[0])) {
      end = text.lastIndexOf("\n", m.index) + 1;
      break;
    }
  }
  let printed = false;
  let pos = start;
  while (pos < end) {
    const lineEnd = text.indexOf("\n", pos);
    let first = pos;
    while (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9) first++;
    if (first < lineEnd) {
      let last = lineEnd;
      while (text.charCodeAt(last - 1) === 32 || text.charCodeAt(last - 1) === 9) last--;
      // A long gap between two tokens is printed as one space: the token path's business.
      if (last - first > MAX_COPIED_GAP && LONG_GAP.test(text.slice(first, last))) break;
      printer.plainLine(file, first, last);
      printed = true;
    }
    pos = lineEnd + 1;
  }
  if (pos > lexer.pos) lexer.resumeAtLineStart(pos);
  // A token outside the file's include guard makes it unguarded (IncludeGuards.token).
  if (printed) includeGuards.token();
  return printed;
}
