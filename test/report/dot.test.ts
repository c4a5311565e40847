// `--format dot`: goldens for three driver families (tegra-smmu on arm32, arm-smmu-v3 with PCI,
// mtk-iommu), the facts each picture exists to show asserted before the golden, same bytes for
// the same report, Graphviz (WebAssembly) accepting every golden, quoting of hostile names.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderDotToSvg, renderReportDot, topologyOf, type Report } from "../../src/report/index.ts";
import { projectDir } from "../helpers/shared.ts";
import { runFixture, type BoardOptions } from "./support/boards.ts";

const goldenDir = `${projectDir}fixtures/dot/`;

/** The DOT statement that declares node `id`, or the attribute lines of cluster `id`. */
function statement(dot: string, id: string): string {
  const lines = dot.split("\n").map((l) => l.trim());
  const node = lines.find((l) => l.startsWith(`${id} [id="${id}"`));
  if (node) return node;
  const start = lines.indexOf(`subgraph cluster_${id} {`);
  if (start < 0) throw new Error(`no element ${id}`);
  const attrs: string[] = [];
  for (let k = start + 1; /^[a-z]+=/.test(lines[k]!); k++) attrs.push(lines[k]!);
  return attrs.join(" ");
}

/** Node ids declared inside the cluster `id` (up to its closing brace, nested clusters included). */
function membersOf(dot: string, id: string): string[] {
  const lines = dot.split("\n");
  const start = lines.findIndex((l) => l.trim().startsWith(`subgraph cluster_${id} {`));
  if (start < 0) throw new Error(`no cluster ${id}`);
  const out: string[] = [];
  for (let k = start + 1, depth = 1; k < lines.length && depth > 0; k++) {
    const l = lines[k]!.trim();
    if (l.endsWith("{")) depth++;
    else if (l === "}") depth--;
    const m = /^(d\d+) \[/.exec(l);
    if (m) out.push(m[1]!);
  }
  return out;
}

const nodeOf = (r: Report, name: string) => `d${r.devices.findIndex((d) => d.name === name)}`;

const cases: { stem: string; options: BoardOptions; facts: (dot: string, r: Report) => void }[] = [
  {
    stem: "tegra30-like",
    options: { kernel: "6.1" },
    facts: (dot, r) => {
      // One tegra-smmu instance using all 4 ASIDs (in red: used up); DRM's shared domain holds the 4-device group.
      expect(statement(dot, "iommu0_hdr")).toContain('used <b><font color="#a3281b">asids 4/4</font></b>');
      expect(statement(dot, "dom5")).toContain('label="domain 5 · unmanaged (tegra-drm) · asid 0 │ group 4 \\"drm\\""');
      expect(membersOf(dot, "dom5").sort()).toEqual(["54140000.gr2d", "54180000.gr3d", "54200000.dc", "54240000.dc"].map((n) => nodeOf(r, n)).sort());
      // Grouped, then failed to attach: red border, error under the name.
      expect(statement(dot, nodeOf(r, "54200000.dc"))).toMatch(/class="dev st-bound err".*-EINVAL iommu_attach_device/);
      // arm32: host1x's group has no domain.
      expect(membersOf(dot, "nodom0")).toEqual([nodeOf(r, "50000000.host1x")]);
      expect(dot).toContain("IOMMU group (devices isolated together)"); // the legend
    },
  },
  {
    stem: "smmuv3-pci",
    options: { kernel: "6.1", hw: "smmuv3-pci.hw.json" },
    facts: (dot, r) => {
      expect(statement(dot, "iommu0_hdr")).toContain('used <b><font color="#a3281b">asids 3/3</font></b> · streams 3');
      // Out of ASIDs: the fourth DMA domain's devices are not attached, on the instance they wanted.
      expect(membersOf(dot, "iommu0_na")).toEqual(["10002000.dma2", "0000:00:00.0", "0000:01:00.0", "0003:00:01.0"].map((n) => nodeOf(r, n)));
      // The PCI tree: host bridge -> root port -> endpoint.
      expect(dot).toContain(`${nodeOf(r, "40000000.pcie")} -> ${nodeOf(r, "0000:00:00.0")} [class="pci"`);
      expect(dot).toContain(`${nodeOf(r, "0000:00:00.0")} -> ${nodeOf(r, "0000:01:00.0")} [class="pci"`);
      // A bad iommu-map leaves a function with an error and no group: listed, not summarised away.
      expect(membersOf(dot, "list_errors")).toEqual([nodeOf(r, "0001:00:01.0"), nodeOf(r, "0002:00:02.0")]);
    },
  },
  {
    stem: "family-mtk-iommu",
    options: { kernel: "6.1" },
    facts: (dot, r) => {
      expect(membersOf(dot, "dom0")).toEqual(["1c000000.ovl", "1c002000.rdma", "1a020000.video-codec"].map((n) => nodeOf(r, n)));
      expect(statement(dot, "dom1")).toContain("domain 1 · DMA │ group 1");
      expect(membersOf(dot, "iommu0_na")).toEqual([nodeOf(r, "1a030000.jpgenc")]);
      expect(statement(dot, nodeOf(r, "1a030000.jpgenc"))).toContain("-EINVAL mtk_iommu_probe_device");
    },
  },
];

describe("DOT goldens", () => {
  for (const c of cases) {
    it(`${c.stem}: facts, then the golden; same bytes again and from the report alone`, async () => {
      const run = runFixture(c.stem, c.options);
      const topology = topologyOf(run.graph);
      const dot = renderReportDot(run.report, { topology });
      c.facts(dot, run.report);
      await expect(dot).toMatchFileSnapshot(`${goldenDir}${c.stem}.dot`);
      expect(renderReportDot(run.report, { topology })).toBe(dot);
      // A report read back from JSON (no device graph): the same picture, except that PCI links
      // need the graph (the JSON names no parent of a PCI function).
      const again = renderReportDot(JSON.parse(JSON.stringify(run.report)) as Report);
      const nodes = (text: string) => [...text.matchAll(/^\s*(d\d+) \[id=/gm)].map((m) => m[1]);
      if (c.stem !== "smmuv3-pci") expect(again).toBe(dot);
      else expect(nodes(again).sort()).toEqual(nodes(dot).sort());
    });
  }

  it("Graphviz (WebAssembly) lays out every golden; each device node becomes an SVG element", async () => {
    const goldens = readdirSync(goldenDir).filter((f) => f.endsWith(".dot"));
    expect(goldens.length).toBeGreaterThanOrEqual(3);
    for (const f of goldens) {
      const dot = readFileSync(goldenDir + f, "utf8");
      const { svg } = await renderDotToSvg(dot);
      const ids = [...dot.matchAll(/^\s*(d\d+) \[id="\1"/gm)].map((m) => m[1]!);
      expect(ids.length, f).toBeGreaterThan(3);
      for (const id of ids) expect(svg, `${f}: ${id}`).toContain(`id="${id}"`);
    }
  });

  it("a scenario run: the state after its steps (removed devices, blocking domains nobody holds yet)", async () => {
    const run = runFixture("ownership", { kernel: "6.12", scenario: "ownership.scenario.json" });
    const dot = renderReportDot(run.report, { topology: topologyOf(run.graph) });
    const r = run.report;
    expect(membersOf(dot, "list_removed")).toEqual([nodeOf(r, "200000.gpu"), nodeOf(r, "210000.gpu-aux")]);
    expect(statement(dot, nodeOf(r, "200000.gpu"))).toMatch(/class="dev st-removed".*style="rounded,filled,dotted"/);
    for (const d of r.domains.filter((x) => x.type === "blocked")) {
      expect(statement(dot, `dom${d.id}`)).toContain(`label="domain ${d.id} · blocked (blocking)"`);
      expect(dot).toContain(`dom${d.id}_empty [id="dom${d.id}_empty", class="empty", label="(no devices)"`);
    }
    expect(statement(dot, "dom13")).toContain("domain 13 · identity │ group 3");
    expect((await renderDotToSvg(dot)).svg).toContain(">(no devices)</text>");
  });

  it("quotes names that would break DOT or its HTML labels", async () => {
    const r = JSON.parse(JSON.stringify(runFixture("family-mtk-iommu").report)) as Report;
    const hostile = 'odd"name<b>&amp;\\n{x}';
    const old = r.devices.find((d) => d.name === "1c002000.rdma")!.name;
    for (const d of r.devices) if (d.name === old) d.name = hostile;
    for (const g of r.groups) g.devices = g.devices.map((n) => (n === old ? hostile : n));
    const dot = renderReportDot(r);
    expect(dot).toContain("odd&quot;name&lt;b&gt;&amp;amp;\\n{x}");
    const { svg } = await renderDotToSvg(dot);
    expect(svg).toContain("odd&quot;name&lt;b&gt;&amp;amp;\\n{x}");
  });
});
