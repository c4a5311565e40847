// Every corpus board gives a report; every populated master with `iommus` sits on the instance
// its first phandle names, with the cells the tree gives (checked by an independent decoder).
import { readdirSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { renderReportText, reportSchema } from "../../src/report/index.ts";
import type { DtNode } from "../../src/tree/model.ts";
import { loadTree, projectDir, runModel, sharedDir, sharedPresent } from "./support/run.ts";

const boards = sharedPresent ? readdirSync(`${sharedDir}corpus/dev`).filter((f) => f.endsWith(".pre.dts")) : [];
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
const validate = ajv.compile(reportSchema);

/** Independent `iommus` decoding: raw big-endian cells, phandle property lookup. */
function independentIommus(root: DtNode, node: DtNode): { target: string; args: number[] }[] | undefined {
  const byPhandle = new Map<number, DtNode>();
  for (const n of root.walk()) {
    const p = n.properties.find((x) => x.name === "phandle");
    if (p) byPhandle.set(Buffer.from(p.value.bytes).readUInt32BE(0), n);
  }
  const prop = node.properties.find((p) => p.name === "iommus");
  if (!prop) return undefined;
  const buf = Buffer.from(prop.value.bytes);
  const out: { target: string; args: number[] }[] = [];
  for (let o = 0; o + 4 <= buf.length; ) {
    const t = byPhandle.get(buf.readUInt32BE(o));
    if (!t) break;
    const cp = t.properties.find((p) => p.name === "#iommu-cells");
    if (!cp) break;
    const n = Buffer.from(cp.value.bytes).readUInt32BE(0);
    const args: number[] = [];
    for (let i = 0; i < n; i++) args.push(buf.readUInt32BE(o + 4 + 4 * i));
    out.push({ target: t.path, args });
    o += 4 + 4 * n;
  }
  return out;
}

describe.skipIf(!sharedPresent)("corpus boards", () => {
  for (const file of boards) {
    const board = file.replace(/\.pre\.dts$/, "");
    it(`${board}: report, specifiers, goldens`, async () => {
      const tree = loadTree(`${sharedDir}corpus/dev/${file}`);
      const { report } = runModel(tree, { input: file });
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
      let checked = 0;
      for (const d of report.devices) {
        // Before 6.15 of_iommu_configure runs at bind: a device no driver binds never reads its `iommus`.
        if (!d.path || d.state === "not-created" || d.state === "no-driver") continue;
        let node: DtNode = tree.root;
        for (const part of d.path.split("/").filter(Boolean)) node = node.child(part)!;
        const want = independentIommus(tree.root, node);
        if (!want || want.length === 0) continue;
        checked++;
        expect(d.specifiers, d.name).toEqual(want.map((w) => w.args));
        expect(d.wantedIommu, d.name).toBe(want[0]!.target);
        if (d.group !== null) expect(d.iommu, d.name).toBe(want[0]!.target);
      }
      expect(checked).toBeGreaterThanOrEqual(0);
      // The shipped driver tables decide every device: nothing is assumed, every unbound device says why.
      for (const r of [report, runModel(tree, { input: file, kernel: "6.12" }).report]) {
        expect(r.config.kernelData.source, r.config.kernel).toBe("shipped");
        expect(r.devices.filter((d) => d.driverAssumed).map((d) => d.name), r.config.kernel).toEqual([]);
        for (const d of r.devices) if (d.state === "no-driver") expect([d.name, d.unboundReason !== null && (d.reason ?? "").length > 0]).toEqual([d.name, true]);
      }
      await expect(renderReportText(report)).toMatchFileSnapshot(`${projectDir}fixtures/boards/${board}.report.txt`);
      await expect(JSON.stringify(report, null, 1) + "\n").toMatchFileSnapshot(`${projectDir}fixtures/boards/${board}.report.json`);
    });
  }
});
