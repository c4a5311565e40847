#!/usr/bin/env node
// `npm run bench:pictures`: time and size of `report --format dot|svg|html` on the 15 corpus boards
// and on generated boards (20,000 nodes as `npm run gen -- --nodes 20000 --iommus 16` writes it,
// and 25,300 nodes, which make just over 20,000 devices). Never part of `npm test`. Uses the built
// bundle (dist/lib.mjs), as the installed command runs; the figures are in docs/performance.md.
//   node bench/pictures.mjs [--runs N] [--skip-generated] [--browser] [--corpus DIR] [--out DIR]
// --browser also opens each page in /usr/bin/chromium (playwright-core) and times it until its
// script has run (the table drawn, the picture wired), and a filter over all devices.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const runs = Number(opt("--runs", "3"));
const corpus = opt("--corpus", join(root, "../shared/corpus/dev"));
const out = opt("--out", join(root, "bench-out/pictures"));
mkdirSync(out, { recursive: true });

const libPath = join(root, "dist/lib.mjs");
if (!existsSync(libPath)) {
  process.stderr.write("bench/pictures: dist/lib.mjs not found (npm run build)\n");
  process.exit(2);
}
const lib = await import(pathToFileURL(libPath).href);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
const kb = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${(n / 1024).toFixed(0)} KB`);

async function time(fn, n) {
  const times = [];
  let result;
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    result = await fn();
    times.push(performance.now() - t);
  }
  return { ms: median(times), result };
}

/** In process: the board run once, then DOT, SVG (Graphviz in WebAssembly) and the HTML page. */
async function measure(path, n) {
  const sink = new lib.DiagnosticSink();
  const t0 = performance.now();
  const run = lib.runBoardFile(path, { cpp: !path.endsWith(".pre.dts") }, sink);
  const runMs = performance.now() - t0;
  if (!run) throw new Error(`${path}: ${sink.items.map((d) => d.message).join("; ")}`);
  const topology = lib.topologyOf(run.graph);
  const dot = await time(() => lib.renderReportDot(run.report, { topology }), n);
  const svg = await time(() => lib.renderDotToSvg(dot.result), n);
  const html = await time(async () => (await lib.renderReportHtml({ label: basename(path), report: run.report, topology })).reduce((s, c) => s + Buffer.byteLength(c), 0), n);
  return { devices: run.report.devices.length, runMs, dotMs: dot.ms, dotBytes: Buffer.byteLength(dot.result), svgMs: svg.ms, svgBytes: Buffer.byteLength(svg.result.svg), htmlMs: html.ms, htmlBytes: html.result };
}

/** Whole process, as a user runs it: `dtprobe report FILE --format F -o OUT` (one run). */
function wholeProcess(path, format) {
  const target = join(out, `${basename(path)}.${format}`);
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(root, "bin/dtprobe.mjs"), "report", path, "--format", format, "-o", target], { stdio: ["ignore", "ignore", "pipe"] });
  const elapsed = performance.now() - t;
  return r.status === 0 ? { ms: elapsed, bytes: statSync(target).size } : { ms: NaN, bytes: 0, error: r.stderr.toString().split("\n")[0] };
}

/** Page load in chromium until the script is done, then one filter keystroke over every row. */
async function openBrowser() {
  if (!args.includes("--browser") || !existsSync("/usr/bin/chromium")) return undefined;
  const { chromium } = await import("playwright-core");
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "dtprobe-bench-")), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1366, height: 768 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
const browser = await openBrowser();
async function pageTimes(htmlFile) {
  if (!browser) return "";
  const page = await browser.newPage();
  const t = performance.now();
  await page.goto(pathToFileURL(htmlFile).href);
  await page.waitForSelector("html[data-ready]");
  const load = performance.now() - t;
  const filter = await page.evaluate(() => {
    const input = document.querySelector(".tbl-tools input");
    const t0 = performance.now();
    input.value = "zzz-no-such";
    input.dispatchEvent(new Event("input"));
    return performance.now() - t0;
  });
  await page.close();
  return `${ms(load)} / ${ms(filter)}`;
}

const rows = [];
const boards = existsSync(corpus) ? readdirSync(corpus).filter((f) => f.endsWith(".pre.dts")).sort().map((f) => join(corpus, f)) : [];
if (boards.length === 0) process.stderr.write(`bench/pictures: no corpus at ${corpus}: generated boards only\n`);
if (!args.includes("--skip-generated")) {
  for (const nodes of [20000, 25300]) {
    const path = join(out, `gen-${nodes}.dts`);
    writeFileSync(path, lib.generateBoard({ nodes, iommus: 16, seed: 1 }), "latin1");
    boards.push(path);
  }
}
for (const path of boards) {
  const big = !path.endsWith(".pre.dts");
  const m = await measure(path, big ? 1 : runs);
  const text = wholeProcess(path, "text");
  const svg = wholeProcess(path, "svg");
  const html = wholeProcess(path, "html");
  const browserCell = await pageTimes(join(out, `${basename(path)}.html`));
  rows.push([basename(path).replace(/\.pre\.dts$/, ""), m.devices.toLocaleString("en"), ms(m.runMs), `${ms(m.dotMs)} / ${kb(m.dotBytes)}`, `${ms(m.svgMs)} / ${kb(m.svgBytes)}`, `${ms(m.htmlMs)} / ${kb(m.htmlBytes)}`, `${ms(text.ms)} / ${ms(svg.ms)} / ${ms(html.ms)}${svg.error || html.error ? ` (${svg.error ?? html.error})` : ""}`, ...(browser ? [browserCell] : [])]);
  process.stderr.write(`${rows.at(-1).join(" | ")}\n`);
}
const head = ["board", "devices", "board run", "DOT", "SVG (from DOT)", "HTML page", "whole process text / svg / html", ...(browser ? ["chromium: page ready / filter"] : [])];
await browser?.close();
const table = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
const note = `In process, median of ${runs} (generated boards: 1): board run = load + graph + probe + report (once); DOT = renderReportDot; SVG = renderDotToSvg of that DOT (Graphviz ${await lib.graphvizVersion()} in WebAssembly, module already loaded); HTML = renderReportHtml (scene, DOT, SVG, data, sections). Whole process: node bin/dtprobe.mjs report FILE --format text|svg|html -o OUT, one run each, start-up and board run included (text for reference).${browser ? " chromium: from navigation to the page's script done (table drawn), then one filter over all rows (1366x768)." : ""}`;
process.stdout.write(`${table}\n\n${note}\n`);
writeFileSync(join(out, "results.md"), `${table}\n\n${note}\n`);
