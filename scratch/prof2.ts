import { loadDeviceTree } from "../src/compile/index.ts";
import { buildDeviceGraph } from "../src/graph/index.ts";
import { parseKernelVersion, runProbe } from "../src/probe/index.ts";
import { DiagnosticSink, memoryFileHost } from "../src/source/index.ts";
import { instancesBoard } from "../test/cli/hostile/boards.ts";
const treeOf = (n: number) => loadDeviceTree("t.dts", { cpp: false, host: memoryFileHost({ "t.dts": instancesBoard({ iommus: n }) }) }, new DiagnosticSink())!;
function probeCpu(tree: any, kernel: string): number[] {
  const all = [];
  for (let i = 0; i < 3; i++) { const graph = buildDeviceGraph(tree); const start = process.cpuUsage(); runProbe(graph, { kernel: parseKernelVersion(kernel)! }); const u = process.cpuUsage(start); all.push(Math.round((u.user + u.system)/1000)); }
  return all;
}
const s = treeOf(4000), l = treeOf(16000);
for (const k of ["6.15", "6.1"]) { console.log(k, probeCpu(s, k), probeCpu(l, k), probeCpu(s, k)); }
