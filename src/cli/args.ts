// A getopt_long-style parser: short options cluster (`-qq`), take their value attached or as the
// next argument (`-Wno-x`, `-W no-x`), long options take `--name=value` or `--name value`,
// options may follow operands (GNU permutation), `--` ends options and `-` is an operand.

export interface OptionSpec {
  readonly short?: string;
  readonly long?: string;
  /** Name the parsed value is stored under. */
  readonly key: string;
  readonly takesValue: boolean;
  readonly help: string;
  readonly valueName?: string;
}

export interface ParsedOption {
  readonly key: string;
  /** The spelling used, for messages. */
  readonly spelling: string;
  readonly value: string | undefined;
}

export interface ParsedArgs {
  /** Options in command-line order (order matters for -W/-E). */
  readonly options: readonly ParsedOption[];
  readonly operands: readonly string[];
}

/** A command-line mistake: printed with the usage hint, exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byShort = new Map<string, OptionSpec>();
  const byLong = new Map<string, OptionSpec>();
  for (const s of specs) {
    if (s.short) byShort.set(s.short, s);
    if (s.long) byLong.set(s.long, s);
  }
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = byLong.get(name);
      if (!spec) {
        const guess = nearest(name, [...byLong.keys()]);
        throw new UsageError(`unknown option '--${name}'${guess ? `; did you mean '--${guess}'?` : ""}`);
      }
      if (!spec.takesValue) {
        if (eq >= 0) throw new UsageError(`option '--${name}' takes no value`);
        options.push({ key: spec.key, spelling: `--${name}`, value: undefined });
        continue;
      }
      let value: string | undefined = eq < 0 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`option '--${name}' requires a value`);
      options.push({ key: spec.key, spelling: `--${name}`, value });
      continue;
    }
    if (arg.length > 1 && arg.startsWith("-")) {
      for (let j = 1; j < arg.length; j++) {
        const ch = arg[j]!;
        const spec = byShort.get(ch);
        if (!spec) throw new UsageError(`unknown option '-${ch}'`);
        if (!spec.takesValue) {
          options.push({ key: spec.key, spelling: `-${ch}`, value: undefined });
          continue;
        }
        const attached = arg.slice(j + 1);
        const value = attached.length > 0 ? attached : argv[++i];
        if (value === undefined) throw new UsageError(`option '-${ch}' requires a value`);
        options.push({ key: spec.key, spelling: `-${ch}`, value });
        break;
      }
      continue;
    }
    operands.push(arg);
  }
  return { options, operands };
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two short words. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The one candidate `word` is most likely a misspelling or an abbreviation of, if any. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length === 0 || word.length > 64) return undefined;
  const prefixed = candidates.filter((c) => c.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  let tie = false;
  for (const c of candidates) {
    const dist = distance(word, c);
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
      tie = false;
    } else if (dist === bestDistance) tie = true;
  }
  return tie ? undefined : best;
}

/** Parses an integer the way strtol(…, 0) reads a whole argument (0x…, 0…, decimal). */
export function parseIntegerArg(spelling: string, text: string): number {
  const t = text.trim();
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(t);
  if (!m) throw new UsageError(`invalid number '${text}' for ${spelling}`);
  const body = m[2]!;
  const v = body.startsWith("0x") || body.startsWith("0X") ? parseInt(body.slice(2), 16) : body.length > 1 && body.startsWith("0") ? parseInt(body, 8) : parseInt(body, 10);
  return m[1] === "-" ? -v : v;
}

export function formatOptionHelp(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => {
    const names = [s.short ? `-${s.short}` : undefined, s.long ? `--${s.long}` : undefined].filter(Boolean).join(", ");
    return [s.takesValue ? `${names} ${s.valueName ?? "ARG"}` : names, s.help] as const;
  });
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`).join("\n");
}
