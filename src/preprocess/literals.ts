// Interpreting integer and character constants in `#if`, with gcc's rules and messages: values
// are intmax_t / uintmax_t (64-bit), suffixes u/l/ll in any order, 0x/0b/0 prefixes, and
// character constants with a signed char and multi-character constants as int.

export interface PPValue {
  /** The 64-bit pattern, in 0 .. 2^64-1. */
  readonly v: bigint;
  readonly unsigned: boolean;
}

export type LiteralProblem = { readonly severity: "error" | "warning"; readonly message: string };

const U64 = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;

export function toU64(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}

const INT_SUFFIX = /^(?:[uU](?:ll|LL|[lL])?|(?:ll|LL|[lL])[uU]?)?$/;

/** A pp-number in `#if`; undefined (with an error in `problems`) when it is not a valid integer. */
export function interpretInteger(text: string, problems: LiteralProblem[]): PPValue | undefined {
  let radix = 10;
  let i = 0;
  const lower = text.toLowerCase();
  if (lower.startsWith("0x")) {
    radix = 16;
    i = 2;
  } else if (lower.startsWith("0b")) {
    radix = 2;
    i = 2;
  } else if (text.startsWith("0")) radix = 8;
  const isDigit = (c: string): boolean =>
    radix === 16 ? /[0-9a-fA-F]/.test(c) : radix === 2 ? c === "0" || c === "1" : /[0-9]/.test(c);
  let j = i;
  while (j < text.length && isDigit(text[j]!)) j++;
  // Floating constants: a dot, or an exponent (e for decimal, p for hex).
  const isFloat = radix === 16 ? /[.pP]/.test(text.slice(2)) : radix === 2 ? text.includes(".") : /[.eE]/.test(text);
  if (isFloat) {
    problems.push({ severity: "error", message: "floating constant in preprocessor expression" });
    return undefined;
  }
  const digits = text.slice(i, j);
  if (radix === 8) {
    const bad = /[89]/.exec(digits);
    if (bad) {
      problems.push({ severity: "error", message: `invalid digit "${bad[0]}" in octal constant` });
      return undefined;
    }
  }
  if ((radix === 16 || radix === 2) && digits.length === 0) {
    problems.push({ severity: "error", message: `invalid suffix "${text.slice(1)}" on integer constant` });
    return undefined;
  }
  const suffix = text.slice(j);
  if (radix === 2 && /^[2-9]/.test(suffix)) {
    problems.push({ severity: "error", message: `invalid digit "${suffix[0]}" in binary constant` });
    return undefined;
  }
  if (!INT_SUFFIX.test(suffix)) {
    if (/^[ijIJ]/.test(suffix) && INT_SUFFIX.test(suffix.slice(1))) problems.push({ severity: "error", message: "imaginary number in preprocessor expression" });
    else problems.push({ severity: "error", message: `invalid suffix "${suffix}" on integer constant` });
    return undefined;
  }
  let value = 0n;
  const r = BigInt(radix);
  for (const c of digits) value = value * r + BigInt(parseInt(c, 16));
  let unsigned = /[uU]/.test(suffix);
  if (value > U64) {
    problems.push({ severity: "warning", message: "integer constant is too large for its type" });
    value &= U64;
  } else if (!unsigned && value > I64_MAX) {
    if (radix === 10) problems.push({ severity: "warning", message: "integer constant is so large that it is unsigned" });
  }
  if (!unsigned && value > I64_MAX) unsigned = true;
  return { v: value, unsigned };
}

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10, t: 9, v: 11, b: 8, r: 13, f: 12, a: 7, "\\": 92, "'": 39, '"': 34, "?": 63, e: 27, E: 27,
};

/** A character constant (`'a'`, `'\n'`, `L'x'`, `'ab'`) as gcc evaluates it in `#if`. */
export function interpretChar(text: string, problems: LiteralProblem[]): PPValue | undefined {
  const wide = text.startsWith("L");
  const body = text.slice(wide ? 2 : 1, -1);
  const chars: number[] = [];
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c !== "\\") {
      chars.push(body.charCodeAt(i));
      i++;
      continue;
    }
    const n = body[i + 1] ?? "";
    if (n === "x") {
      let j = i + 2;
      let v = 0;
      while (j < body.length && /[0-9a-fA-F]/.test(body[j]!)) v = (v * 16 + parseInt(body[j]!, 16)) >>> 0, j++;
      if (j === i + 2) problems.push({ severity: "error", message: "\\x used with no following hex digits" });
      chars.push(v);
      i = j;
    } else if (/[0-7]/.test(n)) {
      let j = i + 1;
      let v = 0;
      while (j < body.length && j < i + 4 && /[0-7]/.test(body[j]!)) v = v * 8 + Number(body[j]), j++;
      chars.push(v);
      i = j;
    } else if (n in SIMPLE_ESCAPES) {
      chars.push(SIMPLE_ESCAPES[n]!);
      i += 2;
    } else {
      problems.push({ severity: "warning", message: `unknown escape sequence: '\\${n}'` });
      chars.push(body.charCodeAt(i + 1));
      i += 2;
    }
  }
  if (chars.length === 0) {
    problems.push({ severity: "error", message: "empty character constant" });
    return undefined;
  }
  const width = wide ? 32 : 8;
  const maxChars = wide ? 1 : 4;
  let result = 0n;
  for (const c of chars) result = width < 64 ? ((result << BigInt(width)) | (BigInt(c) & ((1n << BigInt(width)) - 1n))) & ((1n << 64n) - 1n) : BigInt(c);
  let count = chars.length;
  if (count > maxChars) {
    count = maxChars;
    problems.push({ severity: "warning", message: "character constant too long for its type" });
  } else if (count > 1) problems.push({ severity: "warning", message: "multi-character character constant" });
  // Single chars have the width of char (signed) or wchar_t (int); multi-char constants are int.
  const bits = count > 1 || wide ? 32 : 8;
  const value = BigInt.asIntN(bits, result);
  return { v: toU64(value), unsigned: false };
}
