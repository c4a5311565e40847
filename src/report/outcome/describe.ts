// Short text for an outcome's fields, shared by compare and diff: groups by their other members,
// domains by type, owner and how many devices share them.
import { hexList } from "../views/align.ts";
import type { DeviceOutcome, OutcomeField } from "./device-outcome.ts";

/** At most this many other names are listed; the rest are counted. */
const MAX_NAMES = 3;

function others(names: readonly string[], self: string): string {
  const rest = names.filter((n) => n !== self);
  if (rest.length === 0) return "alone";
  const shown = rest.slice(0, MAX_NAMES).join(", ");
  return rest.length > MAX_NAMES ? `with ${shown} +${rest.length - MAX_NAMES} more` : `with ${shown}`;
}

export function describeField(field: OutcomeField, o: DeviceOutcome): string {
  switch (field) {
    case "iommu":
      return o.iommu ?? "none";
    case "ids":
      // As the tree writes them (`0xa0 0xf` for a stream ID and mask), not as the driver packs them.
      return o.specifiers.some((s) => s.length > 0) ? o.specifiers.map((s) => s.map((v) => `0x${v.toString(16)}`).join(" ")).join(", ") : hexList(o.ids);
    case "group":
      return o.group === null ? "none" : others(o.group, o.name);
    case "domain":
      if (o.domain === null) return "none";
      return `${o.domain.type} (${o.domain.owner}) ${others(o.domain.devices, o.name)}`;
    case "dmaOps":
      return o.dmaOps;
    case "state":
      return o.state;
    case "errors":
      return o.errors.length === 0 ? "-" : o.errors.map((e) => `${e.errno} in ${e.where}`).join("; ");
  }
}

/** One line naming the given fields: `group alone; domain DMA (default) alone; dmaOps iommu`. */
export function describeOutcome(o: DeviceOutcome, fields: readonly OutcomeField[]): string {
  return fields.map((f) => `${f} ${describeField(f, o)}`).join("; ");
}
