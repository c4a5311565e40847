// A memo of `#include`s shared by the preprocessor runs of many boards (`dtprobe batch`: the boards
// of one kernel tree include the same .dtsi files and dt-bindings headers thousands of times).
//
// The first time a file is entered, what its whole include subtree reads of the state before it
// (every macro name looked up, defined or not, and the include-guard state of the files it
// includes) and what it does (the text and origin segments it prints, the macros it leaves defined
// or undefined, the guards it establishes, the printer state it leaves) are recorded. A later
// `#include` of the same file, found in the same include directory, whose state agrees on
// everything the recording read, is replayed instead of preprocessed: preprocessing is a function
// of exactly that state, so the output is the same text with the same origins.
//
// Never recorded: subtrees that report a diagnostic, use a pragma, `#import`, or a built-in macro
// other than __FILE__ and __LINE__, or end inside a macro expansion. Positions stay exact; a
// replayed file's include chain (shown under a diagnostic in it) is the one it was recorded with.
// Memory is bounded (MAX_MEMO_CHARS of recorded text per memo); past it nothing new is recorded.
import type { DiagnosticSink } from "../source/index.ts";
import type { FileState } from "./file-state.ts";
import { normalizeIncludeDir } from "./include-path.ts";
import { MAX_EXPANDED_TOKENS, MAX_INCLUDE_DEPTH, MAX_INCLUDED_FILES } from "./limits.ts";
import type { Macro } from "./macro.ts";
import { sameDefinition } from "./macro.ts";
import type { Printer, PrinterState } from "./printer.ts";

/** Recorded output text kept per memo (a worker's whole run). */
const MAX_MEMO_CHARS = 96 << 20;
/** Recordings kept per file and include directory (different states before the include). */
const MAX_VARIANTS = 8;

/** One origin segment as the printer marked it, at an offset relative to the recording's start. */
interface Mark {
  readonly rel: number;
  readonly file: FileState;
  readonly off: number;
  readonly exact: boolean;
}

interface GuardQuery {
  readonly once: boolean;
  readonly guard: string | undefined;
}

interface MemoEntry {
  /** Every macro name the subtree touched, with its definition before the include. */
  readonly macrosBefore: ReadonlyMap<string, Macro | undefined>;
  /** Include-guard state of the files the subtree asked about, as it was before the include. */
  readonly guardsBefore: ReadonlyMap<string, GuardQuery>;
  readonly printedBefore: boolean;
  readonly avoidPasteBefore: boolean;
  /** Macros the subtree left defined (a Macro) or undefined (undefined), in order. */
  readonly macrosAfter: ReadonlyMap<string, Macro | undefined>;
  readonly guardsAfter: ReadonlyMap<string, string>;
  readonly text: string;
  readonly marks: readonly Mark[];
  /** The printer's state at the end, or null when the subtree printed nothing. */
  readonly printerAfter: PrinterState | null;
  readonly files: number;
  /** Deepest nesting below the included file. */
  readonly depthBelow: number;
  readonly expandedTokens: number;
}

/** What the engine exposes to the memo (kept small so the engine's internals stay its own). */
export interface MemoHost {
  readonly sinkCount: number;
  readonly includedFiles: number;
  readonly expandedTokens: number;
  readonly printerLength: number;
  printerState(): PrinterState;
  macro(name: string): Macro | undefined;
  guardQuery(path: string): GuardQuery;
  /** Replays a recording's effects (text, marks, macros, guards, counters, printer state). */
  apply(effects: { text: string; marks: readonly Mark[]; macros: ReadonlyMap<string, Macro | undefined>; guards: ReadonlyMap<string, string>; printer: PrinterState | null; files: number; expandedTokens: number }): void;
}

/** One include subtree being recorded. */
class Recording {
  readonly macrosBefore = new Map<string, Macro | undefined>();
  readonly guardsBefore = new Map<string, GuardQuery>();
  readonly macrosAfter = new Map<string, Macro | undefined>();
  readonly guardsAfter = new Map<string, string>();
  readonly pieces: string[] = [];
  readonly marks: Mark[] = [];
  tainted = false;
  files = 1;
  depthBelow = 0;
  chars = 0;

  constructor(
    readonly key: string,
    readonly file: FileState,
    readonly sinkCount: number,
    readonly expandedAt: number,
    readonly startLength: number,
    readonly printerBefore: PrinterState,
  ) {}
}

const same = (a: Macro | undefined, b: Macro | undefined) => a === b || (a !== undefined && b !== undefined && a.builtin === b.builtin && (a.builtin !== 0 || sameDefinition(a, b)));

export class IncludeMemo {
  private readonly entries = new Map<string, MemoEntry[]>();
  private chars = 0;
  /** Replays and recordings so far (for tests and the benchmark). */
  hits = 0;
  misses = 0;

  /** A memo serves runs with one set of include directories (they decide what nested includes find). */
  readonly includeDirs: readonly string[];

  constructor(includeDirs: readonly string[]) {
    this.includeDirs = includeDirs.map(normalizeIncludeDir);
  }

  private static key(path: string, foundInDir: number): string {
    return `${foundInDir}\u0000${path}`;
  }

  /** Replays a recording of `path` that fits the current state: its file count and depth, or undefined when none fits. */
  replay(host: MemoHost, path: string, foundInDir: number, depth: number, maxDepth: number, maxFiles: number, maxExpanded: number): { files: number; depthBelow: number } | undefined {
    const list = this.entries.get(IncludeMemo.key(path, foundInDir));
    if (!list) return undefined;
    const p = host.printerState();
    for (const e of list) {
      if (e.printedBefore !== p.printed || e.avoidPasteBefore !== p.avoidPasteNext) continue;
      if (depth + e.depthBelow > maxDepth || host.includedFiles + e.files > maxFiles || host.expandedTokens + e.expandedTokens > maxExpanded) continue;
      if (!this.fits(host, e)) continue;
      host.apply({ text: e.text, marks: e.marks, macros: e.macrosAfter, guards: e.guardsAfter, printer: e.printerAfter, files: e.files, expandedTokens: e.expandedTokens });
      this.hits++;
      return e;
    }
    return undefined;
  }

  private fits(host: MemoHost, e: MemoEntry): boolean {
    for (const [name, before] of e.macrosBefore) if (!same(host.macro(name), before)) return false;
    for (const [path, q] of e.guardsBefore) {
      const now = host.guardQuery(path);
      if (now.once !== q.once || now.guard !== q.guard) return false;
    }
    return true;
  }

  /** Stores a finished recording (unless it is tainted, or the memo is full). */
  store(r: Recording, host: MemoHost): void {
    this.misses++;
    if (r.tainted || host.sinkCount !== r.sinkCount || this.chars + r.chars > MAX_MEMO_CHARS) return;
    const list = this.entries.get(r.key) ?? [];
    if (list.length >= MAX_VARIANTS) return;
    const after = host.printerState();
    const changed = (Object.keys(after) as (keyof PrinterState)[]).some((k) => after[k] !== r.printerBefore[k]);
    list.push({
      macrosBefore: r.macrosBefore,
      guardsBefore: r.guardsBefore,
      printedBefore: r.printerBefore.printed,
      avoidPasteBefore: r.printerBefore.avoidPasteNext,
      macrosAfter: r.macrosAfter,
      guardsAfter: r.guardsAfter,
      text: r.pieces.join(""),
      marks: r.marks,
      printerAfter: changed ? after : null,
      files: r.files,
      depthBelow: r.depthBelow,
      expandedTokens: host.expandedTokens - r.expandedAt,
    });
    this.entries.set(r.key, list);
    this.chars += r.chars;
  }

  begin(host: MemoHost, file: FileState, foundInDir: number): Recording {
    return new Recording(IncludeMemo.key(file.name, foundInDir), file, host.sinkCount, host.expandedTokens, host.printerLength, host.printerState());
  }
}

/**
 * The recordings open in one preprocessor run (nested includes nest them), fed by the engine's
 * hooks. Each hook is a no-op when nothing is being recorded.
 */
export class MemoRecorder {
  private readonly open: Recording[] = [];

  constructor(readonly memo: IncludeMemo) {}

  get active(): boolean {
    return this.open.length > 0;
  }

  /** Replays a recording of the file about to be entered at `depth`, if one fits; true when it did. */
  replay(host: MemoHost, path: string, foundInDir: number, depth: number): boolean {
    const hit = this.memo.replay(host, path, foundInDir, depth, MAX_INCLUDE_DEPTH, MAX_INCLUDED_FILES, MAX_EXPANDED_TOKENS);
    if (hit) this.replayed(hit, depth);
    return hit !== undefined;
  }

  /**
   * The included file was entered (not replayed): record it, inside every open recording. A file
   * entered mid-expansion or mid-argument-list is recorded tainted (its output depends on more
   * than the state recorded).
   */
  enter(host: MemoHost, file: FileState, foundInDir: number, clean: boolean): void {
    for (const r of this.open) {
      r.files++;
      r.depthBelow = Math.max(r.depthBelow, file.depth - r.file.depth);
    }
    const r = this.memo.begin(host, file, foundInDir);
    r.tainted = !clean;
    this.open.push(r);
  }

  /** A file was left: a recording of it is finished; `clean` is false when the engine is mid-expansion. */
  leave(host: MemoHost, file: FileState, clean: boolean): void {
    const r = this.open[this.open.length - 1];
    if (!r || r.file !== file) return;
    this.open.pop();
    if (!clean) r.tainted = true;
    this.memo.store(r, host);
  }

  /** A replay at include depth `depth` happened inside the open recordings: they count its files and depth. */
  private replayed(entry: { files: number; depthBelow: number }, depth: number): void {
    for (const r of this.open) {
      r.files += entry.files;
      r.depthBelow = Math.max(r.depthBelow, depth + entry.depthBelow - r.file.depth);
    }
  }

  /** Something no recording can stand for happened (a pragma, `#import`, __COUNTER__...). */
  taint(): void {
    for (const r of this.open) r.tainted = true;
  }

  /** A macro name is about to be read or changed: its value now is its value before, for every recording that has not touched it yet. */
  touch(name: string, current: Macro | undefined): void {
    for (const r of this.open) if (!r.macrosBefore.has(name) && !r.macrosAfter.has(name)) r.macrosBefore.set(name, current);
  }

  /** A macro was defined (Macro) or undefined (undefined). */
  changed(name: string, value: Macro | undefined): void {
    for (const r of this.open) {
      r.macrosAfter.delete(name); // keep the order of the last change
      r.macrosAfter.set(name, value);
    }
  }

  /** The include-guard state of `path` was asked about. */
  guardQueried(path: string, q: GuardQuery): void {
    for (const r of this.open) if (!r.guardsBefore.has(path) && !r.guardsAfter.has(path)) r.guardsBefore.set(path, q);
  }

  /** A file's include guard was established. */
  guardSet(path: string, macro: string): void {
    for (const r of this.open) r.guardsAfter.set(path, macro);
  }

  /** The printer wrote `s`. */
  wrote(s: string): void {
    for (const r of this.open) {
      r.pieces.push(s);
      r.chars += s.length;
    }
  }

  /** The printer marked an origin segment at output offset `outOffset`. */
  marked(outOffset: number, file: FileState, off: number, exact: boolean): void {
    for (const r of this.open) r.marks.push({ rel: outOffset - r.startLength, file, off, exact });
  }
}

/** The parts of the preprocessor engine the memo reads and changes. */
export interface MemoEngine {
  readonly sink: DiagnosticSink;
  includedFiles: number;
  expandedTokens: number;
  readonly printer: Printer;
  readonly macros: MacroTable;
  readonly guards: Map<string, string>;
  readonly recorder: MemoRecorder | null;
  guardQuery(path: string): GuardQuery;
}

export function memoHostOf(e: MemoEngine): MemoHost {
  return {
    get sinkCount() {
      return e.sink.items.length;
    },
    get includedFiles() {
      return e.includedFiles;
    },
    get expandedTokens() {
      return e.expandedTokens;
    },
    get printerLength() {
      return e.printer.outputLength;
    },
    printerState: () => e.printer.state(),
    macro: (name) => e.macros.get(name),
    guardQuery: (path) => e.guardQuery(path),
    apply(x) {
      e.printer.replay(x.text, x.marks, x.printer);
      for (const [name, m] of x.macros) {
        if (m) e.macros.set(name, m);
        else e.macros.delete(name);
      }
      for (const [path, guard] of x.guards) {
        e.guards.set(path, guard);
        e.recorder?.guardSet(path, guard);
      }
      e.includedFiles += x.files;
      e.expandedTokens += x.expandedTokens;
    },
  };
}

/**
 * The engine's macro table: a Map that tells an active recorder about every name read or changed
 * (one null check per lookup when no memo is in use).
 */
export class MacroTable extends Map<string, Macro> {
  recorder: MemoRecorder | null = null;

  override get(name: string): Macro | undefined {
    const m = super.get(name);
    const r = this.recorder;
    if (r !== null && r.active) r.touch(name, m);
    return m;
  }

  override has(name: string): boolean {
    const r = this.recorder;
    if (r !== null && r.active) r.touch(name, super.get(name));
    return super.has(name);
  }

  override set(name: string, m: Macro): this {
    const r = this.recorder;
    if (r !== null && r.active) {
      r.touch(name, super.get(name));
      r.changed(name, m);
    }
    return super.set(name, m);
  }

  override delete(name: string): boolean {
    const r = this.recorder;
    if (r !== null && r.active) {
      r.touch(name, super.get(name));
      r.changed(name, undefined);
    }
    return super.delete(name);
  }
}

export type { Mark as MemoMark, GuardQuery as MemoGuardQuery };
