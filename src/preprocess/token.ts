// Preprocessing tokens, modelled on gcc's cpplib (the reference for what `cpp -x
// assembler-with-cpp` prints): a kind, the spelling, a few flags, where it was spelled, and for
// tokens that come out of a macro body the point of the outermost invocation in real source.
import type { FileState } from "./file-state.ts";

export const T_NAME = 0;
export const T_NUMBER = 1;
export const T_CHAR = 2;
export const T_STRING = 3;
/** `<...>` after `#include`. */
export const T_HEADER = 4;
/** A stray character, or an unterminated quote running to the end of the line. */
export const T_OTHER = 5;
/** An operator or punctuator; `text` tells which. */
export const T_PUNCT = 6;
/** Carries spacing information through macro expansion; never printed. */
export const T_PADDING = 7;
/** End of a directive line, of a macro argument, or of a file. */
export const T_EOF = 8;
/** A parameter reference inside a function-like macro body. */
export const T_ARG = 9;

/** Whitespace (or a comment) precedes the token. */
export const F_PREV_WHITE = 1;
/** First token of a line. */
export const F_BOL = 2;
/** Painted blue: a macro name met inside its own expansion, never expanded again. */
export const F_NO_EXPAND = 4;
/** In a macro body: the token is the left operand of `##`. */
export const F_PASTE_LEFT = 8;
/** In a macro body: the parameter is the operand of `#`. */
export const F_STRINGIFY = 16;
/** End-of-file marker (as opposed to end of a directive line or argument). */
export const F_FILE_END = 32;

export interface Token {
  kind: number;
  text: string;
  flags: number;
  /** File where the token was spelled (its body, for macro-body tokens); null when synthesized. */
  file: FileState | null;
  /** Offset of the spelling in `file.text` (the spliced text). */
  off: number;
  /** For tokens produced by a macro expansion: the file and offset of the outermost invocation. */
  pointFile: FileState | null;
  pointOff: number;
  /** T_PADDING: the token whose spacing it stands for (null = "avoid paste" padding). */
  source: Token | null;
  /** T_ARG: parameter index. */
  arg: number;
}

export function makeToken(kind: number, text: string, flags: number, file: FileState | null, off: number): Token {
  return { kind, text, flags, file, off, pointFile: null, pointOff: 0, source: null, arg: -1 };
}

export function copyToken(t: Token): Token {
  return { kind: t.kind, text: t.text, flags: t.flags, file: t.file, off: t.off, pointFile: t.pointFile, pointOff: t.pointOff, source: t.source, arg: t.arg };
}

export function paddingToken(source: Token | null): Token {
  return { kind: T_PADDING, text: "", flags: 0, file: null, off: 0, pointFile: null, pointOff: 0, source, arg: -1 };
}

/** The shared "avoid paste" padding gcc emits after an expansion or an inserted argument. */
export const AVOID_PASTE: Token = paddingToken(null);

export function isPunct(t: Token, text: string): boolean {
  return t.kind === T_PUNCT && t.text === text;
}

/** Punctuators in assembler-with-cpp mode (no digraphs, no `::`), longest first within a prefix. */
export const PUNCTUATORS: readonly string[] = [
  "...", "<<=", ">>=",
  "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##",
  "[", "]", "(", ")", "{", "}", ".", "&", "*", "+", "-", "~", "!", "/", "%", "<", ">", "^", "|", "?", ":", ";", "=", ",", "#", "@",
];

/** Operators that paste with a following `=` into one token (gcc: everything up to CPP_LAST_EQ). */
const PASTES_WITH_EQ = new Set(["=", "!", ">", "<", "+", "-", "*", "/", "%", "&", "|", "^", ">>", "<<"]);

/** A character of an identifier (gcc: letters, digits, `_` and `$`). */
export function isIdChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/** A blank between tokens on a line: space or tab. */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Whether printing `b` right after `a` could lex as a different token sequence, in which case the
 * printer separates them with a space. Mirrors gcc's cpp_avoid_paste, which is conservative.
 */
export function avoidPaste(a: Token, b: Token): boolean {
  const c = b.kind === T_PUNCT ? b.text.charCodeAt(0) : -1;
  if (a.kind === T_PUNCT) {
    const op = a.text;
    if (c === 61 /* = */ && PASTES_WITH_EQ.has(op)) return true;
    switch (op) {
      case ">": return c === 62;
      case "<": return c === 60 || c === 37 || c === 58;
      case "+": return c === 43;
      case "-": return c === 45 || c === 62;
      case "/": return c === 47 || c === 42;
      case "%": return c === 58 || c === 62;
      case "&": return c === 38;
      case "|": return c === 124;
      case ":": return c === 58 || c === 62;
      case "->": return c === 42;
      case ".": return c === 46 || c === 37 || b.kind === T_NUMBER;
      case "#": return c === 35 || c === 37;
      case "<=": return c === 62;
      default: return false;
    }
  }
  switch (a.kind) {
    case T_NAME:
      if (b.kind === T_NUMBER) {
        for (let i = 0; i < b.text.length; i++) if (!isIdChar(b.text.charCodeAt(i))) return false;
        return true;
      }
      return b.kind === T_NAME || b.kind === T_CHAR || b.kind === T_STRING;
    case T_NUMBER:
      return b.kind === T_NUMBER || b.kind === T_NAME || b.kind === T_CHAR || c === 46 || c === 43 || c === 45;
    case T_OTHER:
      return a.text.charCodeAt(0) === 92 /* \ */ && b.kind === T_NAME;
    default:
      return false;
  }
}
