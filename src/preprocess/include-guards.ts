// The multiple-include optimisation (gcc's files.cc and lex.cc "mi_optimization"): a file whose
// whole text is one `#ifndef GUARD` ... `#endif` block is not read again while GUARD is defined,
// and a `#pragma once` / `#import` file never again. Detection follows the files on the include
// stack; an include memo (./include-memo.ts) is told what the guards were asked and what they
// became, since both decide what a later include prints.
import type { FileState } from "./file-state.ts";
import type { GuardQuery } from "./include-memo.ts";
import type { MemoRecorder } from "./memo-recorder.ts";

/** Is the file read so far one `#ifndef GUARD` ... `#endif`? */
interface GuardState {
  macro: string | null;
  valid: boolean;
  closed: boolean;
}

export type GuardDirective = "ifndef-open" | "endif-close" | "else" | "other";

export class IncludeGuards {
  /** Paths marked `#pragma once` / `#import`. */
  readonly onceFiles = new Set<string>();
  /** Include guards seen: path -> guard macro. */
  readonly guards = new Map<string, string>();
  /** Detection for the files on the stack. */
  private readonly detecting = new Map<FileState, GuardState>();
  /** Detection of the file being read (the hot path checks it for every token). */
  private current: GuardState | null = null;

  constructor(private readonly recorder: MemoRecorder | null) {}

  /** What decides whether an include of `path` is skipped (and the memo records that it was asked). */
  query(path: string): GuardQuery {
    const q = { once: this.onceFiles.has(path), guard: this.guards.get(path) };
    this.recorder?.guardQueried(path, q);
    return q;
  }

  /** `path` is guarded by `macro` from now on. */
  set(path: string, macro: string): void {
    this.guards.set(path, macro);
    this.recorder?.guardSet(path, macro);
  }

  /** A file was pushed: detection starts. */
  entered(file: FileState): void {
    this.current = { macro: null, valid: true, closed: false };
    this.detecting.set(file, this.current);
  }

  /** A file was left (`resumed`: the file read again now, if any): an included file may have a guard. */
  left(file: FileState, resumed: FileState | undefined): void {
    const g = this.detecting.get(file);
    if (g && g.valid && g.closed && g.macro !== null && file.includedFrom) this.set(file.name, g.macro);
    this.detecting.delete(file);
    this.current = resumed ? (this.detecting.get(resumed) ?? null) : null;
  }

  /** Directive bookkeeping; `depth` is the file's #if nesting after the directive. */
  directive(file: FileState, kind: GuardDirective, depth: number, macro?: string): void {
    const g = this.detecting.get(file);
    if (!g || !g.valid) return;
    if (kind === "ifndef-open" && g.macro === null && depth === 1) g.macro = macro ?? null;
    else if (kind === "endif-close" && g.macro !== null && depth === 0 && !g.closed) g.closed = true;
    else if (kind === "else" && depth === 1) g.valid = false;
    else if ((kind === "other" || kind === "ifndef-open") && (g.macro === null || g.closed)) g.valid = false;
  }

  /** A token outside directives: text outside the guard block makes the file unguarded. */
  token(): void {
    const g = this.current;
    if (g && g.valid && (g.macro === null || g.closed)) g.valid = false;
  }
}
