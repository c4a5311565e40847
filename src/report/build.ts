// ProbeResult -> Report (plain, deterministic JSON data).
import { ERRNO_VALUES } from "../iommu/index.ts";
import type { ProbeResult, StepOutcome } from "../probe/index.ts";
import { diagnosticToJson } from "../source/index.ts";
import { summarise } from "./summary.ts";
import { EVENT_LOG, REPORT_VERSION, type Report, type ReportEvent, type ReportMeta, type ReportScenarioStep } from "./types.ts";

const hex = (v: bigint) => `0x${v.toString(16)}`;
const NO_ERRORS: never[] = [];
const NO_PATHS: string[] = [];

export function buildReport(result: ProbeResult, meta: ReportMeta = {}): Report {
  // A board has a handful of distinct DMA limits: print each once, not once per device.
  const limitTexts = new Map<bigint, string>();
  const limitText = (v: bigint): string => {
    let t = limitTexts.get(v);
    if (t === undefined) limitTexts.set(v, (t = hex(v)));
    return t;
  };
  const devices = result.devices.map((d) => ({
    name: d.device.name,
    path: d.device.path,
    bus: d.device.bus,
    driver: d.driver,
    driverAssumed: d.driverAssumed,
    driverModule: d.driverModule,
    unboundReason: d.unboundReason,
    state: d.state,
    reason: d.stateReason ?? null,
    iommu: d.iommu ? d.iommu.path : null,
    extraIommus: d.extraIommus.length === 0 ? NO_PATHS : d.extraIommus.map((i) => i.path),
    wantedIommu: d.iommuWanted ? d.iommuWanted.path : null,
    // The probe result is finished: its arrays are shared, not copied (200,000-device boards).
    specifiers: d.specifiers,
    ids: d.ids,
    group: d.group?.id ?? null,
    domain: d.domain?.id ?? null,
    dmaOps: d.dmaOps,
    coherent: d.coherent,
    dmaLimit: limitText(d.dmaLimit),
    errors: d.errors.length === 0 ? NO_ERRORS : d.errors.map((e) => ({ errno: e.errno, code: ERRNO_VALUES[e.errno], where: e.where, message: e.message, assumedLimit: e.assumedLimit ?? null })),
    notes: d.notes,
  }));
  const chosenArgs = result.options.bootargs === undefined;
  const diagnostics = (meta.diagnostics ?? []).map(diagnosticToJson);
  let events: ReportEvent[] | undefined;
  const report: Report = {
    version: REPORT_VERSION,
    tool: "dtprobe",
    config: {
      input: meta.input ?? null,
      kernel: result.options.kernel.label,
      era: result.options.kernel.era,
      policy: result.config.policy,
      policySource: result.config.policySource,
      arch: result.config.arch,
      archSource: result.config.archSource,
      hypothetical: [...result.config.hypothetical],
      bootargs: result.bootargs,
      bootargsSource: chosenArgs ? "chosen" : "option",
      defaultDomainType: result.defaultDomainType,
      kernelData: { ...result.drivers, configuration: result.drivers.configuration ? { ...result.drivers.configuration } : null },
    },
    summary: summarise(devices, result.groups.length, result.domains.length, diagnostics),
    iommus: result.instances.map((i) => ({
      path: i.path,
      name: i.device?.name ?? null,
      driver: i.driver?.name ?? null,
      model: i.match?.model ?? null,
      compatible: [...i.compatible],
      state: i.state,
      message: i.stateMessage ?? null,
      limits: Object.fromEntries(Object.keys(i.limits).sort().map((k) => [k, { value: i.limits[k]!.value, source: i.limits[k]!.source }])),
      used: Object.fromEntries(Object.keys(i.used).sort().map((k) => [k, i.used[k]!])),
      needs: Object.fromEntries(Object.keys(i.needs).sort().map((k) => [k, i.needs[k]!])),
    })),
    groups: result.groups.map((g) => ({
      id: g.id,
      iommu: g.instance.path,
      name: g.name ?? null,
      devices: g.devices.map((d) => d.name),
      defaultDomain: g.defaultDomain?.id ?? null,
      domain: g.domain?.id ?? null,
      ownerCount: g.ownerCnt,
      owner: g.owner,
    })),
    domains: result.domains.map((d) => ({
      id: d.id,
      iommu: d.instance.path,
      type: d.type,
      owner: d.owner,
      asid: d.resource?.kind === "asid" ? d.resource.value : null,
      context: d.resource?.kind === "context" ? d.resource.value : null,
      aperture: d.aperture ? { start: hex(d.aperture.start), end: hex(d.aperture.end) } : null,
      devices: d.devices.map((x) => x.name),
    })),
    devices,
    // Materialised on first use (JSON); the text renderer reads the log's columns instead.
    get events(): ReportEvent[] {
      return (events ??= result.events.toArray());
    },
    diagnostics,
    ...(result.scenario
      ? {
          scenario: {
            file: result.scenario.file,
            steps: result.scenario.steps.map(reportStep),
          },
        }
      : {}),
  };
  Object.defineProperty(report, EVENT_LOG, { value: result.events, enumerable: false });
  return report;
}

/** A step as the report shows it: "ok", its errno, or "failed" for an `expect` that does not hold. */
export function reportStep(s: StepOutcome): ReportScenarioStep {
  return { step: s.step, line: s.line, op: s.op, target: s.target, result: s.errno ?? (s.ok ? "ok" : "failed"), code: s.errno ? ERRNO_VALUES[s.errno] : 0, where: s.where, message: s.message };
}
