// How deep macro invocations nest inside the arguments being collected, counted as the tokens go
// by. gcc pre-expands an argument (expand_arg) before substituting it, one level of recursion per
// nested invocation; the engine stops at MAX_EXPANSION_DEPTH levels, but reaching that level
// collects the nested tail again at every level (quadratic work). Counting the syntactic nesting
// while collecting gives the same error after one pass.
//
// Only invocations that pre-expansion will really enter are counted: a macro name that is defined
// function-like, not disabled or painted, followed by `(`, in an argument its macro uses
// expanded (not only with `#` or `##`). So the count never exceeds the recursion depth that
// expansion would reach.
import { expandsParam, type Macro } from "./macro.ts";
import { F_NO_EXPAND, isPunct, T_NAME, T_PADDING, type Token } from "./token.ts";

interface Frame {
  /** The invocation this parenthesis opened, if any. */
  readonly invocation: Macro | undefined;
  /** Whether that invocation was counted. */
  readonly counted: boolean;
  /** Whether invocations were counted just outside this parenthesis. */
  readonly countsOutside: boolean;
  /** Which argument of `invocation` is being read. */
  arg: number;
}

export class ArgumentNesting {
  private readonly frames: Frame[] = [];
  private nesting = 0;
  private counts: boolean;
  private candidate: Macro | undefined = undefined;
  private candidateToken: Token | undefined = undefined;

  constructor(
    private readonly macros: ReadonlyMap<string, Macro>,
    private readonly outer: Macro,
    /** Argument pre-expansions already active around the outer invocation. */
    private readonly baseDepth: number,
    private readonly limit: number,
    private readonly tooDeep: (at: Token) => never,
  ) {
    this.counts = expandsParam(outer, 0);
  }

  /** The outer invocation's argument `index` starts (after a top-level comma). */
  outerArgument(index: number): void {
    this.counts = expandsParam(this.outer, index);
    this.candidate = undefined;
  }

  /** A token inside the outer invocation's arguments (not its own parentheses or top-level commas). */
  token(tok: Token): void {
    if (tok.kind === T_PADDING) return;
    if (isPunct(tok, "(")) {
      const invocation = this.candidate;
      const counted = invocation !== undefined && this.counts;
      if (counted && this.baseDepth + ++this.nesting > this.limit) this.tooDeep(this.candidateToken!);
      this.frames.push({ invocation, counted, countsOutside: this.counts, arg: 0 });
      if (invocation !== undefined) this.counts &&= expandsParam(invocation, 0);
    } else if (isPunct(tok, ")")) {
      const frame = this.frames.pop();
      if (frame !== undefined) {
        if (frame.counted) this.nesting--;
        this.counts = frame.countsOutside;
      }
    } else if (isPunct(tok, ",")) {
      const top = this.frames[this.frames.length - 1];
      if (top?.invocation !== undefined) this.counts = top.countsOutside && expandsParam(top.invocation, ++top.arg);
    }
    this.candidate = undefined;
    if (tok.kind === T_NAME && !(tok.flags & F_NO_EXPAND)) {
      const m = this.macros.get(tok.text);
      if (m !== undefined && m.funLike && !m.disabled && !m.builtin) {
        this.candidate = m;
        this.candidateToken = tok;
      }
    }
  }
}
