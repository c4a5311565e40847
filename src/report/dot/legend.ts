// The legend: one node holding a small table, with a row for each kind of mark the picture
// actually uses (device states, domain types, PCI links, summaries), so it stays short.
import type { Scene } from "./scene.ts";
import { xmlText } from "./escape.ts";
import { DOMAIN_LOOK, EXTRA_EDGE, GROUP_LOOK, INSTANCE_LOOK, NOT_ATTACHED_LOOK, PCI_LOOK, STATE_LOOK, ERROR_BORDER } from "./style.ts";
import type { ReportDevice, ReportDomain } from "../types.ts";

const STATE_WORDS: Record<ReportDevice["state"], string> = {
  bound: "device (bold name, IOMMU IDs below)",
  failed: "failed: probe or IOMMU setup error (bold red)",
  deferred: "deferred: probe waits (dashed)",
  "no-driver": "no driver binds",
  "not-created": "not created (dotted)",
  unbound: "unbound by a scenario step (dashed)",
  removed: "removed by a scenario step (dotted)",
};

const DOMAIN_WORDS: Record<ReportDomain["type"], string> = {
  DMA: "domain DMA: translated, strict invalidation",
  "DMA-FQ": "domain DMA-FQ: translated, lazy flush queue",
  identity: "domain identity: passthrough",
  blocked: "domain blocked: no DMA",
  unmanaged: "domain unmanaged: owned by a driver (VFIO, DRM...)",
};

function swatch(fill: string, border: string): string {
  return `<td width="22" height="12" fixedsize="true" bgcolor="${fill}" color="${border}" border="1"></td>`;
}

function text(words: string): string {
  return `<td align="left"><font point-size="8">${xmlText(words)}</font></td>`;
}

/**
 * The legend as rows of a table (entries side by side, `perRow` to a row), for the graph's own
 * label: a node would sit on one of dot's ranks and stretch that rank across the whole picture.
 */
export function legendRows(scene: Scene, perRow = 3): string {
  const cells: string[] = [];
  const add = (sw: string, words: string) => cells.push(`${sw}${text(words)}`);
  add(swatch(INSTANCE_LOOK.fill, INSTANCE_LOOK.border), "IOMMU instance: driver, resources used/limit");
  const states = new Set(scene.report.devices.map((d) => d.state));
  for (const s of Object.keys(STATE_WORDS) as ReportDevice["state"][]) if (states.has(s)) add(swatch(STATE_LOOK[s].fill, STATE_LOOK[s].border), STATE_WORDS[s]);
  if (scene.report.devices.some((d) => d.group !== null && d.errors.length > 0)) add(swatch("#ffffff", ERROR_BORDER), "in a group, but an error after grouping (red border)");
  add(swatch(GROUP_LOOK.fill, GROUP_LOOK.border), "IOMMU group (devices isolated together)");
  const types = new Set(scene.report.domains.map((d) => d.type));
  for (const t of Object.keys(DOMAIN_WORDS) as ReportDomain["type"][]) if (types.has(t)) add(swatch(DOMAIN_LOOK[t].fill, DOMAIN_LOOK[t].border), DOMAIN_WORDS[t]);
  if (scene.instances.some((i) => i.notAttached)) add(swatch(NOT_ATTACHED_LOOK.fill, NOT_ATTACHED_LOOK.border), "not attached: wanted this IOMMU, got no group");
  if (scene.pciTree.parent.size > 0) add(`<td><font color="${PCI_LOOK.edge}">→</font></td>`, `PCI link: bridge to the function below it${scene.pciTree.source === "paths" ? " (from DT paths)" : ""}`);
  if (scene.instances.some((i) => i.alsoFor.length > 0)) add(`<td><font color="${EXTRA_EDGE}">⇢</font></td>`, "a further IOMMU of the fwspec also translates for it");
  if (scene.hidden > 0) add(swatch("#ffffff", "#9aa3ad"), `dashed box: a summary of ${scene.hidden} devices (each one is in the table)`);
  const rows: string[] = [];
  for (let k = 0; k < cells.length; k += perRow) {
    const slice = cells.slice(k, k + perRow);
    while (slice.length < perRow) slice.push("<td></td><td></td>");
    rows.push(`<tr>${slice.join("")}</tr>`);
  }
  return `<table border="1" color="#c9d1db" cellborder="0" cellspacing="2" cellpadding="1" bgcolor="#ffffff">${rows.join("")}</table>`;
}
