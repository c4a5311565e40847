// The batch summary: an aligned table with one row per board, then the totals; or JSON Lines,
// one object per board (schemas/batch-row.schema.json).
import { alignRows } from "../report/views/align.ts";
import type { BoardRow } from "./row.ts";

const COUNTS = ["devices", "iommuUsers", "instances", "groups", "failed", "deferred", "unbound"] as const;
const HEADINGS = ["BOARD", "DEVICES", "IOMMU-USERS", "INSTANCES", "GROUPS", "FAILED", "DEFERRED", "UNBOUND", "STATUS"];
const RIGHT = new Set([1, 2, 3, 4, 5, 6, 7]);

function status(r: BoardRow): string {
  if (r.status !== "ok") return `${r.status}: ${r.message}`;
  return r.finding === "error" ? "errors" : r.finding === "warning" ? "warnings" : "ok";
}

export interface BatchTotals {
  readonly boards: number;
  readonly loaded: number;
  readonly notLoaded: number;
  /** Loaded boards with findings of each level. */
  readonly withErrors: number;
  readonly withWarnings: number;
  readonly counts: Record<(typeof COUNTS)[number], number>;
}

export function batchTotals(rows: readonly BoardRow[]): BatchTotals {
  const counts = Object.fromEntries(COUNTS.map((k) => [k, 0])) as Record<(typeof COUNTS)[number], number>;
  let loaded = 0;
  let withErrors = 0;
  let withWarnings = 0;
  for (const r of rows) {
    if (r.status !== "ok") continue;
    loaded++;
    if (r.finding === "error") withErrors++;
    else if (r.finding === "warning") withWarnings++;
    for (const k of COUNTS) counts[k] += r[k];
  }
  return { boards: rows.length, loaded, notLoaded: rows.length - loaded, withErrors, withWarnings, counts };
}

export function renderBatchText(rows: readonly BoardRow[]): string {
  const table = [HEADINGS, ...rows.map((r) => [r.board, ...COUNTS.map((k) => (r.status === "ok" ? String(r[k]) : "-")), status(r)])];
  const t = batchTotals(rows);
  const c = t.counts;
  const lines = alignRows(table, { right: RIGHT });
  lines.push("");
  lines.push(`${t.boards} boards: ${t.loaded} loaded, ${t.notLoaded} not loaded; ${t.withErrors} with errors, ${t.withWarnings} with warnings only`);
  lines.push(`${c.devices} devices, ${c.iommuUsers} IOMMU users, ${c.instances} IOMMU instances, ${c.groups} groups; ${c.failed} failed, ${c.deferred} deferred, ${c.unbound} unbound`);
  return lines.join("\n") + "\n";
}

export function renderBatchJsonl(rows: readonly BoardRow[]): string[] {
  return rows.map((r) => JSON.stringify(r) + "\n");
}
