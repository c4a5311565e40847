// The scanner finds runs of whitespace, label, name and integer characters with sticky RegExps
// below RUNS_BELOW bytes of input and with loops from there on (grammar/lexer.ts): both ways must
// give the same tokens. The same text is scanned alone and followed by enough blank lines to
// cross the threshold; every token before the padding must be the same.
import { describe, expect, it } from "vitest";
import { memoryFileHost, SourceFile } from "../../src/source/index.ts";
import { RUNS_BELOW, scanDts } from "../../grammar/lexer.ts";

const TEXT = [
  "/dts-v1/;",
  "/ {",
  "\tlabel_1: node-name,x@1f {   \t",
  "\t\t#address-cells = <0x1 0X2f 0x 07 123ULL 45UL 6U 7LL 8L 0xfg>;",
  "\t\tl2: l3:\tprop_1,a.b+c*d#e?f@g-h = <&ref_1 &{/a/b} (1 + 2)>, \"s\\\"q\", [0a 1B l4: 2c];",
  "\t\tref = &other, &{/x};",
  "\t\t\\escaped-name;",
  "\t\ta_b:c;",
  "\t\tbits = /bits/ 16 <0xffff>;",
  "\t};",
  "};",
  "",
].join("\n");

function tokens(text: string, count: number): string[] {
  const scan = scanDts(new SourceFile("t.dts", text), { host: memoryFileHost({}), includeDirs: [] });
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`${scan.tokens.codeAt(i)}:${scan.tokens.startAt(i)}-${scan.tokens.endAt(i)}`);
  const errors = scan.lexicalErrors.map((e) => `${e.index} ${e.diagnostic.message}`);
  return [...out, ...errors];
}

describe("scanner runs: RegExps below the size threshold, loops above", () => {
  it("gives the same tokens both ways", () => {
    const small = scanDts(new SourceFile("t.dts", TEXT), { host: memoryFileHost({}), includeDirs: [] });
    const count = small.tokens.count - 1; // all but End
    expect(count).toBeGreaterThan(60);
    const padded = TEXT + "\n".repeat(RUNS_BELOW);
    expect(tokens(padded, count)).toEqual(tokens(TEXT, count));
  });
});
