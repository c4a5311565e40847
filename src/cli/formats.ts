// `report --format dot|svg|html`: the picture formats, each a writer from a board run to the
// output's chunks. Kept apart from report-command.ts so the command only asks "is this a picture
// format?" and hands over the run (the PCI tree comes from its device graph).
import pkg from "../../package.json" with { type: "json" };
import type { BoardRun } from "../report/index.ts";
import { graphvizVersion, renderDotToSvg, renderReportDot, renderReportHtml, topologyOf } from "../report/index.ts";

export const PICTURE_FORMATS = ["dot", "svg", "html"] as const;
export type PictureFormat = (typeof PICTURE_FORMATS)[number];

export function isPictureFormat(format: string): format is PictureFormat {
  return (PICTURE_FORMATS as readonly string[]).includes(format);
}

/** A command line as a shell would take it back (for the page's Options). */
function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

export async function renderPicture(format: PictureFormat, run: BoardRun, argv: readonly string[]): Promise<string[]> {
  const topology = topologyOf(run.graph);
  if (format === "html") {
    const generator = `dtprobe ${pkg.version}, Graphviz ${await graphvizVersion()} (WebAssembly)`;
    return renderReportHtml({ label: run.report.config.input ?? "report", report: run.report, topology }, { command: shellLine(["dtprobe", "report", ...argv]), generator });
  }
  const dot = renderReportDot(run.report, { topology });
  return [format === "dot" ? dot : (await renderDotToSvg(dot)).svg];
}
