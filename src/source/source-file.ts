// A source buffer and the mapping from byte offsets to what a user sees (file:line:col).
//
// Text is held as latin1 (one char code per byte) so that property strings round-trip byte for
// byte and columns count bytes, as dtc's do. Offsets are physical (into `text`); the logical file
// and line come from cpp line markers (`# 12 "foo.dtsi"`) or from a preprocessor origin map.

/** What a diagnostic shows for one end of a span. Line and column are 1-based; column counts bytes. */
export interface Position {
  readonly file: string;
  /** 0 for a binary source (a DTB), where only `offset` means anything. */
  readonly line: number;
  readonly column: number;
  /** Byte offset, set for binary sources. */
  readonly offset?: number;
}

/** Maps offsets of a generated buffer (preprocessor output) back to where each byte came from. */
export interface OriginMap {
  /** The origin of the byte at `offset`, or undefined to fall back to the buffer's own lines. */
  positionAt(offset: number): Position | undefined;
  /** The physical file and line text an origin position points into, for the caret display. */
  lineTextAt?(offset: number): string | undefined;
  /** The `#include` chain (outermost first) that led to the byte at `offset`. */
  includeChainAt?(offset: number): readonly Position[];
}

/** A cpp line marker: from `offset` on, physical lines count from `line` in `file`. */
interface LineMarker {
  readonly offset: number;
  readonly physicalLine: number;
  readonly file: string;
  readonly line: number;
}

export class SourceFile {
  /** Start offset of each physical line, built on first use (diagnostics only). */
  private lineStartsCache: Uint32Array | undefined = undefined;
  private readonly markers: LineMarker[] = [];

  /** A blob (DTB): positions are byte offsets, there are no lines to show. */
  binary = false;

  constructor(
    /** The name shown in messages (as given on the command line or in the include directive). */
    readonly name: string,
    /** The content, latin1-decoded. */
    readonly text: string,
    /** Where this buffer was pulled in by `/include/` or `#include`; undefined for the top file. */
    readonly includedFrom?: Span,
    /** Set for preprocessor output: the true origin of each byte. */
    readonly origin?: OriginMap,
  ) {}

  /** A binary source: diagnostics name byte offsets (`board.dtb:0x1a4`) instead of lines. */
  static binary(name: string, latin1: string): SourceFile {
    const f = new SourceFile(name, latin1);
    f.binary = true;
    return f;
  }

  /** Records a cpp line marker found at `markerOffset`; the next line is `line` of `file`. */
  addLineMarker(nextLineOffset: number, file: string, line: number): void {
    this.markers.push({ offset: nextLineOffset, physicalLine: this.physicalLine(nextLineOffset), file, line });
  }

  /** The file named by the first line marker recorded, if any (dtc's initial path for -T). */
  get firstLineMarkerFile(): string | undefined {
    return this.markers[0]?.file;
  }

  private lineStarts(): Uint32Array {
    if (this.lineStartsCache) return this.lineStartsCache;
    const starts: number[] = [0];
    const text = this.text;
    // indexOf runs as native code even before the JIT has warmed up (a cold compile reads every
    // included file's lines once).
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    return (this.lineStartsCache = Uint32Array.from(starts));
  }

  /** 0-based physical line of an offset. */
  private physicalLine(offset: number): number {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  positionAt(offset: number): Position {
    if (this.binary) return { file: this.name, line: 0, column: 0, offset };
    const mapped = this.origin?.positionAt(offset);
    if (mapped) return mapped;
    const physical = this.physicalLine(offset);
    const column = offset - this.lineStarts()[physical]! + 1;
    const marker = this.markerBefore(offset);
    if (!marker) return { file: this.name, line: physical + 1, column };
    return { file: marker.file, line: marker.line + (physical - marker.physicalLine), column };
  }

  private markerBefore(offset: number): LineMarker | undefined {
    const m = this.markers;
    if (m.length === 0 || m[0]!.offset > offset) return undefined;
    let lo = 0;
    let hi = m.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (m[mid]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return m[lo];
  }

  /** The physical line holding `offset`, without its line break. */
  lineTextAt(offset: number): string {
    const mapped = this.origin?.lineTextAt?.(offset);
    if (mapped !== undefined) return mapped;
    const starts = this.lineStarts();
    const line = this.physicalLine(offset);
    const start = starts[line]!;
    let end = line + 1 < starts.length ? starts[line + 1]! - 1 : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  /** Outermost-first chain of include sites leading to this buffer (and, for preprocessed text, to the offset). */
  includeChainAt(offset: number): Position[] {
    const chain: Position[] = [];
    if (this.includedFrom) chain.push(...this.includedFrom.file.includeChainAt(this.includedFrom.start), this.includedFrom.file.positionAt(this.includedFrom.start));
    const inner = this.origin?.includeChainAt?.(offset);
    if (inner) chain.push(...inner);
    return chain;
  }
}

/** A half-open byte range of one source buffer. */
export interface Span {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
  /**
   * Set when the construct ends in another buffer (an `/include/` in the middle of a definition):
   * where it really ends. `start`..`end` then covers its first token only. dtc takes a construct's
   * file from its last token (YYLLOC_DEFAULT), which `-T` annotations reproduce.
   */
  readonly tail?: { readonly file: SourceFile; readonly end: number };
}

export function span(file: SourceFile, start: number, end: number): Span {
  return { file, start, end };
}

/** Smallest span covering both (they must be in the same buffer; otherwise the first wins). */
export function joinSpans(a: Span, b: Span): Span {
  if (a.file !== b.file) return a;
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/**
 * dtc's own position text, `file:L.C-C2` or `file:L1.C1-L2.C2` (end column exclusive), used where
 * a message quotes a position the way dtc does ("also defined at ...").
 */
export function dtcPositionText(s: Span): string {
  const a = s.file.positionAt(s.start);
  const b = s.file.positionAt(Math.max(s.start, s.end));
  if (a.file !== b.file || a.line !== b.line) return `${a.file}:${a.line}.${a.column}-${b.line}.${b.column}`;
  if (a.column === b.column) return `${a.file}:${a.line}.${a.column}`;
  return `${a.file}:${a.line}.${a.column}-${b.column}`;
}
