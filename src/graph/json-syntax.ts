// Where a JSON text stops being JSON, and why. JSON.parse says only "Unexpected token" (and, on
// Node 20, no position at all), so side-input errors used to land on 1:1. This is a strict
// reader with JSON.parse's grammar (RFC 8259: whitespace is space, tab, CR and LF; no comments,
// no trailing commas, no leading zeros) that stops at the first problem. Iterative: a deeply
// nested input cannot overflow the stack.

export interface JsonSyntaxError {
  /** Offset of the character at fault (the text's length at an unexpected end). */
  readonly offset: number;
  readonly message: string;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

function describeAt(text: string, i: number): string {
  if (i >= text.length) return "end of input";
  const c = text.charCodeAt(i);
  if (c < 0x20 || c === 0x7f) return `character 0x${c.toString(16).padStart(2, "0")}`;
  return `'${text[i]}'`;
}

/** The first syntax error of `text` as JSON, or undefined when JSON.parse would accept it. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const n = text.length;
  const fail = (message: string, at = i): JsonSyntaxError => ({ offset: Math.min(at, n), message });
  const ws = () => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  /** Reads a string at text[i] === '"'; returns an error or undefined. */
  const string = (): JsonSyntaxError | undefined => {
    const start = i;
    i++;
    for (;;) {
      if (i >= n) return fail("unterminated string", start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return fail(`${describeAt(text, i)} inside a string (write it as an escape such as \\n or \\u00${c.toString(16).padStart(2, "0")})`);
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === undefined) return fail("unterminated string", start);
        if ('"\\/bfnrt'.includes(e)) i += 2;
        else if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail("\\u must be followed by four hexadecimal digits");
          i += 6;
        } else return fail(`invalid escape '\\${e}' in a string`);
        continue;
      }
      i++;
    }
  };
  const number = (): JsonSyntaxError | undefined => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "-") return fail(`invalid number ${describeAt(text, i)}`);
    const end = i + m[0].length;
    // A leading zero followed by digits ("01"), or a number running into letters ("1x").
    if (end < n && /[0-9A-Za-z_.]/.test(text[end]!)) return fail(m[0] === "0" || m[0] === "-0" ? "numbers cannot have leading zeros" : `invalid number: unexpected ${describeAt(text, end)}`, end);
    i = end;
    return undefined;
  };
  /** Open containers: '}' or ']' expected to close each. */
  const stack: ("}" | "]")[] = [];
  ws();
  if (i >= n) return fail("empty input: expected a JSON value");
  // expect: what the reader wants next.
  let expect: "value" | "key" | "after-value" = "value";
  /** Where the last ',' was (a trailing comma is reported there). */
  let comma = -1;
  for (;;) {
    ws();
    if (expect === "value") {
      if (i >= n) return fail("unexpected end of input: expected a value");
      const c = text[i]!;
      if (c === "{") {
        i++;
        ws();
        if (text[i] === "}") {
          i++;
          expect = "after-value";
        } else {
          stack.push("}");
          expect = "key";
        }
        continue;
      }
      if (c === "[") {
        i++;
        ws();
        if (text[i] === "]") {
          i++;
          expect = "after-value";
        } else stack.push("]");
        continue;
      }
      let err: JsonSyntaxError | undefined;
      if (c === '"') err = string();
      else if (c === "-" || (c >= "0" && c <= "9")) err = number();
      else {
        const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 40))?.[0];
        if (word === "true" || word === "false" || word === "null") i += word.length;
        else if (word !== undefined) return fail(`unexpected word '${word}': expected a value (strings are written in double quotes; true, false and null in lower case)`);
        else if (c === "]" || c === "}") return fail(`unexpected ${describeAt(text, i)}: expected a value (a trailing comma?)`);
        else if (c === "'") return fail("strings are written in double quotes, not single quotes");
        else return fail(`unexpected ${describeAt(text, i)}: expected a value`);
      }
      if (err) return err;
      expect = "after-value";
      continue;
    }
    if (expect === "key") {
      if (i >= n) return fail("unexpected end of input: expected a member name");
      if (text[i] === "}" && comma >= 0) return fail("trailing comma: no member follows it before '}'", comma);
      if (text[i] !== '"') return fail(`unexpected ${describeAt(text, i)}: expected a member name in double quotes`);
      const err = string();
      if (err) return err;
      ws();
      if (text[i] !== ":") return fail(`unexpected ${describeAt(text, i)}: expected ':' after the member name`);
      i++;
      expect = "value";
      continue;
    }
    // after-value
    const top = stack[stack.length - 1];
    if (!top) {
      if (i < n) return fail(`unexpected ${describeAt(text, i)} after the JSON value`);
      return undefined;
    }
    if (i >= n) return fail(`unexpected end of input: expected ',' or '${top}'`);
    const c = text[i]!;
    if (c === ",") {
      comma = i;
      i++;
      ws();
      if (top === "]" && text[i] === "]") return fail("trailing comma: no element follows it before ']'", comma);
      expect = top === "}" ? "key" : "value";
      continue;
    }
    if (c === top) {
      i++;
      stack.pop();
      continue;
    }
    return fail(`unexpected ${describeAt(text, i)}: expected ',' or '${top}'${c === "}" || c === "]" ? ` (this '${c}' closes nothing open here)` : ""}`);
  }
}
