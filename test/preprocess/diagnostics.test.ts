// Error and warning messages, with gcc's wording and (where gcc's and ours agree) its positions.
import { describe, expect, it } from "vitest";
import { diagnosticLines, runOurs } from "./harness.ts";

/** Each directive-level problem on its own, in a file named main.S. */
const CASES: ReadonlyArray<readonly [string, string]> = [
  ['#error  foo   "bar"  x', 'main.S:1:2: error: #error foo "bar" x'],
  ["#warning", "main.S:1:2: warning: #warning "],
  ['#pragma GCC warning "hmm"', "main.S:1:21: warning: hmm"],
  ['#pragma GCC error "bad"', "main.S:1:19: error: bad"],
  ["#if 1 +\n#endif", "main.S:1:8: error: operator '+' has no right operand"],
  ["#if\n#endif", "main.S:1:4: error: #if with no expression"],
  ["#if 1 1\n#endif", 'main.S:1:7: error: missing binary operator before token "1"'],
  ["#if (1\n#endif", "main.S:1:5: error: missing ')' in expression"],
  ["#if 1/0\n#endif", "main.S:1:6: error: division by zero in #if"],
  ['#if "s"\n#endif', 'main.S:1:5: error: token ""s"" is not valid in preprocessor expressions'],
  ["#if 1.0\n#endif", "main.S:1:5: error: floating constant in preprocessor expression"],
  ["#if 08\n#endif", 'main.S:1:5: error: invalid digit "8" in octal constant'],
  ["#if 1z\n#endif", 'main.S:1:5: error: invalid suffix "z" on integer constant'],
  ["#if 18446744073709551616\n#endif", "main.S:1:5: warning: integer constant is too large for its type"],
  ["#if 9223372036854775808\n#endif", "main.S:1:5: warning: integer constant is so large that it is unsigned"],
  ["#if defined\n#endif", 'main.S:1:12: error: operator "defined" requires an identifier'],
  ["#if defined(X\n#endif", "main.S:1:14: error: missing ')' after \"defined\""],
  ["#if ()\n#endif", "main.S:1:6: error: missing expression between '(' and ')'"],
  ["#if 1 :\n#endif", "main.S:1:7: error:  ':' without preceding '?'"],
  ["#if )\n#endif", "main.S:1:5: error: missing '(' in expression"],
  ["#if * 1\n#endif", "main.S:1:5: error: operator '*' has no left operand"],
  ["#if 1 = 1\n#endif", 'main.S:1:7: error: token "=" is not valid in preprocessor expressions'],
  ["#if ~\n#endif", "main.S:1:6: error: operator '~' has no right operand"],
  ["#if 1 ? 2 :\n#endif", "main.S:1:12: error: operator ':' has no right operand"],
  ["#ifdef\n#endif", "main.S:1:7: error: no macro name given in #ifdef directive"],
  ["#ifdef 3\n#endif", "main.S:1:8: error: macro names must be identifiers"],
  ["#ifdef X Y\n#endif", "main.S:1:10: warning: extra tokens at end of #ifdef directive"],
  ["#else", "main.S:1:2: error: #else without #if"],
  ["#endif", "main.S:1:2: error: #endif without #if"],
  ["#elif 1", "main.S:1:2: error: #elif without #if"],
  ["#if 1\n#endif junk", "main.S:2:8: warning: extra tokens at end of #endif directive"],
  ["#define", "main.S:1:8: error: no macro name given in #define directive"],
  ["#define 3", "main.S:1:9: error: macro names must be identifiers"],
  ["#define defined", 'main.S:1:9: error: "defined" cannot be used as a macro name'],
  ["#define F(x,x)", 'main.S:1:13: error: duplicate macro parameter "x"'],
  ["#define G(x", "main.S:1:12: error: expected ')' before end of line"],
  ["#define H(x y)", "main.S:1:13: error: expected ',' or ')', found \"y\""],
  ["#define I(", "main.S:1:11: error: expected parameter name before end of line"],
  ["#define J(...x)", "main.S:1:14: error: expected ')' after \"...\""],
  ["#define M 1\n#define M 2", 'main.S:2:9: warning: "M" redefined'],
  ["#undef __FILE__", 'main.S:1:8: warning: undefining "__FILE__"'],
  ["#line x", 'main.S:1:7: error: "x" after #line is not a positive integer'],
  ["#line 5 foo", 'main.S:1:9: error: "foo" is not a valid filename'],
  ["#include", 'main.S:1:9: error: #include expects "FILENAME" or <FILENAME>'],
  ["#include <>", "main.S:1:10: error: empty filename in #include"],
  ['#include "nope.h"', "main.S:1:10: error: nope.h: No such file or directory"],
  ["#include <nope.h>\nafter", "main.S:1:10: error: nope.h: No such file or directory"],
  ["#define F(x) x\nF(1", 'main.S:2:1: error: unterminated argument list invoking macro "F"'],
  ["#define F(x) x\nF(1, 2)", 'main.S:2:1: error: macro "F" passed 2 arguments, but takes just 1'],
  ["#define F(x, y) x\nF(1)", 'main.S:2:1: error: macro "F" requires 2 arguments, but only 1 given'],
  ["a /* never closed", "main.S:1:3: error: unterminated comment"],
  ["#if 1\nx", "main.S:1:1: error: unterminated #if"],
  ["#ifndef X\n#else\nx", "main.S:1:1: error: unterminated #else"],
  ["#pragma GCC poison bad\nbad", 'main.S:2:1: error: attempt to use poisoned "bad"'],
  ["#pragma once", "main.S:1:9: warning: #pragma once in main file"],
];

describe("preprocessor diagnostics", () => {
  for (const [source, expected] of CASES) {
    it(expected, () => {
      const r = runOurs({ files: { "main.S": source + "\n" } });
      expect(diagnosticLines(r.diagnostics)).toContain(expected);
      const hasError = r.diagnostics.some((d) => d.severity === "error");
      expect(r.out === undefined).toBe(hasError);
    });
  }

  it("a missing include is fatal, has code `include` and stops at once", () => {
    const r = runOurs({ files: { "main.S": '#include "a.h"\n#include "nope.h"\n#error never reached\n', "a.h": "\n" } });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["include"]);
  });

  it("errors inside included files carry the include chain", () => {
    const r = runOurs({ files: { "main.S": '\n#include "d/a.h"\n', "d/a.h": '#include "b.h"\n', "d/b.h": "#error deep\n" } });
    const d = r.diagnostics[0]!;
    expect(d.span!.file.positionAt(d.span!.start)).toEqual({ file: "d/b.h", line: 1, column: 2 });
    expect(d.span!.file.includeChainAt(d.span!.start).map((p) => `${p.file}:${p.line}`)).toEqual(["main.S:2", "d/a.h:1"]);
  });

  it("'#else after #else' points back at the conditional", () => {
    const r = runOurs({ files: { "main.S": "#if 1\n#else\n#else\n#endif\n" } });
    expect(diagnosticLines(r.diagnostics)).toEqual(["main.S:3:2: error: #else after #else"]);
    const related = r.diagnostics[0]!.related![0]!;
    expect(related.message).toBe("the conditional began here");
    expect(related.span.file.positionAt(related.span.start).line).toBe(1);
  });

  it("messages about macro-body tokens point at the invocation", () => {
    const r = runOurs({ files: { "main.S": "#define F(x) x\n#define G F\n\n  G\n" } });
    expect(diagnosticLines(r.diagnostics)).toEqual([]);
    const r2 = runOurs({ files: { "main.S": "#define F(x, y) x\n#define G F(1)\n\n  G\n" } });
    expect(diagnosticLines(r2.diagnostics)[0]).toBe('main.S:4:3: error: macro "F" requires 2 arguments, but only 1 given');
  });
});
