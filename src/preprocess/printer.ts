// Writes the token stream as text the way gcc's `cpp` output stage does (c-ppoutput.c without line
// markers): a space wherever the source had whitespace, plus one wherever two tokens brought
// together by macro expansion would otherwise lex differently ("avoid paste"), and source lines
// kept on their own lines. dtc sees the same tokens with the same adjacency as in cpp's output,
// which is what makes the resulting blobs identical. Whitespace and indentation that gcc
// re-creates as spaces are copied from the source where possible so that the origin map needs
// one segment per plain line.
import type { FileState } from "./file-state.ts";
import type { PackedMarks } from "./include-memo.ts";
import type { MemoRecorder } from "./memo-recorder.ts";
import { MAX_OUTPUT_BYTES } from "./limits.ts";
import { OriginMapBuilder } from "./origin-map.ts";
import { avoidPaste, F_PREV_WHITE, isBlank, isPunct, T_EOF, T_PADDING } from "./token.ts";
import type { Token } from "./token.ts";

/** gcc re-synchronises with blank lines when the next line is at most this far ahead. */
const MAX_BLANK_LINES = 8;

const BLANKS = /^[ \t]+$/;

/** First characters of tokens that gcc separates from a number before them: `.`, `+`, `-`. */
const PASTES_AFTER_NUMBER = new Set([46, 43, 45]);

/** Pieces per joined chunk: small enough that pieces die young, large enough to keep few chunks. */
const CHUNK_PIECES = 4096;

/** gcc's print state, as an include memo saves and restores it (src/preprocess/include-memo.ts). */
export interface PrinterState {
  readonly avoidPasteNext: boolean;
  readonly source: Token | null;
  readonly prev: Token | null;
  readonly printed: boolean;
  readonly srcLine: number;
  readonly srcFile: FileState | null;
  readonly indentLast: string;
  readonly lastWritten: Token | null;
}

export class Printer {
  /**
   * Output so far: the pieces of the current chunk, joined into `chunks` every CHUNK_PIECES pieces.
   * Not one `+=` rope: every node of a rope of millions of pieces survives until the end, and on an
   * 8 MB board copying and marking them was half the preprocessor's time.
   */
  private pieces: string[] = [];
  private readonly chunks: string[] = [];
  /** Output offset at which each of `chunks` starts. */
  private readonly chunkStarts: number[] = [];
  /** Output offset at which `pieces` starts. */
  private piecesStart = 0;
  private length = 0;
  readonly origin = new OriginMapBuilder();
  // gcc's print state.
  private avoidPasteNext = false;
  private source: Token | null = null;
  private prev: Token | null = null;
  private printed = false;
  private srcLine = 0;
  private srcFile: FileState | null = null;
  /** The last character of the indentation of the current line, used for its last column. */
  private indentLast = "";
  /** Last token written and where its text ended, for copying inter-token whitespace. */
  private lastWritten: Token | null = null;

  /** `recorder`: an include memo's recorder, told about every origin mark (null: no memo). */
  constructor(
    private readonly onOverflow: () => void,
    recorder: MemoRecorder | null = null,
  ) {
    if (recorder) this.origin.tap = (outOffset, file, off, exact) => recorder.marked(outOffset, file, off, exact);
  }

  get outputLength(): number {
    return this.length;
  }

  state(): PrinterState {
    return { avoidPasteNext: this.avoidPasteNext, source: this.source, prev: this.prev, printed: this.printed, srcLine: this.srcLine, srcFile: this.srcFile, indentLast: this.indentLast, lastWritten: this.lastWritten };
  }

  /** Writes a recorded include's output: its origin segments, its text, then the state it left. */
  replay(text: string, marks: PackedMarks, after: PrinterState | null): void {
    const base = this.length;
    const { rel, off, file, exact, files } = marks;
    for (let i = 0; i < rel.length; i++) this.origin.mark(base + rel[i]!, files[file[i]!]!, off[i]!, exact[i] === 1);
    if (text.length > 0) this.write(text);
    if (after) {
      this.avoidPasteNext = after.avoidPasteNext;
      this.source = after.source;
      this.prev = after.prev;
      this.printed = after.printed;
      this.srcLine = after.srcLine;
      this.srcFile = after.srcFile;
      this.indentLast = after.indentLast;
      this.lastWritten = after.lastWritten;
    }
  }

  private write(s: string): void {
    const pieces = this.pieces;
    pieces.push(s);
    this.length += s.length;
    if (pieces.length >= CHUNK_PIECES) this.flush();
    if (this.length > MAX_OUTPUT_BYTES) this.onOverflow();
  }

  /** Joins the pending pieces into a chunk. */
  private flush(): void {
    if (this.pieces.length === 0) return;
    this.chunks.push(this.pieces.join(""));
    this.chunkStarts.push(this.piecesStart);
    this.pieces.length = 0;
    this.piecesStart = this.length;
  }

  /**
   * The output from offset `start` on, as a new flat string (an include memo's recording keeps it
   * for the worker's life: a slice would keep the whole chunk it came from alive too).
   */
  textSince(start: number): string {
    if (start >= this.length) return "";
    this.flush();
    const starts = this.chunkStarts;
    let k = starts.length - 1;
    while (k > 0 && starts[k]! > start) k--;
    const parts: string[] = [];
    for (let i = k; i < starts.length; i++) parts.push(i === k ? this.chunks[i]!.slice(start - starts[i]!) : this.chunks[i]!);
    // join copies its parts into one string, except a lone part, which it returns as it is.
    if (parts.length === 1) {
      const only = parts[0]!;
      if (only.length < 2) return only.length === 0 ? "" : String.fromCharCode(only.charCodeAt(0));
      const mid = only.length >> 1;
      return [only.slice(0, mid), only.slice(mid)].join("");
    }
    return parts.join("");
  }

  /** One token from the top-level stream (paddings included). */
  token(t: Token): void {
    if (t.kind === T_PADDING) {
      this.avoidPasteNext = true;
      if (this.source === null || (!(this.source.flags & F_PREV_WHITE) && t.source === null)) this.source = t.source;
      return;
    }
    if (t.kind === T_EOF) return;
    let space = false;
    if (this.avoidPasteNext) {
      const s = this.source ?? t;
      space = (s.flags & F_PREV_WHITE) !== 0 || (this.prev !== null && avoidPaste(this.prev, t)) || (this.prev === null && isPunct(t, "#"));
    } else space = (t.flags & F_PREV_WHITE) !== 0;
    if (space) this.writeSpace(t);
    this.avoidPasteNext = false;
    this.source = null;
    this.prev = t;
    this.writeToken(t);
    this.printed = true;
  }

  private writeSpace(t: Token): void {
    const last = this.lastWritten;
    if (this.indentLast) {
      this.write(this.indentLast);
      this.indentLast = "";
      return;
    }
    if (last && last.file === t.file && t.file && last.pointFile === null && t.pointFile === null) {
      const end = last.off + last.text.length;
      if (end < t.off && t.off - end < 256) {
        const gap = t.file.text.slice(end, t.off);
        if (BLANKS.test(gap)) {
          this.origin.mark(this.length, t.file, end, true);
          this.write(gap);
          return;
        }
      }
    }
    this.write(" ");
  }

  private writeToken(t: Token): void {
    if (t.pointFile) this.origin.mark(this.length, t.pointFile, t.pointOff, false);
    else if (t.file) this.origin.mark(this.length, t.file, t.off, t.file.text.startsWith(t.text, t.off));
    this.write(t.text);
    this.lastWritten = t;
    this.indentLast = "";
  }

  /** The first token of a source line is about to be read (gcc's line-change callback). */
  lineChange(t: Token): void {
    if (!t.file || t.kind === T_EOF) return;
    this.startLine(t.file, t.off);
  }

  /**
   * A plain source line (./plain-lines.ts): what lineChange and token() print for its tokens, in
   * one piece. Its tokens were lexed from the line itself with blanks between, so each token and
   * each gap is copied from the source: the line from `first` (its first token) to `end` (after
   * its last), and one exact origin segment, the one their marks would have merged into.
   */
  plainLine(file: FileState, first: number, end: number): void {
    this.startLine(file, first);
    this.firstSpace(file, first);
    this.origin.mark(this.length, file, first, true);
    this.write(file.text.slice(first, end));
    this.endLine(false);
  }

  /**
   * A line of plain text and names of object-like macros that expand to one number, all on the
   * line (./plain-lines.ts): `names` holds, for each name in order, its start, its end and the
   * index of its expansion in `bodies`. What token() prints for the token path's stream: plain
   * runs copied with one exact segment each; before an expansion a space where its name had
   * whitespace before it (two names or a name and a number are never adjacent, and gcc's
   * avoid_paste adds none after punctuation other than `.`, which copyLine leaves out), then the
   * number with a segment pointing at the name; after it a space where the next token had
   * whitespace or starts with `.`, `+` or `-` (avoid_paste after a number; names, numbers and
   * literals cannot follow a name directly).
   */
  macroLine(file: FileState, first: number, end: number, names: readonly number[], bodies: readonly string[]): void {
    const text = file.text;
    this.startLine(file, first);
    let pos = first;
    let afterExpansion = false;
    for (let k = 0; k <= names.length; k += 3) {
      const nameStart = k < names.length ? names[k]! : end;
      let runStart = pos;
      while (runStart < nameStart && isBlank(text.charCodeAt(runStart))) runStart++;
      let runEnd = nameStart;
      while (runEnd > runStart && isBlank(text.charCodeAt(runEnd - 1))) runEnd--;
      if (runStart < runEnd) {
        if (pos === first) this.firstSpace(file, first);
        else if (runStart > pos || PASTES_AFTER_NUMBER.has(text.charCodeAt(runStart))) this.write(" ");
        this.indentLast = "";
        this.origin.mark(this.length, file, runStart, true);
        this.write(text.slice(runStart, runEnd));
        afterExpansion = false;
      }
      if (k === names.length) break;
      if (nameStart === first) {
        if (this.indentLast) this.write(this.indentLast);
      } else if (isBlank(text.charCodeAt(nameStart - 1))) this.write(" ");
      this.indentLast = "";
      this.origin.mark(this.length, file, nameStart, false);
      this.write(bodies[names[k + 2]!]!);
      afterExpansion = true;
      pos = names[k + 1]!;
    }
    // After an expansion gcc's avoid-paste state stays set into the next line (token()).
    this.endLine(afterExpansion);
  }

  /** The state token() leaves after a line's last token; what follows is a new line's first token (startLine resets the rest). */
  private endLine(avoidPasteNext: boolean): void {
    this.indentLast = "";
    this.avoidPasteNext = avoidPasteNext;
    this.source = null;
    this.printed = true;
    this.prev = null;
    this.lastWritten = null;
  }

  /**
   * Lines that follow a plain line, copied as they are: `text` starts with the break after that
   * line and ends on the last line, at spliced offset `lastOff` (./plain-lines.ts copyRun). What
   * startLine and token() would print for each: the breaks, the indentation, the tokens and the
   * gaps; their origin marks continue the plain line's exact segment.
   */
  copiedLines(file: FileState, text: string, lastOff: number): void {
    this.write(text);
    this.srcLine = file.physicalLine(lastOff);
  }

  /**
   * token()'s space before the first token of a line when it is copied from the source: the last
   * column of the indentation, or, without indentation, the space gcc puts before a `#` after an
   * expansion that ended the line before (avoid_paste with no previous token).
   */
  private firstSpace(file: FileState, first: number): void {
    if (this.indentLast) this.write(this.indentLast);
    else if (this.avoidPasteNext && file.text.charCodeAt(first) === 35) this.write(" ");
  }

  private startLine(file: FileState, off: number): void {
    const line = file.physicalLine(off);
    if (this.printed) {
      this.write("\n");
      this.srcLine++;
      this.printed = false;
    }
    if (file === this.srcFile && line >= this.srcLine && line < this.srcLine + MAX_BLANK_LINES) {
      while (line > this.srcLine) {
        this.write("\n");
        this.srcLine++;
      }
    } else {
      this.srcLine = line;
      this.srcFile = file;
    }
    this.prev = null;
    this.source = null;
    this.lastWritten = null;
    this.indentLast = "";
    // gcc prints column-2 spaces and lets the token's own leading space make up the last column.
    let start = off;
    while (start > 0 && isBlank(file.text.charCodeAt(start - 1))) start--;
    if (start < off && (start === 0 || file.text.charCodeAt(start - 1) === 10)) {
      this.origin.mark(this.length, file, start, true);
      this.write(file.text.slice(start, off - 1));
      this.indentLast = file.text.charAt(off - 1);
    } else if (start < off) {
      // Indentation behind a comment: plain spaces, one per column as gcc prints.
      const column = file.position(off).column;
      if (column > 2) this.write(" ".repeat(column - 2));
      this.indentLast = " ";
    }
  }

  finish(): string {
    if (this.printed) this.write("\n");
    this.flush();
    const text = this.chunks.length === 0 ? "" : this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join("");
    this.chunks.length = 0;
    this.chunkStarts.length = 0;
    this.chunks.push(text);
    this.chunkStarts.push(0);
    return text;
  }
}
