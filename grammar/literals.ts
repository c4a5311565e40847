// Validation of integer literal tokens exactly as dtc's lexer does it (dtc-lexer.l, V1 state):
// the token matches `([0-9]+|0[xX][0-9a-fA-F]+)(U|L|UL|LL|ULL)?`, then strtoull(text, &end, 0)
// converts it. Anything left after the digits strtoull took, other than a run of U/L, is a bad
// literal (`09`: octal stops at the 9); an ERANGE from strtoull is "out of range". Both messages
// can be printed for one token. The value itself is computed later by the tree builder.

const MAX_DECIMAL = "18446744073709551615";

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** dtc's lexical error messages for an integer literal token (empty when it is fine). */
export function integerLiteralProblems(raw: string): string[] {
  const n = raw.length;
  let i = 0;
  let digitsStart: number;
  let overflow: boolean;
  if (n > 2 && raw.charCodeAt(0) === 48 && (raw.charCodeAt(1) | 0x20) === 120 && isHex(raw.charCodeAt(2))) {
    i = 2;
    while (i < n && raw.charCodeAt(i) === 48) i++;
    digitsStart = i;
    while (i < n && isHex(raw.charCodeAt(i))) i++;
    overflow = i - digitsStart > 16;
  } else if (raw.charCodeAt(0) === 48) {
    while (i < n && raw.charCodeAt(i) === 48) i++;
    digitsStart = i;
    while (i < n && raw.charCodeAt(i) >= 48 && raw.charCodeAt(i) <= 55) i++;
    const len = i - digitsStart;
    overflow = len > 22 || (len === 22 && raw.charCodeAt(digitsStart) > 49);
  } else {
    digitsStart = 0;
    while (i < n && raw.charCodeAt(i) >= 48 && raw.charCodeAt(i) <= 57) i++;
    const digits = raw.slice(digitsStart, i);
    overflow = digits.length > 20 || (digits.length === 20 && digits > MAX_DECIMAL);
  }
  const problems: string[] = [];
  let j = i;
  while (j < n && (raw.charCodeAt(j) === 85 || raw.charCodeAt(j) === 76)) j++;
  if (j < n) problems.push(`Bad integer literal '${raw}'`);
  if (overflow) problems.push(`Integer literal '${raw}' out of range`);
  return problems;
}
