// Where and when drivers register: the module_*_driver family (include/linux/platform_device.h,
// include/linux/device/driver.h), and initcalls (include/linux/init.h) whose function calls a
// register function (platform_driver_register, platform_register_drivers, pci_register_driver,
// amba_driver_register, platform_driver_probe), in the order of the calls.
import type { FileFacts, FunctionFacts } from "./c-scan.ts";
import { T } from "./c-tokens.ts";
import { DRIVER_MACROS, INITCALL_MACROS } from "./kernel-macros.ts";
import type { InitcallLevel } from "./types.ts";

export interface RegistrationSite {
  /** File of the registering macro or initcall. */
  readonly file: string;
  /** File of the register call (where the driver's name is resolved). */
  readonly callFile: string;
  readonly driverVar: string;
  readonly via: string;
  readonly level: InitcallLevel;
  readonly probeOnce: boolean;
  readonly call?: string;
  /** The probe function given to module_platform_driver_probe / platform_driver_probe. */
  readonly probe?: string;
  /** Token index of the macro or initcall in its file, then the call's index within it. */
  readonly at: number;
  readonly index: number;
}

/** Register calls: which argument is the driver, and whether it is an array of drivers. */
const REGISTER_CALLS: Record<string, { probeOnce?: true; array?: true }> = {
  platform_driver_register: {},
  __platform_driver_register: {},
  platform_driver_probe: { probeOnce: true },
  __platform_driver_probe: { probeOnce: true },
  platform_register_drivers: { array: true },
  __platform_register_drivers: { array: true },
  amba_driver_register: {},
  pci_register_driver: {},
  __pci_register_driver: {},
};

/** How deep an initcall's helpers are followed (within the file and the module). */
const HELPER_DEPTH = 3;

function identArg(args: readonly (readonly { k: number; v: string }[])[], i: number): string | undefined {
  const a = args[i];
  if (!a) return undefined;
  const t = a.filter((x) => x.v !== "&" && x.v !== "(" && x.v !== ")");
  return t.length === 1 && t[0]!.k === T.Ident ? t[0]!.v : undefined;
}

/** Finds the facts of other files and the functions a call resolves to (as the linker would). */
export interface RegistrationContext {
  facts(path: string): FileFacts | undefined;
  resolveFunction(fromFile: string, name: string): { file: string; fn: FunctionFacts } | undefined;
}

interface RegisterCall {
  readonly call: string;
  /** File of the register call: the driver names are resolved from there. */
  readonly file: string;
  readonly drivers: string[];
  readonly probe?: string;
}

/** Driver names an array refers to, arrays of arrays flattened (Exynos DRM's info array). */
function arrayDrivers(facts: FileFacts, name: string, depth = 0): string[] | undefined {
  const refs = facts.arrays.get(name);
  if (!refs) return undefined;
  return refs.flatMap((r) => (depth < 2 ? (arrayDrivers(facts, r, depth + 1) ?? [r]) : [r]));
}

/**
 * What a register call registers: the named driver; the drivers of a named array
 * (platform_register_drivers, or a loop `platform_driver_register(drivers[i])`); otherwise, when
 * the argument is computed (`info->driver`, an array filled at run time), the drivers the function
 * refers to, through the file's arrays, in order.
 */
function registeredDrivers(facts: FileFacts, fn: FunctionFacts, arg: string, array: boolean): string[] {
  const named = arg.replace(/\[.*$/, "");
  const fromArray = arrayDrivers(facts, named);
  if (fromArray) return fromArray;
  if (!array && /^\w+$/.test(arg)) return [arg];
  // Names registered by their own calls in this function are not part of the computed set.
  const explicit = new Set(fn.sites.map((s) => s.args[0]));
  return fn.refs.flatMap((r) => arrayDrivers(facts, r) ?? (r === named || explicit.has(r) ? [] : [r]));
}

function registerCalls(ctx: RegistrationContext, file: string, fn: FunctionFacts, depth: number, seen: Set<string>): RegisterCall[] {
  const out: RegisterCall[] = [];
  const facts = ctx.facts(file);
  if (!facts) return out;
  seen.add(`${file}:${fn.name}`);
  // Register calls and calls of helpers, in the order they are written.
  const events: { at: number; site?: (typeof fn.sites)[number]; helper?: { file: string; fn: FunctionFacts } }[] = fn.sites
    .filter((s) => REGISTER_CALLS[s.call])
    .map((site) => ({ at: site.at, site }));
  if (depth < HELPER_DEPTH) {
    fn.calls.forEach((c, i) => {
      if (REGISTER_CALLS[c]) return;
      const helper = ctx.resolveFunction(file, c);
      if (helper && !seen.has(`${helper.file}:${c}`)) events.push({ at: fn.callsAt[i]!, helper });
    });
  }
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    if (e.helper) {
      if (!seen.has(`${e.helper.file}:${e.helper.fn.name}`)) out.push(...registerCalls(ctx, e.helper.file, e.helper.fn, depth + 1, seen));
      continue;
    }
    const s = e.site!;
    const reg = REGISTER_CALLS[s.call]!;
    const first = s.args[0];
    if (first === undefined) continue;
    const drivers = registeredDrivers(facts, fn, first, reg.array === true);
    out.push({ call: s.call, file, drivers, ...(reg.probeOnce && s.args[1] ? { probe: s.args[1] } : {}) });
  }
  return out;
}

export function registrationSites(facts: FileFacts, ctx: RegistrationContext): RegistrationSite[] {
  const out: RegistrationSite[] = [];
  for (const inv of facts.invocations) {
    const dm = DRIVER_MACROS[inv.name];
    if (dm) {
      const drv = identArg(inv.args, 0);
      if (!drv) continue;
      const probe = dm.probeOnce ? identArg(inv.args, 1) : undefined;
      out.push({ file: facts.path, callFile: facts.path, driverVar: drv, via: inv.name, level: "device", probeOnce: dm.probeOnce === true, ...(probe ? { probe } : {}), at: inv.at, index: 0 });
      continue;
    }
    const level = INITCALL_MACROS[inv.name];
    if (!level) continue;
    const fnName = identArg(inv.args, 0);
    const fn = fnName === undefined ? undefined : facts.functions.get(fnName);
    if (!fn) continue;
    let index = 0;
    for (const r of registerCalls(ctx, facts.path, fn, 0, new Set())) {
      for (const d of r.drivers) {
        const probeOnce = REGISTER_CALLS[r.call]!.probeOnce === true;
        out.push({ file: facts.path, callFile: r.file, driverVar: d, via: inv.name, level, probeOnce, call: r.call, ...(r.probe ? { probe: r.probe } : {}), at: inv.at, index: index++ });
      }
    }
  }
  return out;
}
