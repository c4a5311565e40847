// What a run comes to: each device's final state (deferred, never created...), the DMA ops of
// devices that never bound, and the IOMMU core's live groups and domains in id order.
import type { IommuDomain } from "../iommu/index.ts";
import type { DevState, Kernel } from "./kernel.ts";
import type { ScenarioOutcome } from "./scenario/types.ts";
import type { DeviceOutcome, DeviceState, ProbeResult } from "./types.ts";

// How the report shows a device at this point: probeResult at the end, a scenario's timeline and
// `expect` between steps. Three functions rather than a view object: probeResult runs them for
// every device of boards with hundreds of thousands.

/** Its state: scenario outcomes (removed, unbound) stand as they are. */
export function reportedState(s: DevState): DeviceState {
  const o = s.out;
  return o.state === "removed" || o.state === "unbound" ? o.state : s.onDeferredList ? "deferred" : !s.added ? "not-created" : o.state;
}

/** Its DMA ops: unbound devices with a group (6.15+) still translate through it when DMA starts. */
export function reportedDmaOps(s: DevState, state: DeviceState): "iommu" | "direct" {
  const o = s.out;
  if (s.dmaOpsDone || !o.group || state === "bound") return o.dmaOps;
  const d = o.group.domain;
  return d && (d.type === "DMA" || d.type === "DMA-FQ") ? "iommu" : "direct";
}

/** The domain it translates through: its own (an arm32 mapping), else its group's. */
export function reportedDomain(s: DevState): IommuDomain | null {
  const o = s.out;
  return o.group ? (o.domain ?? o.group.domain) : null;
}

/**
 * The devices the report lists: one per name, as it is at the end. A struct device a PCI rescan
 * replaced (removed, then a new one of the same name added) is left out; a device removed and not
 * added again stays, as `removed`.
 */
function reportedDevices(states: readonly DevState[]): DeviceOutcome[] {
  const out: DeviceOutcome[] = [];
  for (let i = 0; i < states.length; i++) if (!states[i]!.replaced) out.push(states[i]!.out);
  return out;
}

export function probeResult(k: Kernel, scenario: ScenarioOutcome | undefined): ProbeResult {
  for (let i = 0, states = k.states; i < states.length; i++) {
    const s = states[i]!;
    const state = reportedState(s);
    if (state === "not-created" && !s.added) s.out.stateReason = s.dev.creator ? `created by ${s.dev.creator.name}, which never bound` : "never added";
    s.out.state = state;
    s.out.dmaOps = reportedDmaOps(s, state);
    s.out.domain = reportedDomain(s);
  }
  const instances = k.iommu.instances;
  for (const inst of instances) {
    if (inst.state === "not-probed" && inst.driver && inst.available && !inst.device) inst.stateMessage = "node not populated (no platform device is created for it)";
  }
  return {
    graph: k.graph,
    options: k.options,
    config: k.config,
    bootargs: k.bootargsText,
    drivers: k.drivers.catalog.info,
    defaultDomainType: k.iommu.config.defaultType,
    devices: reportedDevices(k.states),
    instances,
    groups: [...k.iommu.groups].sort((a, b) => a.id - b.id),
    domains: [...k.iommu.domains].sort((a, b) => a.id - b.id),
    events: k.log.events,
    scenario,
  };
}
