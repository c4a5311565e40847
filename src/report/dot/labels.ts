// The words on the picture: device nodes (name, IDs, what went wrong), the IOMMU instance header
// (driver, state, resources used of the limit), cluster titles and "+N more" summaries. Labels are
// Graphviz HTML-like labels (bold names, small grey details); tooltips carry the full facts.
import type { ReportDevice, ReportDomain, ReportGroup, ReportIommu } from "../types.ts";
import { xmlText } from "./escape.ts";

/** The resource counters an IOMMU keeps, with the limit each is used of. */
const LIMIT_OF: Record<string, (i: ReportIommu) => number | boolean | string | undefined> = {
  contextBanks: (i) => i.limits["contextBanks"]?.value,
  smrs: (i) => i.limits["smrs"]?.value,
  contexts: (i) => i.limits["contexts"]?.value,
  asids: (i) => {
    const bits = i.limits["asidBits"]?.value;
    return i.limits["asids"]?.value ?? (typeof bits === "number" ? 2 ** bits - 1 : undefined);
  },
};

export interface Usage {
  readonly resource: string;
  readonly used: number;
  readonly limit: number | boolean | string | undefined;
}

/** `used` of the instance with each counter's limit (asids of 2^asidBits - 1 when only the width is known). */
export function usageOf(iommu: ReportIommu): Usage[] {
  return Object.entries(iommu.used).map(([resource, used]) => ({ resource, used, limit: LIMIT_OF[resource]?.(iommu) }));
}

export function usageText(u: Usage): string {
  return u.limit === undefined ? `${u.resource} ${u.used}` : `${u.resource} ${u.used}/${String(u.limit)}`;
}

/** The IDs the tree gives the device, as the text report prints them: `0x20 0x21`, cells of one entry joined by spaces. */
export function idsText(d: ReportDevice): string {
  return d.specifiers.filter((s) => s.length > 0).map((s) => s.map((c) => `0x${c.toString(16)}`).join(" ")).join(", ");
}

const small = (text: string, color = "#5a6572") => `<font point-size="8" color="${color}">${xmlText(text)}</font>`;

/** What a device node says under its name. */
export function deviceDetail(d: ReportDevice): string[] {
  const lines: string[] = [];
  const ids = idsText(d);
  const facts = [ids, d.group !== null && d.dmaOps === "direct" ? "dma-direct" : ""].filter((s) => s !== "");
  if (facts.length > 0) lines.push(small(facts.join(" · ")));
  if (d.state !== "bound") lines.push(small(d.state, d.state === "failed" ? "#a3281b" : "#6b4500"));
  const e = d.errors[0];
  if (e) lines.push(small(`${e.errno} ${e.where}${d.errors.length > 1 ? ` (+${d.errors.length - 1})` : ""}`, "#a3281b"));
  return lines;
}

export function deviceLabel(d: ReportDevice): string {
  return `<<b>${xmlText(d.name)}</b>${deviceDetail(d).map((l) => `<br/>${l}`).join("")}>`;
}

/** "driver pl330", "driver assumed to bind (name unknown)", "no driver". */
export function driverText(d: ReportDevice): string {
  if (d.driver === null) return "no driver";
  if (d.driverAssumed) return d.driver === "(assumed)" ? "driver assumed to bind (name unknown)" : `driver ${d.driver} (assumed)`;
  return `driver ${d.driver}`;
}

export function deviceTooltip(d: ReportDevice): string {
  const lines = [
    `${d.name} (${d.bus}${d.path ? `, ${d.path}` : ""})`,
    `${driverText(d)}, ${d.state}${d.reason ? `: ${d.reason}` : ""}`,
  ];
  if (d.iommu) lines.push(`IOMMU ${d.iommu} IDs [${idsText(d)}] group ${d.group ?? "none"} domain ${d.domain ?? "none"}`);
  lines.push(`DMA ops ${d.dmaOps}${d.coherent ? ", coherent" : ""}, limit ${d.dmaLimit}`);
  for (const e of d.errors) lines.push(`${e.errno} in ${e.where}: ${e.message}`);
  return lines.join("\n");
}

export function instanceLabel(i: ReportIommu, counts: { groups: number; domains: number; devices: number }): string {
  const rows: string[] = [];
  const row = (html: string) => rows.push(`<tr><td align="left">${html}</td></tr>`);
  row(`<font point-size="12"><b>${xmlText(i.name ?? i.path)}</b></font>`);
  row(small([i.driver ?? "unknown driver", i.model].filter(Boolean).join(" · "), "#34495e"));
  if (i.state !== "registered") row(small(`${i.state}${i.message ? `: ${i.message}` : ""}`, "#a3281b"));
  // A resource used up is what makes the next device fail: say it in red.
  const usage = usageOf(i).map((u) => (typeof u.limit === "number" && u.used >= u.limit ? `<b><font color="#a3281b">${xmlText(usageText(u))}</font></b>` : xmlText(usageText(u))));
  if (usage.length > 0) row(`<font point-size="8" color="#5a6572">used ${usage.join(" · ")}</font>`);
  row(small(`${counts.devices} device${counts.devices === 1 ? "" : "s"} · ${counts.groups} group${counts.groups === 1 ? "" : "s"} · ${counts.domains} domain${counts.domains === 1 ? "" : "s"}`));
  return `<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">${rows.join("")}</table>>`;
}

export function domainTitle(d: ReportDomain): string {
  const res = d.asid !== null ? ` · asid ${d.asid}` : d.context !== null ? ` · context ${d.context}` : "";
  return `domain ${d.id} · ${d.type}${d.owner !== "default" ? ` (${d.owner})` : ""}${res}`;
}

export function groupTitle(g: ReportGroup): string {
  return `group ${g.id}${g.name ? ` "${g.name}"` : ""}`;
}

/** "12 × dma": the kinds of device a summary stands for, most common first (a few of them). */
export function kindsText(devices: readonly ReportDevice[], max = 3): string {
  const counts = new Map<string, number>();
  for (const d of devices) {
    const dot = d.name.indexOf(".");
    const kind = d.bus === "pci" ? (d.driver ?? "pci") : dot >= 0 ? d.name.slice(dot + 1) : d.name;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = top.slice(0, max).map(([k, n]) => `${n} × ${k}`);
  return top.length > max ? `${shown.join(", ")}, …` : shown.join(", ");
}

export function summaryLabel(title: string, devices: readonly ReportDevice[], extra: string[] = []): string {
  const lines = [`<b>${xmlText(title)}</b>`, ...extra.map((e) => small(e))];
  if (devices.length > 0) lines.push(small(kindsText(devices)));
  return `<${lines.join("<br/>")}>`;
}

/** "160 platform · 3 pci": counts of a field over devices, most common first. */
export function tally(devices: readonly ReportDevice[], field: (d: ReportDevice) => string): string {
  const counts = new Map<string, number>();
  for (const d of devices) counts.set(field(d), (counts.get(field(d)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${n} ${k}`).join(" · ");
}
