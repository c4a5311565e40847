// `expect`: checks the state now against what the scenario says, field by field, the way the
// report would show it (src/report/types.ts: a device's group, domain, DMA ops, state, driver and
// IOMMU; an instance's `used` counters; the previous step's result). A step that does not hold
// fails the run (`dtprobe run` exits 1) and lists expected against actual.
import { ERRNO_VALUES, opsOf, type IommuDomain } from "../../iommu/index.ts";
import { reportedDmaOps, reportedDomain, reportedState } from "../result.ts";
import { stateFor, type DevState } from "../kernel.ts";
import type { ScenarioContext } from "./context.ts";
import { ERRNO_NAMES, type ExpectCheck, type ExpectDeviceStep, type ExpectInstanceStep, type ExpectResultStep, type ExpectStep, type StepOutcome } from "./types.ts";

export interface ExpectOutcome {
  readonly holds: boolean;
  readonly checks: readonly ExpectCheck[];
  /** What was checked, or what failed: `group: expected 3, got null`. */
  readonly message: string;
  /** The step could not check (an unknown device or instance, a counter the driver does not keep). */
  readonly problem?: string;
}

type Value = ExpectCheck["expected"];

const check = (field: string, expected: Value, actual: Value, holds = expected === actual): ExpectCheck => ({ field, expected, actual, holds });
const show = (v: Value) => (v === null ? "null" : typeof v === "string" ? v : String(v));

function summary(checks: readonly ExpectCheck[]): ExpectOutcome {
  const bad = checks.filter((c) => !c.holds);
  const message =
    bad.length === 0 ? `holds: ${checks.map((c) => `${c.field} ${show(c.actual)}`).join(", ")}` : `does not hold: ${bad.map((c) => `${c.field}: expected ${show(c.expected)}, got ${show(c.actual)}`).join("; ")}`;
  return { holds: bad.length === 0, checks, message };
}

const unchecked = (problem: string): ExpectOutcome => ({ holds: false, checks: [], message: `cannot check: ${problem}`, problem });

/** Evaluates an `expect` step; `previous` is the last step that was not an `expect`. */
export function evaluateExpect(ctx: ScenarioContext, step: ExpectStep, previous: StepOutcome | undefined): ExpectOutcome {
  if (step.device !== undefined) return expectDevice(ctx, step as ExpectDeviceStep);
  if (step.iommu !== undefined) return expectInstance(ctx, step as ExpectInstanceStep);
  return expectResult(step as ExpectResultStep, previous);
}

/** How the expectation names a domain: a number is the report's id, a string a scenario name or the owning driver. */
function domainMatches(ctx: ScenarioContext, expected: number | string | null, d: IommuDomain | null): { actual: Value; holds: boolean } {
  if (expected === null || typeof expected === "number") return { actual: d?.id ?? null, holds: (d?.id ?? null) === expected };
  if (!d) return { actual: null, holds: false };
  const name = ctx.nameOf(d);
  const label = name ?? `domain ${d.id} (${d.owner})`;
  return { actual: label, holds: name !== undefined ? name === expected : d.owner === expected };
}

function expectDevice(ctx: ScenarioContext, step: ExpectDeviceStep): ExpectOutcome {
  const dev = ctx.lookup(step.device);
  if (!dev) return unchecked(`no device named ${JSON.stringify(step.device)}`);
  const s = stateFor(ctx.k, dev);
  const state = reportedState(s);
  const domain = reportedDomain(s);
  const checks: ExpectCheck[] = [];
  if (step.group !== undefined) checks.push(check("group", step.group, s.out.group?.id ?? null));
  if (step.sameGroupAs !== undefined) {
    const other = ctx.lookup(step.sameGroupAs);
    if (!other) return unchecked(`no device named ${JSON.stringify(step.sameGroupAs)}`);
    const og = stateFor(ctx.k, other).out.group;
    const mine = s.out.group;
    checks.push(check(`sameGroupAs ${step.sameGroupAs}`, og ? `group ${og.id}` : "a group", mine ? `group ${mine.id}` : null, mine !== null && mine === og));
  }
  if (step.domain !== undefined) {
    const m = domainMatches(ctx, step.domain, domain);
    checks.push(check("domain", step.domain, m.actual, m.holds));
  }
  if (step.domainType !== undefined) checks.push(check("domainType", step.domainType, domain?.type ?? null));
  if (step.dmaOps !== undefined) checks.push(check("dmaOps", step.dmaOps, reportedDmaOps(s, state)));
  if (step.state !== undefined) checks.push(check("state", step.state, state));
  if (step.driver !== undefined) checks.push(check("driver", step.driver, s.out.driver));
  if (step.iommu !== undefined) checks.push(iommuCheck(step.iommu, s));
  return summary(checks);
}

/** The translating instance, named by DT path or by its device's dev_name. */
function iommuCheck(expected: string | null, s: DevState): ExpectCheck {
  const inst = s.out.iommu;
  if (!inst || expected === null) return check("iommu", expected, inst?.path ?? null);
  return check("iommu", expected, expected === inst.device?.name ? inst.device.name : inst.path);
}

function expectInstance(ctx: ScenarioContext, step: ExpectInstanceStep): ExpectOutcome {
  const inst = ctx.instance(step.iommu);
  if (!inst) return unchecked(`no IOMMU instance named ${JSON.stringify(step.iommu)} (a DT path or the IOMMU device's name)`);
  const counters = inst.driver ? opsOf(inst).counters : {};
  const checks: ExpectCheck[] = [];
  for (const [field, want, key, what] of [
    ["addressSpacesUsed", step.addressSpacesUsed, counters.addressSpaces, "address spaces (ASIDs)"],
    ["contextBanksUsed", step.contextBanksUsed, counters.contextBanks, "context banks"],
  ] as const) {
    if (want === undefined) continue;
    if (key === undefined) {
      const kinds = [counters.addressSpaces && "address spaces", counters.contextBanks && "context banks"].filter(Boolean);
      return unchecked(`${inst.driver?.name ?? "(no driver)"} does not count ${what}${kinds.length > 0 ? `; it counts ${kinds.join(" and ")}` : "; it counts neither address spaces nor context banks"}`);
    }
    checks.push(check(field, want, inst.used[key] ?? 0));
  }
  return summary(checks);
}

function expectResult(step: ExpectResultStep, previous: StepOutcome | undefined): ExpectOutcome {
  if (!previous) return unchecked("there is no previous step");
  const actual = previous.ok ? "ok" : previous.errno!;
  if (step.ok) return summary([check(`step ${previous.step} result`, "ok", actual)]);
  const want = step.error!;
  const holds = !previous.ok && previous.errno !== null && -ERRNO_VALUES[previous.errno] === ERRNO_NAMES[want];
  return summary([check(`step ${previous.step} result`, `-${want}`, actual, holds)]);
}
