// Pictures of large boards stay a picture: devices without an IOMMU collapse into one node, big
// groups and domains into "+N more" nodes, and the DOT grows with the number of IOMMU instances,
// not of devices (a ratio against a small board; no clock). Every device still has a place: the
// node or the summary that stands for it, which the HTML page selects on a click in the table.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildScene, DEFAULT_BUDGET, DOMAIN_CAP } from "../../src/report/dot/scene.ts";
import { generateBoard } from "../../src/gen/index.ts";
import { renderDotToSvg, renderReportDot, runBoard, topologyOf } from "../../src/report/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { runBoardAt, type BoardOptions } from "./support/boards.ts";

const work = mkdtempSync(join(tmpdir(), "dtprobe-pictures-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function generated(nodes: number, o: BoardOptions = {}) {
  const path = join(work, `gen-${nodes}.dts`);
  writeFileSync(path, generateBoard({ nodes, iommus: 12, seed: 3 }), "latin1");
  return runBoardAt(path, o);
}

const deviceNodes = (dot: string) => [...dot.matchAll(/^\s*d\d+ \[id=/gm)].length;

describe("large boards", () => {
  const small = generated(600);
  const big = generated(6000);

  it("collapses the devices without an IOMMU into one node and keeps every device placed", () => {
    const r = big.report;
    const scene = buildScene(r, { topology: topologyOf(big.graph) });
    const noIommu = scene.noIommu!;
    expect(noIommu.shown).toEqual([]);
    expect(noIommu.more!.devices.length).toBeGreaterThan(1000);
    const dot = renderReportDot(r, { topology: topologyOf(big.graph) });
    expect(dot).toContain(`<b>${noIommu.more!.devices.length} devices without an IOMMU group</b>`);
    expect(scene.element.every((e) => e !== null)).toBe(true);
    // Grouped devices drawn one by one stay within the budget (plus the capped problem lists).
    const grouped = scene.instances.flatMap((i) => i.domains.flatMap((d) => d.groups.flatMap((g) => g.shown)));
    expect(grouped.length).toBeLessThanOrEqual(DEFAULT_BUDGET);
  });

  it("grows with the instances, not the devices", () => {
    const ratio = big.report.devices.length / small.report.devices.length;
    const a = renderReportDot(small.report, { topology: topologyOf(small.graph) });
    const b = renderReportDot(big.report, { topology: topologyOf(big.graph) });
    expect(ratio).toBeGreaterThan(8);
    expect(b.length / a.length).toBeLessThan(2.5);
    expect(deviceNodes(b) / deviceNodes(a)).toBeLessThan(2.5);
  });

  it("summarises a domain of many groups (per-instance policy) with '+N more'", async () => {
    const sink = new DiagnosticSink();
    const run = runBoard(big.tree, "gen-6000.dts", { kernel: "6.1", policy: "per-instance" }, sink)!;
    const scene = buildScene(run.report, { topology: topologyOf(run.graph) });
    const crowded = scene.instances.flatMap((i) => i.domains).find((d) => d.domain !== null && d.more !== null && d.more.groups > 0);
    expect(crowded, "a domain with more groups than fit").toBeDefined();
    expect(crowded!.groups.length).toBeLessThanOrEqual(DOMAIN_CAP);
    const dot = renderReportDot(run.report, { topology: topologyOf(run.graph) });
    expect(dot).toContain(`<b>+${crowded!.more!.devices.length} more device${crowded!.more!.devices.length === 1 ? "" : "s"} in ${crowded!.more!.groups} group`);
    const { svg } = await renderDotToSvg(dot);
    expect(svg).toContain(`id="${crowded!.more!.id}"`);
  });

  it("cuts a group of many members to GROUP_CAP with a summary", () => {
    const r = JSON.parse(JSON.stringify(small.report)) as typeof small.report;
    // One group holding 300 devices: what a PCI bus behind a bridge without ACS looks like.
    const g = r.groups.find((x) => x.domain !== null)!;
    const loose = r.devices.filter((d) => d.group === null && d.state === "bound").slice(0, 300);
    for (const d of loose) {
      d.group = g.id;
      d.iommu = g.iommu;
      g.devices.push(d.name);
    }
    const scene = buildScene(r);
    const drawn = scene.instances.flatMap((i) => i.domains.flatMap((d) => d.groups)).find((x) => x.group.id === g.id)!;
    expect(drawn.shown.length).toBeLessThan(10);
    expect(drawn.more!.devices.length).toBe(g.devices.length - drawn.shown.length);
    expect(renderReportDot(r)).toMatch(new RegExp(`\\+${drawn.more!.devices.length} more devices</b>`));
  });
});
