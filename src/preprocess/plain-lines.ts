// Lines in one piece. Most lines of a device tree source and its headers need none of the token
// path's machinery (lexer, macro lookup, printer, one object per token): text lines with no
// directive, comment or macro name print as themselves without trailing blanks (the printer
// copies indentation and the blanks between tokens from the source, ./printer.ts); text lines
// whose macros are object-like macros of one number (GIC_SPI, clock IDs) print with the number
// in place and gcc's avoid_paste spaces around it; `#define NAME NUMBER` only defines NAME.
// Found with native RegExp scans, a run of such lines costs a few calls per line instead of
// several per token: V8 runs the token path's functions unoptimised in a one-board process,
// while RegExp and string built-ins run at full speed from their first call (docs/startup.md).
//
// Only called where the token path would read the first token of a line with nothing pending (no
// macro context, backed-up token, argument collection, directive, skipped group or poisoned name;
// see Engine.run), so that what it does depends on the line alone. Anything else on a line sends
// the whole line to the token path. test/preprocess/plain-lines.test.ts compares both paths.
import { DIRECTIVE_NAMES, isReservedMacroName } from "./directives.ts";
import type { FileState } from "./file-state.ts";
import type { GuardDirective, IncludeGuards } from "./include-guards.ts";
import type { Lexer } from "./lexer.ts";
import { MAX_EXPANDED_TOKENS } from "./limits.ts";
import type { Macro } from "./macro.ts";
import type { Printer } from "./printer.ts";
import { isBlank, isIdChar, makeToken, T_NUMBER } from "./token.ts";

/**
 * Lines that are blank or plain: optional blanks, then either the line break or a first character
 * that does not start a directive (`#` followed by a name that is no directive's is text), and no
 * character the token path would not copy as it is: no comment (`/*`, `//`), no backslash (an
 * escape in a string, a stray `\`), no form feed, vertical tab or NUL (whitespace printed as a
 * space). Each line is matched by one deterministic path, so a line that fails costs time linear
 * in its length; a directive line ends the block at once (a run of #define lines would otherwise
 * be matched again after each). At most BLOCK_LINES lines per match: V8 keeps backtracking state
 * for each repetition, and a block of millions of lines (a generated 80 MB board) overflows it
 * (RangeError); plainBlockEnd matches again where a full match ended.
 */
const BLOCK_LINES = 4096;
const PLAIN_BLOCK = new RegExp(
  `(?:[ \\t]*(?:(?:#[ \\t]*(?!(?:${DIRECTIVE_NAMES.join("|")})(?![\\w$]))(?=[A-Za-z_$])|(?![#\\s]))[^\\n\\f\\v\\0\\\\/]*(?:\\/(?![/*])[^\\n\\f\\v\\0\\\\/]*)*)?\\n){1,${BLOCK_LINES}}`,
  "y",
);

/**
 * Identifier-like runs: every identifier token is one (runs inside strings and numbers only cost a
 * lookup). The alternative line break stops a scan of one line at its end: a search for the next
 * identifier must not run on through the rest of the file for each line (quadratic).
 */
const IDENTIFIER_IN_LINE = /[A-Za-z_$][\w$]*|\n/g;
/** Identifier-like runs, for a scan of a slice (bounded by it). */
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

/** The printer copies a gap between two tokens only when it is shorter than this (Printer.writeSpace). */
const MAX_COPIED_GAP = 256;
const LONG_GAP = /[ \t]{256}/;
const QUOTE = /["']/;

/** `#define NAME NUMBER` alone on its line: the text up to NAME, NAME, the blanks, the pp-number. */
const SIMPLE_DEFINE = /([ \t]*#[ \t]*define[ \t]+)([A-Za-z_$][\w$]*)([ \t]+)(\.?[0-9](?:[eEpP][+-]|[\w$.])*)[ \t]*\n/y;

/** What copyPlainLines reads and updates of the engine. */
export interface PlainLineEngine {
  readonly currentLexer: Lexer;
  readonly printer: Printer;
  /** Defined macros (a line naming one that is not a simple number takes the token path). */
  readonly macros: Map<string, Macro>;
  readonly includeGuards: IncludeGuards;
  expandedTokens: number;
  noteGuardDirective(kind: GuardDirective): void;
  readonly plainBlock: PlainBlock;
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
  if (c === 46 || isIdChar(c)) return false;
  if (c === 43 || c === 45) {
    const d = text.charCodeAt(at - 2);
    return !(d === 101 || d === 69 || d === 112 || d === 80);
  }
  return true;
}

/**
 * Prints the plain lines that start where the current lexer is (at a line start, or on blanks
 * before a line break), and defines the macros of simple `#define` lines among them; leaves the
 * lexer at the first line that is neither. A line whose macro names are all object-like macros
 * of one number is printed with them replaced (Printer.macroLine).
 */
export function copyPlainLines(engine: PlainLineEngine): void {
  const lexer = engine.currentLexer;
  const text = lexer.file.text;
  let pos = lexer.pos;
  if (!lexer.atLineStart) {
    // The rest of the current line must be blanks; its break ends it.
    while (isBlank(text.charCodeAt(pos))) pos++;
    if (text.charCodeAt(pos) !== 10) return;
    pos++;
  }
  const start = pos;
  let printed = false;
  for (;;) {
    const end = plainBlockEnd(engine.plainBlock, lexer.file, pos);
    // Once a run could not be copied, the rest of the block goes line by line: trying again
    // after each line would scan the same lines again (quadratic).
    let runs = true;
    while (pos < end) {
      const copied = copyLine(engine, text, pos);
      if (copied < 0) break;
      if (copied > 0) printed = true;
      pos = text.indexOf("\n", pos) + 1;
      if (copied === PLAIN && runs && pos < end) {
        const after = copyRun(engine, text, pos, end);
        if (after < 0) runs = false;
        else pos = after;
      }
    }
    // A line that is not plain: a simple #define is done here too.
    const next = defineLine(engine, text, pos);
    if (next < 0) break;
    pos = next;
  }
  if (pos > start || !lexer.atLineStart) lexer.resumeAtLineStart(pos);
  // A token outside the file's include guard makes it unguarded (IncludeGuards.token).
  if (printed) engine.includeGuards.token();
}

/**
 * Where the block of lines PLAIN_BLOCK matches from `pos` (a line start) ends. The match is
 * remembered: a start inside the last block has the same end (the regex goes line by line), and
 * matching again from each line of a long block whose first lines take the token path (a
 * function-like macro on each line) would be quadratic.
 */
function plainBlockEnd(memo: PlainBlock, file: FileState, pos: number): number {
  if (memo.file === file && pos >= memo.from && pos <= memo.end) return memo.end;
  const text = file.text;
  // A match that stopped short of BLOCK_LINES ended the block; the next one then fails at once.
  let end = pos;
  for (PLAIN_BLOCK.lastIndex = pos; PLAIN_BLOCK.test(text); ) end = PLAIN_BLOCK.lastIndex;
  memo.file = file;
  memo.from = pos;
  memo.end = end;
  return end;
}

/** The last block PLAIN_BLOCK matched, in one engine's run (see plainBlockEnd). */
export interface PlainBlock {
  file: FileState | null;
  from: number;
  end: number;
}

/** copyLine's results. */
const PLAIN = 2;
const WITH_NUMBERS = 1;

/**
 * After a plain line printed as it is (no trailing blanks), the plain lines up to `end` (a
 * PLAIN_BLOCK's end) that name no macro print as the source text from that line's break to the
 * end of the last of them, when nothing in it is printed otherwise: no trailing blanks, no run of
 * 8 blank lines (gcc's printer re-synchronises with fewer line breaks), no long gap, no splice
 * (line numbers of the raw text). The origin segment of the line before goes on over all of it,
 * as the token path's marks at each line would. Returns where the lines copied end (`pos` when
 * there were none to copy), or -1 when the lines up to `end` cannot be copied this way.
 */
function copyRun(engine: PlainLineEngine, text: string, pos: number, end: number): number {
  const file = engine.currentLexer.file;
  if (file.hasSplices) return -1;
  const before = text.charCodeAt(pos - 2);
  if (isBlank(before)) return pos;
  let runEnd = end;
  const lines = text.slice(pos, end);
  IDENTIFIER.lastIndex = 0;
  for (let m = IDENTIFIER.exec(lines); m !== null; m = IDENTIFIER.exec(lines)) {
    if (engine.macros.has(m[0])) {
      runEnd = text.lastIndexOf("\n", pos + m.index) + 1;
      break;
    }
  }
  // Blank lines at the end are printed (as line breaks) only before what follows them.
  let last = runEnd - 1;
  while (last >= pos && text.charCodeAt(last) === 10) last--;
  if (last < pos) return pos;
  if (isBlank(text.charCodeAt(last))) return -1;
  const copied = text.slice(pos - 1, last + 1);
  if (NOT_AS_IT_IS.test(copied)) return -1;
  engine.printer.copiedLines(file, copied, last);
  return text.indexOf("\n", last) + 1;
}

/** What the printer would not print as it is in a run of plain lines (see copyRun). */
const NOT_AS_IT_IS = /[ \t]\n|\n{9}|[ \t]{256}/;

/**
 * Prints the plain or blank line at `pos` (matched by PLAIN_BLOCK): PLAIN when it printed it as
 * it is, WITH_NUMBERS when with numbers for macro names, 0 for a blank line, -1 when the line is
 * for the token path after all.
 */
function copyLine(engine: PlainLineEngine, text: string, pos: number): number {
  const lineEnd = text.indexOf("\n", pos);
  let first = pos;
  while (isBlank(text.charCodeAt(first))) first++;
  if (first === lineEnd) return 0;
  let last = lineEnd;
  while (isBlank(text.charCodeAt(last - 1))) last--;
  // A long gap between two tokens is printed as one space: the token path's business.
  if (last - first > MAX_COPIED_GAP && LONG_GAP.test(text.slice(first, last))) return -1;
  names.length = 0;
  bodies.length = 0;
  IDENTIFIER_IN_LINE.lastIndex = first;
  let m = IDENTIFIER_IN_LINE.exec(text);
  // `#name` first: a directive, or text (`#address-cells`) when the name is no directive's.
  if (text.charCodeAt(first) === 35 && (m === null || DIRECTIVE_NAMES.includes(m[0]))) return -1;
  const { macros, printer } = engine;
  for (; m !== null && m.index < last; m = IDENTIFIER_IN_LINE.exec(text)) {
    const macro = macros.get(m[0]);
    if (macro === undefined) continue;
    const body = numberBody(macro);
    if (body === undefined || !startsName(text, m.index, first)) return -1;
    names.push(m.index, m.index + m[0].length, bodies.length);
    bodies.push(body);
  }
  const file = engine.currentLexer.file;
  if (names.length === 0) {
    printer.plainLine(file, first, last);
    return PLAIN;
  }
  // In a literal a name is not expanded: leave such lines to the token path.
  if (QUOTE.test(text.slice(first, last))) return -1;
  if (engine.expandedTokens + bodies.length > MAX_EXPANDED_TOKENS) return -1;
  engine.expandedTokens += bodies.length;
  printer.macroLine(file, first, last, names, bodies);
  return WITH_NUMBERS;
}

/**
 * `#define NAME NUMBER` on a line of its own, NAME not defined yet: what the directive does
 * (directives.ts doDefine; the number, without its leading space, is the whole body). Returns
 * the start of the next line, or -1 when the line is something else.
 */
function defineLine(engine: PlainLineEngine, text: string, pos: number): number {
  SIMPLE_DEFINE.lastIndex = pos;
  const m = SIMPLE_DEFINE.exec(text);
  if (m === null) return -1;
  const name = m[2]!;
  if (engine.macros.has(name) || isReservedMacroName(name)) return -1;
  const file = engine.currentLexer.file;
  const nameOff = pos + m[1]!.length;
  const numberOff = nameOff + name.length + m[3]!.length;
  const body = [makeToken(T_NUMBER, m[4]!, 0, file, numberOff)];
  engine.noteGuardDirective("other");
  engine.macros.set(name, { name, funLike: false, params: [], variadic: false, body, builtin: 0, file, off: nameOff, disabled: false });
  return SIMPLE_DEFINE.lastIndex;
}
