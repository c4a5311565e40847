import { DeviceTree, DtNode, DtProperty, PropertyValue } from "../src/tree/model.ts";
import { buildDeviceGraph } from "../src/graph/index.ts";
import { parseKernelVersion, runProbe } from "../src/probe/index.ts";
import { buildReport, renderReportText } from "../src/report/index.ts";
const u32 = (...v: number[]) => { const b = new Uint8Array(v.length * 4); const d = new DataView(b.buffer); v.forEach((x, i) => d.setUint32(i * 4, x >>> 0)); return new PropertyValue(b); };
const str = (...s: string[]) => new PropertyValue(new Uint8Array(Buffer.from(s.map((x) => x + "\0").join(""), "latin1")));
const prop = (n: DtNode, name: string, v: PropertyValue) => n.appendProperty(new DtProperty(name, v, [], undefined));
const N = Number(process.argv[2] ?? 200000), I = 16;
const root = new DtNode("");
prop(root, "#address-cells", u32(1)); prop(root, "#size-cells", u32(1)); prop(root, "compatible", str("example,synth"));
const soc = new DtNode("soc"); root.appendChild(soc);
prop(soc, "compatible", str("simple-bus")); prop(soc, "#address-cells", u32(1)); prop(soc, "#size-cells", u32(1)); prop(soc, "ranges", new PropertyValue(new Uint8Array(0)));
for (let i = 0; i < I; i++) {
  const n = new DtNode(`iommu@${(0x1000000 + i * 0x100000).toString(16)}`); soc.appendChild(n);
  prop(n, "compatible", str("arm,smmu-v3")); prop(n, "reg", u32(0x1000000 + i * 0x100000, 0x100000)); prop(n, "#iommu-cells", u32(1)); prop(n, "phandle", u32(i + 1)); n.phandle = i + 1;
}
for (let k = 0; k < N; k++) {
  const a = 0x40000000 + k * 0x1000;
  const n = new DtNode(`dev@${a.toString(16)}`); soc.appendChild(n);
  prop(n, "compatible", str("vendor,dev")); prop(n, "reg", u32(a, 0x1000)); prop(n, "iommus", u32((k % I) + 1, Math.floor(k / I)));
}
const tree = new DeviceTree(root);
const kernel = parseKernelVersion(process.argv[3] ?? "6.1")!;
for (const policy of ["per-group", "per-instance"] as const) {
  const t0 = performance.now();
  const g = buildDeviceGraph(tree); const t1 = performance.now();
  const r = runProbe(g, { kernel, policy }); const t2 = performance.now();
  const rep = buildReport(r); const t3 = performance.now();
  const txt = renderReportText(rep); const t4 = performance.now();
  const json = JSON.stringify(rep); const t5 = performance.now();
  console.log(policy, kernel.label, "devices", g.devices.length, "groups", rep.groups.length, "graph", (t1 - t0).toFixed(0), "probe", (t2 - t1).toFixed(0), "report", (t3 - t2).toFixed(0), "text", (t4 - t3).toFixed(0), "json", (t5 - t4).toFixed(0), "model total", (t4 - t0).toFixed(0), "ms", txt.length, json.length);
}
