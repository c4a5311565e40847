// What a step changed, for the timeline of `dtprobe run`: every device's driver, state, group,
// domain and DMA ops, every instance's resource counters, and the domains that came and went,
// compared before and after the step. Linear in the devices per step (scenarios run on boards of
// a few hundred devices; a step that maps a million buffers is still one comparison).
import type { IommuDomain } from "../../iommu/index.ts";
import type { Kernel } from "../kernel.ts";
import { reportedDmaOps, reportedDomain, reportedState } from "../result.ts";
import type { StateChange } from "./types.ts";

type Value = string | number | boolean | null;

/** The fields a device shows in the timeline, in this order. */
const DEVICE_FIELDS = ["state", "driver", "group", "domain", "dmaOps"] as const;

export interface Snapshot {
  /** Per device id: its fields in DEVICE_FIELDS order. */
  readonly devices: readonly (readonly Value[])[];
  /** Per instance: its `used` counters. */
  readonly used: readonly Readonly<Record<string, number>>[];
  /** Live domains: id -> "type owner". */
  readonly domains: ReadonlyMap<number, string>;
}

const domainLabel = (d: IommuDomain) => `${d.type} (${d.owner})`;

export function snapshot(k: Kernel): Snapshot {
  const devices: Value[][] = [];
  for (let i = 0, states = k.states; i < states.length; i++) {
    const s = states[i]!;
    const state = reportedState(s);
    devices.push([state, s.out.driver, s.out.group?.id ?? null, reportedDomain(s)?.id ?? null, reportedDmaOps(s, state)]);
  }
  const domains = new Map<number, string>();
  for (const d of k.iommu.domains) domains.set(d.id, domainLabel(d));
  return { devices, used: k.iommu.instances.map((i) => ({ ...i.used })), domains };
}

/** Everything that differs between two snapshots: devices in id order, then instances, then domains. */
export function changesBetween(k: Kernel, before: Snapshot, after: Snapshot): StateChange[] {
  const out: StateChange[] = [];
  for (let i = 0; i < after.devices.length; i++) {
    const a = after.devices[i]!;
    const b = before.devices[i];
    const name = k.states[i]!.dev.name;
    if (!b) {
      out.push({ subject: name, field: "added", from: null, to: true });
      DEVICE_FIELDS.forEach((f, j) => {
        if (a[j] !== null) out.push({ subject: name, field: f, from: null, to: a[j]! });
      });
      continue;
    }
    DEVICE_FIELDS.forEach((f, j) => {
      if (a[j] !== b[j]) out.push({ subject: name, field: f, from: b[j]!, to: a[j]! });
    });
  }
  k.iommu.instances.forEach((inst, i) => {
    const b = before.used[i] ?? {};
    const a = after.used[i] ?? {};
    for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
      if ((b[key] ?? 0) !== (a[key] ?? 0)) out.push({ subject: inst.path, field: `used.${key}`, from: b[key] ?? 0, to: a[key] ?? 0 });
    }
  });
  for (const [id, label] of before.domains) if (!after.domains.has(id)) out.push({ subject: `domain ${id}`, field: "freed", from: label, to: null });
  for (const [id, label] of after.domains) if (!before.domains.has(id)) out.push({ subject: `domain ${id}`, field: "allocated", from: null, to: label });
  return out;
}
