// What a run comes to: each device's final state (deferred, never created...), the DMA ops of
// devices that never bound, and the IOMMU core's live groups and domains in id order.
import type { Kernel } from "./kernel.ts";
import type { ScenarioOutcome } from "./scenario/types.ts";
import type { ProbeResult } from "./types.ts";

export function probeResult(k: Kernel, scenario: ScenarioOutcome | undefined): ProbeResult {
  for (let i = 0, states = k.states; i < states.length; i++) {
    const s = states[i]!;
    if (s.out.state === "removed" || s.out.state === "unbound") {
      // Scenario outcomes stand as they are.
    } else if (s.onDeferredList) {
      s.out.state = "deferred";
    } else if (!s.added) {
      s.out.state = "not-created";
      s.out.stateReason = s.dev.creator ? `created by ${s.dev.creator.name}, which never bound` : "never added";
    }
    // Unbound devices with a group (6.15+) still translate through it when DMA starts.
    if (!s.dmaOpsDone && s.out.group && s.out.state !== "bound") {
      const d = s.out.group.domain;
      s.out.dmaOps = d && (d.type === "DMA" || d.type === "DMA-FQ") ? "iommu" : "direct";
    }
    s.out.domain = s.out.group ? (s.out.domain ?? s.out.group.domain) : null;
    if (s.out.group === null) s.out.domain = null;
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
    devices: k.states.map((s) => s.out),
    instances,
    groups: [...k.iommu.groups].sort((a, b) => a.id - b.id),
    domains: [...k.iommu.domains].sort((a, b) => a.id - b.id),
    events: k.log.events,
    scenario,
  };
}
