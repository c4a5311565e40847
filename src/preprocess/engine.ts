// The preprocessor proper: the include stack, the token reader with macro expansion, and the
// main loop feeding the printer. The expansion algorithm is gcc's (libcpp/macro.cc), because the
// goal is cpp's output token for token: a stack of token contexts, a macro disabled while its
// context is live (names met then are painted and never expanded again), function-like macros
// rescanned together with the text that follows them, arguments pre-expanded in isolation unless
// they are operands of `#` or `##`, and padding tokens that carry spacing through all of this.
import { FatalInputError } from "../source/index.ts";
import { readThroughHost } from "../source/index.ts";
import type { Diagnostic, DiagnosticSink, FileHost, FileProblem, RelatedSpan, Span } from "../source/index.ts";
import { ArgumentNesting } from "./arg-nesting.ts";
import { handleDirective } from "./directives.ts";
import { FileState } from "./file-state.ts";
import { IncludeGuards, type GuardDirective } from "./include-guards.ts";
import type { IncludeMemo } from "./include-memo.ts";
import { Lexer } from "./lexer.ts";
import { MacroTable, MemoRecorder } from "./memo-recorder.ts";
import { MAX_ARGUMENT_TOKENS, MAX_EXPANDED_TOKENS, MAX_EXPANSION_DEPTH, MAX_FILE_BYTES, MAX_INCLUDED_FILES, MAX_LINE_BYTES, MAX_OUTPUT_BYTES } from "./limits.ts";
import { expandBuiltin } from "./builtins.ts";
import { BUILTIN_NAMES, builtinMacro, stringifyArgument } from "./macro.ts";
import type { Macro } from "./macro.ts";
import { copyPlainLines, type PlainBlock } from "./plain-lines.ts";
import { Printer } from "./printer.ts";
import {
  AVOID_PASTE, copyToken, F_BOL, F_FILE_END, F_NO_EXPAND, F_PASTE_LEFT, F_PREV_WHITE, F_STRINGIFY, isPunct, makeToken, paddingToken,
  T_EOF, T_NAME, T_PADDING, T_STRING,
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
  /** `#pragma once`, `#import` and include guards (multiple-include optimisation). */
  readonly includeGuards: IncludeGuards;
  private readonly fileCache = new Map<string, string | FileProblem>();

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
  /** Tokens collected as macro arguments so far (see MAX_ARGUMENT_TOKENS). */
  argumentTokens = 0;
  includedFiles = 0;
  /** The last block of plain lines found (./plain-lines.ts plainBlockEnd). */
  readonly plainBlock: PlainBlock = { file: null, from: 0, end: 0 };
  /** __COUNTER__'s next value. */
  counter = 0;
  /** __DATE__ and __TIME__: when this run started. */
  readonly startTime = new Date();
  readonly printer: Printer;
  /** Records and replays includes for an include memo (null without one). */
  readonly recorder: MemoRecorder | null;

  constructor(
    readonly options: EngineOptions,
    readonly sink: DiagnosticSink,
    readonly mainFile: FileState,
  ) {
    for (const [name, b] of BUILTIN_NAMES) this.macros.set(name, builtinMacro(name, b));
    this.recorder = MemoRecorder.forEngine(this, options.includeMemo);
    this.macros.recorder = this.recorder;
    this.includeGuards = new IncludeGuards(this.recorder);
    this.printer = new Printer(() => this.fatal(`output exceeds ${MAX_OUTPUT_BYTES} bytes`, null), this.recorder);
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

  /** Reads a file through the host (cached): its text, or why it cannot be read. */
  readFile(path: string): string | FileProblem {
    const cached = this.fileCache.get(path);
    if (cached !== undefined) return cached;
    const r = readThroughHost(this.options.host, path, { limit: MAX_FILE_BYTES });
    const result = r.ok ? Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength).toString("latin1") : r.problem;
    this.fileCache.set(path, result);
    return result;
  }

  pushFile(file: FileState): void {
    if (++this.includedFiles > MAX_INCLUDED_FILES) this.fatal(`more than ${MAX_INCLUDED_FILES} files included`, null);
    if (file.raw.length > MAX_FILE_BYTES) this.fatal(`${file.name}: file is larger than ${MAX_FILE_BYTES} bytes`, null);
    const long = file.lineLongerThan(MAX_LINE_BYTES);
    if (long >= 0) {
      const d: Diagnostic = { severity: "error", code: "preprocess", message: `line longer than ${MAX_LINE_BYTES} bytes`, span: file.span(long, long + 1) };
      this.sink.add(d);
      throw new FatalInputError(d);
    }
    for (const off of file.spacedSplices) this.sink.warning("preprocess", "backslash and newline separated by space", file.span(off, off));
    this.lexers.push(new Lexer(file, (message, f, off) => this.sink.error("preprocess", message, f.span(off, off + 2))));
    this.includeGuards.entered(file);
  }

  /** Whether an include of `path` can be skipped: `#pragma once`, or its guard macro is defined. */
  skipInclude(path: string): boolean {
    const q = this.includeGuards.query(path);
    return q.once || (q.guard !== undefined && this.macros.has(q.guard));
  }

  private popFile(): void {
    const file = this.lexers.pop()!.file;
    for (let i = file.ifStack.length - 1; i >= 0; i--) {
      const ifs = file.ifStack[i]!;
      this.sink.error("preprocess", `unterminated #${ifs.type}`, file.span(ifs.off, ifs.off + 1));
    }
    file.ifStack.length = 0;
    this.skipping = false;
    this.includeGuards.left(file, this.lexers[this.lexers.length - 1]?.file);
    this.recorder?.leave(file, this.contexts.length === 0 && this.lookahead.length === 0);
  }

  /** Directive bookkeeping for include-guard detection. */
  noteGuardDirective(kind: GuardDirective, macro?: string): void {
    this.includeGuards.directive(this.currentFile, kind, this.currentFile.ifStack.length, macro);
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
            // Directives and comments are read here, not in run(): headers of #defines go on here.
            this.copyPlainLines();
            continue;
          }
        }
        if (!this.skipping && this.parsingArgs === 0 && result.kind !== T_EOF) this.printer.lineChange(result);
      }
      if (this.inDirective) return result;
      if (result.kind !== T_EOF) this.includeGuards.token();
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
    if (this.recorder && clean && this.recorder.replay(p.path, p.foundInDir, this.currentFile.depth + 1)) return;
    const dirEnd = p.path.lastIndexOf("/");
    const file = new FileState(p.path, dirEnd < 0 ? "" : p.path.slice(0, dirEnd), p.text, { file: site.file!, off: site.off }, p.foundInDir);
    this.pushFile(file);
    this.recorder?.enter(file, p.foundInDir, clean);
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

  pushContext(macro: Macro | null, inherit: boolean, tokens: readonly Token[]): void {
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
    if (m.builtin) return expandBuiltin(this, m, name);
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
    // Invocations nested in the arguments, counted while collecting (see ArgumentNesting).
    const nesting = paramc > 0 ? new ArgumentNesting(this.macros, m, this.argDepth, MAX_EXPANSION_DEPTH, (at) => this.tooDeepInArguments(at)) : undefined;
    let argc = 0;
    let tok: Token;
    do {
      if (argc > 0) nesting?.outerArgument(argc);
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
        nesting?.token(tok);
        tokens.push(tok);
        if (++this.argumentTokens > MAX_ARGUMENT_TOKENS) {
          this.fatal(`macro arguments add up to more than ${MAX_ARGUMENT_TOKENS} tokens (an invocation nested in another's arguments is collected again at each level)`, name);
        }
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
      if (src.flags & F_STRINGIFY) arg.stringified ??= stringifyArgument(arg.tokens, pointFile, pointOff, (message, at) => this.warning(message, at));
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

  private tooDeepInArguments(at: Token): never {
    this.fatal(`macro invocations nested more than ${MAX_EXPANSION_DEPTH} deep in arguments`, at);
  }

  /** Fully macro-expands one argument in isolation (gcc's expand_arg). */
  private expandArg(arg: MacroArg): Token[] {
    if (arg.tokens.length === 0) return [];
    if (this.argDepth >= MAX_EXPANSION_DEPTH) this.tooDeepInArguments(arg.tokens[0]!);
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

  // ---- main loop ----

  /**
   * Lines done in one piece (./plain-lines.ts) where the next token would start a line of the
   * top-level stream with nothing pending; not while an include memo records (it records what the
   * token path looks up and prints).
   */
  private copyPlainLines(): void {
    if (this.recorder === null && this.contexts.length === 0 && this.lookahead.length === 0 && this.parsingArgs === 0 && !this.skipping && !this.inDirective && this.poisoned.size === 0) {
      copyPlainLines(this);
    }
  }

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
      this.copyPlainLines();
      const t = this.getToken();
      if (t.kind === T_EOF) break;
      this.printer.token(t);
    }
    this.popFile();
    return this.printer.finish();
  }
}
