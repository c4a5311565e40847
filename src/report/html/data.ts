// What the page's script needs of one report, as compact JSON in the page: a row per device (the
// table's cells, in a fixed order) and the element of the picture that shows it, plus each group's
// members and cluster. Everything else on the page is plain HTML made here, not by the script.
import type { Scene } from "../dot/scene.ts";
import { idsText } from "../dot/labels.ts";
import type { ReportDevice } from "../types.ts";

/** Table columns, in order; the client reads rows positionally (see client.ts COLUMNS). */
export const COLUMNS = ["device", "bus", "driver", "state", "IOMMU", "IDs", "group", "domain", "type", "DMA ops", "problem"] as const;

export interface ColumnData {
  readonly label: string;
  readonly prefix: string;
  /** One row per device: the COLUMNS cells, then the device's path and tooltip details. */
  readonly rows: readonly (string | number | null)[][];
  /** Per device: the picture element that shows it (its node or a summary), or null. */
  readonly element: readonly (string | null)[];
  /** group id -> [cluster element or null, member device indexes]. */
  readonly groups: Record<string, [string | null, number[]]>;
  /** domain id -> cluster element. */
  readonly domains: Record<string, string>;
  /** Summary element -> the devices it stands for (to filter the table on a click). */
  readonly summaries: Record<string, number[]>;
  /** Per device: the full facts for the details panel. */
  readonly details: readonly string[][];
}

function problem(d: ReportDevice): string {
  const e = d.errors[0];
  if (e) return `${e.errno} ${e.where}: ${e.message}`;
  if (d.state === "bound" || d.state === "no-driver") return "";
  return d.reason ?? d.state;
}

function details(d: ReportDevice): string[] {
  const out = [`path: ${d.path ?? "(none: a PCI function from --pci)"}`, `driver: ${d.driver ?? "none"}${d.driverAssumed ? " (assumed)" : ""} — ${d.state}${d.reason ? `: ${d.reason}` : ""}`];
  if (d.wantedIommu) out.push(`IOMMU: ${d.iommu ?? `none (wanted ${d.wantedIommu})`}${d.extraIommus.length > 0 ? ` + ${d.extraIommus.join(", ")}` : ""}; IDs [${idsText(d)}]; fwspec ${d.ids.map((x) => `0x${x.toString(16)}`).join(" ") || "none"}`);
  out.push(`DMA: ${d.dmaOps} ops, ${d.coherent ? "coherent" : "non-coherent"}, mask limit ${d.dmaLimit}`);
  for (const e of d.errors) out.push(`error: ${e.errno} (${e.code}) in ${e.where}: ${e.message}${e.assumedLimit ? ` [only because of the assumed ${e.assumedLimit}: give the real value with --hw]` : ""}`);
  for (const n of d.notes) out.push(`note: ${n}`);
  return out;
}

export function columnData(label: string, scene: Scene): ColumnData {
  const r = scene.report;
  const domainType = new Map(r.domains.map((d) => [d.id, d.type] as const));
  const iommuName = new Map(r.iommus.map((i) => [i.path, i.name ?? i.path] as const));
  const rows = r.devices.map((d) => [
    d.name,
    d.bus,
    d.driver === null ? "" : `${d.driver}${d.driverAssumed ? "?" : ""}`,
    d.state,
    d.iommu ? (iommuName.get(d.iommu) ?? d.iommu) : d.wantedIommu ? `(${iommuName.get(d.wantedIommu) ?? d.wantedIommu})` : "",
    idsText(d),
    d.group,
    d.domain,
    d.domain === null ? "" : (domainType.get(d.domain) ?? ""),
    d.dmaOps,
    problem(d),
  ]);
  const index = new Map(r.devices.map((d, i) => [d.name, i] as const));
  const groups: Record<string, [string | null, number[]]> = {};
  for (const g of r.groups) groups[g.id] = [scene.groupElement.get(g.id) ?? null, g.devices.map((n) => index.get(n)!).filter((i) => i !== undefined)];
  const domains: Record<string, string> = {};
  for (const [id, el] of scene.domainElement) domains[id] = el;
  const summaries: Record<string, number[]> = {};
  scene.element.forEach((el, i) => {
    if (el !== null && el !== `${scene.prefix}d${i}` && !el.endsWith("_hdr")) (summaries[el] ??= []).push(i);
  });
  return { label, prefix: scene.prefix, rows, element: scene.element, groups, domains, summaries, details: r.devices.map(details) };
}

/** JSON that is safe inside a <script> element (no `</script`, no `<!--`, no U+2028/9 surprises). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
