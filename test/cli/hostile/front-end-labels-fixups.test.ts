// Labels and overlay fixups at a scale dtc's lists make slow: 100,000 labels on one node, an
// overlay with 30,000 references. Both are kept by hash here: linear growth, and the same blob.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasDtc } from "../../helpers/shared.ts";
import { compileText, dtc, dtprobe, growth, linearBound, scratchDir } from "./support.ts";

const manyLabels = (n: number) => `/dts-v1/;\n/ {\n\tp = <&l${n - 1}>;\n\t${Array.from({ length: n }, (_, i) => `l${i}: `).join("")}node { };\n};\n`;
const mergedLabels = (n: number) => `/dts-v1/;\n/ { l: node { }; };\n${Array.from({ length: n }, (_, i) => `m${i}: &l { };\n`).join("")}`;
/** An overlay whose fragment refers to `n` labels it does not define (one fixup each). */
const overlayRefs = (n: number) =>
  `/dts-v1/;\n/plugin/;\n/ {\n\tfragment@0 {\n\t\ttarget = <&t>;\n\t\t__overlay__ {\n${Array.from({ length: n }, (_, i) => `\t\t\tp${i} = <&r${i}>;\n`).join("")}\t\t};\n\t};\n};\n`;
/** One property with `n` references to the same unresolved label, and `n` to a local one. */
const overlayOneProperty = (n: number) =>
  `/dts-v1/;\n/plugin/;\n/ {\n\tfragment@0 {\n\t\ttarget = <&t>;\n\t\t__overlay__ {\n\t\t\tp = <${"&r ".repeat(n)}>;\n\t\t\tq = <${"&l ".repeat(n)}>;\n\t\t\tl: n { };\n\t\t};\n\t};\n};\n`;

const scratch = scratchDir("hostile-labels");
afterAll(scratch.remove);

describe("100,000 labels on one node", () => {
  it("are all kept, in dtc's order, and one of them resolves", () => {
    const { outcome, sink } = compileText(manyLabels(100_000), { outputFormat: "dts" });
    expect(sink.errorCount).toBe(0);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const node = outcome.tree.root.child("node")!;
    expect(node.labels).toHaveLength(100_000);
    expect(node.labels.slice(0, 2)).toEqual(["l0", "l1"]);
    expect(node.phandle).toBe(1);
  });

  it("grow linearly in one definition", () => {
    expect(growth((n) => compileText(manyLabels(n)), 12_500, 100_000)).toBeLessThan(linearBound(8));
  });

  it("added by 10,000 separate merges, come out in dtc's order (newest first)", () => {
    // Each `mN: &l { };` puts one label in front of the node's list: one copy of the list per
    // merge, as dtc walks its list per add (docs/robustness.md: the one quadratic shape left).
    const { outcome, sink } = compileText(mergedLabels(10_000));
    expect(sink.errorCount).toBe(0);
    if (!outcome.ok) throw new Error("rejected");
    const labels = outcome.tree.root.child("node")!.labels;
    expect(labels).toHaveLength(10_001);
    expect(labels.slice(0, 2)).toEqual(["m9999", "m9998"]);
    expect(labels.at(-1)).toBe("l");
  });
});

describe("an overlay with 30,000 references", () => {
  it("lists each in __fixups__ once, in order", () => {
    const { outcome, sink } = compileText(overlayRefs(30_000));
    expect(sink.errorCount).toBe(0);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const fixups = outcome.tree.root.child("__fixups__")!;
    expect(fixups.properties).toHaveLength(30_001); // the target and each r<i>
    expect(Buffer.from(fixups.property("r29999")!.value.bytes).toString("latin1")).toBe("/fragment@0/__overlay__:p29999:0\0");
  });

  it("grows linearly, spread over properties or in one property", () => {
    expect(growth((n) => compileText(overlayRefs(n)), 2_000, 16_000)).toBeLessThan(linearBound(8));
    expect(growth((n) => compileText(overlayOneProperty(n)), 2_000, 16_000)).toBeLessThan(linearBound(8));
  });

  it.skipIf(!hasDtc)("writes the blob dtc writes", () => {
    for (const [name, text] of [["refs.dts", overlayRefs(1_000)], ["one.dts", overlayOneProperty(1_000)]] as const) {
      writeFileSync(join(scratch.dir, name), text);
      expect(dtc(["-o", `${name}.dtc.dtb`, name], scratch.dir).status).toBe(0);
      const ours = dtprobe(["compile", "-o", "-", name], { cwd: scratch.dir });
      expect(ours.status).toBe(0);
      expect(ours.stdout.equals(dtc(["-O", "dtb", "-o", "-", name], scratch.dir).stdout)).toBe(true);
    }
  });
});
