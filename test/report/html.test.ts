// `--format html` without a browser: one self-contained file (nothing it would fetch), the data
// the script reads agrees with the picture, and several reports make side-by-side columns with
// distinct element ids. The browser test (test/browser/) runs the page itself.
import { describe, expect, it } from "vitest";
import { renderReportHtml } from "../../src/report/index.ts";
import { CLIENT_SCRIPT } from "../../src/report/html/client.ts";
import type { ColumnData } from "../../src/report/html/data.ts";
import { labelled, runFixture } from "./support/boards.ts";

function dataOf(html: string): ColumnData[] {
  const m = /<script type="application\/json" id="dtprobe-data">([^]*?)<\/script>/.exec(html);
  if (!m) throw new Error("no data");
  return JSON.parse(m[1]!) as ColumnData[];
}

/** Everything a browser would load from elsewhere: none may remain. */
function externalRefs(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/\b(?:src|href|action|poster|data)\s*=\s*"([^"]*)"/gi)) if (!m[1]!.startsWith("#")) out.push(m[0]);
  for (const m of html.matchAll(/@import|url\(|<link\b|<iframe\b|<object\b|<embed\b/gi)) out.push(m[0]);
  // The SVG's namespace names are URIs, never fetched; anything else that names http is a link.
  for (const m of html.matchAll(/https?:\/\/[^\s"'<>]+/g)) if (!/^http:\/\/www\.w3\.org\/(2000\/svg|1999\/xlink)$/.test(m[0])) out.push(m[0]);
  return out;
}

describe("HTML page", () => {
  it("one file with the picture, the table's data, the sections, and nothing fetched", async () => {
    const run = runFixture("tegra30-like", { kernel: "6.1" });
    const html = (await renderReportHtml(labelled("tegra30-like", run), { command: "dtprobe report --format html tegra30-like.dts", generator: "dtprobe test" })).join("");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(externalRefs(html)).toEqual([]);
    expect(html.match(/<svg\b/g)!.length).toBe(1);
    for (const section of ["Failures and notes (4)", "Kernel log (16 lines)", "Options", "Diagnostics (0)"]) expect(html).toContain(`<summary>${section}</summary>`);
    expect(html).toContain("<code>dtprobe report --format html tegra30-like.dts</code>");
    expect(html).toContain("-EINVAL</code> in <code>iommu_attach_device</code> — 4 devices");
    const [col] = dataOf(html);
    expect(col!.rows.length).toBe(run.report.devices.length);
    expect(col!.rows.map((r) => r[0])).toEqual(run.report.devices.map((d) => d.name));
    // The picture holds every element the data points at (so a click in the table finds it).
    for (const id of col!.element) if (id !== null) expect(html).toContain(`id="${id}"`);
    const drm = run.report.groups.find((g) => g.name === "drm")!;
    expect(col!.groups[drm.id]![1].map((i) => run.report.devices[i]!.name)).toEqual(drm.devices);
    expect(html).toContain(`id="${col!.groups[drm.id]![0]}"`);
  });

  it("the page's script parses (it runs in the browser test)", () => {
    expect(() => new Function(CLIENT_SCRIPT)).not.toThrow();
  });

  it("several reports: labelled columns side by side, ids distinct across the page", async () => {
    const perDevice = runFixture("tegra30-like", { kernel: "6.1", policy: "per-device" });
    const perInstance = runFixture("tegra30-like", { kernel: "6.1", policy: "per-instance" });
    const html = (await renderReportHtml([labelled("per-device", perDevice), labelled("per-instance", perInstance)])).join("");
    expect(html).toContain('<main class="cols" style="--cols:2">');
    expect(html).toContain('<section class="col" id="c0_col">');
    expect(html).toContain('<section class="col" id="c1_col">');
    expect(html).toContain('<div class="label">per-device</div>');
    expect(html).toContain('<div class="label">per-instance</div>');
    expect(html.match(/<svg\b/g)!.length).toBe(2);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(50);
    expect(ids.filter((id, k) => ids.indexOf(id) !== k)).toEqual([]);
    const data = dataOf(html);
    expect(data.map((d) => [d.label, d.prefix])).toEqual([["per-device", "c0_"], ["per-instance", "c1_"]]);
    // The two policies really differ: per-instance shares one domain among the instance's groups.
    const domainsUsed = (d: ColumnData) => new Set(d.rows.map((r) => r[7]).filter((x) => x !== null)).size;
    expect(domainsUsed(data[1]!)).toBeLessThan(domainsUsed(data[0]!));
  });
});
