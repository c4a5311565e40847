// One source file as the preprocessor sees it: the raw latin1 text, the "spliced" text the lexer
// reads (backslash-newline removed, CR LF and lone CR turned into LF, as cpp's line cleaning
// does), and the mapping from spliced offsets back to raw offsets. Positions and line text come
// from a SourceFile over the raw text, so `#line` (a line marker there) and the include chain
// behave exactly as for any other source buffer.
import { SourceFile, span } from "../source/index.ts";
import type { Position, Span } from "../source/index.ts";

export interface IncludeSite {
  readonly file: FileState;
  /** Spliced offset of the `#` of the `#include` directive. */
  readonly off: number;
}

/** One open conditional (`#if` ... `#endif`) of this file. */
export interface IfState {
  wasSkipping: boolean;
  skipElses: boolean;
  /** The directive that opened or last continued it: "if", "ifdef", "ifndef", "elif", "else". */
  type: string;
  /** Offset of the opening directive, for "unterminated #if" and "the conditional began here". */
  readonly off: number;
}

const SPLICE_OR_CR = /\\[ \t\f\v]*(?:\r\n?|\n)|\r\n?/g;

export class FileState {
  /** Spliced text, what the lexer reads. */
  readonly text: string;
  /** Spliced offsets where the spliced-to-raw delta changes, and the delta from there on. */
  private readonly anchorOff: number[] = [];
  private readonly anchorDelta: number[] = [];
  /** Spliced offsets of backslash-newline splices with blanks between (gcc warns about them). */
  readonly spacedSplices: number[] = [];
  private rawLineStarts: Int32Array | undefined;
  private sourceFileCache: SourceFile | undefined;
  readonly ifStack: IfState[] = [];
  /** Nesting depth: 0 for the main file. */
  readonly depth: number;

  constructor(
    /** Name used in messages and `__FILE__` (the path as cpp builds it, not normalised). */
    readonly name: string,
    /** Directory prefix for quote includes ("" for the current directory). */
    readonly dir: string,
    readonly raw: string,
    readonly includedFrom: IncludeSite | null,
    /** Index of the include directory the file was found in; -1 otherwise (for `#include_next`). */
    readonly foundInDir: number,
    /** For the main file: where the caller's buffer was included from. */
    private readonly outerIncludedFrom?: Span,
  ) {
    this.text = this.splice(raw);
    this.depth = includedFrom ? includedFrom.file.depth + 1 : 0;
  }

  private splice(raw: string): string {
    SPLICE_OR_CR.lastIndex = 0;
    let m = SPLICE_OR_CR.exec(raw);
    if (m === null) return raw;
    const parts: string[] = [];
    let rawPos = 0;
    let outLen = 0;
    while (m !== null) {
      const chunk = raw.slice(rawPos, m.index);
      parts.push(chunk);
      outLen += chunk.length;
      const matched = m[0];
      if (matched.charCodeAt(0) === 13) {
        // CR LF or lone CR: one LF.
        parts.push("\n");
        outLen += 1;
      } else if (/[ \t\f\v]/.test(matched)) {
        this.spacedSplices.push(outLen);
      }
      rawPos = m.index + matched.length;
      this.anchorOff.push(outLen);
      this.anchorDelta.push(rawPos - outLen);
      m = SPLICE_OR_CR.exec(raw);
    }
    parts.push(raw.slice(rawPos));
    return parts.join("");
  }

  /** The start of the first (spliced) line longer than `max`, or -1. */
  lineLongerThan(max: number): number {
    const text = this.text;
    if (text.length <= max) return -1;
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      if (end - start > max) return start;
      start = end + 1;
    }
    return -1;
  }

  /** Whether the spliced text differs from the raw text (backslash-newline, CR). */
  get hasSplices(): boolean {
    return this.anchorOff.length > 0;
  }

  /** Raw offset of a spliced offset. */
  rawOffset(off: number): number {
    const a = this.anchorOff;
    if (a.length === 0 || off < a[0]!) return off;
    let lo = 0;
    let hi = a.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (a[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return off + this.anchorDelta[lo]!;
  }

  /** The SourceFile over the raw text that diagnostics point into. */
  get sourceFile(): SourceFile {
    if (this.sourceFileCache) return this.sourceFileCache;
    const site = this.includedFrom;
    const from = site ? site.file.span(site.off, site.off + 1) : this.outerIncludedFrom;
    return (this.sourceFileCache = new SourceFile(this.name, this.raw, from));
  }

  /** A diagnostic span for spliced offsets [start, end). */
  span(start: number, end: number): Span {
    return span(this.sourceFile, this.rawOffset(start), this.rawOffset(Math.max(start, end)));
  }

  private lineStarts(): Int32Array {
    if (this.rawLineStarts) return this.rawLineStarts;
    const starts: number[] = [0];
    const t = this.raw;
    let i = t.indexOf("\n");
    while (i >= 0) {
      starts.push(i + 1);
      i = t.indexOf("\n", i + 1);
    }
    return (this.rawLineStarts = Int32Array.from(starts));
  }

  /** 1-based physical line of a spliced offset (ignores `#line`). */
  physicalLine(off: number): number {
    const s = this.lineStarts();
    const rawOff = this.rawOffset(off);
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= rawOff) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Position of a spliced offset as messages and `__LINE__` show it (after `#line`). */
  position(off: number): Position {
    return this.sourceFile.positionAt(this.rawOffset(off));
  }

  /** `#line`: the physical line after the one holding `off` becomes `line` of `name`. */
  addLineRemap(off: number, line: number, name: string | undefined): void {
    const s = this.lineStarts();
    const next = this.physicalLine(off); // index of the next line's start in `s`
    const nextStart = next < s.length ? s[next]! : this.raw.length;
    const current = this.sourceFile.positionAt(this.rawOffset(off));
    this.sourceFile.addLineMarker(nextStart, name ?? current.file, line);
  }

  /** The raw text of the physical line holding a spliced offset, without its line break. */
  lineText(off: number): string {
    return this.sourceFile.lineTextAt(this.rawOffset(off));
  }

  /** Include sites leading to this file, outermost first (positions in the including files). */
  includeChain(): Position[] {
    const chain: Position[] = [];
    for (let site = this.includedFrom; site; site = site.file.includedFrom) chain.push(site.file.position(site.off));
    return chain.reverse();
  }
}
