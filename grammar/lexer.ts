// The DTS scanner: a charCode loop that mirrors dtc's flex lexer (dtc-lexer.l, dtc 1.8.1).
//
// flex picks the longest match among the rules active in the current start condition (ties go to
// the earlier rule). The start conditions are:
//   INITIAL       before `/dts-v1/`: no integer literals;
//   V1            after `/dts-v1/`, `/memreserve/`, `/bits/`, a name, or `]` closing a byte string;
//   PROPNODENAME  after `{`, `;`, `/delete-node/`, `/delete-property/`, `/omit-if-no-ref/`:
//                 a run of name characters is one name token;
//   BYTESTRING    after `[`: pairs of hex digits are bytes.
// The state depends only on the tokens, so the whole input is scanned before parsing.
//
// What the scanner does beyond making tokens, as dtc's lexer does:
//  - `/include/ "file"` pushes the file as a new buffer (search: the including file's directory,
//    then the -i directories; at most 200 open files);
//  - cpp line markers at column 1 (`# 12 "file" 1 3`, `#line 12 "file"`) set the next line's
//    file and number (SourceFile.addLineMarker);
//  - lexical errors (bad integer literals, bad character literals, NUL in a line marker file
//    name, and dtc >= 1.7's `Unexpected 'IDENT'` for a bare identifier) are recorded with the
//    index of the token being produced, because dtc prints them only when the parser asks for
//    that token: the caller drops the ones past the point where parsing stopped;
//  - fatal errors (missing include, includes nested too deeply, `\x` without hex digits) end the
//    token stream there, as dtc dies at that point of the input.
// The last token is always `End`, positioned on the last lexeme (whitespace, comment, line
// marker or token) as dtc positions errors found at end of input.
import { inputTooLargeMessage, openIncludeFile, MAX_INPUT_BYTES, SourceFile, span, type Diagnostic, type FileHost } from "../src/source/index.ts";
import { BAD_HEX_ESCAPE_MESSAGE, decodeEscapes } from "./escapes.ts";
import { integerLiteralProblemsAt } from "./literals.ts";
import * as T from "./tokens.ts";
import { TokenBuffer, tokenCode } from "./tokens.ts";
import { CLASS, DIGIT, HEX, LABEL_CHAR, LABEL_START, matchLineMarker, NAME, PATH, scanCharLiteral, scanString, SINGLE, STRAY, stringHasEscape, WS } from "./scan-rules.ts";

/**
 * How far each buffer's line markers have been recorded: SourceFile keeps markers in offset
 * order, and scanning the same (immutable) buffer again must not add them twice.
 */
const markersRecordedUpTo = new WeakMap<SourceFile, number>();

/** dtc's MAX_SRCFILE_DEPTH: the number of files open at once, the top file included. */
export const MAX_INCLUDE_DEPTH = 200;

export interface ScanOptions {
  readonly host: FileHost;
  readonly includeDirs: readonly string[];
}

export interface IndexedDiagnostic {
  /** Index of the token whose scanning produced the diagnostic (dtc prints it when the parser reads that token). */
  readonly index: number;
  readonly diagnostic: Diagnostic;
}

export interface ScanResult {
  /** Ends with exactly one `End` token. */
  readonly tokens: TokenBuffer;
  readonly lexicalErrors: readonly IndexedDiagnostic[];
  /** Set when the scan was cut short; its index is that of the `End` token. */
  readonly fatal: IndexedDiagnostic | undefined;
}

const enum State {
  Initial,
  V1,
  PropNodeName,
  ByteString,
}

interface SuspendedBuffer {
  readonly file: SourceFile;
  readonly pos: number;
  readonly noCommentEndFrom: number;
  readonly noNewlineFrom: number;
}

// Runs of characters, found by sticky RegExps: one native call per token instead of a JS loop
// step per character, which a one-board process runs unoptimised (docs/startup.md). On a large
// input V8 optimises the loop soon, and there the loop is faster than a call per token (~10 %
// of the scan on an 8 MB board): inputs from RUNS_BELOW bytes on scan with loops.
/** Main-file sizes below which the scanner finds runs of characters with RegExps. */
export const RUNS_BELOW = 1 << 20;
/** [[:space:]] */
const WS_RUN = /[ \t\n\v\f\r]*/y;
/** LABEL_CHAR */
const LABEL_RUN = /[a-zA-Z0-9_]*/y;
/** NAME (PROPNODECHAR) */
const NAME_RUN = /[a-zA-Z0-9,._+*#?@-]*/y;
/** dtc's integer literal (the caller has seen a digit): hex only with a digit after `0x`. */
const INTEGER_LITERAL = /(?:0[xX][0-9a-fA-F]+|[0-9]+)(?:U(?:LL?)?|LL?)?/y;

/** The end of the match of `run` (a sticky RegExp that cannot fail: it matches empty) at `pos`. */
function runEnd(run: RegExp, text: string, pos: number): number {
  run.lastIndex = pos;
  run.test(text);
  return run.lastIndex;
}

/** The end of the run of characters of class `mask` at `pos` (the loop runEnd stands for). */
function classEnd(text: string, pos: number, mask: number): number {
  while (CLASS[text.charCodeAt(pos)]! & mask) pos++;
  return pos;
}

function lexicalDiagnostic(message: string, file: SourceFile, start: number, end: number): Diagnostic {
  return { severity: "error", code: "lexical", message, span: span(file, start, end) };
}

export function scanDts(mainFile: SourceFile, options: ScanOptions): ScanResult {
  return new Scanner(options).run(mainFile);
}

// Token codes used by the scanner loop.
const C = {
  Slash: tokenCode(T.Slash), StringLiteral: tokenCode(T.StringLiteral), CharLiteral: tokenCode(T.CharLiteral),
  LabelRef: tokenCode(T.LabelRef), PathRef: tokenCode(T.PathRef), AndAnd: tokenCode(T.AndAnd), LShift: tokenCode(T.LShift),
  LessEqual: tokenCode(T.LessEqual), RShift: tokenCode(T.RShift), GreaterEqual: tokenCode(T.GreaterEqual),
  EqualEqual: tokenCode(T.EqualEqual), NotEqual: tokenCode(T.NotEqual), OrOr: tokenCode(T.OrOr), Label: tokenCode(T.Label),
  PropNodeName: tokenCode(T.PropNodeName), Literal: tokenCode(T.Literal), Byte: tokenCode(T.Byte),
  RBracket: tokenCode(T.RBracket), End: tokenCode(T.End),
  DtsV1: tokenCode(T.DtsV1), DeleteProperty: tokenCode(T.DeleteProperty), DeleteNode: tokenCode(T.DeleteNode),
  Plugin: tokenCode(T.Plugin), MemReserve: tokenCode(T.MemReserve), Bits: tokenCode(T.Bits),
  OmitIfNoRef: tokenCode(T.OmitIfNoRef), Incbin: tokenCode(T.Incbin),
} as const;

class Scanner {
  private tokens: TokenBuffer = new TokenBuffer(0);
  private readonly lexicalErrors: IndexedDiagnostic[] = [];
  private fatal: IndexedDiagnostic | undefined = undefined;
  private state: State = State.Initial;
  private readonly suspended: SuspendedBuffer[] = [];
  // The last lexeme of any kind, where dtc's yylloc points at end of input.
  private lastFile: SourceFile | undefined = undefined;
  private lastStart = 0;
  private lastEnd = 0;
  /** Bytes pulled in by /include/ so far: all of them together count against the input limit. */
  private includedBytes = 0;

  constructor(private readonly options: ScanOptions) {}

  run(mainFile: SourceFile): ScanResult {
    // About one token per 4.5 bytes in real sources; the buffer doubles when needed, so a huge
    // input does not reserve its estimate up front.
    this.tokens = new TokenBuffer(Math.min(mainFile.text.length >> 2, 1 << 22) + 16);
    this.scan(mainFile);
    if (this.lastFile === undefined && !markersRecordedUpTo.has(mainFile)) {
      // No lexeme at all (an empty file): dtc reports its position as line 0 (`file:0.0`).
      mainFile.addLineMarker(0, mainFile.name, 0);
      markersRecordedUpTo.set(mainFile, 0);
    }
    const endFile = this.lastFile ?? mainFile;
    this.tokens.push(C.End, this.lastStart, this.lastEnd, endFile);
    // The document keeps the buffer until the tree is built: drop the growth slack.
    this.tokens.trim();
    return { tokens: this.tokens, lexicalErrors: this.lexicalErrors, fatal: this.fatal };
  }

  private emit(code: number, start: number, end: number, file: SourceFile): void {
    this.tokens.push(code, start, end, file);
    this.lastFile = file;
    this.lastStart = start;
    this.lastEnd = end;
  }

  private trivia(file: SourceFile, start: number, end: number): void {
    this.lastFile = file;
    this.lastStart = start;
    this.lastEnd = end;
  }

  private lexicalError(message: string, file: SourceFile, start: number, end: number): void {
    this.lexicalErrors.push({ index: this.tokens.count, diagnostic: lexicalDiagnostic(message, file, start, end) });
  }

  private stop(code: string, message: string, file: SourceFile, start: number, end: number): void {
    this.fatal = { index: this.tokens.count, diagnostic: { severity: "error", code, message, span: span(file, start, end) } };
  }

  private scan(mainFile: SourceFile): void {
    let file = mainFile;
    let text = file.text;
    let len = text.length;
    let pos = 0;
    // Once a search for `*/` or a newline has failed from some offset, later ones from beyond it
    // fail too: remembering that keeps inputs like `/*/*/*...` linear.
    let noCommentEndFrom = Infinity;
    let noNewlineFrom = Infinity;
    const runs = mainFile.text.length < RUNS_BELOW;
    for (;;) {
      if (pos >= len) {
        const parent = this.suspended.pop();
        if (!parent) return;
        file = parent.file;
        text = file.text;
        len = text.length;
        pos = parent.pos;
        noCommentEndFrom = parent.noCommentEndFrom;
        noNewlineFrom = parent.noNewlineFrom;
        continue;
      }
      const start = pos;
      const c = text.charCodeAt(pos);
      // (Text is latin1, but a caller's string may hold wider characters: they are stray.)
      const cls = c < 256 ? CLASS[c]! : 0;

      if (cls & WS) {
        pos++;
        if (CLASS[text.charCodeAt(pos)]! & WS) pos = runs ? runEnd(WS_RUN, text, pos) : classEnd(text, pos, WS);
        this.trivia(file, start, pos);
        continue;
      }

      switch (c) {
        case 47: { // '/': comments, keywords, /include/, or the character
          const n = text.charCodeAt(pos + 1);
          if (n === 42) { // /* ... */ (one lexeme for adjacent comments)
            let close = pos + 2 >= noCommentEndFrom ? -1 : text.indexOf("*/", pos + 2);
            if (close < 0) noCommentEndFrom = Math.min(noCommentEndFrom, pos + 2);
            else {
              pos = close + 2;
              while (text.charCodeAt(pos) === 47 && text.charCodeAt(pos + 1) === 42 && (close = text.indexOf("*/", pos + 2)) >= 0) pos = close + 2;
              this.trivia(file, start, pos);
              continue;
            }
          } else if (n === 47) { // "//".*\n -- needs the newline
            let nl = pos + 2 >= noNewlineFrom ? -1 : text.indexOf("\n", pos + 2);
            if (nl < 0) noNewlineFrom = Math.min(noNewlineFrom, pos + 2);
            else {
              pos = nl + 1;
              while (text.charCodeAt(pos) === 47 && text.charCodeAt(pos + 1) === 47 && (nl = text.indexOf("\n", pos + 2)) >= 0) pos = nl + 1;
              this.trivia(file, start, pos);
              continue;
            }
          } else {
            const kw = this.keyword(text, pos, n);
            if (kw !== undefined) {
              const [code, length] = kw;
              pos += length;
              this.emit(code, start, pos, file);
              continue;
            }
            if (n === 105 && text.startsWith("/include/", pos)) {
              let q = pos + 9;
              while (q < len && CLASS[text.charCodeAt(q)]! & WS) q++;
              const end = text.charCodeAt(q) === 34 ? scanString(text, q) : -1;
              if (end >= 0) {
                this.trivia(file, start, end);
                const included = this.openInclude(text.slice(q + 1, end - 1), file, start, end);
                if (!included) return;
                this.suspended.push({ file, pos: end, noCommentEndFrom, noNewlineFrom });
                file = included;
                text = file.text;
                len = text.length;
                pos = 0;
                noCommentEndFrom = Infinity;
                noNewlineFrom = Infinity;
                continue;
              }
            }
          }
          pos++;
          this.emit(C.Slash, start, pos, file);
          continue;
        }

        case 34: { // '"'
          const end = scanString(text, pos);
          if (end < 0) break;
          if (stringHasEscape && decodeEscapes(text, pos + 1, end - 1, end).badHexEscape) {
            this.stop("lexical", BAD_HEX_ESCAPE_MESSAGE, file, start, end);
            return;
          }
          pos = end;
          this.emit(C.StringLiteral, start, pos, file);
          continue;
        }

        case 39: { // '\''
          const end = scanCharLiteral(text, pos);
          if (end < 0) break;
          const decoded = decodeEscapes(text, pos + 1, end - 1, end);
          if (decoded.badHexEscape) {
            this.stop("lexical", BAD_HEX_ESCAPE_MESSAGE, file, start, end);
            return;
          }
          if (decoded.value.length === 0) this.lexicalError("Empty character literal", file, start, end);
          else if (decoded.value.length > 1) this.lexicalError(`Character literal has ${decoded.value.length} characters instead of 1`, file, start, end);
          pos = end;
          this.emit(C.CharLiteral, start, pos, file);
          continue;
        }

        case 38: { // '&': &label, &{path}, &&
          const n = text.charCodeAt(pos + 1);
          if (CLASS[n]! & LABEL_START) {
            pos = runs ? runEnd(LABEL_RUN, text, pos + 2) : classEnd(text, pos + 2, LABEL_CHAR);
            this.emit(C.LabelRef, start, pos, file);
            continue;
          }
          if (n === 123) {
            let j = pos + 2;
            while (j < len && CLASS[text.charCodeAt(j)]! & PATH) j++;
            if (text.charCodeAt(j) === 125) {
              pos = j + 1;
              this.emit(C.PathRef, start, pos, file);
              continue;
            }
          } else if (n === 38) {
            pos += 2;
            this.emit(C.AndAnd, start, pos, file);
            continue;
          }
          break;
        }

        case 35: { // '#': a line marker at column 1
          if (pos === 0 || text.charCodeAt(pos - 1) === 10) {
            const end = this.lineMarker(file, text, pos);
            if (end === -2) return; // fatal
            if (end >= 0) {
              pos = end;
              continue;
            }
          }
          break;
        }

        case 60: // '<'
          if (text.charCodeAt(pos + 1) === 60) { pos += 2; this.emit(C.LShift, start, pos, file); continue; }
          if (text.charCodeAt(pos + 1) === 61) { pos += 2; this.emit(C.LessEqual, start, pos, file); continue; }
          break;
        case 62: // '>'
          if (text.charCodeAt(pos + 1) === 62) { pos += 2; this.emit(C.RShift, start, pos, file); continue; }
          if (text.charCodeAt(pos + 1) === 61) { pos += 2; this.emit(C.GreaterEqual, start, pos, file); continue; }
          break;
        case 61: // '='
          if (text.charCodeAt(pos + 1) === 61) { pos += 2; this.emit(C.EqualEqual, start, pos, file); continue; }
          break;
        case 33: // '!'
          if (text.charCodeAt(pos + 1) === 61) { pos += 2; this.emit(C.NotEqual, start, pos, file); continue; }
          break;
        case 124: // '|'
          if (text.charCodeAt(pos + 1) === 124) { pos += 2; this.emit(C.OrOr, start, pos, file); continue; }
          break;
      }

      // `label:` in every state (always longer than a name, byte or identifier it overlaps).
      // labelEnd: the end of the run of label characters at `pos` (when it starts one).
      let labelEnd = -1;
      if (cls & LABEL_START) {
        labelEnd = runs ? runEnd(LABEL_RUN, text, pos + 1) : classEnd(text, pos + 1, LABEL_CHAR);
        if (text.charCodeAt(labelEnd) === 58) {
          pos = labelEnd + 1;
          this.emit(C.Label, start, pos, file);
          continue;
        }
      }

      const state = this.state;
      if (state === State.PropNodeName) {
        if (cls & NAME || (c === 92 && CLASS[text.charCodeAt(pos + 1)]! & NAME)) {
          // Label characters are name characters: a name goes on from where they stop, if at all.
          pos = labelEnd >= 0 && !(CLASS[text.charCodeAt(labelEnd)]! & NAME) ? labelEnd : runs ? runEnd(NAME_RUN, text, pos + 1) : classEnd(text, pos + 1, NAME);
          this.emit(C.PropNodeName, start, pos, file);
          this.state = State.V1;
          continue;
        }
      } else if (state === State.V1) {
        if (cls & DIGIT) {
          pos = runs ? runEnd(INTEGER_LITERAL, text, pos) : this.integerLiteral(text, pos);
          // Only a leading 0 (octal, hex) or 20+ characters can make a literal invalid.
          if ((c === 48 && pos - start > 1) || pos - start >= 20) {
            const problems = integerLiteralProblemsAt(text, start, pos);
            if (problems) for (const message of problems) this.lexicalError(message, file, start, pos);
          }
          this.emit(C.Literal, start, pos, file);
          continue;
        }
        if (cls & LABEL_START) {
          // dtc >= 1.7: an identifier here is most likely an unexpanded macro.
          pos = labelEnd;
          const image = text.slice(start, pos);
          this.lexicalError(`Unexpected '${image}'`, file, start, pos);
          this.emit(C.Literal, start, pos, file);
          continue;
        }
      } else if (state === State.ByteString) {
        if (cls & HEX && CLASS[text.charCodeAt(pos + 1)]! & HEX) {
          pos += 2;
          this.emit(C.Byte, start, pos, file);
          continue;
        }
        if (c === 93) {
          pos++;
          this.emit(C.RBracket, start, pos, file);
          this.state = State.V1;
          continue;
        }
      }

      // dtc's catch-all: one character, which is its own token.
      pos++;
      this.emit(c < 256 ? SINGLE[c]! : STRAY, start, pos, file);
      if (c === 123 || c === 59) this.state = State.PropNodeName;
      else if (c === 91) this.state = State.ByteString;
    }
  }

  /** The `/keyword/` at `pos` (second character `n`) as [type, length], updating the state. */
  private keyword(text: string, pos: number, n: number): [number, number] | undefined {
    switch (n) {
      case 100: // d
        if (text.startsWith("/dts-v1/", pos)) {
          this.state = State.V1;
          return [C.DtsV1, 8];
        }
        if (text.startsWith("/delete-property/", pos)) {
          this.state = State.PropNodeName;
          return [C.DeleteProperty, 17];
        }
        if (text.startsWith("/delete-node/", pos)) {
          this.state = State.PropNodeName;
          return [C.DeleteNode, 13];
        }
        return undefined;
      case 112: // p
        return text.startsWith("/plugin/", pos) ? [C.Plugin, 8] : undefined;
      case 109: // m
        if (text.startsWith("/memreserve/", pos)) {
          this.state = State.V1;
          return [C.MemReserve, 12];
        }
        return undefined;
      case 98: // b
        if (text.startsWith("/bits/", pos)) {
          this.state = State.V1;
          return [C.Bits, 6];
        }
        return undefined;
      case 111: // o
        if (text.startsWith("/omit-if-no-ref/", pos)) {
          this.state = State.PropNodeName;
          return [C.OmitIfNoRef, 16];
        }
        return undefined;
      case 105: // i: /incbin/ has no start condition in dtc, so it is not a keyword in the exclusive states
        if ((this.state === State.Initial || this.state === State.V1) && text.startsWith("/incbin/", pos)) return [C.Incbin, 8];
        return undefined;
      default:
        return undefined;
    }
  }

  /** End of `([0-9]+|0[xX][0-9a-fA-F]+)(U|L|UL|LL|ULL)?` at `pos` (a digit): INTEGER_LITERAL's loop. */
  private integerLiteral(text: string, pos: number): number {
    let j = pos;
    if (text.charCodeAt(pos) === 48 && (text.charCodeAt(pos + 1) | 0x20) === 120 && CLASS[text.charCodeAt(pos + 2)]! & HEX) j = classEnd(text, pos + 3, HEX);
    else j = classEnd(text, pos + 1, DIGIT);
    const s = text.charCodeAt(j);
    if (s === 85) { // U, UL, ULL
      j++;
      if (text.charCodeAt(j) === 76) {
        j++;
        if (text.charCodeAt(j) === 76) j++;
      }
    } else if (s === 76) { // L, LL
      j++;
      if (text.charCodeAt(j) === 76) j++;
    }
    return j;
  }

  /** Applies the cpp line marker at `pos` (a line start). Returns its end, -1 when there is none, -2 on a fatal error. */
  private lineMarker(file: SourceFile, text: string, pos: number): number {
    const m = matchLineMarker(text, pos);
    if (m === undefined) return -1;
    const { end, numberStart, numberEnd, nameStart, nameEnd } = m;
    this.trivia(file, pos, end);
    const decoded = decodeEscapes(text, nameStart + 1, nameEnd - 1, nameEnd);
    if (decoded.badHexEscape) {
      this.stop("lexical", BAD_HEX_ESCAPE_MESSAGE, file, pos, end);
      return -2;
    }
    let name = decoded.value;
    const nul = name.indexOf("\0");
    if (nul >= 0) {
      this.lexicalError("nul in line number directive", file, pos, end);
      name = name.slice(0, nul);
    }
    // dtc: srcpos_set_line(name, atoi(line) - 1) right after the marker, so the rest of this line
    // (its newline at least) already counts as line N-1 of the new file; the next line is N.
    const line = Math.min(Number(text.slice(numberStart, numberEnd)), 2 ** 31 - 1);
    if (end > (markersRecordedUpTo.get(file) ?? -1)) {
      file.addLineMarker(end, name, line - 1);
      markersRecordedUpTo.set(file, end);
    }
    return end;
  }

  private openInclude(name: string, from: SourceFile, start: number, end: number): SourceFile | undefined {
    if (this.suspended.length + 1 >= MAX_INCLUDE_DEPTH) {
      this.stop("include", "Includes nested too deeply", from, start, end);
      return undefined;
    }
    const { host, includeDirs } = this.options;
    const found = openIncludeFile(name, from.name, includeDirs, host, { limit: MAX_INPUT_BYTES - this.includedBytes });
    if (!found.ok) {
      const { problem } = found;
      if (problem.kind === "too-large") {
        // The file alone, or with what was included before it.
        const alone = problem.size !== undefined ? problem.size > MAX_INPUT_BYTES : this.includedBytes === 0;
        const message = alone ? inputTooLargeMessage(found.path!, problem.size) : `/include/d files add up to more than the ${MAX_INPUT_BYTES / (1024 * 1024)} MiB input limit`;
        this.stop("limit", message, from, start, end);
      } else this.stop("include", `Couldn't open "${name}": ${problem.message}`, from, start, end);
      return undefined;
    }
    const { path, bytes } = found;
    this.includedBytes += bytes.length;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
    return new SourceFile(path, text, span(from, start, end));
  }
}
