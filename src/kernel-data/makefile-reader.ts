// Reads a kbuild Makefile (or Kbuild file) into its variable assignments and includes, in order,
// each with the configuration conditions of the `ifdef`/`ifeq` blocks around it. Rules, recipes
// and `define` blocks are skipped: kbuild lists objects in assignments.

export interface MakeAssignment {
  readonly kind: "assign";
  readonly lhs: string;
  readonly op: "=" | ":=" | "::=" | "+=" | "?=";
  readonly rhs: string;
  /** Conditions of the enclosing conditionals: `CONFIG_X` or `!CONFIG_X`. */
  readonly conds: readonly string[];
  readonly line: number;
}

export interface MakeInclude {
  readonly kind: "include";
  readonly path: string;
  readonly conds: readonly string[];
  readonly line: number;
}

export type MakeStatement = MakeAssignment | MakeInclude;

/** Joins backslash-continued lines and strips comments; yields [text, first line number]. */
function logicalLines(text: string): [string, number][] {
  const out: [string, number][] = [];
  const lines = text.split("\n");
  let acc = "";
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i]!;
    if (l.endsWith("\r")) l = l.slice(0, -1);
    if (acc === "") start = i + 1;
    // A comment ends the line (an escaped \# does not start one).
    const hash = findComment(l);
    const cut = hash < 0 ? l : l.slice(0, hash);
    if (hash < 0 && cut.endsWith("\\")) {
      acc += cut.slice(0, -1) + " ";
      continue;
    }
    acc += cut;
    out.push([acc, start]);
    acc = "";
  }
  if (acc) out.push([acc, start]);
  return out;
}

function findComment(l: string): number {
  for (let i = 0; i < l.length; i++) {
    if (l[i] === "#" && (i === 0 || l[i - 1] !== "\\")) return i;
  }
  return -1;
}

/**
 * The configuration condition a Make conditional tests, as `CONFIG_X` / `!CONFIG_X`, or
 * undefined when it tests something else (treated as true: kbuild lists are the union).
 */
export function conditionOf(directive: string, arg: string): string | undefined {
  const a = arg.trim();
  if (directive === "ifdef" || directive === "ifndef") {
    const m = /^(CONFIG_\w+)$/.exec(a);
    if (!m) return undefined;
    return directive === "ifdef" ? m[1] : `!${m[1]}`;
  }
  // ifeq ($(CONFIG_X),y) / ifeq ($(CONFIG_X),) / ifneq (...) / ifeq "$(CONFIG_X)" "y"
  let left: string;
  let right: string;
  const paren = /^\(\s*(.*?)\s*,\s*(.*?)\s*\)$/.exec(a);
  const quoted = /^["'](.*?)["']\s+["'](.*?)["']$/.exec(a);
  if (paren) [left, right] = [paren[1]!, paren[2]!];
  else if (quoted) [left, right] = [quoted[1]!, quoted[2]!];
  else return undefined;
  const sym = (s: string) => /^\$[({](CONFIG_\w+)[)}]$/.exec(s)?.[1];
  let symbol = sym(left);
  let value = right;
  if (!symbol) {
    symbol = sym(right);
    value = left;
  }
  if (!symbol) return undefined;
  // "= y" or "= m" or "!= empty" all mean "set"; "= empty" or "!= y" mean "not set" (close enough
  // for a list of objects: y-vs-m distinctions do not change whether the object is built).
  const positive = value === "y" || value === "m" ? directive === "ifeq" : value === "" ? directive === "ifneq" : undefined;
  if (positive === undefined) return undefined;
  return positive ? symbol : `!${symbol}`;
}

function negate(c: string | undefined): string | undefined {
  if (c === undefined) return undefined;
  return c.startsWith("!") ? c.slice(1) : `!${c}`;
}

const ASSIGN = /^([^=:+?!\s][^=:+?!]*?)\s*(::=|:=|\+=|\?=|=)(.*)$/;

export function readMakefile(text: string): MakeStatement[] {
  const out: MakeStatement[] = [];
  // Each open conditional: the condition of the branch being read (undefined: not a config test).
  const stack: { cond: string | undefined; first: string | undefined }[] = [];
  let inDefine = 0;
  const conds = () => stack.map((s) => s.cond).filter((c): c is string => c !== undefined);
  for (const [raw, line] of logicalLines(text)) {
    const l = raw.trim();
    if (l === "") continue;
    const word = /^(\S+)\s*(.*)$/.exec(l)!;
    const [, kw, rest] = word as unknown as [string, string, string];
    if (inDefine > 0) {
      if (kw === "endef") inDefine--;
      else if (kw === "define") inDefine++;
      continue;
    }
    if (kw === "define") {
      inDefine++;
      continue;
    }
    if (kw === "ifdef" || kw === "ifndef" || kw === "ifeq" || kw === "ifneq") {
      const c = conditionOf(kw, rest);
      stack.push({ cond: c, first: c });
      continue;
    }
    if (kw === "else") {
      const top = stack[stack.length - 1];
      if (!top) continue;
      // `else ifeq (...)`: the negation of the first branch and the new test (two deep is enough).
      const m = /^(ifdef|ifndef|ifeq|ifneq)\s+(.*)$/.exec(rest);
      top.cond = m ? (conditionOf(m[1]!, m[2]!) ?? negate(top.first)) : negate(top.first);
      continue;
    }
    if (kw === "endif") {
      stack.pop();
      continue;
    }
    if (kw === "include" || kw === "-include" || kw === "sinclude") {
      for (const p of rest.split(/\s+/)) if (p) out.push({ kind: "include", path: p, conds: conds(), line });
      continue;
    }
    if (kw === "export" || kw === "override") {
      const m = ASSIGN.exec(rest);
      if (m) out.push({ kind: "assign", lhs: m[1]!.trim(), op: m[2] as MakeAssignment["op"], rhs: m[3]!.trim(), conds: conds(), line });
      continue;
    }
    // A rule (`target: deps`) does not match; kbuild indents assignments inside conditionals
    // with tabs, so a tab does not make a recipe here.
    const m = ASSIGN.exec(l);
    if (!m) continue;
    const lhs = m[1]!.trim();
    if (/\s/.test(lhs) && !lhs.includes("$(")) continue;
    out.push({ kind: "assign", lhs, op: m[2] as MakeAssignment["op"], rhs: m[3]!.trim(), conds: conds(), line });
  }
  return out;
}
