// Directive lines (`#` first on a line). Known directives run; in skipped groups only the
// conditional ones do. As in `cpp -x assembler-with-cpp`, a `#` followed by anything that is not
// a directive name (`#address-cells = <1>;`, `# 12`) is ordinary text and passes through.
import { inputTooLargeMessage } from "../source/index.ts";
import type { Engine } from "./engine.ts";
import { evaluateIf } from "./expr.ts";
import { findHeader, readHeaderName } from "./header-name.ts";
import { MAX_INCLUDE_DEPTH } from "./limits.ts";
import { parseDefinition, sameDefinition } from "./macro.ts";
import type { DefineProblem } from "./macro.ts";
import { runPragma } from "./pragma.ts";
import { F_PREV_WHITE, T_EOF, T_NAME, T_NUMBER, T_STRING } from "./token.ts";
import type { Token } from "./token.ts";

interface Directive {
  /** Runs in skipped groups too. */
  readonly cond: boolean;
  /** Its operand is a header name (`<...>` lexes as one token). */
  readonly include: boolean;
  readonly run: (e: Engine, hash: Token, name: Token) => void;
}

const DIRECTIVES = new Map<string, Directive>([
  ["define", { cond: false, include: false, run: doDefine }],
  ["undef", { cond: false, include: false, run: doUndef }],
  ["include", { cond: false, include: true, run: (e, h, n) => doInclude(e, h, n, "include") }],
  ["include_next", { cond: false, include: true, run: (e, h, n) => doInclude(e, h, n, "include_next") }],
  ["import", { cond: false, include: true, run: (e, h, n) => doInclude(e, h, n, "import") }],
  ["if", { cond: true, include: false, run: doIf }],
  ["ifdef", { cond: true, include: false, run: (e, h) => doIfdef(e, h, "ifdef") }],
  ["ifndef", { cond: true, include: false, run: (e, h) => doIfdef(e, h, "ifndef") }],
  ["elif", { cond: true, include: false, run: (e, h, n) => doElif(e, h, n, "elif") }],
  ["elifdef", { cond: true, include: false, run: (e, h, n) => doElif(e, h, n, "elifdef") }],
  ["elifndef", { cond: true, include: false, run: (e, h, n) => doElif(e, h, n, "elifndef") }],
  ["else", { cond: true, include: false, run: doElse }],
  ["endif", { cond: true, include: false, run: doEndif }],
  ["line", { cond: false, include: false, run: doLine }],
  ["error", { cond: false, include: false, run: (e, _h, n) => doDiagnostic(e, n, "error") }],
  ["warning", { cond: false, include: false, run: (e, _h, n) => doDiagnostic(e, n, "warning") }],
  ["pragma", { cond: false, include: false, run: (e) => runPragma(e, () => e.lexToken()) }],
  // Accepted and, in assembler output, dropped.
  ["ident", { cond: false, include: false, run: () => {} }],
  ["sccs", { cond: false, include: false, run: () => {} }],
  ["assert", { cond: false, include: false, run: () => {} }],
  ["unassert", { cond: false, include: false, run: () => {} }],
]);

/** The names that make a line starting with `#` a directive (else it is text; ./plain-lines.ts). */
export const DIRECTIVE_NAMES: readonly string[] = [...DIRECTIVES.keys()];

/**
 * Handles the directive whose `#` was just read. Returns false when the line is not a directive
 * (assembler text): the `#` is then returned to the caller as a token and the line continues.
 */
export function handleDirective(e: Engine, hash: Token): boolean {
  const wasParsingArgs = e.parsingArgs;
  const wasPrevent = e.preventExpansion;
  e.inDirective = true;
  if (wasParsingArgs) {
    e.parsingArgs = 0;
    e.preventExpansion = 0;
  }
  const name = e.lexToken();
  let dir = name.kind === T_NAME ? DIRECTIVES.get(name.text) : undefined;
  let consumed = true;
  if (dir) {
    e.angledHeaders = dir.include;
    e.directiveWantsPadding = dir.include;
    if (e.skipping && !dir.cond) dir = undefined;
  } else if (name.kind !== T_EOF) consumed = false;

  if (dir) {
    if (!dir.cond) e.noteGuardDirective("other");
    dir.run(e, hash, name);
  } else if (!consumed) {
    // dtc's lexer takes a marker only at the start of a line (`^"#"`).
    if (name.kind === T_NUMBER && !e.skipping && hash.file !== null && hash.file.position(hash.off).column === 1) noteLineMarker(e, name);
    else e.backup(name);
  }

  e.angledHeaders = false;
  e.directiveWantsPadding = false;
  if (consumed) e.discardDirectiveLine();
  e.inDirective = false;
  if (wasParsingArgs) {
    e.parsingArgs = wasParsingArgs;
    e.preventExpansion = wasPrevent;
  }
  return consumed;
}

/**
 * A cpp line marker in the input (`# 12 "file" 1`, a preprocessed `.pre.dts` read again): in
 * assembler mode cpp passes it through as text and dtc then reads it, so later positions are
 * those it names. The marker stays in the output; positions of what follows go through it, as
 * `cpp | dtc` reports them (dtc's lexer takes `#[line] N "file"` with optional flags).
 */
function noteLineMarker(e: Engine, number: Token): void {
  const file = e.lexToken();
  if (file.kind === T_STRING && file.text.startsWith('"') && /^[0-9]+$/.test(number.text)) {
    const name = file.text.slice(1, -1).replace(/\\(.)/g, "$1");
    e.currentFile.addLineRemap(e.currentLexer.pos, Math.min(Number(number.text), 2 ** 31 - 1), name);
  }
  // Both tokens go back, in order: the line is text for the output. (The end of the directive
  // line reads as EOF here; the line simply goes on in the output.)
  if (file.kind !== T_EOF) e.backup(file);
  e.backup(number);
}

/** Warns about anything left on the line (gcc: pedantic warning, on by default). */
function checkEol(e: Engine, directive: string, expand = false): void {
  const t = expand ? e.getNonPadding() : e.lexToken();
  if (t.kind !== T_EOF) e.warning(`extra tokens at end of #${directive} directive`, t);
}

/** Names #define and #undef refuse: the operators of #if expressions. */
export function isReservedMacroName(name: string): boolean {
  return name === "defined" || name === "__has_include" || name === "__has_include_next";
}

function lexMacroName(e: Engine, directive: string): Token | undefined {
  const t = e.lexToken();
  if (t.kind === T_NAME) {
    if (isReservedMacroName(t.text)) {
      e.error(`"${t.text}" cannot be used as a macro name`, t);
      return undefined;
    }
    return t;
  }
  e.error(t.kind === T_EOF ? `no macro name given in #${directive} directive` : "macro names must be identifiers", t);
  return undefined;
}

function doDefine(e: Engine): void {
  const nameTok = lexMacroName(e, "define");
  if (!nameTok) return;
  const problems: DefineProblem[] = [];
  const macro = parseDefinition(nameTok, () => e.lexToken(), problems);
  for (const p of problems) {
    if (p.severity === "error") e.error(p.message, p.at);
    else e.warning(p.message, p.at);
  }
  if (!macro) return;
  const old = e.macros.get(nameTok.text);
  if (old && (old.builtin || !sameDefinition(old, macro))) {
    const related = old.file ? [{ message: "this is the location of the previous definition", span: old.file.span(old.off, old.off + old.name.length) }] : undefined;
    e.warning(`"${nameTok.text}" redefined`, nameTok, related);
  }
  e.macros.set(nameTok.text, macro);
}

function doUndef(e: Engine): void {
  const nameTok = lexMacroName(e, "undef");
  if (!nameTok) return;
  const old = e.macros.get(nameTok.text);
  if (old?.builtin) e.warning(`undefining "${nameTok.text}"`, nameTok);
  e.macros.delete(nameTok.text);
  checkEol(e, "undef");
}

function doInclude(e: Engine, hash: Token, _name: Token, directive: string): void {
  const h = readHeaderName(e, `#${directive} expects "FILENAME" or <FILENAME>`);
  if (!h) return;
  checkEol(e, directive, true);
  if (h.name === "") {
    e.error(`empty filename in #${directive}`, h.at);
    return;
  }
  const depth = e.currentFile.depth + 1;
  // Fatal (gcc goes on without the file): an include cycle would otherwise report at every level.
  if (depth > MAX_INCLUDE_DEPTH) e.fatal(`#${directive} nested depth ${depth} exceeds maximum of ${MAX_INCLUDE_DEPTH}`, h.at);
  if (directive === "include_next" && e.currentFile.depth === 0) e.warning("#include_next in primary source file", hash);
  if (directive === "import") e.warning("#import is a deprecated GCC extension", hash);
  const found = findHeader(e, h, directive === "include_next");
  if (!found) e.fatal(`${h.name}: No such file or directory`, h.at, "include");
  if (!("text" in found)) {
    const { problem } = found;
    e.fatal(problem.kind === "too-large" ? inputTooLargeMessage(found.path, problem.size) : `${found.path}: ${problem.message}`, h.at, problem.kind === "too-large" ? "limit" : "include");
  }
  if (e.skipInclude(found.path)) return;
  if (directive === "import") {
    e.includeGuards.onceFiles.add(found.path);
    // An include memo cannot replay a #import (it leaves a file marked that no recording holds).
    e.recorder?.taint();
  }
  e.pendingInclude = { path: found.path, text: found.text, foundInDir: found.dirIndex, site: hash };
}

function pushConditional(e: Engine, hash: Token, skip: boolean, type: string): void {
  e.currentFile.ifStack.push({ wasSkipping: e.skipping, skipElses: e.skipping || !skip, type, off: hash.off });
  e.skipping = skip;
}

function doIf(e: Engine, hash: Token): void {
  let skip = true;
  if (!e.skipping) skip = !evaluateIf(e, "#if");
  e.noteGuardDirective("other");
  pushConditional(e, hash, skip, "if");
}

function doIfdef(e: Engine, hash: Token, directive: "ifdef" | "ifndef"): void {
  let skip = true;
  let guard: string | undefined;
  if (!e.skipping) {
    const t = lexMacroName(e, directive);
    if (t) {
      skip = e.macros.has(t.text) === (directive === "ifndef");
      checkEol(e, directive);
      guard = t.text;
    }
  }
  if (directive === "ifndef" && guard !== undefined && !e.skipping) {
    pushConditional(e, hash, skip, directive);
    e.noteGuardDirective("ifndef-open", guard);
    return;
  }
  e.noteGuardDirective("other");
  pushConditional(e, hash, skip, directive);
}

function beganHere(e: Engine, off: number) {
  return [{ message: "the conditional began here", span: e.currentFile.span(off, off + 1) }];
}

function doElif(e: Engine, _hash: Token, name: Token, directive: string): void {
  const stack = e.currentFile.ifStack;
  const ifs = stack[stack.length - 1];
  if (!ifs) {
    e.error(`#${directive} without #if`, name);
    return;
  }
  if (ifs.type === "else") e.error(`#${directive} after #else`, name, beganHere(e, ifs.off));
  ifs.type = directive;
  e.noteGuardDirective("else");
  if (ifs.skipElses) {
    e.skipping = true;
    return;
  }
  if (directive === "elif") e.skipping = !evaluateIf(e, "#elif");
  else {
    e.skipping = true;
    const t = lexMacroName(e, directive);
    if (t) {
      e.skipping = e.macros.has(t.text) === (directive === "elifndef");
      checkEol(e, directive);
    }
  }
  ifs.skipElses = !e.skipping;
}

function doElse(e: Engine, _hash: Token, name: Token): void {
  const stack = e.currentFile.ifStack;
  const ifs = stack[stack.length - 1];
  if (!ifs) {
    e.error("#else without #if", name);
    return;
  }
  if (ifs.type === "else") e.error("#else after #else", name, beganHere(e, ifs.off));
  ifs.type = "else";
  e.noteGuardDirective("else");
  e.skipping = ifs.skipElses;
  ifs.skipElses = true;
  if (!ifs.wasSkipping) checkEol(e, "else");
}

function doEndif(e: Engine, _hash: Token, name: Token): void {
  const stack = e.currentFile.ifStack;
  const ifs = stack[stack.length - 1];
  if (!ifs) {
    e.error("#endif without #if", name);
    return;
  }
  if (!ifs.wasSkipping) checkEol(e, "endif");
  stack.pop();
  e.skipping = ifs.wasSkipping;
  e.noteGuardDirective("endif-close");
}

function doLine(e: Engine): void {
  const t = e.getNonPadding();
  if (t.kind !== T_NUMBER || !/^[0-9]+$/.test(t.text)) {
    e.error(`"${t.text}" after #line is not a positive integer`, t);
    return;
  }
  const line = Number(t.text);
  if (line > 2147483647) e.warning("line number out of range", t);
  const f = e.getNonPadding();
  let name: string | undefined;
  if (f.kind === T_STRING && f.text.startsWith('"')) {
    name = f.text.slice(1, -1).replace(/\\(.)/g, "$1");
    checkEol(e, "line", true);
  } else if (f.kind !== T_EOF) {
    e.error(`"${f.text}" is not a valid filename`, f);
    return;
  }
  e.currentFile.addLineRemap(e.currentLexer.pos, line, name);
}

function doDiagnostic(e: Engine, name: Token, severity: "error" | "warning"): void {
  let text = `#${severity} `;
  let first = true;
  for (let t = e.lexToken(); t.kind !== T_EOF; t = e.lexToken()) {
    if (!first && t.flags & F_PREV_WHITE) text += " ";
    text += t.text;
    first = false;
  }
  if (severity === "error") e.error(text, name);
  else e.warning(text, name);
}
