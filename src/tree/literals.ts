// Decoding of the lexical values dtc converts in its lexer: integer literals (strtoull with base
// 0 plus a U/L suffix), character literals and strings (util.c get_escape_char). The grammar keeps
// these as raw token text; dtc's lexical errors are produced here, with dtc's message texts.

export const UINT64_MAX = (1n << 64n) - 1n;

export interface DecodedInteger {
  readonly value: bigint;
  /** dtc's lexical error texts, in dtc's order (a literal can be both badly suffixed and too big). */
  readonly errors?: readonly string[];
}

function digitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return 99;
}

/** How many digits of each base still fit a double exactly (< 2^53). */
const SAFE_DIGITS: Record<number, number> = { 8: 17, 10: 15, 16: 13 };

/**
 * `strtoull(raw, &end, 0)` followed by dtc's suffix test: what follows the digits may only be
 * `U`/`L` characters. `09` is octal `0` followed by `9`, hence "Bad integer literal".
 */
export function decodeIntegerLiteral(raw: string): DecodedInteger {
  let i = 0;
  let base = 10;
  if (raw.charCodeAt(0) === 48 /* 0 */) {
    const x = raw.charCodeAt(1);
    if ((x === 120 || x === 88) && digitValue(raw.charCodeAt(2)) < 16) {
      base = 16;
      i = 2;
    } else {
      base = 8;
    }
  }
  const start = i;
  while (i < raw.length && digitValue(raw.charCodeAt(i)) < base) i++;
  const digits = raw.slice(start, i);
  let value: bigint;
  let outOfRange = false;
  if (digits.length === 0) {
    value = 0n;
  } else if (digits.length <= SAFE_DIGITS[base]!) {
    value = BigInt(parseInt(digits, base));
  } else {
    value = BigInt(base === 16 ? "0x" + digits : base === 8 ? "0o" + digits : digits);
    if (value > UINT64_MAX) {
      value = UINT64_MAX;
      outOfRange = true;
    }
  }
  const errors: string[] = [];
  for (let j = i; j < raw.length; j++) {
    const c = raw.charCodeAt(j);
    if (c !== 85 /* U */ && c !== 76 /* L */) {
      errors.push(`Bad integer literal '${raw}'`);
      break;
    }
  }
  if (outOfRange) errors.push(`Integer literal '${raw}' out of range`);
  return errors.length > 0 ? { value, errors } : { value };
}

/**
 * Fast path for the common literal cell: a plain literal whose value fits a double exactly.
 * Returns undefined when the full decoder is needed (suffix, long, invalid).
 */
export function decodeSmallLiteral(raw: string): number | undefined {
  const n = raw.length;
  if (n === 0) return undefined;
  const c0 = raw.charCodeAt(0);
  if (c0 !== 48) {
    if (n > 15) return undefined;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const d = raw.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      v = v * 10 + d;
    }
    return v;
  }
  if (n === 1) return 0;
  const x = raw.charCodeAt(1);
  if (x !== 120 && x !== 88) return undefined;
  if (n < 3 || n > 15) return undefined;
  let v = 0;
  for (let i = 2; i < n; i++) {
    const d = digitValue(raw.charCodeAt(i));
    if (d > 15) return undefined;
    v = v * 16 + d;
  }
  return v;
}

/** Thrown by the escape decoder for dtc's fatal `\x used with no following hex digits`. */
export class HexEscapeError extends Error {
  constructor() {
    super("\\x used with no following hex digits");
  }
}

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * glibc `strtol(window, &end, base)` restricted to what dtc passes: a window of at most `width`
 * characters copied from the text (strncpy stops at a NUL). Returns [value, charsConsumed];
 * consumed 0 means "no conversion".
 */
function strtolWindow(text: string, at: number, width: number, base: 8 | 16): [number, number] {
  let end = at;
  while (end < at + width && end < text.length && text.charCodeAt(end) !== 0) end++;
  let i = at;
  while (i < end && isCSpace(text.charCodeAt(i))) i++;
  let negative = false;
  if (i < end && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) {
    negative = text.charCodeAt(i) === 45;
    i++;
  }
  if (base === 16 && i + 1 < end && text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) | 32) === 120 && i + 2 < end && digitValue(text.charCodeAt(i + 2)) < 16) i += 2;
  const digitsStart = i;
  let v = 0;
  while (i < end) {
    const d = digitValue(text.charCodeAt(i));
    if (d >= base) break;
    v = v * base + d;
    i++;
  }
  if (i === digitsStart) return [0, 0];
  return [negative ? -v : v, i - at];
}

/**
 * dtc's data_copy_escape_string over the body of a quoted token: `raw` is the whole token with its
 * quotes. An escape at the very end may look past the closing quote (dtc reads the lexer buffer,
 * which is the token text followed by a NUL), so decoding works on `raw` itself.
 * Returns the bytes without the terminating NUL. Throws HexEscapeError for `\x` without digits.
 */
export function decodeEscapes(raw: string): number[] {
  const out: number[] = [];
  const len = raw.length - 1; // index of the closing quote: the body is raw[1 .. len)
  let i = 1;
  while (i < len) {
    let c = raw.charCodeAt(i++);
    if (c === 92 /* \ */) {
      const e = i < raw.length ? raw.charCodeAt(i) : 0;
      let j = i + 1;
      switch (e) {
        case 97: c = 7; break; // \a
        case 98: c = 8; break; // \b
        case 116: c = 9; break; // \t
        case 110: c = 10; break; // \n
        case 118: c = 11; break; // \v
        case 102: c = 12; break; // \f
        case 114: c = 13; break; // \r
        case 48: case 49: case 50: case 51: case 52: case 53: case 54: case 55: {
          const [v, n] = strtolWindow(raw, i, 3, 8);
          c = v;
          j = i + n;
          break;
        }
        case 120: { // \x
          const [v, n] = strtolWindow(raw, i + 1, 2, 16);
          if (n === 0) throw new HexEscapeError();
          c = v;
          j = i + 1 + n;
          break;
        }
        default:
          c = e;
      }
      i = j;
    }
    out.push(c & 0xff);
  }
  return out;
}

/** True when a quoted token has no backslash, so its bytes are its body as is. */
export function hasNoEscapes(raw: string): boolean {
  return raw.indexOf("\\") < 0;
}

export interface DecodedChar {
  readonly value: bigint;
  readonly error?: string;
}

/** A character literal (`'a'`, `'\n'`): its unsigned byte; dtc's errors for zero or several characters. */
export function decodeCharLiteral(raw: string): DecodedChar {
  const bytes = decodeEscapes(raw);
  if (bytes.length === 0) return { value: 0n, error: "Empty character literal" };
  const value = BigInt(bytes[0]!);
  if (bytes.length > 1) return { value, error: `Character literal has ${bytes.length} characters instead of 1` };
  return { value };
}
