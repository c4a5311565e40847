// A memo of `#include`s shared by the preprocessor runs of many boards (`dtprobe batch`: the boards
// of one kernel tree include the same .dtsi files and dt-bindings headers thousands of times).
//
// The first time a file is entered, what its whole include subtree reads of the state before it
// (every macro name looked up, defined or not, and the include-guard state of the files it
// includes) and what it does (the text and origin segments it prints, the macros it leaves defined
// or undefined, the guards it establishes, the printer state it leaves) are recorded
// (./memo-recorder.ts). A later `#include` of the same file, found in the same include directory,
// whose state agrees on everything the recording read, is replayed instead of preprocessed:
// preprocessing is a function of exactly that state, so the output is the same text with the same
// origins.
//
// Never recorded: subtrees that report a diagnostic, use a pragma, `#import`, or a built-in macro
// other than __FILE__ and __LINE__, or end inside a macro expansion. Positions stay exact; a
// replayed file's include chain (shown under a diagnostic in it) is the one it was recorded with.
// Memory is bounded (MAX_MEMO_CHARS of recorded text per memo); past it nothing new is recorded.
import type { FileState } from "./file-state.ts";
import { normalizeIncludeDir } from "./include-path.ts";
import type { Macro } from "./macro.ts";
import { sameDefinition } from "./macro.ts";
import type { PrinterState } from "./printer.ts";

/** Recorded output text kept per memo (a worker's whole run). */
const MAX_MEMO_CHARS = 96 << 20;
/** Recordings kept per file and include directory (different states before the include). */
const MAX_VARIANTS = 8;

/** Origin segments as the printer marked them, at offsets relative to the recording's start. */
export interface PackedMarks {
  readonly rel: Int32Array;
  readonly off: Int32Array;
  /** Index into `files`. */
  readonly file: Uint16Array;
  readonly exact: Uint8Array;
  readonly files: readonly FileState[];
}

export interface GuardQuery {
  readonly once: boolean;
  readonly guard: string | undefined;
}

/** A recording's effects, as the engine applies them. */
export interface MemoEffects {
  readonly text: string;
  readonly marks: PackedMarks;
  /** Macros left defined (a Macro) or undefined (undefined), in the order of their last change. */
  readonly macroNames: readonly string[];
  readonly macroValues: readonly (Macro | undefined)[];
  readonly guards: readonly (readonly [string, string])[];
  /** The printer's state at the end, or null when the subtree did not change it. */
  readonly printer: PrinterState | null;
  readonly files: number;
  readonly expandedTokens: number;
  /** Tokens collected as macro arguments (counted against MAX_ARGUMENT_TOKENS). */
  readonly argumentTokens: number;
}

export interface MemoEntry extends MemoEffects {
  /** Every macro name the subtree touched, with its definition before the include. */
  readonly beforeNames: readonly string[];
  readonly beforeValues: readonly (Macro | undefined)[];
  /** Include-guard state of the files the subtree asked about, before the include. */
  readonly guardsBefore: readonly (readonly [string, GuardQuery])[];
  readonly printedBefore: boolean;
  readonly avoidPasteBefore: boolean;
  /** Deepest nesting below the included file. */
  readonly depthBelow: number;
}

/** What the engine exposes to the memo (kept small so the engine's internals stay its own). */
export interface MemoHost {
  readonly sinkCount: number;
  readonly includedFiles: number;
  readonly expandedTokens: number;
  readonly argumentTokens: number;
  readonly printerLength: number;
  printerState(): PrinterState;
  /** The output from this offset on (a recording's text). */
  textSince(start: number): string;
  macro(name: string): Macro | undefined;
  guardQuery(path: string): GuardQuery;
  apply(effects: MemoEffects): void;
}

export interface ReplayLimits {
  readonly depth: number;
  readonly files: number;
  readonly expandedTokens: number;
  readonly argumentTokens: number;
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

  static key(path: string, foundInDir: number): string {
    return `${foundInDir}\u0000${path}`;
  }

  /** Replays a recording of `path` that fits the current state; the entry replayed, or undefined. */
  replay(host: MemoHost, path: string, foundInDir: number, depth: number, limits: ReplayLimits): MemoEntry | undefined {
    const list = this.entries.get(IncludeMemo.key(path, foundInDir));
    if (!list) return undefined;
    const p = host.printerState();
    for (const e of list) {
      if (e.printedBefore !== p.printed || e.avoidPasteBefore !== p.avoidPasteNext) continue;
      if (depth + e.depthBelow > limits.depth || host.includedFiles + e.files > limits.files || host.expandedTokens + e.expandedTokens > limits.expandedTokens || host.argumentTokens + e.argumentTokens > limits.argumentTokens) continue;
      if (!this.fits(host, e)) continue;
      host.apply(e);
      this.hits++;
      return e;
    }
    return undefined;
  }

  private fits(host: MemoHost, e: MemoEntry): boolean {
    const names = e.beforeNames;
    const values = e.beforeValues;
    for (let i = 0; i < names.length; i++) if (!same(host.macro(names[i]!), values[i])) return false;
    for (const [path, q] of e.guardsBefore) {
      const now = host.guardQuery(path);
      if (now.once !== q.once || now.guard !== q.guard) return false;
    }
    return true;
  }

  /** Whether a recording of `chars` characters for `key` would still be kept. */
  accepts(key: string, chars: number): boolean {
    return this.chars + chars <= MAX_MEMO_CHARS && (this.entries.get(key)?.length ?? 0) < MAX_VARIANTS;
  }

  store(key: string, entry: MemoEntry): void {
    const list = this.entries.get(key);
    if (list) list.push(entry);
    else this.entries.set(key, [entry]);
    this.chars += entry.text.length;
  }
}
