// An IOMMU instance's hardware resources as used / limit (what `used:` in the text report shows):
// context banks, stream match entries, address spaces (ASIDs), contexts. The limit comes from the
// instance's limits (tree, documented default or --hw); ASIDs given as a bit count allow
// 2^bits - 1 (ASID 0 is reserved by the SMMUv3 driver).
import type { ReportIommu } from "../types.ts";

export interface ResourceUse {
  readonly name: string;
  readonly used: number;
  /** null: the resource has no modelled limit (stream IDs). */
  readonly limit: number | null;
}

/** The limit key for each counted resource (the same names). */
const LIMITED: ReadonlySet<string> = new Set(["contextBanks", "smrs", "asids", "contexts"]);

export function resourceUse(i: ReportIommu): ResourceUse[] {
  const out: ResourceUse[] = [];
  for (const [name, used] of Object.entries(i.used)) {
    let limit: number | null = null;
    const value = LIMITED.has(name) ? i.limits[name]?.value : undefined;
    if (typeof value === "number") limit = value;
    else if (name === "asids" && typeof i.limits["asidBits"]?.value === "number") limit = 2 ** (i.limits["asidBits"].value as number) - 1;
    out.push({ name, used, limit });
  }
  return out;
}

/** True when every unit of a limited resource is in use. */
export const isFull = (r: ResourceUse): boolean => r.limit !== null && r.used >= r.limit;
