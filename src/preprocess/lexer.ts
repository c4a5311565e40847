// Splits one file's spliced text into preprocessing tokens the way gcc's lexer does in
// assembler-with-cpp mode: comments are whitespace, `'` and `"` start literals but an
// unterminated one is a single "other" token up to the end of the line (no error, since `'`
// is common in assembler and DTS text), no digraphs, `$` is an identifier character, and
// pp-numbers swallow letters, dots and exponent signs (`0x1000c000`, `1e-3`).
import type { FileState } from "./file-state.ts";
import {
  F_BOL, F_FILE_END, F_PREV_WHITE, makeToken, PUNCTUATORS, T_CHAR, T_EOF, T_HEADER, T_NAME, T_NUMBER, T_OTHER, T_PUNCT, T_STRING,
} from "./token.ts";
import type { Token } from "./token.ts";

export type LexReport = (message: string, file: FileState, off: number) => void;

/** 0: other, 1: identifier start, 2: digit. Identifier characters are 1 or 2. */
const CLASS = new Uint8Array(256);
for (let c = 65; c <= 90; c++) CLASS[c] = 1;
for (let c = 97; c <= 122; c++) CLASS[c] = 1;
CLASS[95] = 1;
CLASS[36] = 1; // $: gcc accepts it in identifiers by default
for (let c = 48; c <= 57; c++) CLASS[c] = 2;

/** Punctuators by first character, longest first. */
const PUNCT_BY_FIRST = new Map<number, string[]>();
for (const p of PUNCTUATORS) {
  const list = PUNCT_BY_FIRST.get(p.charCodeAt(0)) ?? [];
  list.push(p);
  PUNCT_BY_FIRST.set(p.charCodeAt(0), list);
}
for (const list of PUNCT_BY_FIRST.values()) list.sort((a, b) => b.length - a.length);

export class Lexer {
  pos = 0;
  /** The next token is the first of a line. */
  private bol = true;
  private readonly text: string;

  constructor(
    readonly file: FileState,
    private readonly report: LexReport,
  ) {
    this.text = file.text;
  }

  /**
   * The next token. Inside a directive a line break ends the directive: T_EOF is returned and the
   * break is left for skipToNextLine. `newlineIsWhite` marks the first token of a new line as
   * preceded by whitespace (gcc does so while collecting macro arguments).
   */
  lex(inDirective: boolean, angledHeaders: boolean, newlineIsWhite: boolean): Token {
    const text = this.text;
    const len = text.length;
    let flags = this.bol ? F_BOL | (newlineIsWhite ? F_PREV_WHITE : 0) : 0;
    let pos = this.pos;
    for (;;) {
      if (pos >= len) {
        this.pos = pos;
        return makeToken(T_EOF, "", flags | F_FILE_END, this.file, pos);
      }
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 12 || c === 11 || c === 0) {
        pos++;
        flags |= F_PREV_WHITE;
        continue;
      }
      if (c === 10) {
        if (inDirective) {
          this.pos = pos;
          return makeToken(T_EOF, "", flags, this.file, pos);
        }
        pos++;
        this.bol = true;
        flags = F_BOL | (newlineIsWhite ? F_PREV_WHITE : 0);
        continue;
      }
      if (c === 47 /* / */) {
        const n = text.charCodeAt(pos + 1);
        if (n === 42 /* * */) {
          const end = text.indexOf("*/", pos + 2);
          if (end < 0) {
            this.report("unterminated comment", this.file, pos);
            pos = len;
          } else pos = end + 2;
          flags |= F_PREV_WHITE;
          continue;
        }
        if (n === 47) {
          const end = text.indexOf("\n", pos + 2);
          pos = end < 0 ? len : end;
          flags |= F_PREV_WHITE;
          continue;
        }
      }
      this.bol = false;
      return this.lexToken(pos, c, flags, angledHeaders);
    }
  }

  private lexToken(start: number, c: number, flags: number, angledHeaders: boolean): Token {
    const text = this.text;
    const cls = c < 256 ? CLASS[c]! : 0;
    let pos = start + 1;
    if (cls === 1) {
      while (pos < text.length) {
        const d = text.charCodeAt(pos);
        if (d >= 256 || CLASS[d] === 0) break;
        pos++;
      }
      if (pos === start + 1 && c === 76 /* L */) {
        const q = text.charCodeAt(pos);
        if (q === 34 || q === 39) return this.lexQuoted(start, pos, flags, angledHeaders);
      }
      this.pos = pos;
      return makeToken(T_NAME, text.slice(start, pos), flags, this.file, start);
    }
    if (cls === 2 || (c === 46 && isDigit(text.charCodeAt(pos)))) {
      let prev = c;
      while (pos < text.length) {
        const d = text.charCodeAt(pos);
        if ((d < 256 && CLASS[d] !== 0) || d === 46) {
          // identifier characters and dots
        } else if ((d === 43 || d === 45) && (prev === 101 || prev === 69 || prev === 112 || prev === 80)) {
          // exponent sign after e, E, p, P
        } else break;
        prev = d;
        pos++;
      }
      this.pos = pos;
      return makeToken(T_NUMBER, text.slice(start, pos), flags, this.file, start);
    }
    if (c === 34 || c === 39) return this.lexQuoted(start, start, flags, angledHeaders);
    if (c === 60 /* < */ && angledHeaders) {
      const nl = text.indexOf("\n", pos);
      const gt = text.indexOf(">", pos);
      if (gt >= 0 && (nl < 0 || gt < nl)) {
        this.pos = gt + 1;
        return makeToken(T_HEADER, text.slice(start, gt + 1), flags, this.file, start);
      }
    }
    const candidates = PUNCT_BY_FIRST.get(c);
    if (candidates) {
      for (const p of candidates) {
        if (p.length === 1 || text.startsWith(p, start)) {
          this.pos = start + p.length;
          return makeToken(T_PUNCT, p, flags, this.file, start);
        }
      }
    }
    this.pos = pos;
    return makeToken(T_OTHER, text.slice(start, pos), flags, this.file, start);
  }

  /** A string or character literal whose quote is at `quote` (after an optional `L` prefix). */
  private lexQuoted(start: number, quote: number, flags: number, angledHeaders: boolean): Token {
    const text = this.text;
    const terminator = text.charCodeAt(quote);
    let pos = quote + 1;
    for (;;) {
      if (pos >= text.length) break;
      const d = text.charCodeAt(pos);
      if (d === 10) break;
      pos++;
      if (d === terminator) {
        this.pos = pos;
        return makeToken(terminator === 34 ? T_STRING : T_CHAR, text.slice(start, pos), flags, this.file, start);
      }
      // In #include-style directives a backslash does not escape the terminator.
      if (d === 92 && !angledHeaders && pos < text.length && text.charCodeAt(pos) !== 10) pos++;
    }
    // Unterminated: gcc makes the rest of the line one token and, in assembler mode, says nothing.
    this.pos = pos;
    return makeToken(T_OTHER, text.slice(start, pos), flags, this.file, start);
  }

  /** Whether the next token is the first of a line (the lexer is past a line break). */
  get atLineStart(): boolean {
    return this.bol;
  }

  /** Continues at `lineStart`, the start of a line whose predecessors were read elsewhere (./plain-lines.ts). */
  resumeAtLineStart(lineStart: number): void {
    this.pos = lineStart;
    this.bol = true;
  }

  /** After a directive: drop what is left of the line (lexing it, so comments span lines correctly). */
  skipToNextLine(): void {
    for (;;) {
      const t = this.lex(true, false, false);
      if (t.kind === T_EOF) break;
    }
    if (this.pos < this.text.length) {
      this.pos++;
      this.bol = true;
    }
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
