// Macro definitions: parsing the replacement list of `#define` the way gcc stores it (parameters
// become T_ARG tokens, `#param` a T_ARG with F_STRINGIFY, `a ## b` drops the `##` and flags `a`
// with F_PASTE_LEFT), and the "same definition" test that decides whether a redefinition warns.
import type { FileState } from "./file-state.ts";
import { F_PASTE_LEFT, F_PREV_WHITE, F_STRINGIFY, isPunct, makeToken, T_ARG, T_CHAR, T_EOF, T_NAME, T_OTHER, T_PADDING, T_STRING } from "./token.ts";
import type { Token } from "./token.ts";

/** Built-in macros (gcc's BT_* nodes); 0 marks a user macro. */
export const B_NONE = 0;
export const B_FILE = 1;
export const B_LINE = 2;
export const B_BASE_FILE = 3;
export const B_INCLUDE_LEVEL = 4;
export const B_COUNTER = 5;
export const B_DATE = 6;
export const B_TIME = 7;
export const B_TIMESTAMP = 8;
export const B_PRAGMA = 9;

export const BUILTIN_NAMES: ReadonlyArray<readonly [string, number]> = [
  ["__FILE__", B_FILE],
  ["__LINE__", B_LINE],
  ["__BASE_FILE__", B_BASE_FILE],
  ["__INCLUDE_LEVEL__", B_INCLUDE_LEVEL],
  ["__COUNTER__", B_COUNTER],
  ["__DATE__", B_DATE],
  ["__TIME__", B_TIME],
  ["__TIMESTAMP__", B_TIMESTAMP],
  ["_Pragma", B_PRAGMA],
];

export interface Macro {
  readonly name: string;
  readonly funLike: boolean;
  readonly params: readonly string[];
  readonly variadic: boolean;
  readonly body: readonly Token[];
  readonly builtin: number;
  /** Where it was defined (null for built-ins and the command line's synthetic buffer is fine too). */
  readonly file: FileState | null;
  readonly off: number;
  /** Set while its expansion is being rescanned (the "blue paint" rule). */
  disabled: boolean;
}

export function builtinMacro(name: string, builtin: number): Macro {
  return { name, funLike: false, params: [], variadic: false, body: [], builtin, file: null, off: 0, disabled: false };
}

export interface DefineProblem {
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly at: Token;
}

/**
 * Parses what follows the macro name of a `#define`. `next` returns the raw (unexpanded) tokens
 * of the directive line, T_EOF at its end. Returns undefined after an error.
 */
export function parseDefinition(nameTok: Token, next: () => Token, problems: DefineProblem[]): Macro | undefined {
  let tok = next();
  let funLike = false;
  let variadic = false;
  const params: string[] = [];
  if (isPunct(tok, "(") && !(tok.flags & F_PREV_WHITE)) {
    funLike = true;
    if (!parseParams(next, params, problems, tok)) return undefined;
    variadic = params.length > 0 && params[params.length - 1]!.endsWith("...");
    if (variadic) params[params.length - 1] = params[params.length - 1]!.slice(0, -3) || "__VA_ARGS__";
    tok = next();
  } else if (tok.kind !== T_EOF && !(tok.flags & F_PREV_WHITE)) {
    problems.push({ severity: "warning", message: "missing whitespace after the macro name", at: tok });
  }

  const body: Token[] = [];
  while (tok.kind !== T_EOF) {
    let t = tok;
    tok = next();
    if (t.kind === T_NAME) {
      const index = funLike ? params.indexOf(t.text) : -1;
      if (index >= 0) {
        t = makeToken(T_ARG, t.text, t.flags, t.file, t.off);
        t.arg = index;
      } else if (t.text === "__VA_ARGS__") {
        problems.push({ severity: "warning", message: "__VA_ARGS__ can only appear in the expansion of a C99 variadic macro", at: t });
      }
    } else if (funLike && isPunct(t, "#")) {
      // `#param` stringifies; in assembler mode a `#` before anything else is an ordinary token.
      const index = tok.kind === T_NAME ? params.indexOf(tok.text) : -1;
      if (index >= 0) {
        const a = makeToken(T_ARG, tok.text, (tok.flags & ~F_PREV_WHITE) | (t.flags & F_PREV_WHITE) | F_STRINGIFY, tok.file, tok.off);
        a.arg = index;
        t = a;
        tok = next();
      }
    } else if (isPunct(t, "##")) {
      if (body.length === 0) {
        problems.push({ severity: "error", message: "'##' cannot appear at either end of a macro expansion", at: t });
        return undefined;
      }
      const last = body[body.length - 1]!;
      if (last.flags & F_PASTE_LEFT) continue; // `a ## ## b`: one paste
      body[body.length - 1] = { ...last, flags: last.flags | F_PASTE_LEFT };
      if (tok.kind === T_EOF) {
        problems.push({ severity: "error", message: "'##' cannot appear at either end of a macro expansion", at: t });
        return undefined;
      }
      continue;
    }
    body.push(body.length === 0 ? { ...t, flags: t.flags & ~F_PREV_WHITE } : t);
  }
  return { name: nameTok.text, funLike, params, variadic, body, builtin: 0, file: nameTok.file, off: nameTok.off, disabled: false };
}

/** Parameter list after `(`; a variadic parameter is stored with a trailing "...". */
function parseParams(next: () => Token, params: string[], problems: DefineProblem[], open: Token): boolean {
  let prev: Token = open;
  for (;;) {
    const tok = next();
    if (tok.kind === T_NAME) {
      if (params.includes(tok.text)) {
        problems.push({ severity: "error", message: `duplicate macro parameter "${tok.text}"`, at: tok });
        return false;
      }
      if (tok.text === "__VA_ARGS__") problems.push({ severity: "warning", message: "__VA_ARGS__ can only appear in the expansion of a C99 variadic macro", at: tok });
      const after = next();
      if (isPunct(after, ",")) {
        params.push(tok.text);
        prev = after;
        continue;
      }
      if (isPunct(after, ")")) {
        params.push(tok.text);
        return true;
      }
      if (isPunct(after, "...")) {
        params.push(tok.text + "...");
        const close = next();
        if (isPunct(close, ")")) return true;
        problems.push({ severity: "error", message: `expected ')' after "..."`, at: close });
        return false;
      }
      problems.push({
        severity: "error",
        message: after.kind === T_EOF ? "expected ')' before end of line" : `expected ',' or ')', found "${after.text}"`,
        at: after,
      });
      return false;
    }
    if (isPunct(tok, ")") && params.length === 0 && prev === open) return true;
    if (isPunct(tok, "...")) {
      params.push("...");
      const close = next();
      if (isPunct(close, ")")) return true;
      problems.push({ severity: "error", message: `expected ')' after "..."`, at: close });
      return false;
    }
    problems.push({
      severity: "error",
      message: tok.kind === T_EOF ? "expected parameter name before end of line" : `expected parameter name, found "${tok.text}"`,
      at: tok,
    });
    return false;
  }
}

const COMPARED_FLAGS = F_PREV_WHITE | F_PASTE_LEFT | F_STRINGIFY;

/** Whether two definitions are the same (no redefinition warning): gcc's warn_of_redefinition. */
export function sameDefinition(a: Macro, b: Macro): boolean {
  if (a.builtin || b.builtin) return false;
  if (a.funLike !== b.funLike || a.variadic !== b.variadic || a.params.length !== b.params.length) return false;
  for (let i = 0; i < a.params.length; i++) if (a.params[i] !== b.params[i]) return false;
  if (a.body.length !== b.body.length) return false;
  for (let i = 0; i < a.body.length; i++) {
    const x = a.body[i]!;
    const y = b.body[i]!;
    if (x.kind !== y.kind || x.text !== y.text || x.arg !== y.arg) return false;
    if ((x.flags & COMPARED_FLAGS) !== (y.flags & COMPARED_FLAGS)) return false;
  }
  return true;
}

const expandedParams = new WeakMap<Macro, boolean[]>();

/**
 * Whether the macro's parameter `index` is used macro-expanded in its body (gcc's expand_arg runs
 * for it), as opposed to only with `#` or `##`. Invocations inside an argument for such a
 * parameter are expanded one level deeper than the invocation itself.
 */
export function expandsParam(m: Macro, index: number): boolean {
  let flags = expandedParams.get(m);
  if (flags === undefined) {
    flags = m.params.map(() => false);
    const body = m.body;
    for (let i = 0; i < body.length; i++) {
      const t = body[i]!;
      if (t.arg < 0) continue;
      const pasted = (t.flags & F_PASTE_LEFT) !== 0 || (i > 0 && (body[i - 1]!.flags & F_PASTE_LEFT) !== 0);
      if (!(t.flags & F_STRINGIFY) && !pasted) flags[t.arg] = true;
    }
    expandedParams.set(m, flags);
  }
  // Arguments past the last parameter belong to the variadic one.
  return flags[Math.min(index, flags.length - 1)] ?? false;
}

/**
 * The `#` operator (gcc's stringify_arg): the argument's tokens as a string literal, a space where
 * the source had whitespace, quotes and backslashes of string and char literals escaped. An odd
 * number of trailing backslashes is dropped with a warning, as gcc does.
 */
export function stringifyArgument(tokens: readonly Token[], pointFile: FileState | null, pointOff: number, warn: (message: string, at: Token | null) => void): Token {
  let dest = '"';
  let source: Token | null = null;
  let backslashes = 0;
  for (const t of tokens) {
    if (t.kind === T_PADDING) {
      if (source === null || (!(source.flags & F_PREV_WHITE) && t.source === null)) source = t.source;
      continue;
    }
    if (dest.length > 1) {
      if (source === null) source = t;
      if (source.flags & F_PREV_WHITE) dest += " ";
    }
    source = null;
    dest += t.kind === T_STRING || t.kind === T_CHAR ? t.text.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : "\\" + c)) : t.text;
    backslashes = t.kind === T_OTHER && t.text.charCodeAt(0) === 92 ? backslashes + 1 : 0;
  }
  if (backslashes & 1) {
    warn("invalid string literal, ignoring final '\\'", tokens[tokens.length - 1] ?? null);
    dest = dest.slice(0, -1);
  }
  const t = makeToken(T_STRING, dest + '"', 0, null, 0);
  t.pointFile = pointFile;
  t.pointOff = pointOff;
  return t;
}
