// Recording includes for the include memo (./include-memo.ts) during one preprocessor run. While
// any recording is open, every macro name touched or changed and every origin mark goes into one
// log, in order; a recording is the stretch of the log between its file's entry and exit (nested
// includes nest their stretches), so each event costs one push whatever the nesting. A finished
// recording is packed into a memo entry, with its text taken from the printer's output since the
// file's entry (one copy, rather than a log of every piece written).
import type { DiagnosticSink } from "../source/index.ts";
import type { FileState } from "./file-state.ts";
import type { IncludeGuards } from "./include-guards.ts";
import { IncludeMemo, type GuardQuery, type MemoEntry, type MemoHost, type PackedMarks } from "./include-memo.ts";
import { MAX_ARGUMENT_TOKENS, MAX_EXPANDED_TOKENS, MAX_INCLUDE_DEPTH, MAX_INCLUDED_FILES } from "./limits.ts";
import type { Macro } from "./macro.ts";
import type { Printer, PrinterState } from "./printer.ts";

/** One include subtree being recorded: where its stretch of the log starts, and what the log does not hold. */
interface Recording {
  readonly key: string;
  readonly file: FileState;
  readonly sinkCount: number;
  readonly expandedAt: number;
  readonly argumentsAt: number;
  readonly startLength: number;
  readonly printerBefore: PrinterState;
  readonly touchAt: number;
  readonly changeAt: number;
  readonly markAt: number;
  readonly guardsBefore: Map<string, GuardQuery>;
  readonly guardsAfter: Map<string, string>;
  tainted: boolean;
  files: number;
  depthBelow: number;
}

const LIMITS = { depth: MAX_INCLUDE_DEPTH, files: MAX_INCLUDED_FILES, expandedTokens: MAX_EXPANDED_TOKENS, argumentTokens: MAX_ARGUMENT_TOKENS };

export class MemoRecorder {
  private readonly open: Recording[] = [];
  // The log (cleared when the outermost recording closes).
  private readonly touchName: string[] = [];
  private readonly touchValue: (Macro | undefined)[] = [];
  /** Per name, its last index in the touch log. */
  private readonly lastTouch = new Map<string, number>();
  private readonly changeName: string[] = [];
  private readonly changeValue: (Macro | undefined)[] = [];
  /**
   * pack's "seen in this stretch" marks, by name: a number per pack instead of a new Set (a
   * stretch may touch thousands of names, and the Set grew and rehashed in every pack).
   */
  private readonly seenIn = new Map<string, number>();
  private packs = 0;
  private readonly markOut: number[] = [];
  private readonly markOff: number[] = [];
  private readonly markFile: FileState[] = [];
  private readonly markExact: number[] = [];
  active = false;

  private constructor(
    readonly memo: IncludeMemo,
    private readonly host: MemoHost,
  ) {}

  /** A recorder for an engine, or null without a memo or when the memo serves other include directories. */
  static forEngine(e: MemoEngine, memo: IncludeMemo | undefined): MemoRecorder | null {
    return memo && memo.includeDirs.join("\0") === e.options.includeDirs.join("\0") ? new MemoRecorder(memo, memoHostOf(e)) : null;
  }

  /** Replays a recording of the file about to be entered at `depth`, if one fits; true when it did. */
  replay(path: string, foundInDir: number, depth: number): boolean {
    const hit = this.memo.replay(this.host, path, foundInDir, depth, LIMITS);
    if (!hit) return false;
    for (const r of this.open) {
      r.files += hit.files;
      r.depthBelow = Math.max(r.depthBelow, depth + hit.depthBelow - r.file.depth);
    }
    return true;
  }

  /**
   * The included file was entered (not replayed): record it, inside every open recording. A file
   * entered mid-expansion or mid-argument-list is recorded tainted (its output depends on more
   * than the state recorded).
   */
  enter(file: FileState, foundInDir: number, clean: boolean): void {
    const host = this.host;
    for (const r of this.open) {
      r.files++;
      r.depthBelow = Math.max(r.depthBelow, file.depth - r.file.depth);
    }
    this.open.push({
      key: IncludeMemo.key(file.name, foundInDir),
      file,
      sinkCount: host.sinkCount,
      expandedAt: host.expandedTokens,
      argumentsAt: host.argumentTokens,
      startLength: host.printerLength,
      printerBefore: host.printerState(),
      touchAt: this.touchName.length,
      changeAt: this.changeName.length,
      markAt: this.markOut.length,
      guardsBefore: new Map(),
      guardsAfter: new Map(),
      tainted: !clean,
      files: 1,
      depthBelow: 0,
    });
    this.active = true;
  }

  /** A file was left: its recording is finished; `clean` is false when the engine is mid-expansion. */
  leave(file: FileState, clean: boolean): void {
    const host = this.host;
    const r = this.open[this.open.length - 1];
    if (!r || r.file !== file) return;
    this.open.pop();
    this.memo.misses++;
    if (clean && !r.tainted && host.sinkCount === r.sinkCount) {
      if (this.memo.accepts(r.key, host.printerLength - r.startLength)) {
        const entry = this.pack(r, host);
        if (entry) this.memo.store(r.key, entry);
      }
    }
    if (this.open.length === 0) this.clear();
  }

  private pack(r: Recording, host: MemoHost): MemoEntry | undefined {
    // Before: the first touch of each name in the stretch (a change is always touched first).
    const beforeNames: string[] = [];
    const beforeValues: (Macro | undefined)[] = [];
    const seen = this.seenIn;
    const pack = ++this.packs;
    for (let i = r.touchAt; i < this.touchName.length; i++) {
      const name = this.touchName[i]!;
      if (seen.get(name) === pack) continue;
      seen.set(name, pack);
      beforeNames.push(name);
      beforeValues.push(this.touchValue[i]);
    }
    // After: the last change of each name, in the order of the last changes.
    const last = new Map<string, Macro | undefined>();
    for (let i = r.changeAt; i < this.changeName.length; i++) {
      const name = this.changeName[i]!;
      last.delete(name);
      last.set(name, this.changeValue[i]);
    }
    const marks = this.packMarks(r);
    if (!marks) return undefined;
    const after = host.printerState();
    const changed = (Object.keys(after) as (keyof PrinterState)[]).some((k) => after[k] !== r.printerBefore[k]);
    return {
      beforeNames,
      beforeValues,
      guardsBefore: [...r.guardsBefore],
      printedBefore: r.printerBefore.printed,
      avoidPasteBefore: r.printerBefore.avoidPasteNext,
      depthBelow: r.depthBelow,
      text: host.textSince(r.startLength),
      marks,
      macroNames: [...last.keys()],
      macroValues: [...last.values()],
      guards: [...r.guardsAfter],
      printer: changed ? after : null,
      files: r.files,
      expandedTokens: host.expandedTokens - r.expandedAt,
      argumentTokens: host.argumentTokens - r.argumentsAt,
    };
  }

  private packMarks(r: Recording): PackedMarks | undefined {
    const n = this.markOut.length - r.markAt;
    const rel = new Int32Array(n);
    const off = new Int32Array(n);
    const file = new Uint16Array(n);
    const exact = new Uint8Array(n);
    const files: FileState[] = [];
    const index = new Map<FileState, number>();
    for (let k = 0; k < n; k++) {
      const i = r.markAt + k;
      const f = this.markFile[i]!;
      let fi = index.get(f);
      if (fi === undefined) {
        fi = files.length;
        if (fi > 0xffff) return undefined;
        files.push(f);
        index.set(f, fi);
      }
      rel[k] = this.markOut[i]! - r.startLength;
      off[k] = this.markOff[i]!;
      file[k] = fi;
      exact[k] = this.markExact[i]!;
    }
    return { rel, off, file, exact, files };
  }

  private clear(): void {
    this.active = false;
    this.touchName.length = 0;
    this.touchValue.length = 0;
    this.lastTouch.clear();
    this.changeName.length = 0;
    this.changeValue.length = 0;
    this.markOut.length = 0;
    this.markOff.length = 0;
    this.markFile.length = 0;
    this.markExact.length = 0;
  }

  /** Something no recording can stand for happened (a pragma, `#import`, __COUNTER__...). */
  taint(): void {
    for (const r of this.open) r.tainted = true;
  }

  /**
   * A macro name is about to be read or changed; `current` is its definition now. Only the first
   * touch of a name in each recording counts (pack keeps the first): a name already logged since
   * the innermost open recording began is in every open recording's stretch, so it is not logged
   * again (every identifier of the text is looked up: the log stays one entry per distinct name).
   */
  touch(name: string, current: Macro | undefined): void {
    const at = this.lastTouch.get(name);
    const inner = this.open[this.open.length - 1];
    if (at !== undefined && inner !== undefined && at >= inner.touchAt) return;
    this.lastTouch.set(name, this.touchName.length);
    this.touchName.push(name);
    this.touchValue.push(current);
  }

  /** A macro was defined (Macro) or undefined (undefined). */
  changed(name: string, value: Macro | undefined): void {
    this.changeName.push(name);
    this.changeValue.push(value);
  }

  /** The include-guard state of `path` was asked about. */
  guardQueried(path: string, q: GuardQuery): void {
    for (const r of this.open) if (!r.guardsBefore.has(path) && !r.guardsAfter.has(path)) r.guardsBefore.set(path, q);
  }

  /** A file's include guard was established. */
  guardSet(path: string, macro: string): void {
    for (const r of this.open) r.guardsAfter.set(path, macro);
  }

  /**
   * The printer marked an origin segment at output offset `outOffset`. A mark that continues the
   * previous one of the innermost open stretch (same file and kind, and the same source offset
   * for the same output offset) is not logged: it maps every later byte as the previous mark
   * does, so the recording and its replays give the same origin for every byte with fewer marks
   * to pack and replay (most tokens of a plain line continue the line's mark). The first mark of
   * a stretch is always logged: before it, a replay maps through whatever precedes it.
   */
  marked(outOffset: number, file: FileState, off: number, exact: boolean): void {
    if (!this.active) return;
    const n = this.markOut.length;
    if (n > this.open[this.open.length - 1]!.markAt) {
      const i = n - 1;
      if (this.markFile[i] === file && this.markExact[i] === (exact ? 1 : 0) && (exact ? this.markOff[i]! + (outOffset - this.markOut[i]!) === off : this.markOff[i] === off)) return;
    }
    this.markOut.push(outOffset);
    this.markOff.push(off);
    this.markFile.push(file);
    this.markExact.push(exact ? 1 : 0);
  }
}

/** The parts of the preprocessor engine the memo reads and changes. */
export interface MemoEngine {
  readonly options: { readonly includeDirs: readonly string[] };
  readonly sink: DiagnosticSink;
  includedFiles: number;
  expandedTokens: number;
  argumentTokens: number;
  readonly printer: Printer;
  readonly macros: MacroTable;
  readonly includeGuards: IncludeGuards;
}

/** The memo's view of an engine (read lazily: the engine makes its recorder before its printer). */
function memoHostOf(e: MemoEngine): MemoHost {
  return {
    get sinkCount() {
      // Every diagnostic counts, kept or not (the sink may stream or cap them).
      return e.sink.errorCount + e.sink.warningCount;
    },
    get includedFiles() {
      return e.includedFiles;
    },
    get expandedTokens() {
      return e.expandedTokens;
    },
    get argumentTokens() {
      return e.argumentTokens;
    },
    get printerLength() {
      return e.printer.outputLength;
    },
    printerState: () => e.printer.state(),
    textSince: (start) => e.printer.textSince(start),
    macro: (name) => e.macros.get(name),
    guardQuery: (path) => e.includeGuards.query(path),
    apply(x) {
      e.printer.replay(x.text, x.marks, x.printer);
      for (let i = 0; i < x.macroNames.length; i++) {
        const m = x.macroValues[i];
        if (m) {
          // Shared with the run that recorded it, which may have stopped (a fatal error) while
          // expanding it; no macro is being expanded where a replay happens.
          m.disabled = false;
          e.macros.set(x.macroNames[i]!, m);
        } else e.macros.delete(x.macroNames[i]!);
      }
      for (const [path, guard] of x.guards) e.includeGuards.set(path, guard);
      e.includedFiles += x.files;
      e.expandedTokens += x.expandedTokens;
      e.argumentTokens += x.argumentTokens;
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
