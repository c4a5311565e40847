// The kernel command line as the modelled parameters read it: words split as next_arg() splits
// them (double quotes group, `--` ends the kernel's part), names compared as parameq() compares
// them (`-` and `_` are the same), boolean values read by kstrtobool() (lib/kstrtox.c). A value
// kstrtobool refuses leaves the setting as it was: for an early_param the kernel logs
// "Malformed early option '<name>'" (init/main.c do_early_param), for a built-in module's bool
// parameter "`<value>' invalid for parameter `<name>'" (kernel/params.c parse_args; a bare name
// is "1" there, param_set_bool).
import { kstrtobool } from "../iommu/index.ts";
import { kernelFeatures, type KernelEra } from "../kernel/index.ts";

export interface CmdlineWord {
  /** The parameter name as written. */
  readonly name: string;
  /** The value after `=`; undefined for a bare word (the kernel passes NULL). */
  readonly value: string | undefined;
  /** The word as written (quotes removed). */
  readonly text: string;
}

/** next_arg(): whitespace-separated words, double quotes group; `--` ends the kernel's words. */
export function splitCmdline(text: string): CmdlineWord[] {
  const out: CmdlineWord[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let word = "";
    let quoted = false;
    while (i < text.length && (quoted || !/\s/.test(text[i]!))) {
      if (text[i] === '"') quoted = !quoted;
      else word += text[i];
      i++;
    }
    if (word === "--") break;
    const eq = word.indexOf("=");
    out.push(eq < 0 ? { name: word, value: undefined, text: word } : { name: word.slice(0, eq), value: word.slice(eq + 1), text: word });
  }
  return out;
}

/** parameq(): names equal with `-` and `_` interchangeable. */
export function paramEq(a: string, b: string): boolean {
  return a.length === b.length && a.replace(/-/g, "_") === b.replace(/-/g, "_");
}

/** A boolean parameter the model reads, and how the kernel treats a value it cannot read. */
interface BoolParam {
  readonly name: string;
  readonly kind: "early" | "module";
  /** What the setting does (for the message). */
  readonly meaning: string;
}

/** The boolean parameters the model reads (iommu.c, arm-smmu.c). */
export const MODELLED_BOOL_PARAMS: readonly BoolParam[] = [
  { name: "iommu.passthrough", kind: "early", meaning: "the default domain type (identity or translated)" },
  { name: "iommu.strict", kind: "early", meaning: "strict or lazy (flush queue) invalidation of DMA domains" },
  { name: "arm-smmu.disable_bypass", kind: "module", meaning: "whether arm-smmu lets unattached streams bypass" },
];

function paramOf(name: string): BoolParam | undefined {
  return MODELLED_BOOL_PARAMS.find((p) => paramEq(p.name, name));
}

/** What kstrtobool makes of a word's value on this kernel (a module parameter's bare name is "1"). */
function readWord(p: BoolParam, w: CmdlineWord, kernel: KernelEra): boolean | undefined {
  return kstrtobool(p.kind === "module" ? (w.value ?? "1") : w.value, kernelFeatures(kernel.version).kstrtoboolTrueFalse);
}

/** The last valid value of a boolean parameter (undefined: not given, or never valid). */
export function boolParam(words: readonly CmdlineWord[], name: string, kernel: KernelEra): boolean | undefined {
  const p = paramOf(name);
  let v: boolean | undefined;
  if (!p) return undefined;
  for (const w of words) {
    if (!paramEq(w.name, name)) continue;
    const b = readWord(p, w, kernel);
    if (b !== undefined) v = b;
  }
  return v;
}

/** A word of the command line a modelled parameter cannot use as written. */
export interface CmdlineProblem {
  readonly word: CmdlineWord;
  /** For the user: what is wrong and what the kernel does instead. */
  readonly message: string;
  /** What the kernel prints for it (undefined: nothing, it reads a value the user may not mean). */
  readonly kernelLog: string | undefined;
  readonly level: "warn" | "err";
}

/** Spellings kstrtobool reads the way they read (anything else only by its first letter). */
const PLAIN = /^(1|0|y|n|yes|no|t|f|true|false|on|off)$/i;

/**
 * Every word of a modelled boolean parameter whose value kstrtobool refuses (the kernel logs it
 * and keeps the setting), or reads only by its first character ("foo" is false: no log at all).
 */
export function cmdlineProblems(words: readonly CmdlineWord[], kernel: KernelEra): CmdlineProblem[] {
  const out: CmdlineProblem[] = [];
  for (const w of words) {
    const p = paramOf(w.name);
    if (!p) continue;
    const b = readWord(p, w, kernel);
    if (b !== undefined) {
      if (w.value !== undefined && !PLAIN.test(w.value)) {
        out.push({ word: w, message: `${w.text}: kstrtobool reads only the first character: '${w.value}' sets ${w.name} to ${b ? "true" : "false"} (${p.meaning})`, kernelLog: undefined, level: "warn" });
      }
      continue;
    }
    const shown = w.value === undefined ? "no value" : w.value === "" ? "an empty value" : `'${w.value}'`;
    const kernelLog = p.kind === "early" ? `Malformed early option '${w.name}'` : `Booting kernel: \`${w.value ?? ""}' invalid for parameter \`${w.name}'`;
    const takes = kernelFeatures(kernel.version).kstrtoboolTrueFalse ? "1/0, y/n, t/f, on/off" : "1/0, y/n, on/off; t/f only from 5.19";
    out.push({
      word: w,
      message: `${w.text}: ${shown} is not a boolean for ${w.name} (kstrtobool takes ${takes}): the kernel logs "${kernelLog}" and keeps ${p.meaning} as it was`,
      kernelLog,
      level: p.kind === "early" ? "warn" : "err",
    });
  }
  return out;
}
