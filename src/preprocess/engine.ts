// The preprocessor proper: the include stack, the token reader with macro expansion, and the
// main loop feeding the printer. The expansion algorithm is gcc's (libcpp/macro.cc), because the
// goal is cpp's output token for token: a stack of token contexts, a macro disabled while its
// context is live (names met then are painted and never expanded again), function-like macros
// rescanned together with the text that follows them, arguments pre-expanded in isolation unless
// they are operands of `#` or `##`, and padding tokens that carry spacing through all of this.
import { FatalInputError } from "../source/index.ts";
import type { DiagnosticSink, FileHost, RelatedSpan, Span } from "../source/index.ts";
import { handleDirective } from "./directives.ts";
import { FileState } from "./file-state.ts";
import { Lexer } from "./lexer.ts";
import type { IncludeMemo, MemoHost } from "./include-memo.ts";
import { MacroTable, memoHostOf, MemoRecorder } from "./memo-recorder.ts";
import { MAX_EXPANDED_TOKENS, MAX_EXPANSION_DEPTH, MAX_FILE_BYTES, MAX_INCLUDED_FILES, MAX_LINE_BYTES, MAX_OUTPUT_BYTES } from "./limits.ts";
import { B_BASE_FILE, B_COUNTER, B_DATE, B_FILE, B_INCLUDE_LEVEL, B_LINE, B_PRAGMA, B_TIME, B_TIMESTAMP, BUILTIN_NAMES, builtinMacro } from "./macro.ts";
import type { Macro } from "./macro.ts";
import { Printer } from "./printer.ts";
import { runPragma } from "./pragma.ts";
import {
  AVOID_PASTE, copyToken, F_BOL, F_FILE_END, F_NO_EXPAND, F_PASTE_LEFT, F_PREV_WHITE, F_STRINGIFY, isPunct, makeToken, paddingToken,
  T_CHAR, T_EOF, T_NAME, T_NUMBER, T_OTHER, T_PADDING, T_STRING,
} from "./token.ts";
import type { Token } from "./token.ts";

/** End of a pre-expanded macro argument (gcc's pfile->endarg): the only T_EOF that is backed up. */
const ENDARG: Token = makeToken(T_EOF, "", 0, null, 0);

interface Context {
  /** The macro whose expansion this is; contexts pushed for pastes inherit the current one. */
  readonly macro: Macro | null;
  readonly tokens: readonly Token[];
  pos: number;
}

/** Multiple-include optimisation: is the whole file one `#ifndef GUARD` ... `#endif`? */
interface GuardState {
  macro: string | null;
  valid: boolean;
  closed: boolean;
}

interface MacroArg {
  readonly tokens: Token[];
  /** The variadic argument was left out entirely (`, ## __VA_ARGS__` then drops the comma). */
  omitted: boolean;
  expanded: Token[] | null;
  stringified: Token | null;
}

export interface EngineOptions {
  readonly host: FileHost;
  readonly includeDirs: readonly string[];
  /** Replays includes recorded by earlier runs with the same include directories. */
  readonly includeMemo?: IncludeMemo;
}

/** A pending `#include`: entered after its directive line has been consumed. */
export interface PendingInclude {
  readonly path: string;
  readonly text: string;
  readonly foundInDir: number;
  readonly site: Token;
}

export class Engine {
  readonly macros = new MacroTable();
  /** `#pragma push_macro` stacks. */
  readonly pushedMacros = new Map<string, (Macro | undefined)[]>();
  readonly poisoned = new Set<string>();
  /** Paths marked `#pragma once` / `#import`. */
  readonly onceFiles = new Set<string>();
  /** Include guards seen: path -> guard macro (multiple-include optimisation). */
  readonly guards = new Map<string, string>();
  private readonly fileCache = new Map<string, string | null>();

  private readonly contexts: Context[] = [];
  private readonly lexers: Lexer[] = [];
  /** Tokens backed up to the lexer (a stack: the last one is read next). */
  private readonly lookahead: Token[] = [];

  // gcc's pfile->state.
  inDirective = false;
  preventExpansion = 0;
  /** 0, 1 while looking for the `(` of a function-like macro, 2 while collecting its arguments. */
  parsingArgs = 0;
  skipping = false;
  angledHeaders = false;
  directiveWantsPadding = false;
  pendingInclude: PendingInclude | null = null;

  private argDepth = 0;
  expandedTokens = 0;
  includedFiles = 0;
  private counter = 0;
  private readonly startTime = new Date();
  readonly printer: Printer;
  /** Multiple-include guard detection for the files on the stack. */
  private readonly guardState = new Map<FileState, GuardState>();
  /** Guard state of the file being read (the hot path checks it for every token). */
  private currentGuard: GuardState | null = null;
  /** Records includes for the include memo (null without one). */
  readonly recorder: MemoRecorder | null;

  constructor(
    readonly options: EngineOptions,
    readonly sink: DiagnosticSink,
    readonly mainFile: FileState,
  ) {
    for (const [name, b] of BUILTIN_NAMES) this.macros.set(name, builtinMacro(name, b));
    const memo = options.includeMemo;
    this.recorder = memo && memo.includeDirs.join("\0") === options.includeDirs.join("\0") ? new MemoRecorder(memo) : null;
    this.macros.recorder = this.recorder;
    this.printer = new Printer(() => this.fatal(`output exceeds ${MAX_OUTPUT_BYTES} bytes`, null), this.recorder);
  }

  /** Something an include memo cannot replay happened (a pragma, `#import`, __COUNTER__...). */
  noteUnrecordable(): void {
    this.recorder?.taint();
  }

  private memoHostCache: MemoHost | undefined;

  /** What the include memo reads and replays (src/preprocess/include-memo.ts). */
  private memoHost(): MemoHost {
    return (this.memoHostCache ??= memoHostOf(this));
  }

  // ---- diagnostics ----

  spanOf(t: Token | null): Span | undefined {
    if (!t) return undefined;
    // A token out of a macro body is reported where the outermost macro was invoked.
    if (t.pointFile) return t.pointFile.span(t.pointOff, t.pointOff + 1);
    if (t.file) return t.file.span(t.off, t.off + Math.max(1, t.text.length));
    return undefined;
  }

  error(message: string, at: Token | null, related?: RelatedSpan[], code = "preprocess"): void {
    this.sink.error(code, message, this.spanOf(at) ?? this.currentSpan(), related);
  }

  warning(message: string, at: Token | null, related?: RelatedSpan[]): void {
    this.sink.warning("preprocess", message, this.spanOf(at) ?? this.currentSpan(), related);
  }

  /** Reports and stops preprocessing. */
  fatal(message: string, at: Token | null, code = "preprocess"): never {
    const span = this.spanOf(at) ?? this.currentSpan();
    const d = { severity: "error" as const, code, message, span };
    this.sink.add(d);
    throw new FatalInputError(d);
  }

  private currentSpan(): Span | undefined {
    const lx = this.lexers[this.lexers.length - 1];
    return lx ? lx.file.span(lx.pos, lx.pos) : undefined;
  }

  // ---- files ----

  get currentFile(): FileState {
    return this.lexers[this.lexers.length - 1]!.file;
  }

  get currentLexer(): Lexer {
    return this.lexers[this.lexers.length - 1]!;
  }

  /** Reads a file through the host (cached; undefined when it cannot be read). */
  readFile(path: string): string | undefined {
    const cached = this.fileCache.get(path);
    if (cached !== undefined) return cached ?? undefined;
    const text = this.options.host.readText(path);
    this.fileCache.set(path, text ?? null);
    return text;
  }

  pushFile(file: FileState): void {
    if (++this.includedFiles > MAX_INCLUDED_FILES) this.fatal(`more than ${MAX_INCLUDED_FILES} files included`, null);
    if (file.raw.length > MAX_FILE_BYTES) this.fatal(`${file.name}: file is larger than ${MAX_FILE_BYTES} bytes`, null);
    checkLineLengths(this, file);
    for (const off of file.spacedSplices) this.sink.warning("preprocess", "backslash and newline separated by space", file.span(off, off));
    this.lexers.push(new Lexer(file, (message, f, off) => this.sink.error("preprocess", message, f.span(off, off + 2))));
    this.currentGuard = { macro: null, valid: true, closed: false };
    this.guardState.set(file, this.currentGuard);
  }

  /** Whether an include of `path` can be skipped: `#pragma once`, or its guard macro is defined. */
  skipInclude(path: string): boolean {
    const q = this.guardQuery(path);
    return q.once || (q.guard !== undefined && this.macros.has(q.guard));
  }

  guardQuery(path: string): { once: boolean; guard: string | undefined } {
    const q = { once: this.onceFiles.has(path), guard: this.guards.get(path) };
    this.recorder?.guardQueried(path, q);
    return q;
  }

  private popFile(): void {
    const file = this.lexers.pop()!.file;
    for (let i = file.ifStack.length - 1; i >= 0; i--) {
      const ifs = file.ifStack[i]!;
      this.sink.error("preprocess", `unterminated #${ifs.type}`, file.span(ifs.off, ifs.off + 1));
    }
    file.ifStack.length = 0;
    this.skipping = false;
    const g = this.guardState.get(file);
    if (g && g.valid && g.closed && g.macro !== null && file.includedFrom) {
      this.guards.set(file.name, g.macro);
      this.recorder?.guardSet(file.name, g.macro);
    }
    this.guardState.delete(file);
    const lx = this.lexers[this.lexers.length - 1];
    this.currentGuard = lx ? (this.guardState.get(lx.file) ?? null) : null;
    this.recorder?.leave(this.memoHost(), file, this.contexts.length === 0 && this.lookahead.length === 0);
  }

  /** Directive bookkeeping for include-guard detection. */
  noteGuardDirective(kind: "ifndef-open" | "endif-close" | "else" | "other", macro?: string): void {
    const g = this.guardState.get(this.currentFile);
    if (!g || !g.valid) return;
    const depth = this.currentFile.ifStack.length;
    if (kind === "ifndef-open" && g.macro === null && depth === 1) g.macro = macro ?? null;
    else if (kind === "endif-close" && g.macro !== null && depth === 0 && !g.closed) g.closed = true;
    else if (kind === "else" && depth === 1) g.valid = false;
    else if ((kind === "other" || kind === "ifndef-open") && (g.macro === null || g.closed)) g.valid = false;
  }

  private noteGuardToken(): void {
    const g = this.currentGuard;
    if (g && g.valid && (g.macro === null || g.closed)) g.valid = false;
  }

  // ---- lexing ----

  /** A token from the current file; at the end of an included file, continues in the includer. */
  private lexDirect(): Token {
    for (;;) {
      const lx = this.currentLexer;
      const t = lx.lex(this.inDirective, this.angledHeaders, this.parsingArgs === 2);
      if (t.kind !== T_EOF) {
        if (t.kind === T_NAME && this.poisoned.size > 0 && !this.skipping && this.poisoned.has(t.text)) {
          this.error(`attempt to use poisoned "${t.text}"`, t);
        }
        return t;
      }
      // End of a directive line or of a file. A file end inside a directive or an argument list
      // is reported as such; the file is left (and the includer resumed) on the next read.
      if (!(t.flags & F_FILE_END) || this.inDirective || this.parsingArgs !== 0 || this.lexers.length === 1) return t;
      this.popFile();
    }
  }

  /** gcc's _cpp_lex_token: lookahead, directives at the start of a line, skipped groups. */
  lexToken(): Token {
    for (;;) {
      const result = this.lookahead.length > 0 ? this.lookahead.pop()! : this.lexDirect();
      if (result.flags & F_BOL) {
        if (isPunct(result, "#") && this.parsingArgs !== 1 && result.file !== null) {
          if (handleDirective(this, result)) {
            if (this.pendingInclude) this.enterPendingInclude();
            continue;
          }
        }
        if (!this.skipping && this.parsingArgs === 0 && result.kind !== T_EOF) this.printer.lineChange(result);
      }
      if (this.inDirective) return result;
      if (result.kind !== T_EOF) this.noteGuardToken();
      if (!this.skipping || result.kind === T_EOF) return result;
    }
  }

  private enterPendingInclude(): void {
    const p = this.pendingInclude!;
    this.pendingInclude = null;
    const site = p.site;
    // An include memo replays a recording only between top-level tokens (no expansion, argument
    // list or backed-up token open), where a file's output depends on nothing else.
    const clean = this.contexts.length === 0 && this.lookahead.length === 0 && this.parsingArgs === 0 && this.poisoned.size === 0;
    if (this.recorder && clean && this.recorder.replay(this.memoHost(), p.path, p.foundInDir, this.currentFile.depth + 1)) return;
    const dirEnd = p.path.lastIndexOf("/");
    const file = new FileState(p.path, dirEnd < 0 ? "" : p.path.slice(0, dirEnd), p.text, { file: site.file!, off: site.off }, p.foundInDir);
    this.pushFile(file);
    this.recorder?.enter(this.memoHost(), file, p.foundInDir, clean);
  }

  /** Gives back the last token read (gcc's _cpp_backup_tokens with a count of 1). */
  backup(t: Token): void {
    const n = this.contexts.length;
    if (n === 0) this.lookahead.push(t);
    else this.contexts[n - 1]!.pos--;
  }

  /** Ends a directive: drops the rest of its line and anything expanded from it. */
  discardDirectiveLine(): void {
    while (this.contexts.length > 0) this.popContext();
    this.lookahead.length = 0;
    this.currentLexer.skipToNextLine();
  }

  // ---- macro expansion ----

  private pushContext(macro: Macro | null, inherit: boolean, tokens: readonly Token[]): void {
    const m = macro ?? (inherit && this.contexts.length > 0 ? this.contexts[this.contexts.length - 1]!.macro : null);
    this.contexts.push({ macro: m, tokens, pos: 0 });
  }

  private popContext(): void {
    const c = this.contexts.pop()!;
    const m = c.macro;
    if (m && (this.contexts.length === 0 || this.contexts[this.contexts.length - 1]!.macro !== m)) m.disabled = false;
  }

  /** gcc's cpp_get_token: the next token after macro expansion (paddings included outside directives). */
  getToken(): Token {
    for (;;) {
      let result: Token;
      const n = this.contexts.length;
      if (n === 0) result = this.lexToken();
      else {
        const c = this.contexts[n - 1]!;
        if (c.pos < c.tokens.length) {
          result = c.tokens[c.pos++]!;
          if (result.flags & F_PASTE_LEFT) {
            this.pasteAll(result);
            if (this.inDirective) continue;
            return paddingToken(result);
          }
        } else {
          this.popContext();
          if (this.inDirective) continue;
          return AVOID_PASTE;
        }
      }
      if (result.kind !== T_NAME || result.flags & F_NO_EXPAND) return result;
      const m = this.macros.get(result.text);
      if (m === undefined) return result;
      if (m.disabled) {
        const painted = copyToken(result);
        painted.flags |= F_NO_EXPAND;
        return painted;
      }
      if (this.preventExpansion) return result;
      if (this.enterMacro(m, result)) {
        if (this.inDirective) continue;
        return paddingToken(result);
      }
      return result;
    }
  }

  /** The next token that is not padding. */
  getNonPadding(): Token {
    for (;;) {
      const t = this.getToken();
      if (t.kind !== T_PADDING) return t;
    }
  }

  /** Copies a macro body for one expansion, recording the invocation point on every token. */
  private instantiate(tokens: readonly Token[], pointFile: FileState | null, pointOff: number): Token[] {
    this.countExpanded(tokens.length);
    const out: Token[] = new Array<Token>(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const t = copyToken(tokens[i]!);
      t.pointFile = pointFile;
      t.pointOff = pointOff;
      out[i] = t;
    }
    return out;
  }

  private countExpanded(n: number): void {
    this.expandedTokens += n;
    if (this.expandedTokens > MAX_EXPANDED_TOKENS) this.fatal(`macro expansion produced more than ${MAX_EXPANDED_TOKENS} tokens`, null);
  }

  private enterMacro(m: Macro, name: Token): boolean {
    if (m.builtin) return this.expandBuiltin(m, name);
    const pointFile = name.pointFile ?? name.file;
    const pointOff = name.pointFile ? name.pointOff : name.off;
    let tokens: Token[];
    if (m.funLike) {
      this.preventExpansion++;
      this.parsingArgs = 1;
      const args = this.funlikeInvocation(m, name);
      this.parsingArgs = 0;
      this.preventExpansion--;
      if (!args) return false;
      tokens = m.params.length > 0 ? this.replaceArgs(m, args, pointFile, pointOff) : this.instantiate(m.body, pointFile, pointOff);
    } else tokens = this.instantiate(m.body, pointFile, pointOff);
    m.disabled = true;
    this.pushContext(m, false, tokens);
    return true;
  }

  /** Looks for the `(` of an invocation without losing intervening padding; collects the arguments. */
  private funlikeInvocation(m: Macro, name: Token): MacroArg[] | null {
    let padding: Token | null = null;
    let tok: Token;
    for (;;) {
      tok = this.getToken();
      if (tok.kind !== T_PADDING) break;
      if (padding === null || (!(padding.flags & F_PREV_WHITE) && tok.source === null)) padding = tok;
    }
    if (isPunct(tok, "(")) {
      this.parsingArgs = 2;
      return this.collectArgs(m, name);
    }
    if (tok.kind !== T_EOF || tok === ENDARG) {
      this.backup(tok);
      if (padding) this.pushContext(null, true, [padding]);
    }
    return null;
  }

  private collectArgs(m: Macro, name: Token): MacroArg[] | null {
    const paramc = m.params.length;
    const args: MacroArg[] = [];
    let argc = 0;
    let tok: Token;
    do {
      argc++;
      const tokens: Token[] = [];
      let depth = 0;
      for (;;) {
        tok = this.getToken();
        if (tok.kind === T_PADDING) {
          if (tokens.length === 0) continue;
        } else if (isPunct(tok, "(")) depth++;
        else if (isPunct(tok, ")")) {
          if (depth-- === 0) break;
        } else if (isPunct(tok, ",")) {
          if (depth === 0 && !(m.variadic && argc === paramc)) break;
        } else if (tok.kind === T_EOF || (isPunct(tok, "#") && tok.flags & F_BOL)) break;
        tokens.push(tok);
      }
      while (tokens.length > 0 && tokens[tokens.length - 1]!.kind === T_PADDING) tokens.pop();
      if (argc <= Math.max(paramc, 1)) args.push({ tokens, omitted: false, expanded: null, stringified: null });
    } while (!isPunct(tok, ")") && tok.kind !== T_EOF);

    if (tok.kind === T_EOF) {
      if (tok === ENDARG) this.backup(tok);
      this.error(`unterminated argument list invoking macro "${m.name}"`, name);
      return null;
    }
    if (argc === 1 && paramc === 0 && args[0]!.tokens.length === 0) argc = 0;
    if (!this.argumentsOk(m, name, argc)) return null;
    if (m.variadic && (argc < paramc || (argc === 1 && args[0]!.tokens.length === 0))) {
      if (argc < paramc) args.push({ tokens: [], omitted: true, expanded: null, stringified: null });
      else args[paramc - 1]!.omitted = true;
    }
    return args;
  }

  private argumentsOk(m: Macro, name: Token, argc: number): boolean {
    const paramc = m.params.length;
    if (argc === paramc) return true;
    if (argc < paramc) {
      if (argc + 1 === paramc && m.variadic) return true;
      this.error(`macro "${m.name}" requires ${paramc} arguments, but only ${argc} given`, name, this.definedHere(m));
    } else this.error(`macro "${m.name}" passed ${argc} arguments, but takes just ${paramc}`, name, this.definedHere(m));
    return false;
  }

  private definedHere(m: Macro): RelatedSpan[] | undefined {
    return m.file ? [{ message: `macro "${m.name}" defined here`, span: m.file.span(m.off, m.off + m.name.length) }] : undefined;
  }

  /** Substitutes arguments into a function-like macro's body (gcc's replace_args). */
  private replaceArgs(m: Macro, args: MacroArg[], pointFile: FileState | null, pointOff: number): Token[] {
    const body = m.body;
    for (let i = 0; i < body.length; i++) {
      const src = body[i]!;
      if (src.arg < 0) continue;
      const arg = args[src.arg]!;
      if (src.flags & F_STRINGIFY) arg.stringified ??= this.stringify(arg.tokens, pointFile, pointOff);
      else if (src.flags & F_PASTE_LEFT || (i > 0 && body[i - 1]!.flags & F_PASTE_LEFT)) continue;
      else if (arg.expanded === null) arg.expanded = this.expandArg(arg);
    }
    const out: Token[] = [];
    for (let i = 0; i < body.length; i++) {
      const src = body[i]!;
      if (src.arg < 0) {
        const t = copyToken(src);
        t.pointFile = pointFile;
        t.pointOff = pointOff;
        out.push(t);
        continue;
      }
      const arg = args[src.arg]!;
      let pasteFlagAt = -1;
      let from: readonly Token[];
      const afterPaste = i > 0 && (body[i - 1]!.flags & F_PASTE_LEFT) !== 0;
      if (src.flags & F_STRINGIFY) from = [arg.stringified!];
      else if (src.flags & F_PASTE_LEFT) from = arg.tokens;
      else if (afterPaste) {
        from = arg.tokens;
        if (out.length > 0) {
          const last = out.length - 1;
          if (isPunct(out[last]!, ",") && m.variadic && src.arg === m.params.length - 1) {
            // GNU `, ## __VA_ARGS__`: the comma goes when the variable arguments were left out.
            if (arg.omitted) out.pop();
            else pasteFlagAt = last;
          } else if (from.length === 0) pasteFlagAt = last;
        }
      } else from = arg.expanded ?? [];
      if ((!this.inDirective || this.directiveWantsPadding) && i > 0 && !afterPaste) out.push(paddingToken(src));
      if (from.length > 0) {
        this.countExpanded(from.length);
        for (const t of from) out.push(t);
        if (src.flags & F_PASTE_LEFT) pasteFlagAt = out.length - 1;
      }
      if (!this.inDirective && !(src.flags & F_PASTE_LEFT)) out.push(AVOID_PASTE);
      if (pasteFlagAt >= 0) {
        const t = copyToken(out[pasteFlagAt]!);
        if (src.flags & F_PASTE_LEFT) t.flags |= F_PASTE_LEFT;
        else t.flags &= ~F_PASTE_LEFT;
        out[pasteFlagAt] = t;
      }
    }
    return out;
  }

  /** Fully macro-expands one argument in isolation (gcc's expand_arg). */
  private expandArg(arg: MacroArg): Token[] {
    if (arg.tokens.length === 0) return [];
    if (this.argDepth >= MAX_EXPANSION_DEPTH) this.fatal(`macro invocations nested more than ${MAX_EXPANSION_DEPTH} deep in arguments`, arg.tokens[0]!);
    this.argDepth++;
    this.pushContext(null, false, [...arg.tokens, ENDARG]);
    const out: Token[] = [];
    for (;;) {
      const t = this.getToken();
      if (t.kind === T_EOF) break;
      out.push(t);
    }
    this.popContext();
    this.argDepth--;
    return out;
  }

  /** The `#` operator (gcc's stringify_arg). */
  private stringify(tokens: readonly Token[], pointFile: FileState | null, pointOff: number): Token {
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
      this.warning("invalid string literal, ignoring final '\\'", tokens[tokens.length - 1] ?? null);
      dest = dest.slice(0, -1);
    }
    const t = makeToken(T_STRING, dest + '"', 0, null, 0);
    t.pointFile = pointFile;
    t.pointOff = pointOff;
    return t;
  }

  /** Handles a run of `##` starting at `first` in the current context (gcc's paste_all_tokens). */
  private pasteAll(first: Token): void {
    const c = this.contexts[this.contexts.length - 1]!;
    let lhs = first;
    let rhs: Token;
    do {
      rhs = c.tokens[c.pos++]!;
      const pasted = this.pasteTokens(lhs, rhs);
      if (pasted === null) {
        // Assembler mode: no error, the operands stay two tokens.
        c.pos--;
        lhs = copyToken(lhs);
        lhs.flags &= ~F_PASTE_LEFT;
        break;
      }
      lhs = pasted;
    } while (rhs.flags & F_PASTE_LEFT);
    this.pushContext(null, true, [lhs]);
  }

  private pasteTokens(lhs: Token, rhs: Token): Token | null {
    let text = lhs.text;
    // A space keeps `/` `/` from becoming a comment (the paste then fails, as in gcc).
    if (isPunct(lhs, "/") && !isPunct(rhs, "=")) text += " ";
    if (rhs.kind !== T_PADDING) text += rhs.text;
    const probe = new Lexer(new FileState("<paste>", "", text, null, -1), () => {});
    const t = probe.lex(true, false, false);
    if (probe.pos !== text.length || t.kind === T_EOF) return null;
    const result = makeToken(t.kind, text, lhs.flags & F_PREV_WHITE, lhs.file, lhs.off);
    result.pointFile = lhs.pointFile;
    result.pointOff = lhs.pointOff;
    return result;
  }

  private expandBuiltin(m: Macro, name: Token): boolean {
    // __FILE__ and __LINE__ depend on where they are; the others on the run (an include memo
    // cannot replay them).
    if (m.builtin !== B_FILE && m.builtin !== B_LINE) this.recorder?.taint();
    const pointFile = name.pointFile ?? name.file;
    const pointOff = name.pointFile ? name.pointOff : name.off;
    const where = pointFile ? pointFile.position(pointOff) : { file: this.currentFile.name, line: 1, column: 1 };
    let kind = T_NUMBER;
    let text: string;
    switch (m.builtin) {
      case B_LINE:
        text = String(where.line);
        break;
      case B_FILE:
        kind = T_STRING;
        text = quoteString(where.file);
        break;
      case B_BASE_FILE:
        kind = T_STRING;
        text = quoteString(this.mainFile.name);
        break;
      case B_INCLUDE_LEVEL:
        text = String(this.currentFile.depth);
        break;
      case B_COUNTER:
        text = String(this.counter++);
        break;
      case B_DATE:
        kind = T_STRING;
        text = `"${MONTHS[this.startTime.getMonth()]} ${String(this.startTime.getDate()).padStart(2, " ")} ${this.startTime.getFullYear()}"`;
        break;
      case B_TIME:
        kind = T_STRING;
        text = `"${[this.startTime.getHours(), this.startTime.getMinutes(), this.startTime.getSeconds()].map((v) => String(v).padStart(2, "0")).join(":")}"`;
        break;
      case B_TIMESTAMP:
        kind = T_STRING;
        text = '"??? ??? ?? ??:??:?? ????"';
        break;
      case B_PRAGMA:
        return this.doPragmaOperator(name);
      default:
        return false;
    }
    const t = makeToken(kind, text, name.flags & F_PREV_WHITE, null, 0);
    t.pointFile = pointFile;
    t.pointOff = pointOff;
    this.pushContext(null, true, [t]);
    return true;
  }

  /** `_Pragma("...")`: runs the pragma; in assembler mode cpp prints nothing for it. */
  private doPragmaOperator(name: Token): boolean {
    this.preventExpansion++;
    const open = this.getNonPadding();
    const str = isPunct(open, "(") ? this.getNonPadding() : open;
    const close = str.kind === T_STRING ? this.getNonPadding() : str;
    this.preventExpansion--;
    if (!isPunct(open, "(") || str.kind !== T_STRING || !isPunct(close, ")")) {
      this.error("_Pragma takes a parenthesized string literal", name);
      if (close.kind !== T_EOF) this.backup(close);
      return false;
    }
    const body = str.text.slice(str.text.startsWith("L") ? 2 : 1, -1).replace(/\\(["\\])/g, "$1");
    const file = new FileState("<_Pragma>", "", body, null, -1);
    const lx = new Lexer(file, () => {});
    const tokens: Token[] = [];
    for (;;) {
      const t = lx.lex(true, false, false);
      if (t.kind === T_EOF) break;
      t.pointFile = name.pointFile ?? name.file;
      t.pointOff = name.pointFile ? name.pointOff : name.off;
      tokens.push(t);
    }
    let i = 0;
    runPragma(this, () => tokens[i++] ?? makeToken(T_EOF, "", 0, null, 0));
    this.pushContext(null, true, []);
    return true;
  }

  // ---- main loop ----

  /** Processes a buffer of directives (the command line's -D/-U) without printing anything. */
  runDirectivesOnly(file: FileState): void {
    this.pushFile(file);
    while (this.getToken().kind !== T_EOF) {
      // Only directives are expected; stray text is dropped as cpp's <command-line> would be.
    }
    this.popFile();
  }

  run(): string {
    this.pushFile(this.mainFile);
    for (;;) {
      const t = this.getToken();
      if (t.kind === T_EOF) break;
      this.printer.token(t);
    }
    this.popFile();
    return this.printer.finish();
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function quoteString(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => "\\" + c).replace(/\n/g, "\\n") + '"';
}

function checkLineLengths(e: Engine, file: FileState): void {
  const text = file.text;
  if (text.length <= MAX_LINE_BYTES) return;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (end - start > MAX_LINE_BYTES) {
      e.sink.error("preprocess", `line longer than ${MAX_LINE_BYTES} bytes`, file.span(start, start + 1));
      throw new FatalInputError(e.sink.items[e.sink.items.length - 1]!);
    }
    start = end + 1;
  }
}
