import { readdirSync } from "node:fs";
import { loadDeviceTree } from "../src/compile/index.ts";
import { DiagnosticSink } from "../src/source/index.ts";
import { loadTree, runModel, sharedDir } from "../test/kernel/support/run.ts";
const files: [string, string[]][] = [];
for (const f of readdirSync(sharedDir + "corpus/dev").filter((f) => f.endsWith(".pre.dts"))) files.push([sharedDir + "corpus/dev/" + f, []]);
for (const f of readdirSync("/work/main/fixtures/kernel").filter((f) => f.endsWith(".dts"))) files.push(["/work/main/fixtures/kernel/" + f, []]);
for (const c of readdirSync(sharedDir + "qemu").filter((c)=>!c.includes("."))) files.push([sharedDir + "qemu/" + c + "/virt.dtb", []]);
for (const [p] of files) {
  const sink = new DiagnosticSink();
  const t0 = performance.now();
  const t = loadDeviceTree(p, { cpp: !p.endsWith(".pre.dts") }, sink);
  const t1 = performance.now();
  if (!t) { console.log("FAIL", p, sink.items.slice(0,3).map(d=>d.message)); continue; }
  const a = JSON.stringify(runModel(t).report);
  const b = JSON.stringify(runModel(loadTree(p)).report);
  console.log(a === b ? "same" : "DIFF", p.split("/").pop(), (t1-t0).toFixed(0)+"ms", sink.items.length);
}
