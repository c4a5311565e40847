// The board generator: deterministic output, the promised shape, and its option limits.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEVICES_PER_BLOCK, IOMMU_FAMILIES, generateBoard, generateDeepNesting, generateSiblings } from "../../src/gen/index.ts";

const sha256 = (text: string) => createHash("sha256").update(text, "latin1").digest("hex");

/** Device node lines: `label<i>: name@<unit> {` at one or two tabs. */
const DEVICE_LINE = /^\t\t?([a-z][a-z0-9_]*?)(\d+): ([a-z0-9-]+)@([0-9a-f]+) \{$/gm;

describe("generateBoard", () => {
  it("is byte-stable for a seed (pinned: change the hash only with an intended generator change)", () => {
    const a = generateBoard({ nodes: 200, iommus: 8, seed: 1 });
    expect(generateBoard({ nodes: 200, iommus: 8, seed: 1 })).toBe(a);
    expect(generateBoard({ nodes: 200, iommus: 8 })).toBe(a); // seed 1 is the default
    expect(sha256(a)).toBe("3ffb8515164835273f7b2acc47147ff11e0430846150f7c08046e87e3be76598");
  });

  it("gives different boards for different seeds", () => {
    expect(generateBoard({ nodes: 100, iommus: 4, seed: 1 })).not.toBe(generateBoard({ nodes: 100, iommus: 4, seed: 2 }));
  });

  it("writes every device once, labelled, at the unit address its index implies", () => {
    const n = 1234;
    const text = generateBoard({ nodes: n, iommus: 8, seed: 9 });
    const seen = new Set<number>();
    for (const m of text.matchAll(DEVICE_LINE)) {
      const index = Number(m[2]);
      const unit = parseInt(m[4]!, 16);
      if (unit < 0x2000_0000 || m[3] === "pcie") continue; // controllers, IOMMUs and PCIe hosts
      expect(unit).toBe(0x2000_0000 + index * 0x1000);
      expect(seen.has(index)).toBe(false);
      seen.add(index);
    }
    expect(seen.size).toBe(n);
  });

  it("is about 420 bytes per device (20,000 devices ≈ 8.4 MB)", () => {
    const text = generateBoard({ nodes: 20000, iommus: 8 });
    const perDevice = text.length / 20000;
    expect(perDevice).toBeGreaterThan(380);
    expect(perDevice).toBeLessThan(460);
  });

  it("is at least as reference-dense as the issue's board (dts-syntax.md §12: per 20,000 devices 22.5k nodes, 25.5k labels, 68k references)", () => {
    const n = 4000;
    const text = generateBoard({ nodes: n, iommus: 8 });
    const labels = text.match(/[A-Za-z_][A-Za-z0-9_]*: /g)?.length ?? 0;
    const references = text.match(/&/g)?.length ?? 0;
    expect(labels / n).toBeGreaterThanOrEqual(25.5 / 20);
    expect(references / n).toBeGreaterThanOrEqual(68 / 20);
    // Labels that are not on nodes cost dtc a scan of every property and value each.
    expect(text.match(/_regs: reg = /g)?.length ?? 0).toBeGreaterThan(n / 10);
    expect(text.match(/_irq: \d+>/g)?.length ?? 0).toBeGreaterThan(n / 10);
  });

  it("reopens the bus with &soc every 5,000 devices so no block nears dtc's 9,988-sibling limit", () => {
    const text = generateBoard({ nodes: 12000, iommus: 2 });
    expect(DEVICES_PER_BLOCK).toBe(5000);
    expect(text.match(/^&soc \{$/gm)?.length).toBe(2);
    // Device 5000 is the first of the first re-opening.
    const reopen = text.indexOf("\n&soc {\n");
    expect(text.indexOf("@20000000 {")).toBeLessThan(reopen);
    expect(text.slice(reopen, reopen + 200)).toMatch(/^\n&soc \{\n\t[a-z_]+5000: [a-z-]+@21388000 \{/);
  });

  it("covers every IOMMU family with its #iommu-cells, and every iommus/iommu-map target exists", () => {
    const text = generateBoard({ nodes: 600, iommus: IOMMU_FAMILIES.length, seed: 4 });
    for (const compatible of ['"arm,mmu-500"', '"arm,smmu-v3"', '"nvidia,tegra30-mc"', '"rockchip,rk3399-iommu"', '"apple,t8103-dart"']) {
      expect(text).toContain(compatible);
    }
    for (const cells of [0, 1, 2]) expect(text).toContain(`#iommu-cells = <${cells}>;`);
    const iommuLabels = new Set([...text.matchAll(/^\t\t([a-z0-9_]+): (?:iommu|memory-controller)@/gm)].map((m) => m[1]));
    expect(iommuLabels.size).toBe(IOMMU_FAMILIES.length);
    const users = [...text.matchAll(/^\t+iommus = (.*);$/gm)];
    expect(users.length).toBeGreaterThan(300);
    const used = new Set<string>();
    for (const u of users) for (const r of u[1]!.matchAll(/<&([a-z0-9_]+)/g)) used.add(r[1]!);
    for (const l of used) expect(iommuLabels.has(l)).toBe(true);
    expect(used.size).toBe(IOMMU_FAMILIES.length);
    const maps = [...text.matchAll(/iommu-map = <0x0 &([a-z0-9_]+) /g)].map((m) => m[1]!);
    expect(maps.length).toBeGreaterThan(0);
    for (const l of maps) expect(iommuLabels.has(l)).toBe(true);
  });

  it("has the language features the benchmarks rely on", () => {
    const text = generateBoard({ nodes: 2000, iommus: 8, seed: 2 });
    const features: Record<string, RegExp> = {
      "/bits/ 8": /= \/bits\/ 8 </,
      "/bits/ 16": /= \/bits\/ 16 </,
      "/bits/ 64": /= \/bits\/ 64 </,
      "string list": /= "[^"]*", "[^"]*"/,
      "byte string": /= \[[0-9a-f]{2}( [0-9a-f]{2})+\];/,
      "expression in reg": /reg = <0x0 \(0x[0-9a-f]+ [+|] /,
      "char literal": /<'[A-Za-z]'/,
      "path reference by label": /= &[a-z_]+\d+;/,
      "path reference by path": /= &\{\/soc@0\/[a-z-]+@[0-9a-f]+\};/,
      "value label": /= [a-z]+\d+_info: "/,
      "value label in cells": /interrupts = <0 \d+ [a-z]+\d+_irq: 4>/,
      "property label": /\t[a-z]+\d+_regs: reg = </,
      "override by label": /^&[a-z_]+\d+ \{$/m,
      "override by path": /^&\{\/soc@0\/[a-z-]+@[0-9a-f]+\} \{$/m,
      "/delete-property/": /\/delete-property\/ dma-coherent;/,
      "/delete-node/ by label": /^\/delete-node\/ &i2c\d+_sensor;$/m,
      "/delete-node/ by name": /\t\/delete-node\/ eeprom@[0-9a-f]+;/,
      "dma-coherent": /\tdma-coherent;/,
      "status": /\tstatus = "disabled";/,
      "memreserve": /^\/memreserve\/ /m,
      "msi-map": /msi-map = <0x0 &its /,
      "interrupt-map": /interrupt-map = </,
    };
    for (const [name, re] of Object.entries(features)) expect(re.test(text), name).toBe(true);
  });

  it("rejects options out of range", () => {
    expect(() => generateBoard({ nodes: 0, iommus: 1 })).toThrow(RangeError);
    expect(() => generateBoard({ nodes: 1.5, iommus: 1 })).toThrow(RangeError);
    expect(() => generateBoard({ nodes: 10, iommus: -1 })).toThrow(RangeError);
    expect(() => generateBoard({ nodes: 10, iommus: 2000 })).toThrow(RangeError);
    expect(() => generateBoard({ nodes: 10, iommus: 1, seed: -3 })).toThrow(RangeError);
  });
});

describe("stress shapes", () => {
  it("generateSiblings puts every device in one block", () => {
    const text = generateSiblings(20000);
    expect(text.match(/^\t\td\d+: device@[0-9a-f]+ \{$/gm)?.length).toBe(20000);
    expect(text).not.toContain("&soc");
    expect(text.match(/^\t[^\t=]*\{$/gm)).toEqual(["\tbus@10000000 {"]); // the single block
    expect(sha256(generateSiblings(50))).toBe("c249c52461e9bd0d47cced9f78b03558ea34911d74b3589de2d60c890a60d792");
  });

  it("generateDeepNesting nests to the requested depth without quadratic indentation", () => {
    const depth = 10000;
    const text = generateDeepNesting(depth);
    expect(text.match(/^l\d+: node \{$/gm)?.length).toBe(depth);
    expect(text.match(/^\};$/gm)?.length).toBe(depth + 1);
    expect(text.length).toBeLessThan(depth * 40);
    expect(sha256(generateDeepNesting(20))).toBe("a6e1ba47dc0bf0c8592c8c4f58054dcb51ceb37ab2763e85a25b00c5ac5c02be");
  });

  it("rejects sizes out of range", () => {
    expect(() => generateSiblings(0)).toThrow(RangeError);
    expect(() => generateDeepNesting(3_000_000)).toThrow(RangeError);
  });
});
