// The part of GNU Make's variable expansion that kbuild object lists use, keeping for every word
// the configuration conditions it came in under: `$(CONFIG_X)` in a variable name reads as `y`
// under the condition CONFIG_X, so `obj-$(CONFIG_X) += a.o` puts `a.o` in `obj-y` when X is set.
// Functions: addprefix, addsuffix, patsubst, subst, filter, filter-out, strip, sort, if,
// foreach, firstword, notdir; anything else (shell, wildcard, call) expands to nothing.

export interface CondWord {
  readonly w: string;
  /** `CONFIG_X` / `!CONFIG_X`, all of which must hold. */
  readonly conds: readonly string[];
}

interface Frag {
  readonly text: string;
  readonly conds: readonly string[];
}

export interface MakeScope {
  /** Variables as lists of words with conditions. */
  readonly vars: Map<string, CondWord[]>;
  /** Fixed values: src, obj, srctree, SRCARCH, ... */
  readonly constants: ReadonlyMap<string, string>;
}

const NO_CONDS: readonly string[] = [];

function union(a: readonly string[], b: readonly string[]): readonly string[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = [...a];
  for (const c of b) if (!out.includes(c)) out.push(c);
  return out;
}

/** Splits `$(fn a,b,c)` arguments at top-level commas. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "{") depth++;
    else if (c === ")" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** Index of the parenthesis closing the one opened before `from`. */
function closing(text: string, from: number, open: string, close: string): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return i;
  }
  return -1;
}

function wordsToFrags(words: readonly CondWord[]): Frag[] {
  const out: Frag[] = [];
  words.forEach((w, i) => {
    if (i > 0) out.push({ text: " ", conds: NO_CONDS });
    out.push({ text: w.w, conds: w.conds });
  });
  return out;
}

/** Splits expanded text into words; a word carries the conditions of every fragment it touches. */
function fragsToWords(frags: readonly Frag[]): CondWord[] {
  const out: CondWord[] = [];
  let cur = "";
  let conds: readonly string[] = NO_CONDS;
  const flush = () => {
    if (cur) out.push({ w: cur, conds });
    cur = "";
    conds = NO_CONDS;
  };
  for (const f of frags) {
    const parts = f.text.split(/(\s+)/);
    for (const p of parts) {
      if (p === "") continue;
      if (/^\s+$/.test(p)) flush();
      else {
        cur += p;
        conds = union(conds, f.conds);
      }
    }
  }
  flush();
  return out;
}

function plain(frags: readonly Frag[]): string {
  return frags.map((f) => f.text).join("");
}

function pattern(pat: string): RegExp {
  const i = pat.indexOf("%");
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return i < 0 ? new RegExp(`^${esc(pat)}$`) : new RegExp(`^${esc(pat.slice(0, i))}(.*)${esc(pat.slice(i + 1))}$`);
}

function patsubst(pat: string, repl: string, word: string): string {
  const m = pattern(pat).exec(word);
  if (!m) return word;
  return pat.includes("%") ? repl.replace("%", m[1]!) : repl;
}

export class MakeExpander {
  constructor(private readonly scope: MakeScope) {}

  words(text: string, conds: readonly string[] = NO_CONDS): CondWord[] {
    return fragsToWords(this.#expand(text)).map((w) => ({ w: w.w, conds: union(conds, w.conds) }));
  }

  /** Expanded text without conditions (function arguments that are patterns or names). */
  text(text: string): string {
    return plain(this.#expand(text)).trim();
  }

  #expand(text: string): Frag[] {
    const out: Frag[] = [];
    let lit = "";
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c !== "$") {
        lit += c;
        continue;
      }
      const next = text[i + 1];
      if (next === "$") {
        lit += "$";
        i++;
        continue;
      }
      if (lit) out.push({ text: lit, conds: NO_CONDS });
      lit = "";
      if (next === "(" || next === "{") {
        const end = closing(text, i + 2, next, next === "(" ? ")" : "}");
        if (end < 0) return out;
        out.push(...this.#reference(text.slice(i + 2, end)));
        i = end;
      } else if (next !== undefined) {
        out.push(...this.#reference(next));
        i++;
      }
    }
    if (lit) out.push({ text: lit, conds: NO_CONDS });
    return out;
  }

  #reference(inner: string): Frag[] {
    const fn = /^([a-z-]+)\s+([\s\S]*)$/.exec(inner);
    if (fn && FUNCTIONS.has(fn[1]!)) return this.#call(fn[1]!, fn[2]!);
    if (fn) return [];
    // A variable name may itself hold references: $(foo-$(CONFIG_X)).
    const nameFrags = this.#expand(inner);
    const name = plain(nameFrags).trim();
    const nameConds = nameFrags.reduce<readonly string[]>((a, f) => union(a, f.conds), NO_CONDS);
    if (/^CONFIG_\w+$/.test(name)) return [{ text: "y", conds: union(nameConds, [name]) }];
    const k = this.scope.constants.get(name);
    if (k !== undefined) return [{ text: k, conds: nameConds }];
    const v = this.scope.vars.get(normalizeListName(name));
    if (!v) return [];
    return wordsToFrags(v.map((w) => ({ w: w.w, conds: union(nameConds, w.conds) })));
  }

  #call(fn: string, argText: string): Frag[] {
    const args = splitArgs(argText);
    const arg = (i: number) => args[i] ?? "";
    const mapWords = (list: string, f: (w: string) => string | undefined): Frag[] =>
      wordsToFrags(
        this.words(list)
          .map((w) => ({ w: f(w.w) ?? "", conds: w.conds }))
          .filter((w) => w.w !== ""),
      );
    switch (fn) {
      case "addprefix": {
        const p = this.text(arg(0));
        return mapWords(arg(1), (w) => p + w);
      }
      case "addsuffix": {
        const s = this.text(arg(0));
        return mapWords(arg(1), (w) => w + s);
      }
      case "patsubst": {
        const [pat, repl] = [this.text(arg(0)), this.text(arg(1))];
        return mapWords(arg(2), (w) => patsubst(pat, repl, w));
      }
      case "subst": {
        const [from, to] = [this.text(arg(0)), this.text(arg(1))];
        // $(subst m,y,$(CONFIG_X)): the condition stays, the text becomes y.
        return this.#expand(arg(2)).map((f) => ({ text: from ? f.text.split(from).join(to) : f.text, conds: f.conds }));
      }
      case "filter":
      case "filter-out": {
        const pats = this.text(arg(0)).split(/\s+/).filter(Boolean).map(pattern);
        const keep = fn === "filter";
        return mapWords(arg(1), (w) => (pats.some((p) => p.test(w)) === keep ? w : undefined));
      }
      case "strip":
        return wordsToFrags(this.words(arg(0)));
      case "sort": {
        const seen = new Map<string, CondWord>();
        for (const w of this.words(arg(0))) if (!seen.has(w.w)) seen.set(w.w, w);
        return wordsToFrags([...seen.values()].sort((a, b) => (a.w < b.w ? -1 : a.w > b.w ? 1 : 0)));
      }
      case "firstword":
        return wordsToFrags(this.words(arg(0)).slice(0, 1));
      case "notdir":
        return mapWords(arg(0), (w) => w.slice(w.lastIndexOf("/") + 1));
      case "if": {
        const cond = this.#expand(arg(0));
        const condWords = fragsToWords(cond);
        if (condWords.length === 0) return this.#expand(args.slice(2).join(","));
        const conds = condWords.reduce<readonly string[]>((a, w) => union(a, w.conds), NO_CONDS);
        return this.#expand(arg(1)).map((f) => ({ text: f.text, conds: union(conds, f.conds) }));
      }
      case "foreach": {
        const v = this.text(arg(0));
        const out: Frag[] = [];
        for (const w of this.words(arg(1))) {
          const saved = this.scope.vars.get(v);
          this.scope.vars.set(v, [w]);
          if (out.length) out.push({ text: " ", conds: NO_CONDS });
          out.push(...this.#expand(args.slice(2).join(",")));
          if (saved) this.scope.vars.set(v, saved);
          else this.scope.vars.delete(v);
        }
        return out;
      }
      default:
        return [];
    }
  }
}

const FUNCTIONS = new Set([
  "addprefix",
  "addsuffix",
  "patsubst",
  "subst",
  "filter",
  "filter-out",
  "strip",
  "sort",
  "firstword",
  "notdir",
  "if",
  "foreach",
  "call",
  "shell",
  "wildcard",
  "dir",
  "basename",
  "word",
  "words",
  "or",
  "and",
  "origin",
  "error",
  "warning",
  "info",
  "eval",
  "abspath",
  "realpath",
  "join",
  "suffix",
  "findstring",
  "value",
]);

/**
 * kbuild reads `x-y`, `x-m` and `x-objs` alike as the list `x` (obj-m objects are linked or not
 * by their own symbol; for link order and build conditions they are one list).
 */
export function normalizeListName(name: string): string {
  if (name.endsWith("-m")) return `${name.slice(0, -2)}-y`;
  if (name.endsWith("-objs")) return `${name.slice(0, -5)}-y`;
  return name;
}
