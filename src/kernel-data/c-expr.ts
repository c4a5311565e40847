// Evaluation of C preprocessor conditions (`defined(CONFIG_X) && IS_ENABLED(CONFIG_Y)`) and of
// integer constant expressions (PCI IDs and class masks), three-valued: a value the environment
// does not know stays unknown (undefined) and `0 && unknown` is still 0.
import { T, tokenizePlain, type Token } from "./c-tokens.ts";

/**
 * What a name means: 1 / 0 for a macro known defined (to 1) / undefined, a number for its value,
 * undefined when unknown.
 */
export type MacroEnv = (name: string) => number | undefined;

/** Values are 64-bit two's complement (BigInt), as the kernel's u64 arithmetic; undefined: unknown. */
type V = bigint | undefined;

/** C integer literal (decimal, hex, octal, binary; suffixes u/l ignored). */
export function parseCInteger(text: string): bigint | undefined {
  const t = text.replace(/[uUlL]+$/, "");
  if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t) || /^[1-9]\d*$/.test(t)) return BigInt(t);
  if (/^0[0-7]*$/.test(t)) return BigInt(`0o${t.slice(1) || "0"}`);
  return undefined;
}

const wrap64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const truth = (v: bigint): bigint => (v !== 0n ? 1n : 0n);

const BINARY: Record<string, [number, (a: bigint, b: bigint) => bigint | undefined]> = {
  "*": [10, (a, b) => wrap64(a * b)],
  "/": [10, (a, b) => (b === 0n ? undefined : a / b)],
  "%": [10, (a, b) => (b === 0n ? undefined : a % b)],
  "+": [9, (a, b) => wrap64(a + b)],
  "-": [9, (a, b) => wrap64(a - b)],
  "<<": [8, (a, b) => wrap64(a << b)],
  ">>": [8, (a, b) => BigInt.asUintN(64, a) >> b],
  "<": [7, (a, b) => truth(BigInt(a < b))],
  ">": [7, (a, b) => truth(BigInt(a > b))],
  "<=": [7, (a, b) => truth(BigInt(a <= b))],
  ">=": [7, (a, b) => truth(BigInt(a >= b))],
  "==": [6, (a, b) => truth(BigInt(a === b))],
  "!=": [6, (a, b) => truth(BigInt(a !== b))],
  "&": [5, (a, b) => a & b],
  "^": [4, (a, b) => a ^ b],
  "|": [3, (a, b) => a | b],
};

/** Kernel config helpers of include/linux/kconfig.h, in terms of `defined`. */
const KCONFIG_HELPERS = new Set(["IS_ENABLED", "IS_BUILTIN", "IS_MODULE", "IS_REACHABLE"]);

class Evaluator {
  #i = 0;
  constructor(
    private readonly t: readonly Token[],
    private readonly env: MacroEnv,
    /** Width of `~` (32 for u32 IDs; 64 otherwise). */
    private readonly bits: 32 | 64,
  ) {}

  run(): V {
    const v = this.#expr(0);
    return this.#i === this.t.length ? v : undefined;
  }

  #peek(): Token | undefined {
    return this.t[this.#i];
  }

  #expr(minPrec: number): V {
    let left = this.#unary();
    for (;;) {
      const op = this.#peek();
      if (!op || op.k !== T.Punct) return left;
      if (op.v === "&&" || op.v === "||") {
        const prec = op.v === "&&" ? 2 : 1;
        if (prec < minPrec) return left;
        this.#i++;
        const right = this.#expr(prec + 1);
        left = op.v === "&&" ? and(left, right) : or(left, right);
        continue;
      }
      if (op.v === "?") {
        if (minPrec > 0) return left;
        this.#i++;
        // GNU `a ?: b`: a when nonzero, else b.
        if (this.#peek()?.v === ":") {
          this.#i++;
          const b = this.#expr(0);
          left = left === undefined ? undefined : left !== 0n ? left : b;
          continue;
        }
        const a = this.#expr(0);
        if (this.#peek()?.v !== ":") return undefined;
        this.#i++;
        const b = this.#expr(0);
        left = left === undefined ? (a === b ? a : undefined) : left !== 0n ? a : b;
        continue;
      }
      const bin = BINARY[op.v];
      if (!bin || bin[0] < minPrec) return left;
      this.#i++;
      const right = this.#expr(bin[0] + 1);
      left = left === undefined || right === undefined ? undefined : bin[1](left, right);
    }
  }

  #unary(): V {
    const tok = this.t[this.#i++];
    if (!tok) return undefined;
    if (tok.k === T.Punct) {
      if (tok.v === "(") {
        // A cast `(u32)` / `(unsigned int)` is skipped.
        const close = this.#castEnd();
        if (close >= 0) {
          this.#i = close + 1;
          return this.#unary();
        }
        const v = this.#expr(0);
        if (this.#peek()?.v === ")") this.#i++;
        return v;
      }
      const v = this.#unary();
      if (v === undefined) return undefined;
      if (tok.v === "!") return v === 0n ? 1n : 0n;
      if (tok.v === "-") return wrap64(-v);
      if (tok.v === "+") return v;
      if (tok.v === "~") return this.bits === 32 ? BigInt.asUintN(32, ~v) : wrap64(~v);
      return undefined;
    }
    if (tok.k === T.Number) return parseCInteger(tok.v);
    if (tok.k === T.Char) return tok.v.length === 3 ? BigInt(tok.v.charCodeAt(1)) : undefined;
    if (tok.k !== T.Ident) return undefined;
    if (tok.v === "defined") {
      const paren = this.#peek()?.v === "(";
      if (paren) this.#i++;
      const name = this.t[this.#i++]?.v ?? "";
      if (paren && this.#peek()?.v === ")") this.#i++;
      return definedValue(this.env, name);
    }
    if (KCONFIG_HELPERS.has(tok.v) && this.#peek()?.v === "(") {
      this.#i++;
      const name = this.t[this.#i++]?.v ?? "";
      if (this.#peek()?.v === ")") this.#i++;
      const builtin = definedValue(this.env, name);
      const module = definedValue(this.env, `${name}_MODULE`);
      if (tok.v === "IS_BUILTIN") return builtin;
      if (tok.v === "IS_MODULE") return module;
      return or(builtin, module);
    }
    const v = this.env(tok.v);
    return v === undefined ? undefined : BigInt(v);
  }

  /** If a cast starts here (after `(`), the index of its `)`; else -1. */
  #castEnd(): number {
    const TYPES = /^(u8|u16|u32|u64|s32|int|unsigned|long|short|char|signed|kernel_ulong_t|__u32|uint32_t|size_t|__u64|uint64_t)$/;
    let j = this.#i;
    while (j < this.t.length && this.t[j]!.k === T.Ident && TYPES.test(this.t[j]!.v)) j++;
    return j > this.#i && this.t[j]?.v === ")" ? j : -1;
  }
}

function definedValue(env: MacroEnv, name: string): V {
  const v = env(name);
  return v === undefined ? undefined : v !== 0 ? 1n : 0n;
}

function and(a: V, b: V): V {
  if (a === 0n || b === 0n) return 0n;
  if (a === undefined || b === undefined) return undefined;
  return 1n;
}

function or(a: V, b: V): V {
  if ((a !== undefined && a !== 0n) || (b !== undefined && b !== 0n)) return 1n;
  if (a === undefined || b === undefined) return undefined;
  return 0n;
}

/** Evaluates a token-form expression; undefined when not known under env. */
export function evaluateTokens(tokens: readonly Token[], env: MacroEnv, bits: 32 | 64 = 64): bigint | undefined {
  if (tokens.length === 0) return undefined;
  return new Evaluator(tokens, env, bits).run();
}

/** Evaluates a #if condition text: 1 true, 0 false, undefined unknown. */
export function evaluateCondition(text: string, env: MacroEnv): 0 | 1 | undefined {
  const v = evaluateTokens(tokenizePlain(text), env);
  return v === undefined ? undefined : v !== 0n ? 1 : 0;
}

/**
 * The environment of a .config for #if conditions, as include/generated/autoconf.h defines it:
 * CONFIG_X is 1 for =y, CONFIG_X_MODULE is 1 for =m; every other name is 0 (undefined in cpp).
 */
export function configEnv(values: (symbol: string) => "y" | "m" | "n", module = false): MacroEnv {
  return (name) => {
    if (name === "MODULE") return +module;
    if (name.endsWith("_MODULE") && name.startsWith("CONFIG_")) return +(values(name.slice(0, -7)) === "m");
    if (name.startsWith("CONFIG_")) return +(values(name) === "y");
    return 0;
  };
}
