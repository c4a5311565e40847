// Randomised differential testing against the installed cpp: generated macro definitions and
// invocations (spacing, pasting, stringification, variadics, rescanning) and generated `#if`
// expressions must give the same tokens, the same spacing and the same success as cpp.
import { describe, expect, it } from "vitest";
import { cppAvailable, normalize, runCpp, runOurs } from "./harness.ts";

/** A small deterministic generator (an LCG), so failures reproduce. */
function generator(seed: number) {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  return { rnd, pick };
}

const NAMES = ["A", "B", "F", "G", "H"];
const ATOMS = ["x", "y", "1", "0x10", "-", "+", "<", ">", "(", ")", ",", "#", "##", "'a'", '"s"', "@", ".", "=", "&", "/", "*", "a-b", "node@", "E", " ", "\t"];

function macroProgram(seed: number): string {
  const { rnd, pick } = generator(seed);
  let src = "#define E\n";
  for (const n of NAMES) {
    const fun = rnd() < 0.6;
    const params = fun ? ["p", "q", "..."].slice(0, 1 + Math.floor(rnd() * 3)) : [];
    const extra = fun ? ["p", "q", "#p", "p##", "##q", "__VA_ARGS__", "#__VA_ARGS__"].filter((t) => params.includes(t.replace(/#/g, "")) || (t.includes("VA") && params.includes("..."))) : [];
    const pool = [...ATOMS, ...NAMES, ...extra];
    let body = "";
    for (let k = Math.floor(rnd() * 6); k > 0; k--) body += (rnd() < 0.5 ? " " : "") + pick(pool);
    if (body.trim().startsWith("##") || body.trim().endsWith("##")) body = " x";
    src += `#define ${n}${fun ? "(" + params.join(", ") + ")" : ""} ${body}\n`;
  }
  const plain = ATOMS.filter((a) => !["(", ")", "#", "##"].includes(a));
  for (let l = 0; l < 4; l++) {
    let line = "";
    for (let k = Math.floor(rnd() * 10); k > 0; k--) {
      if (rnd() < 0.4) line += (rnd() < 0.5 ? " " : "") + pick(NAMES) + (rnd() < 0.7 ? "(" + [pick(ATOMS), pick(ATOMS)].join(rnd() < 0.5 ? "," : "") + ")" : "");
      else line += (rnd() < 0.5 ? " " : "") + pick(plain);
      if (rnd() < 0.1) line += "\n";
    }
    src += line + "\n";
  }
  return src;
}

const LEAVES = ["0", "1", "2", "-1", "7u", "0x7fffffffffffffff", "0xffffffffffffffff", "9223372036854775807", "63", "64", "'a'", "'\\377'", "X", "defined X", "defined(Y)", "0b11", "017", "3ULL"];
const BINARY = ["+", "-", "*", "/", "%", "<<", ">>", "<", ">", "<=", ">=", "==", "!=", "&", "^", "|", "&&", "||", ","];

function expression(seed: number): string {
  const { rnd, pick } = generator(seed);
  const gen = (d: number): string => {
    const r = rnd();
    if (d <= 0 || r < 0.25) return pick(LEAVES);
    if (r < 0.35) return pick(["-", "~", "!", "+"]) + gen(d - 1);
    if (r < 0.45) return "(" + gen(d - 1) + ")";
    if (r < 0.52) return gen(d - 1) + " ? " + gen(d - 1) + " : " + gen(d - 1);
    return gen(d - 1) + " " + pick(BINARY) + " " + gen(d - 1);
  };
  return gen(4);
}

function agree(main: string): { same: boolean; detail: string } {
  const c = { files: { "main.S": main } };
  const theirs = runCpp(c);
  const ours = runOurs(c);
  const oursOk = ours.out !== undefined;
  const same = theirs.ok === oursOk && (!oursOk || normalize(theirs.text) === normalize(ours.text!));
  return { same, detail: `${main}\ncpp: ${theirs.ok} ${normalize(theirs.text)}\nours: ${oursOk} ${normalize(ours.text ?? "")}` };
}

describe.skipIf(!cppAvailable)("differential testing against cpp", () => {
  it("60 generated macro programs", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = agree(macroProgram(seed));
      expect(r.same, r.detail).toBe(true);
    }
  });

  it("300 generated #if expressions (in batches)", () => {
    const exprs = Array.from({ length: 300 }, (_, i) => expression(i + 1));
    for (let i = 0; i < exprs.length; i += 25) {
      const main = "#define X 5\n" + exprs.slice(i, i + 25).map((e, k) => `#if ${e}\nT${k}\n#else\nF${k}\n#endif\n`).join("");
      const r = agree(main);
      expect(r.same, r.detail).toBe(true);
    }
  });
});
