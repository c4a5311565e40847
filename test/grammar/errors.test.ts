// Where parsing stops, compared with dtc's verdicts in ./error-cases.ts
// (test/grammar/dtc-differential.test.ts re-checks them against the installed dtc).
import { describe, expect, it } from "vitest";
import { ERROR_CASES } from "./error-cases.ts";
import { parse } from "./helpers.ts";


/** Our verdict in the same notation as ERROR_CASES. */
function verdict(name: string, text: string): string {
  const r = parse(text, {}, { name: `${name}.dts` });
  if (r.doc) return r.diagnostics.length === 0 ? "accept" : `accepted with ${r.messages.join("; ")}`;
  const d = r.diagnostics[0];
  if (!d?.span) return "(no diagnostic)";
  const p = d.span.file.positionAt(d.span.start);
  if (d.message.startsWith("\\x used")) return `FATAL ${d.message}`;
  return `${p.file === `${name}.dts` ? "" : `${p.file}:`}${p.line}.${p.column} ${d.message}`;
}

describe("syntax and lexical errors stop where dtc's do", () => {
  it.each(ERROR_CASES)("%s", (name, text, expected) => {
    expect(verdict(name, text)).toBe(expected);
  });
});

describe("what is reported", () => {
  it("reports lexical errors up to the token where parsing stopped, then the error", () => {
    const r = parse("/dts-v1/;\n/ { p = <09 FOO>; q = ; r = <08>; };\n");
    expect(r.messages).toEqual(["t.dts:2.10 Bad integer literal '09'", "t.dts:2.13 Unexpected 'FOO'", "t.dts:2.23 syntax error"]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["lexical", "lexical", "syntax"]);
  });

  it("rejects a document with lexical errors even when it parses", () => {
    const r = parse("/dts-v1/;\n/ { p = <09>, <''>; };\n");
    expect(r.doc).toBeUndefined();
    expect(r.messages).toEqual(["t.dts:2.10 Bad integer literal '09'", "t.dts:2.16 Empty character literal"]);
  });

  it("reports an empty file on line 0, as dtc does (dtc prints file:0.0)", () => {
    expect(parse("").messages).toEqual(["t.dts:0.1 syntax error"]);
  });

  it("spans the whole property, labels included, for Properties must precede subnodes", () => {
    const r = parse("/dts-v1/;\n/ {\n\tn { };\n\tl: p = <1>;\n};\n");
    expect(r.diagnostics[0]).toMatchObject({ code: "syntax", message: "Properties must precede subnodes" });
    expect(r.diagnostics[0]!.span).toMatchObject({ start: 23, end: 34 });
  });
});
