// The table of kernel changes (src/kernel/changes.ts) is the one place release numbers live; the
// docs show it (generated: npx tsx scripts/kernel-changes-doc.ts), and the flags resolve per version.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { eraOf, KERNEL_CHANGES, kernelFeatures, KERNEL_CHANGES_BEGIN, KERNEL_CHANGES_END, parseKernelVersion, renderKernelChanges } from "../../src/kernel/index.ts";
import { projectDir } from "./support/run.ts";

describe("kernel changes", () => {
  it("docs/kernel-model.md shows the table as it is", () => {
    const doc = readFileSync(`${projectDir}docs/kernel-model.md`, "utf8");
    const section = doc.slice(doc.indexOf(KERNEL_CHANGES_BEGIN), doc.indexOf(KERNEL_CHANGES_END) + KERNEL_CHANGES_END.length);
    expect(section, "run npx tsx scripts/kernel-changes-doc.ts").toBe(renderKernelChanges());
  });

  it("each flag once, commits are 12-digit ids, releases ordered", () => {
    const flags = KERNEL_CHANGES.map((c) => c.flag);
    expect(new Set(flags).size).toBe(flags.length);
    for (const c of KERNEL_CHANGES) expect(c.commit, c.flag).toMatch(/^([0-9a-f]{12})?$/);
    for (let i = 1; i < KERNEL_CHANGES.length; i++) {
      const [a, b] = [KERNEL_CHANGES[i - 1]!.since, KERNEL_CHANGES[i]!.since];
      expect(a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]), KERNEL_CHANGES[i]!.flag).toBe(true);
    }
  });

  it("a flag is set from its release on, and the eras follow the table", () => {
    expect(kernelFeatures([6, 7]).busOpsRetired).toBe(false);
    expect(kernelFeatures([6, 8]).busOpsRetired).toBe(true);
    expect(kernelFeatures([7, 0]).busOpsRetired).toBe(true);
    expect(kernelFeatures([6, 8])).toBe(kernelFeatures([6, 8])); // resolved once per version
    expect([eraOf([4, 11]), eraOf([4, 12]), eraOf([6, 14]), eraOf([6, 15])]).toEqual(["creation", "bind", "bind", "add"]);
    expect(parseKernelVersion("3.18")).toBeUndefined();
    expect(parseKernelVersion("v6.12.3")).toEqual({ version: [6, 12], era: "bind", label: "6.12" });
  });
});
