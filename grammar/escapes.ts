// dtc's escape decoding (data.c: data_copy_escape_string / get_escape_char), used for strings,
// character literals and the file names of cpp line markers. The lexer needs it to validate
// character literals and to find dtc's fatal `\x` error at the point dtc finds it; the tree builder
// uses the same function to produce the bytes.
//
// dtc's quirks, kept on purpose:
//  - octal: up to 3 digits, the value truncated to a byte (`\777` is 0xff, `\400` is 0);
//  - hex: dtc copies at most 2 characters after `x` into a buffer and runs strtol(.., 16) on it,
//    so one leading blank or sign is accepted (`\x a` is 0x0a, `\x-f` is 0xf1) and `0x` parses as
//    the digit 0; with no digit at all dtc dies with "\x used with no following hex digits";
//  - any other escaped character stands for itself (`\q` is `q`);
//  - reads never go past the token: a NUL byte in the text ends the strtol buffer early, and in a
//    character literal a final lone `\` escapes the closing quote itself (`'\'` is `'`).

export const BAD_HEX_ESCAPE_MESSAGE = "\\x used with no following hex digits";

export interface DecodedEscapes {
  /** The decoded bytes as a latin1 string (one char per byte), without a terminating NUL. */
  readonly value: string;
  /** Set when dtc would die on a `\x` without hex digits; `value` is then only a prefix. */
  readonly badHexEscape: boolean;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Decodes `text[start, end)`, the content between the quotes of a token that ends at `tokenEnd`
 * (exclusive, the closing quote included). Characters at or beyond `tokenEnd` read as NUL, like
 * the NUL after yytext.
 */
export function decodeEscapes(text: string, start: number, end: number, tokenEnd: number = end + 1): DecodedEscapes {
  // Fast path: no backslash means no escapes.
  let firstBackslash = start;
  while (firstBackslash < end && text.charCodeAt(firstBackslash) !== 92) firstBackslash++;
  if (firstBackslash >= end) return { value: text.slice(start, end), badHexEscape: false };
  const at = (i: number): number => (i < tokenEnd ? text.charCodeAt(i) : 0);
  const out: string[] = [];
  let runStart = start;
  let i = firstBackslash;
  while (i < end) {
    if (text.charCodeAt(i) !== 92) {
      i++;
      continue;
    }
    if (runStart < i) out.push(text.slice(runStart, i));
    i++; // the backslash
    const c = at(i);
    let value: number;
    switch (c) {
      case 97: value = 7; i++; break; // \a
      case 98: value = 8; i++; break; // \b
      case 116: value = 9; i++; break; // \t
      case 110: value = 10; i++; break; // \n
      case 118: value = 11; i++; break; // \v
      case 102: value = 12; i++; break; // \f
      case 114: value = 13; i++; break; // \r
      case 120: { // \x: strtol over at most two characters
        i++;
        const c1 = at(i);
        const c2 = c1 === 0 ? 0 : at(i + 1);
        const h1 = hexValue(c1);
        const h2 = hexValue(c2);
        if (h1 >= 0) {
          if (h2 >= 0) {
            value = h1 * 16 + h2;
            i += 2;
          } else {
            value = h1;
            i += 1;
          }
        } else if ((isCSpace(c1) || c1 === 43 || c1 === 45) && h2 >= 0) {
          value = c1 === 45 ? (256 - h2) & 0xff : h2;
          i += 2;
        } else {
          return { value: out.join(""), badHexEscape: true };
        }
        break;
      }
      default:
        if (c >= 48 && c <= 55) {
          // Octal: up to three digits.
          let v = 0;
          let n = 0;
          while (n < 3) {
            const d = at(i);
            if (d < 48 || d > 55) break;
            v = v * 8 + (d - 48);
            i++;
            n++;
          }
          value = v & 0xff;
        } else {
          value = c;
          i++;
        }
    }
    out.push(String.fromCharCode(value));
    runStart = i;
  }
  if (runStart < end) out.push(text.slice(runStart, end));
  return { value: out.join(""), badHexEscape: false };
}
