// What the page's script needs of one report, as compact JSON in the page: a row per device (the
// table's cells and the facts behind them, in a fixed order) and the element of the picture that
// shows it, plus each group's members and cluster. Everything else on the page is plain HTML
// made here, not by the script.
import type { Scene } from "../dot/scene.ts";
import { idsText } from "../dot/labels.ts";
import type { ReportDevice } from "../types.ts";

/** Table columns, in order; the client reads rows positionally (client.ts). */
export const COLUMNS = ["device", "bus", "driver", "state", "IOMMU", "IDs", "group", "domain", "type", "DMA ops", "problem"] as const;

/**
 * Per device, positionally: the first ten COLUMNS cells, then ROW_FACTS (the client derives the
 * "problem" cell and the details panel from them, so no text is in the page twice).
 */
export const ROW_FACTS = ["path", "reason", "wanted", "extra", "fwspec", "coherent", "dmaLimit", "errors", "notes"] as const;

export type RowCell = string | number | null | readonly (string | number | null)[] | readonly (readonly (string | number | null)[])[];

export interface ColumnData {
  readonly label: string;
  readonly prefix: string;
  readonly rows: readonly RowCell[][];
  /** Per device: the picture element that shows it (its node or a summary), or null. */
  readonly element: readonly (string | null)[];
  /** group id -> [cluster element or null, member device indexes]. */
  readonly groups: Record<string, [string | null, number[]]>;
  /** domain id -> cluster element. */
  readonly domains: Record<string, string>;
  /** Summary element -> the devices it stands for (to filter the table on a click). */
  readonly summaries: Record<string, number[]>;
  /** Instance header element -> [instance name, devices it translates for or that wanted it]. */
  readonly instances: Record<string, [string, number[]]>;
}

function row(d: ReportDevice, iommuName: (path: string) => string, domainType: (id: number) => string): RowCell[] {
  return [
    d.name,
    d.bus,
    d.driver === null ? "" : `${d.driver}${d.driverAssumed ? "?" : ""}`,
    d.state,
    d.iommu ? iommuName(d.iommu) : d.wantedIommu ? `(${iommuName(d.wantedIommu)})` : "",
    idsText(d),
    d.group,
    d.domain,
    d.domain === null ? "" : domainType(d.domain),
    d.dmaOps,
    // ROW_FACTS
    d.path,
    d.reason,
    d.wantedIommu,
    d.extraIommus,
    d.ids.map((x) => `0x${x.toString(16)}`).join(" "),
    d.coherent ? 1 : 0,
    d.dmaLimit,
    d.errors.map((e) => [e.errno, e.code, e.where, e.message, e.assumedLimit]),
    d.notes,
  ];
}

export function columnData(label: string, scene: Scene): ColumnData {
  const r = scene.report;
  const domainType = new Map(r.domains.map((d) => [d.id, d.type] as const));
  const iommuName = new Map(r.iommus.map((i) => [i.path, i.name ?? i.path] as const));
  const rows = r.devices.map((d) => row(d, (p) => iommuName.get(p) ?? p, (id) => domainType.get(id) ?? ""));
  const index = new Map(r.devices.map((d, i) => [d.name, i] as const));
  const groups: Record<string, [string | null, number[]]> = {};
  for (const g of r.groups) groups[g.id] = [scene.groupElement.get(g.id) ?? null, g.devices.map((n) => index.get(n)).filter((i): i is number => i !== undefined)];
  const domains: Record<string, string> = {};
  for (const [id, el] of scene.domainElement) domains[id] = el;
  const summaries: Record<string, number[]> = {};
  scene.element.forEach((el, i) => {
    if (el !== null && el !== `${scene.prefix}d${i}` && !el.endsWith("_hdr")) (summaries[el] ??= []).push(i);
  });
  const instances: Record<string, [string, number[]]> = {};
  const byPath = new Map<string, number[]>();
  for (const i of scene.instances) {
    const members: number[] = [];
    instances[i.headerId] = [i.iommu.name ?? i.iommu.path, members];
    byPath.set(i.iommu.path, members);
  }
  r.devices.forEach((d, i) => {
    const on = d.iommu ?? d.wantedIommu;
    if (on !== null) byPath.get(on)?.push(i);
  });
  return { label, prefix: scene.prefix, rows, element: scene.element, groups, domains, summaries, instances };
}

/** JSON that is safe inside a <script> element (no `</script`, no `<!--`, no U+2028/9 surprises). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
