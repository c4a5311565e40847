// One self-contained HTML page for one report or several side by side (a comparison: one labelled
// column per report). Each column: the heading and counts, the picture (inline SVG), the selected
// device's facts, the device table, then failures and notes, the kernel log, the options and the
// diagnostics. No network: the SVG, the stylesheet, the data and the script are all in the file.
import { buildScene } from "../dot/scene.ts";
import { xmlText as h } from "../dot/escape.ts";
import { renderSceneDot } from "../dot/write.ts";
import { renderDotToSvg } from "../svg.ts";
import type { DeviceTopology } from "../topology.ts";
import type { Report } from "../types.ts";
import { CLIENT_SCRIPT } from "./client.ts";
import { PAGE_CSS } from "./css.ts";
import { COLUMNS, columnData, scriptJson, type ColumnData } from "./data.ts";
import { diagnosticsHtml, headingHtml, kernelLogHtml, optionsHtml, problemsHtml } from "./sections.ts";

/** A report with the name its column carries ("per-device", "6.1", "before"...). */
export interface LabelledReport {
  readonly label: string;
  readonly report: Report;
  /** The PCI tree from the device graph (topologyOf); without it, DT paths are used. */
  readonly topology?: DeviceTopology;
}

export interface HtmlOptions {
  /** The command line the page was made with (shown under Options). */
  readonly command?: string;
  /** "dtprobe 0.1.0, Graphviz 16.1.0" or similar. */
  readonly generator?: string;
  /** Device nodes per picture at most (see SceneOptions.budget). */
  readonly budget?: number;
}

const COL_WIDTH: Record<(typeof COLUMNS)[number], number> = { device: 210, bus: 64, driver: 120, state: 82, IOMMU: 130, IDs: 110, group: 56, domain: 60, type: 76, "DMA ops": 70, problem: 260 };

function tableHtml(): string {
  const cols = COLUMNS.map((c) => `<col style="width:${COL_WIDTH[c]}px">`).join("");
  const head = COLUMNS.map((c) => `<th title="sort by ${c}">${h(c)}</th>`).join("");
  return [
    `<div class="tbl card">`,
    `<div class="tbl-tools"><input type="search" placeholder="filter: name, driver, state, IOMMU, errno…" aria-label="filter devices">`,
    `<span class="quick"><button data-q="all">all</button> <button data-q="iommu">behind an IOMMU</button> <button data-q="none">no IOMMU</button> <button data-q="bad">problems</button></span>`,
    `<span class="count"></span></div>`,
    `<div class="tscroll"><table class="devs"><colgroup>${cols}</colgroup><thead><tr>${head}</tr></thead><tbody></tbody></table></div>`,
    `</div>`,
  ].join("");
}

function details(title: string, body: string, open: boolean): string {
  return `<details class="card"${open ? " open" : ""}><summary>${h(title)}</summary><div class="body">${body}</div></details>`;
}

async function columnHtml(input: LabelledReport, k: number, many: boolean, options: HtmlOptions): Promise<{ html: string; data: ColumnData }> {
  const prefix = `c${k}_`;
  const scene = buildScene(input.report, { idPrefix: prefix, title: false, budget: options.budget, topology: input.topology });
  const { svg } = await renderDotToSvg(renderSceneDot(scene));
  const r = input.report;
  const problems = problemsHtml(r);
  const log = kernelLogHtml(r);
  const diags = diagnosticsHtml(r);
  const hint = many ? "click a device: it lights up in every column" : "click a device: its group and domain light up · drag to pan · ctrl+wheel to zoom";
  const html = [
    `<section class="col" id="${prefix}col">`,
    `<div class="card">${headingHtml(r, many ? input.label : null)}</div>`,
    `<div class="pic card"><div class="tools"><button data-zoom="fit">fit</button><button data-zoom="out">−</button><button data-zoom="in">+</button><button data-zoom="1">1:1</button><span class="zoomval"></span><span class="hint">${h(hint)}</span></div>`,
    `<div class="svgbox">${svg.slice(svg.indexOf("<svg"))}</div></div>`,
    `<div class="sel-panel card" hidden></div>`,
    tableHtml(),
    details(`Failures and notes (${problems.count})`, problems.html, problems.count > 0),
    details(`Kernel log (${log.count} lines)`, log.html, false),
    details("Options", optionsHtml(r, many ? null : (options.command ?? null), options.generator ?? null), false),
    details(`Diagnostics (${diags.count})`, diags.html, false),
    `</section>`,
  ].join("\n");
  return { html, data: columnData(input.label, scene) };
}

/**
 * The page, as chunks to write one after another (a 20,000-device page is several MB). Columns
 * are laid out side by side; selecting a device selects it by name in every column.
 */
export async function renderReportHtml(input: LabelledReport | readonly LabelledReport[], options: HtmlOptions = {}): Promise<string[]> {
  const reports: readonly LabelledReport[] = Array.isArray(input) ? input : [input as LabelledReport];
  if (reports.length === 0) throw new Error("renderReportHtml: no report");
  const many = reports.length > 1;
  const columns: { html: string; data: ColumnData }[] = [];
  for (let k = 0; k < reports.length; k++) columns.push(await columnHtml(reports[k]!, k, many, options));
  const title = many ? `dtprobe — ${reports.map((r) => r.label).join(" vs ")}` : `dtprobe — ${reports[0]!.report.config.input ?? "report"}`;
  return [
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n`,
    `<meta name="generator" content="${h(options.generator ?? "dtprobe")}">\n<title>${h(title)}</title>\n<style>${PAGE_CSS}</style>\n</head>\n`,
    `<body class="n-${reports.length}">\n<main class="cols" style="--cols:${reports.length}">\n`,
    ...columns.map((c) => c.html + "\n"),
    `</main>\n<script type="application/json" id="dtprobe-data">`,
    scriptJson(columns.map((c) => c.data)),
    `</script>\n<script>${CLIENT_SCRIPT}</script>\n</body>\n</html>\n`,
  ];
}
