// C macro expansion (object- and function-like, `#` stringizing, `##` pasting, __VA_ARGS__), for
// the tokens of match tables and driver structs: tables written with local helper macros
// (`#define FOO_COMPAT(x) { .compatible = x }`), PCI_DEVICE()/PCI_VDEVICE() from <linux/pci.h>,
// IRQCHIP_PLATFORM_DRIVER_BEGIN/IRQCHIP_MATCH/..._END from <linux/irqchip.h>.
import { T, tokenizePlain, tokensText, type Token } from "./c-tokens.ts";
import type { MacroDef } from "./c-file.ts";

export type MacroLookup = (name: string) => MacroDef | undefined;

/** Expansion stops growing past this many tokens (a runaway or a huge table). */
const MAX_TOKENS = 200_000;

export class MacroExpander {
  #budget = MAX_TOKENS;
  constructor(private readonly lookup: MacroLookup) {}

  /** Whether an expansion ran out of budget (the result is then partial). */
  get exhausted(): boolean {
    return this.#budget <= 0;
  }

  expand(tokens: readonly Token[], disabled: ReadonlySet<string> = new Set()): Token[] {
    const out: Token[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (this.#budget-- <= 0) {
        out.push(...tokens.slice(i));
        return out;
      }
      const def = t.k === T.Ident && !disabled.has(t.v) ? this.lookup(t.v) : undefined;
      if (!def) {
        out.push(t);
        continue;
      }
      const hide = new Set(disabled).add(def.name);
      if (def.params === null) {
        out.push(...this.expand(retag(def.body, t.g), hide));
        continue;
      }
      if (tokens[i + 1]?.v !== "(") {
        out.push(t);
        continue;
      }
      const parsed = splitCallArgs(tokens, i + 1);
      if (!parsed) {
        out.push(t);
        continue;
      }
      const body = this.#substitute(def, parsed.args, disabled, t.g);
      out.push(...this.expand(body, hide));
      i = parsed.end;
    }
    return out;
  }

  #substitute(def: MacroDef, args: Token[][], disabled: ReadonlySet<string>, g: number): Token[] {
    const params = def.params!;
    const argOf = (name: string): Token[] | undefined => {
      const idx = params.indexOf(name);
      if (idx < 0) return undefined;
      if (def.variadic && idx === params.length - 1) {
        // The variadic parameter takes the rest of the arguments, commas included.
        const rest = args.slice(idx);
        return rest.flatMap((a, k) => (k === 0 ? a : [{ k: T.Punct, v: ",", g }, ...a]));
      }
      return args[idx] ?? [];
    };
    const body = def.body;
    const out: Token[] = [];
    for (let j = 0; j < body.length; j++) {
      const b = body[j]!;
      if (b.v === "#" && body[j + 1]?.k === T.Ident && argOf(body[j + 1]!.v) !== undefined) {
        out.push({ k: T.String, v: JSON.stringify(tokensText(argOf(body[j + 1]!.v)!)), g });
        j++;
        continue;
      }
      if (body[j + 1]?.v === "##" || b.v === "##") {
        if (b.v === "##") continue;
        // Left operand, then each `## right` pasted onto the last token.
        let acc: Token[] = b.k === T.Ident ? (argOf(b.v) ?? [b]) : [b];
        while (body[j + 1]?.v === "##" && j + 2 < body.length) {
          const r = body[j + 2]!;
          const right = r.k === T.Ident ? (argOf(r.v) ?? [r]) : [r];
          acc = paste(acc, right, g);
          j += 2;
        }
        out.push(...retag(acc, g));
        continue;
      }
      const a = b.k === T.Ident ? argOf(b.v) : undefined;
      if (a !== undefined) out.push(...this.expand(a, disabled));
      else out.push({ ...b, g });
    }
    return out;
  }
}

function retag(tokens: readonly Token[], g: number): Token[] {
  return tokens.map((t) => (t.g === g ? t : { ...t, g }));
}

function paste(left: Token[], right: Token[], g: number): Token[] {
  if (left.length === 0) return right;
  if (right.length === 0) return left;
  const joined = tokenizePlain(left[left.length - 1]!.v + right[0]!.v, g);
  return [...left.slice(0, -1), ...joined, ...right.slice(1)];
}

/** Arguments of a call whose `(` is at `open`: split at commas outside parentheses (as cpp does: braces do not group). */
export function splitCallArgs(tokens: readonly Token[], open: number): { args: Token[][]; end: number } | undefined {
  const args: Token[][] = [[]];
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const v = tokens[i]!.v;
    const k = tokens[i]!.k;
    if (k === T.Punct && v === "(") {
      if (depth++ === 0) continue;
    } else if (k === T.Punct && v === ")") {
      if (--depth === 0) {
        if (args.length === 1 && args[0]!.length === 0) return { args: [], end: i };
        return { args, end: i };
      }
    } else if (k === T.Punct && v === "," && depth === 1) {
      args.push([]);
      continue;
    }
    args[args.length - 1]!.push(tokens[i]!);
  }
  return undefined;
}
