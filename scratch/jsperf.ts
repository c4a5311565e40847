import { reportBoard, jsonChunks } from "../src/report/index.ts";
import { DiagnosticSink } from "../src/source/index.ts";
const r = reportBoard("/tmp/i10/gen50k.dts", { cpp: false }, new DiagnosticSink())!;
console.log("devices", r.devices.length, "events", r.events.length);
for (let k = 0; k < 2; k++) {
let t = performance.now(); const a = JSON.stringify(r, null, 2); const t1 = performance.now() - t;
t = performance.now(); let n = 0, c = 0; for (const ch of jsonChunks(r, 2)) { n += ch.length; c++; } const t2 = performance.now() - t;
console.log("stringify", t1.toFixed(0), "ms", a.length, "stream", t2.toFixed(0), "ms", n, c, "chunks");
}
