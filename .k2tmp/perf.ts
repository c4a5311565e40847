import { writeFileSync } from "node:fs";
import { readdirSync } from "node:fs";
import { buildDeviceGraph } from "../src/graph/index.ts";
import { parseKernelVersion, runProbe } from "../src/probe/index.ts";
import { buildReport, renderReportText } from "../src/report/index.ts";
import { generateBoard } from "../src/gen/index.ts";
import { loadTree, sharedDir } from "../test/kernel/support/run.ts";
const kernel = parseKernelVersion("6.1")!;
const report = (tree: any) => { const g = buildDeviceGraph(tree); const r = runProbe(g, { kernel, policy: "per-group" }); const rep = buildReport(r); renderReportText(rep); JSON.stringify(rep); return rep; };
const mode = process.argv[2];
if (mode === "boards") {
  for (const f of readdirSync(sharedDir + "corpus/dev").filter((f) => f.endsWith(".pre.dts"))) {
    const tree = loadTree(sharedDir + "corpus/dev/" + f);
    for (let i = 0; i < 20; i++) report(tree);
    const N = 30; const t0 = performance.now(); for (let i = 0; i < N; i++) report(tree); const ms = (performance.now() - t0) / N;
    console.log(f.padEnd(40), ms.toFixed(2), "ms");
  }
} else {
  const n = Number(process.argv[3] ?? 200000);
  const text = generateBoard({ nodes: n, iommus: Number(process.argv[4] ?? 16) } as any);
  writeFileSync("/tmp/k2/gen.dts", text, "latin1");
  const tl = performance.now();
  const tree = loadTree("/tmp/k2/gen.dts");
  console.log("load", (performance.now() - tl).toFixed(0), "ms");
  const t0 = performance.now();
  const g = buildDeviceGraph(tree); const t1 = performance.now();
  const r = runProbe(g, { kernel, policy: "per-group" }); const t2 = performance.now();
  const rep = buildReport(r); const t3 = performance.now();
  renderReportText(rep); const t4 = performance.now();
  console.log("devices", g.devices.length, "graph", (t1-t0).toFixed(0), "probe", (t2-t1).toFixed(0), "report", (t3-t2).toFixed(0), "text", (t4-t3).toFixed(0), "total", (t4-t0).toFixed(0));
}
