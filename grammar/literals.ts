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
  return integerLiteralProblemsAt(raw, 0, raw.length) ?? [];
}

/**
 * The same for the literal `text[start, end)`, without allocating when it is fine (the common
 * case, checked for every hex and octal literal): undefined then.
 */
export function integerLiteralProblemsAt(text: string, start: number, end: number): string[] | undefined {
  let i = start;
  let overflow: boolean;
  if (end - start > 2 && text.charCodeAt(start) === 48 && (text.charCodeAt(start + 1) | 0x20) === 120 && isHex(text.charCodeAt(start + 2))) {
    i = start + 2;
    while (i < end && text.charCodeAt(i) === 48) i++;
    const digitsStart = i;
    while (i < end && isHex(text.charCodeAt(i))) i++;
    overflow = i - digitsStart > 16;
  } else if (text.charCodeAt(start) === 48) {
    while (i < end && text.charCodeAt(i) === 48) i++;
    const digitsStart = i;
    while (i < end && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 55) i++;
    const len = i - digitsStart;
    overflow = len > 22 || (len === 22 && text.charCodeAt(digitsStart) > 49);
  } else {
    while (i < end && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    const len = i - start;
    overflow = len > 20 || (len === 20 && text.slice(start, i) > MAX_DECIMAL);
  }
  let j = i;
  while (j < end && (text.charCodeAt(j) === 85 || text.charCodeAt(j) === 76)) j++;
  const bad = j < end;
  if (!bad && !overflow) return undefined;
  const raw = text.slice(start, end);
  const problems: string[] = [];
  if (bad) problems.push(`Bad integer literal '${raw}'`);
  if (overflow) problems.push(`Integer literal '${raw}' out of range`);
  return problems;
}
