// Command-line parsing for `npm run gen`, kept apart from cli.ts so that tests can call it.

export type GenRequest =
  | { readonly mode: "board"; readonly nodes: number; readonly iommus: number; readonly seed: number | undefined; readonly output: string | undefined }
  | { readonly mode: "siblings"; readonly count: number; readonly output: string | undefined }
  | { readonly mode: "depth"; readonly count: number; readonly output: string | undefined }
  | { readonly mode: "help" };

export const GEN_USAGE = `usage: gen --nodes N --iommus M [--seed S] [-o FILE]
       gen --siblings N [-o FILE]     one block with N sibling devices
       gen --depth N [-o FILE]        N nested nodes
Writes DTS to FILE, or to stdout without -o.`;

/** Parses the arguments after the script name; returns the request or an error message. */
export function parseGenArgs(argv: readonly string[]): GenRequest | { readonly error: string } {
  const values = new Map<string, string>();
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    if (arg === "-h" || arg === "--help") return { mode: "help" };
    let name: string;
    let value: string | undefined;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      name = arg.slice(0, eq);
      value = arg.slice(eq + 1);
    } else {
      name = arg;
      value = argv[++k];
    }
    if (!["--nodes", "--iommus", "--seed", "-o", "--output", "--siblings", "--depth"].includes(name)) return { error: `unknown option '${arg}'` };
    if (value === undefined) return { error: `option '${name}' needs a value` };
    values.set(name === "--output" ? "-o" : name, value);
  }
  const output = values.get("-o");
  const int = (name: string): number | { error: string } | undefined => {
    const text = values.get(name);
    if (text === undefined) return undefined;
    if (!/^(0|[1-9][0-9]*)$/.test(text)) return { error: `${name} wants a non-negative integer, not '${text}'` };
    return Number(text);
  };
  const nodes = int("--nodes");
  const iommus = int("--iommus");
  const seed = int("--seed");
  const siblings = int("--siblings");
  const depth = int("--depth");
  for (const v of [nodes, iommus, seed, siblings, depth]) if (typeof v === "object") return v;
  const modes = [nodes !== undefined || iommus !== undefined, siblings !== undefined, depth !== undefined].filter(Boolean).length;
  if (modes !== 1) return { error: "give either --nodes and --iommus, or --siblings, or --depth" };
  if (siblings !== undefined) return seed === undefined ? { mode: "siblings", count: siblings as number, output } : { error: "--seed applies to --nodes only" };
  if (depth !== undefined) return seed === undefined ? { mode: "depth", count: depth as number, output } : { error: "--seed applies to --nodes only" };
  if (nodes === undefined || iommus === undefined) return { error: "--nodes and --iommus go together" };
  return { mode: "board", nodes: nodes as number, iommus: iommus as number, seed: seed as number | undefined, output };
}
