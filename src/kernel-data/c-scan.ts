// One C file's facts for the extractor: its match tables, driver structs, arrays of drivers,
// functions (what each calls, and the arguments of register/populate calls), and file-scope macro
// invocations (module_platform_driver, initcalls, *_OF_DECLARE). Tables and structs are read after
// macro expansion with the macros the file sees.
import type { CFile } from "./c-file.ts";
import { MacroExpander, splitCallArgs, type MacroLookup } from "./c-macros.ts";
import { T, type Token } from "./c-tokens.ts";
import { splitTopLevel, type DeclarationItem, type FunctionItem } from "./c-toplevel.ts";
import { isKnownKernelMacro } from "./kernel-macros.ts";
import { parseInitializer, referencedName, stringValue, type InitList } from "./initializer.ts";
import { ambaTableEntries, mfdCells, ofTableEntries, pciTableEntries, type MfdCell, type OfEntry, type TableResult } from "./match-tables.ts";

export interface StructDef {
  readonly struct: string;
  readonly name: string;
  readonly init: InitList;
  /** Guard id of the declaration. */
  readonly g: number;
  /** Token index (order within the file). */
  readonly at: number;
}

export interface CallSite {
  readonly call: string;
  /** Token index of the call. */
  readonly at: number;
  /** Each argument as the variable it names (`&x` → x), or its text. */
  readonly args: readonly string[];
}

export interface FunctionFacts {
  readonly name: string;
  readonly isStatic: boolean;
  /** Functions called, in order of first call, and the token index of each first call. */
  readonly calls: readonly string[];
  readonly callsAt: readonly number[];
  /** Calls whose arguments matter (registration, MFD cells), in order. */
  readonly sites: readonly CallSite[];
  /** Names the body refers to that may be drivers or arrays of them (`&x`, `*_driver(s)`), in order. */
  readonly refs: readonly string[];
  readonly at: number;
}

export interface Invocation {
  readonly name: string;
  readonly args: readonly (readonly Token[])[];
  readonly at: number;
  readonly g: number;
}

export interface FileFacts {
  readonly path: string;
  readonly ofTables: ReadonlyMap<string, TableResult<OfEntry>>;
  readonly pciTables: ReadonlyMap<string, TableResult<string>>;
  readonly ambaTables: ReadonlyMap<string, TableResult<string>>;
  readonly mfdCells: ReadonlyMap<string, MfdCell[]>;
  /** Driver structs (platform_driver, amba_driver, pci_driver and other *_driver types). */
  readonly driverStructs: readonly StructDef[];
  /**
   * File-scope arrays and the names their initializers refer to (`&a`, `*_driver`), in order:
   * arrays of drivers (`struct platform_driver * const drivers[] = { &a, &b }`) and of structs
   * holding drivers (Exynos DRM's `{ DRV_PTR(fimd_driver, ...) }`).
   */
  readonly arrays: ReadonlyMap<string, readonly string[]>;
  /** File-scope string constants (`static const char name[] = "x"`), for driver names. */
  readonly strings: ReadonlyMap<string, string>;
  readonly functions: ReadonlyMap<string, FunctionFacts>;
  readonly invocations: readonly Invocation[];
  readonly guards: CFile["guards"];
  /** Whether macro expansion ran out of budget somewhere in the file. */
  readonly truncated: boolean;
}

/** Calls whose arguments are recorded. */
export const SITE_CALLS = new Set([
  "platform_driver_register",
  "__platform_driver_register",
  "platform_driver_probe",
  "__platform_driver_probe",
  "platform_register_drivers",
  "__platform_register_drivers",
  "amba_driver_register",
  "pci_register_driver",
  "__pci_register_driver",
  "mfd_add_devices",
  "devm_mfd_add_devices",
  "mfd_add_hotplug_devices",
]);

const NOT_CALLS = new Set(["if", "for", "while", "switch", "return", "sizeof", "typeof", "__typeof__", "defined", "do", "case", "_Generic", "__builtin_expect", "likely", "unlikely", "alignof", "__alignof__"]);

/** File-scope macros whose definitions declare tables or drivers: expanded before splitting. */
const DECLARING_GLOBAL = new Set(["IRQCHIP_PLATFORM_DRIVER_BEGIN", "IRQCHIP_MATCH", "IRQCHIP_PLATFORM_DRIVER_END"]);
const DECLARING_BODY = /^(of_device_id|pci_device_id|amba_id|platform_driver|amba_driver|pci_driver|module_driver|builtin_driver|module_platform_driver|builtin_platform_driver|module_pci_driver|module_amba_driver|module_init|\w+_initcall|IRQCHIP_DECLARE|\w+_OF_DECLARE\w*)$/;

/** Expands file-scope invocations of declaring macros (IRQCHIP_*, local DEFINE_*_DRIVER helpers). */
function expandDeclaringMacros(file: CFile, lookup: MacroLookup, expander: MacroExpander): Token[] {
  const tokens = file.tokens;
  const out: Token[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.k === T.Punct) {
      if (t.v === "{" || t.v === "(") depth++;
      else if (t.v === "}" || t.v === ")") depth--;
    }
    if (t.k === T.Ident && tokens[i + 1]?.v === "(" && (DECLARING_GLOBAL.has(t.v) || depth === 0) && !isKnownKernelMacro(t.v)) {
      const def = lookup(t.v);
      const declaring = def !== undefined && def.params !== null && (DECLARING_GLOBAL.has(t.v) || def.body.some((b) => b.k === T.Ident && DECLARING_BODY.test(b.v)));
      if (declaring) {
        const args = splitCallArgs(tokens, i + 1);
        if (args) {
          const expanded = expander.expand(tokens.slice(i, args.end + 1));
          out.push(...expanded);
          for (const e of expanded) {
            if (e.v === "{" || e.v === "(") depth++;
            else if (e.v === "}" || e.v === ")") depth--;
          }
          i = args.end;
          continue;
        }
      }
    }
    out.push(t);
  }
  return out;
}

const DRIVER_REF = /drivers?$/i;

/** Names referred to as `&x` or named like drivers, unique, in order. */
function driverRefs(tokens: readonly Token[], from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (t.k !== T.Ident || tokens[i + 1]?.v === "(") continue;
    if ((tokens[i - 1]?.v === "&" || DRIVER_REF.test(t.v)) && !out.includes(t.v)) out.push(t.v);
  }
  return out;
}

function functionFacts(tokens: readonly Token[], item: FunctionItem): FunctionFacts {
  const calls: string[] = [];
  const callsAt: number[] = [];
  const seen = new Set<string>();
  const sites: CallSite[] = [];
  for (let i = item.bodyStart + 1; i < item.bodyEnd; i++) {
    const t = tokens[i]!;
    if (t.k !== T.Ident || tokens[i + 1]?.v !== "(" || NOT_CALLS.has(t.v)) continue;
    if (tokens[i - 1]?.v === "." || tokens[i - 1]?.v === "->") continue; // ops->probe(...)
    if (!seen.has(t.v)) {
      seen.add(t.v);
      calls.push(t.v);
      callsAt.push(i);
    }
    if (SITE_CALLS.has(t.v)) {
      const parsed = splitCallArgs(tokens, i + 1);
      if (parsed) sites.push({ call: t.v, at: i, args: parsed.args.map((a) => referencedName({ kind: "expr", tokens: a }) ?? a.map((x) => x.v).join(" ")) });
    }
  }
  return { name: item.name, isStatic: item.isStatic, calls, callsAt, sites, refs: driverRefs(tokens, item.bodyStart + 1, item.bodyEnd), at: item.start };
}

const DRIVER_STRUCT = /_driver$/;

export function scanFileFacts(path: string, file: CFile, lookupAt: (position: number) => MacroLookup): FileFacts {
  const fileLookup = lookupAt(Infinity);
  const expander = new MacroExpander(fileLookup);
  const tokens = expandDeclaringMacros(file, fileLookup, expander);
  const ofTables = new Map<string, TableResult<OfEntry>>();
  const pciTables = new Map<string, TableResult<string>>();
  const ambaTables = new Map<string, TableResult<string>>();
  const cells = new Map<string, MfdCell[]>();
  const driverStructs: StructDef[] = [];
  const arrays = new Map<string, string[]>();
  const strings = new Map<string, string>();
  const functions = new Map<string, FunctionFacts>();
  const invocations: Invocation[] = [];
  let truncated = expander.exhausted;

  const initOf = (d: DeclarationItem): InitList | undefined => {
    const ex = new MacroExpander(lookupAt(d.start));
    const init = ex.expand(tokens.slice(d.init![0], d.init![1]));
    truncated ||= ex.exhausted;
    return parseInitializer(init)?.list;
  };
  const driverRefsOf = (d: DeclarationItem): string[] => {
    const ex = new MacroExpander(lookupAt(d.start));
    const init = ex.expand(tokens.slice(d.init![0], d.init![1]));
    return driverRefs(init, 0, init.length);
  };

  for (const item of splitTopLevel(tokens)) {
    if (item.kind === "function") {
      functions.set(item.name, functionFacts(tokens, item));
      continue;
    }
    if (item.kind === "invocation") {
      const parsed = splitCallArgs(tokens, item.open);
      let args: Token[][] = parsed?.args ?? [];
      // *_DECLARE(name, compat, fn): the compatible may be a macro.
      if (item.name.includes("DECLARE")) args = args.map((a) => new MacroExpander(lookupAt(item.start)).expand(a));
      invocations.push({ name: item.name, args, at: item.start, g: tokens[item.start]!.g });
      continue;
    }
    if (!item.init || !item.name) continue;
    const s = item.struct;
    if (s === undefined) {
      // `static const char name[] = "x";` / `const char *name = "x";`
      const [from, to] = item.init;
      if (to > from && tokens.slice(from, to).every((x) => x.k === T.String) && tokens.slice(item.start, from).some((x) => x.v === "char")) {
        strings.set(item.name, stringValue({ kind: "expr", tokens: tokens.slice(from, to) })!);
      } else if (item.isArray) {
        const refs = driverRefsOf(item);
        if (refs.length > 0) arrays.set(item.name, refs);
      }
      continue;
    }
    if (s === "of_device_id" || s === "pci_device_id" || s === "amba_id" || s === "mfd_cell") {
      if (!item.isArray) continue;
      const list = initOf(item);
      if (!list) continue;
      if (s === "of_device_id") ofTables.set(item.name, ofTableEntries(list));
      else if (s === "pci_device_id") pciTables.set(item.name, pciTableEntries(list));
      else if (s === "amba_id") ambaTables.set(item.name, ambaTableEntries(list));
      else cells.set(item.name, mfdCells(list));
      continue;
    }
    if (item.isArray) {
      const refs = driverRefsOf(item);
      if (refs.length > 0) arrays.set(item.name, refs);
      continue;
    }
    if (!DRIVER_STRUCT.test(s) || item.isPointer) continue;
    const list = initOf(item);
    if (list) driverStructs.push({ struct: s, name: item.name, init: list, g: tokens[item.start]!.g, at: item.start });
  }
  return { path, ofTables, pciTables, ambaTables, mfdCells: cells, driverStructs, arrays, strings, functions, invocations, guards: file.guards, truncated };
}
