// The scanner against dtc's flex rules (dts-syntax.md §1): start conditions, longest match,
// and the quirks that decide where an error is reported.
import { describe, expect, it } from "vitest";
import { memoryFileHost, SourceFile } from "../../src/source/index.ts";
import { scanDts } from "../../grammar/lexer.ts";

function scan(text: string, files: Record<string, string> = {}) {
  return scanDts(new SourceFile("t.dts", text), { host: memoryFileHost(files), includeDirs: [] });
}

/** `Type:image` of each token (without the final End). */
function lex(text: string): string[] {
  const { tokens } = scan(text);
  const out: string[] = [];
  for (let i = 0; i < tokens.count - 1; i++) out.push(`${tokens.typeAt(i).name}:${tokens.imageAt(i)}`);
  return out;
}

function lexicalMessages(text: string): string[] {
  return scan(text).lexicalErrors.map((e) => e.diagnostic.message);
}

const V1 = "/dts-v1/;"; // leaves the scanner in the name state (after `;`)

describe("start conditions", () => {
  it("lexes names only after { ; and the delete/omit keywords", () => {
    expect(lex(`${V1} / { 0prop,x#a?b*c = <1>; };`)).toEqual([
      "DtsV1:/dts-v1/", "Semicolon:;", "Slash:/", "LBrace:{", "PropNodeName:0prop,x#a?b*c", "Equals:=",
      "LAngle:<", "Literal:1", "RAngle:>", "Semicolon:;", "RBrace:}", "Semicolon:;",
    ]);
    expect(lex(`${V1} /delete-node/ n-1,2._+; /omit-if-no-ref/ x@1;`)).toContain("PropNodeName:n-1,2._+");
    expect(lex(`${V1} /omit-if-no-ref/ x@1;`)).toContain("PropNodeName:x@1");
  });

  it("lexes integers only in the V1 state", () => {
    // Before /dts-v1/ a digit is a single stray character.
    expect(lex("12 /dts-v1/; 12")).toEqual(["Stray:1", "Stray:2", "DtsV1:/dts-v1/", "Semicolon:;", "PropNodeName:12"]);
    expect(lex("/dts-v1/ 0x1fULL 010 7LL 8U")).toEqual(["DtsV1:/dts-v1/", "Literal:0x1fULL", "Literal:010", "Literal:7LL", "Literal:8U"]);
  });

  it("returns to V1 after a name, /memreserve/, /bits/ and ]", () => {
    expect(lex(`${V1} a = [00 ab] 12;`)).toEqual(["DtsV1:/dts-v1/", "Semicolon:;", "PropNodeName:a", "Equals:=", "LBracket:[", "Byte:00", "Byte:ab", "RBracket:]", "Literal:12", "Semicolon:;"]);
    expect(lex(`${V1} /memreserve/ 1 2;`)).toEqual(["DtsV1:/dts-v1/", "Semicolon:;", "MemReserve:/memreserve/", "Literal:1", "Literal:2", "Semicolon:;"]);
  });
});

describe("names and labels", () => {
  it("drops nothing from the image but marks a leading backslash name", () => {
    expect(lex(`${V1} \\#gpio-cells;`)).toContain("PropNodeName:\\#gpio-cells");
  });

  it("takes label: only with the colon attached", () => {
    expect(lex(`${V1} l1: l_2: lbl : n`)).toEqual(["DtsV1:/dts-v1/", "Semicolon:;", "Label:l1:", "Label:l_2:", "PropNodeName:lbl", "Colon::", "Literal:n"]);
    expect(lex(`${V1} lbl : n`).slice(2, 4)).toEqual(["PropNodeName:lbl", "Colon::"]);
    expect(lex(`${V1} 1abc: x`)[2]).toBe("PropNodeName:1abc"); // labels cannot start with a digit
    expect(lex(`${V1} a-b: x`).slice(2, 4)).toEqual(["PropNodeName:a-b", "Colon::"]);
  });

  it("prefers a label over bytes and names by longest match", () => {
    expect(lex(`${V1} p = [ab: 00 a0: 0a:]`)).toEqual([
      "DtsV1:/dts-v1/", "Semicolon:;", "PropNodeName:p", "Equals:=", "LBracket:[", "Label:ab:", "Byte:00", "Label:a0:", "Byte:0a", "Colon::", "RBracket:]",
    ]);
  });

  it("reports a bare identifier in V1 state as dtc >= 1.7 does and lexes it as a literal", () => {
    expect(lex(`${V1} p = <FOO>;`)).toContain("Literal:FOO");
    expect(lexicalMessages(`${V1} p = <FOO 0x1 _x>;`)).toEqual(["Unexpected 'FOO'", "Unexpected '_x'"]);
  });
});

describe("references", () => {
  it("lexes &label and &{path} as one token each", () => {
    expect(lex(`${V1} p = <&n-1 &{/a/b@1} &{lbl/c} &{} &{/}>;`).slice(4, 11)).toEqual([
      "LAngle:<", "LabelRef:&n", "Minus:-", "Literal:1", "PathRef:&{/a/b@1}", "PathRef:&{lbl/c}", "PathRef:&{}",
    ]);
  });

  it("splits &{ with a space or no closing brace", () => {
    expect(lex(`${V1} p = &{/a b};`).slice(4, 8)).toEqual(["Amp:&", "LBrace:{", "Slash:/", "PropNodeName:a"]);
  });

  it("lexes && and & next to numbers", () => {
    expect(lex("/dts-v1/ (6&3) (1&&2) 1&n")).toEqual([
      "DtsV1:/dts-v1/", "LParen:(", "Literal:6", "Amp:&", "Literal:3", "RParen:)", "LParen:(", "Literal:1", "AndAnd:&&", "Literal:2", "RParen:)", "Literal:1", "LabelRef:&n",
    ]);
  });
});

describe("literals", () => {
  it("matches dtc's literal regex: upper-case suffixes only", () => {
    expect(lex("/dts-v1/ 10ull 10LU 0x 0x1g")).toEqual([
      "DtsV1:/dts-v1/", "Literal:10", "Literal:ull", "Literal:10L", "Literal:U", "Literal:0", "Literal:x", "Literal:0x1", "Literal:g",
    ]);
  });

  it("reports bad octal and out-of-range literals", () => {
    expect(lexicalMessages("/dts-v1/ 09 0777 08UL 0x10000000000000000 18446744073709551616 18446744073709551615 0x0000000000000000ffffffffffffffff")).toEqual([
      "Bad integer literal '09'",
      "Bad integer literal '08UL'",
      "Integer literal '0x10000000000000000' out of range",
      "Integer literal '18446744073709551616' out of range",
    ]);
    expect(lexicalMessages("/dts-v1/ 01777777777777777777777 02000000000000000000000")).toEqual(["Integer literal '02000000000000000000000' out of range"]);
  });

  it("lexes character literals with the '\\\\' quirk", () => {
    expect(lex(`/dts-v1/ 'a' '\\'' '\\n' '\\x41'`).slice(1)).toEqual(["CharLiteral:'a'", "CharLiteral:'\\''", "CharLiteral:'\\n'", "CharLiteral:'\\x41'"]);
    // `'\\'` runs on to the next quote when a backslash precedes it... and here the next quote has none.
    expect(lex(`/dts-v1/ '\\\\' x 'y'`).slice(1)).toEqual(["CharLiteral:'\\\\' x '", "Literal:y", "Stray:'"]);
    expect(lexicalMessages(`/dts-v1/ '' 'ab' '\\0' '\\777'`)).toEqual(["Empty character literal", "Character literal has 2 characters instead of 1"]);
  });

  it("lexes strings across lines and rejects a backslash before a newline", () => {
    expect(lex(`${V1} p = "a\nb\\"c";`)[4]).toBe('StringLiteral:"a\nb\\"c"');
    expect(lex(`${V1} p = "a\\\nb";`)[4]).toBe('Stray:"');
    expect(lex(`${V1} p = "unterminated;`)[4]).toBe('Stray:"');
  });

  it("stops at a \\x escape without hex digits, as dtc dies there", () => {
    const r = scan(`${V1} p = "ok", "\\x", "never";`);
    expect(r.fatal?.diagnostic.message).toBe("\\x used with no following hex digits");
    expect(r.fatal?.index).toBe(r.tokens.count - 1);
    expect(scan(`${V1} p = "\\x 1", "\\x-f", '\\xg'`).fatal?.diagnostic.message).toBe("\\x used with no following hex digits");
    expect(scan(`${V1} p = "\\x 1", "\\x-f";`).fatal).toBeUndefined();
  });
});

describe("byte strings", () => {
  it("accepts only pairs of hex digits", () => {
    expect(lex(`${V1} p = [0a0B 0c];`).slice(4, 9)).toEqual(["LBracket:[", "Byte:0a", "Byte:0B", "Byte:0c", "RBracket:]"]);
    expect(lex(`${V1} p = [0a0B0];`).slice(5, 8)).toEqual(["Byte:0a", "Byte:0B", "Stray:0"]);
    expect(lex(`${V1} p = [0 a];`).slice(5, 7)).toEqual(["Stray:0", "Stray:a"]);
  });
});

describe("comments and whitespace", () => {
  it("skips comments between any two tokens, without nesting", () => {
    expect(lex(`${V1}/*c*/p/* /* */=//x\n<1>;`)).toEqual(["DtsV1:/dts-v1/", "Semicolon:;", "PropNodeName:p", "Equals:=", "LAngle:<", "Literal:1", "RAngle:>", "Semicolon:;"]);
  });

  it("makes an unterminated /* and a final // without newline into / tokens", () => {
    // (`*` is a name character in the name state.)
    expect(lex(`${V1} /* x`).slice(2)).toEqual(["Slash:/", "PropNodeName:*", "Literal:x"]);
    expect(lex(`${V1} // x`).slice(2)).toEqual(["Slash:/", "Slash:/", "PropNodeName:x"]);
  });

  it("puts End on the last whitespace or comment", () => {
    const { tokens } = scan(`${V1}\n/* a */\n  \n`);
    const end = tokens.count - 1;
    expect(tokens.typeAt(end).name).toBe("End");
    expect(tokens.startAt(end)).toBe(`${V1}\n/* a */`.length);
    const bare = scan("/dts-v1/").tokens;
    expect(bare.startAt(bare.count - 1)).toBe(0); // no trivia: the last token
  });

  it("needs no whitespace and accepts CRLF", () => {
    expect(lex("/dts-v1/;/{a=<1>;n{c;};};").length).toBe(18);
    expect(lex("/dts-v1/;\r\n/ {\r\n\ta = <1>; // c\r\n};\r\n").length).toBe(12);
  });
});

describe("stray characters", () => {
  it("makes non-ASCII bytes, #, @ and $ single-character tokens outside names", () => {
    expect(lex("/dts-v1/ \u00e9\u00a0 # @ $ \\")).toEqual(["DtsV1:/dts-v1/", "Stray:\u00e9", "Stray:\u00a0", "Stray:#", "Stray:@", "Stray:$", "Stray:\\"]);
  });

  it("keeps keywords whole and names keyword-like words", () => {
    expect(lex("/ dts-v1 /")).toEqual(["Slash:/", "Stray:d", "Stray:t", "Stray:s", "Minus:-", "Stray:v", "Stray:1", "Slash:/"]);
    expect(lex(`${V1} dts-v1; memreserve;`).slice(2)).toEqual(["PropNodeName:dts-v1", "Semicolon:;", "PropNodeName:memreserve", "Semicolon:;"]);
    // /incbin/ has no start condition in dtc: not a keyword in the name state.
    expect(lex(`${V1} /incbin/`)[2]).toBe("Slash:/");
    expect(lex(`${V1} p = /incbin/`)[4]).toBe("Incbin:/incbin/");
  });
});
