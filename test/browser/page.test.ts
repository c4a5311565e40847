// The HTML page in a real browser: Debian's chromium, headless, driven by playwright-core (no
// browser download). The page must load from file:// with no console error and no request other
// than itself, show the picture and the table, and a click must light up the device's group in
// the picture and the table. Screenshots go to test/browser/output/ (not committed) for a person
// to look at. Skips, saying why, without chromium or without ../shared.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateBoard } from "../../src/gen/index.ts";
import { renderReportHtml, type LabelledReport } from "../../src/report/index.ts";
import { hasShared, projectDir, sharedDir } from "../helpers/shared.ts";
import { labelled, runBoardAt, runFixture } from "../report/support/boards.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const why = !hasChromium ? `no ${CHROMIUM} (apt-get install chromium)` : !hasShared ? "no ../shared (the corpus board)" : "";
if (why) console.log(`test/browser: skipped: ${why}`);

const output = `${projectDir}test/browser/output/`;
const scratch = mkdtempSync(join(tmpdir(), "dtprobe-browser-"));

/** Writes the page for these reports and opens it; collects everything that went wrong. */
async function open(context: BrowserContext, name: string, reports: LabelledReport | LabelledReport[], viewport = { width: 1366, height: 768 }) {
  const file = join(scratch, `${name}.html`);
  writeFileSync(file, (await renderReportHtml(reports, { generator: "dtprobe browser test" })).join(""));
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const problems: string[] = [];
  const url = pathToFileURL(file).href;
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("request", (r) => {
    if (r.url() !== url) problems.push(`request: ${r.url()}`);
  });
  await page.goto(url);
  await page.waitForSelector("html[data-ready]");
  return { page, problems };
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${output}${name}.png` });

describe.skipIf(why !== "")("HTML page in chromium", () => {
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    mkdirSync(output, { recursive: true });
    const { chromium } = await import("playwright-core");
    profile = mkdtempSync(join(tmpdir(), "dtprobe-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });

  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it("x1e80100: picture and table; a click lights the device's group and domain", async () => {
    // Drivers assumed: Debian's 6.1 arm64 configuration binds too few x1e80100 devices for a group of two.
    const run = runBoardAt(`${sharedDir}corpus/dev/x1e80100-crd.pre.dts`, { assumeDrivers: true });
    const { page, problems } = await open(context, "x1e80100", labelled("x1e80100", run));
    expect(await page.locator(".svgbox svg g.node.dev").count()).toBeGreaterThan(10);
    expect(await page.locator(".svgbox svg g.cluster.domain").count()).toBe(run.report.domains.length);
    expect(await page.locator("table.devs tbody tr.row").count()).toBeGreaterThan(10);
    expect(await page.locator(".count").textContent()).toBe(`${run.report.devices.length} of ${run.report.devices.length} devices`);
    await shot(page, "x1e80100");

    // A group of two: clicking one member lights both nodes, the group's cluster and both rows.
    const group = run.report.groups.find((g) => g.devices.length === 2)!;
    const [a, b] = group.devices.map((n) => run.report.devices.findIndex((d) => d.name === n));
    await page.locator(`#c0_d${a}`).click();
    expect(await page.locator(`#c0_d${a}`).getAttribute("class")).toContain("sel");
    expect(await page.locator(`#c0_d${b}`).getAttribute("class")).toContain("hl");
    const cluster = page.locator("g.cluster.hl-group");
    expect(await cluster.count()).toBe(1);
    expect(await cluster.getAttribute("class")).toContain("hl-domain");
    expect(await page.locator("table.devs tr.sel td.c-device").textContent()).toBe(group.devices[0]);
    expect(await page.locator("table.devs tr.grp td.c-device").allTextContents()).toEqual([group.devices[1]]);
    expect(await page.locator(".sel-panel h2").textContent()).toBe(group.devices[0]);
    await shot(page, "x1e80100-selected");

    // Filter and sort.
    await page.fill(".tbl-tools input", "geniqup");
    expect(await page.locator(".count").textContent()).toMatch(/^3 of \d+ devices$/);
    await page.fill(".tbl-tools input", "");
    await page.locator("table.devs th", { hasText: "group" }).click();
    expect(await page.locator("table.devs tbody tr.row td.c-group").first().textContent()).toBe("0");
    expect(problems).toEqual([]);
  });

  it("tegra30-like: readable at 100% on a 1366x768 screen, no zoom or horizontal scroll", async () => {
    const { page, problems } = await open(context, "tegra30-like", labelled("tegra30-like", runFixture("tegra30-like")));
    expect(await page.locator(".zoomval").textContent()).toBe("100%");
    const box = await page.locator(".svgbox").evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    expect(box.scroll).toBeLessThanOrEqual(box.client);
    await shot(page, "tegra30-like");
    expect(problems).toEqual([]);
  });

  it("two reports side by side: a click selects the same device in both columns", async () => {
    const perDevice = labelled("per-device", runFixture("tegra30-like", { policy: "per-device" }));
    const perInstance = labelled("per-instance", runFixture("tegra30-like", { policy: "per-instance" }));
    const { page, problems } = await open(context, "compare", [perDevice, perInstance], { width: 1440, height: 900 });
    expect(await page.locator(".svgbox svg").count()).toBe(2);
    const i = perDevice.report.devices.findIndex((d) => d.name === "70020000.sata");
    await page.locator(`#c0_d${i}`).click();
    expect(await page.locator(`#c1_d${i}`).getAttribute("class")).toContain("sel");
    expect(await page.locator("#c1_col table.devs tr.sel td.c-device").textContent()).toBe("70020000.sata");
    await shot(page, "compare");
    expect(problems).toEqual([]);
  });

  it("a large generated board: the table keeps only the rows in view, and scrolls to the last", async () => {
    const path = join(scratch, "gen.dts");
    writeFileSync(path, generateBoard({ nodes: 6000, iommus: 12, seed: 3 }), "latin1");
    const run = runBoardAt(path);
    const n = run.report.devices.length;
    const { page, problems } = await open(context, "generated", labelled("generated", run));
    expect(n).toBeGreaterThan(4000);
    expect(await page.locator("table.devs tbody tr.row").count()).toBeLessThan(200);
    await page.locator(".tscroll").evaluate((e) => (e.scrollTop = e.scrollHeight));
    const last = JSON.stringify(run.report.devices[n - 1]!.name);
    await page.waitForFunction(`[...document.querySelectorAll("table.devs td.c-device")].some((td) => td.textContent === ${last})`);
    await page.locator(".svgbox svg g.node.more").first().click();
    expect(await page.locator(".count").textContent()).toMatch(/ in the summary/);
    await shot(page, "generated");
    expect(problems).toEqual([]);
  });
});
