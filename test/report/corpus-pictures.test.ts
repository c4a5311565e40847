// Every corpus board (../shared/corpus/dev) drawn: the DOT lays out in Graphviz (WebAssembly), every
// device has its box or summary in the SVG, and the HTML page carries one table row per device.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildScene } from "../../src/report/dot/scene.ts";
import { renderSceneDot } from "../../src/report/dot/write.ts";
import { renderDotToSvg, renderReportHtml, topologyOf } from "../../src/report/index.ts";
import { hasShared, sharedDir } from "../helpers/shared.ts";
import { labelled, runBoardAt } from "./support/boards.ts";

const boards = hasShared ? readdirSync(`${sharedDir}corpus/dev`).filter((f) => f.endsWith(".pre.dts")).sort() : [];
if (!hasShared) console.log("test/report/corpus-pictures: skipped: no ../shared");

describe.skipIf(!hasShared)("pictures of the corpus boards", () => {
  it("has the 15 boards", () => expect(boards.length).toBe(15));
  for (const f of boards) {
    it(f, async () => {
      const run = runBoardAt(`${sharedDir}corpus/dev/${f}`);
      const scene = buildScene(run.report, { topology: topologyOf(run.graph) });
      const { svg } = await renderDotToSvg(renderSceneDot(scene));
      for (const id of new Set(scene.element)) expect(svg, `${f}: ${id}`).toContain(`id="${id}"`);
      const domains = [...svg.matchAll(/class="cluster domain/g)].length;
      expect(domains).toBe(scene.instances.reduce((n, i) => n + i.domains.length, 0));
      const html = (await renderReportHtml(labelled(f, run))).join("");
      const data = JSON.parse(/<script type="application\/json" id="dtprobe-data">([^]*?)<\/script>/.exec(html)![1]!) as { rows: unknown[][] }[];
      expect(data[0]!.rows.map((r) => r[0])).toEqual(run.report.devices.map((d) => d.name));
    });
  }
});
