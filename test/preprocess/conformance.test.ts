// Our output against cpp's, case by case (see cases.ts): the golden strings always, and the live
// `cpp` when it is installed (which also keeps the goldens honest).
import { describe, expect, it } from "vitest";
import { CASES } from "./cases.ts";
import { cppAvailable, diagnosticLines, normalize, runCpp, runOurs } from "./harness.ts";

describe("preprocessor output matches cpp (golden)", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = runOurs(c);
      expect(diagnosticLines(r.diagnostics.filter((d) => d.severity === "error"))).toEqual([]);
      expect(normalize(r.text ?? "")).toBe(c.expect);
    });
  }
});

describe.skipIf(!cppAvailable)("goldens match the installed cpp", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = runCpp(c);
      expect(r.ok).toBe(true);
      expect(normalize(r.text)).toBe(c.expect);
    });
  }
});
