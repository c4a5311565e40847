// `--format table`: one aligned row per device (device, bus, driver, IOMMU, IDs, group, domain,
// type, DMA ops, state, reason), in creation order or sorted by a column. Cells have no blanks
// except the last (the reason), so `awk` and `sort -k` can read the rows.
import type { Report, ReportDevice } from "../types.ts";
import { alignRows } from "./align.ts";

export const TABLE_COLUMNS = ["device", "bus", "driver", "iommu", "ids", "group", "domain", "type", "dma", "state", "reason"] as const;
export type TableColumn = (typeof TABLE_COLUMNS)[number];

/** Columns sorted as numbers ("-" after every number). */
const NUMERIC: ReadonlySet<TableColumn> = new Set(["group", "domain"]);

const hex = (v: number) => `0x${v.toString(16)}`;

/** `0x704:0x1,0x706:0x1`: the cells of each specifier joined by `:`, entries by `,`. */
function ids(d: ReportDevice): string {
  const specs = d.specifiers.filter((s) => s.length > 0);
  if (specs.length > 0) return specs.map((s) => s.map(hex).join(":")).join(",");
  return d.ids.length > 0 ? d.ids.map(hex).join(",") : "-";
}

function reason(d: ReportDevice): string {
  if (d.errors.length > 0) return d.errors.map((e) => `${e.errno} in ${e.where}: ${e.message}`).join("; ");
  return d.reason ?? "-";
}

export function tableRows(report: Report): Record<TableColumn, string>[] {
  const names = new Map(report.iommus.map((i) => [i.path, i.name ?? i.path]));
  const types = new Map(report.domains.map((x) => [x.id, x.type]));
  return report.devices.map((d) => ({
    device: d.name,
    bus: d.bus,
    driver: d.driver === null ? "-" : !d.driverAssumed ? d.driver : d.driver === "(assumed)" ? "?" : `${d.driver}?`,
    iommu: d.iommu === null ? (d.wantedIommu === null ? "-" : `(${names.get(d.wantedIommu) ?? d.wantedIommu})`) : (names.get(d.iommu) ?? d.iommu),
    ids: ids(d),
    group: d.group === null ? "-" : String(d.group),
    domain: d.domain === null ? "-" : String(d.domain),
    type: d.domain === null ? "-" : (types.get(d.domain) ?? "-"),
    dma: d.dmaOps,
    state: d.state,
    reason: reason(d),
  }));
}

function compareCells(column: TableColumn, a: string, b: string): number {
  if (NUMERIC.has(column)) {
    const x = a === "-" ? Infinity : Number(a);
    const y = b === "-" ? Infinity : Number(b);
    return x - y || 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The table as text: a header row and one row per device. `sort` orders by that column (stable:
 * ties keep creation order). A device that wanted an IOMMU but has none shows it in parentheses;
 * a driver dtprobe assumes ends in `?`.
 */
export function renderTable(report: Report, sort?: TableColumn): string {
  const rows = tableRows(report);
  if (sort) rows.sort((a, b) => compareCells(sort, a[sort], b[sort]));
  const cells = [TABLE_COLUMNS.map((c) => c.toUpperCase()), ...rows.map((r) => TABLE_COLUMNS.map((c) => r[c]))];
  return alignRows(cells).join("\n") + "\n";
}
