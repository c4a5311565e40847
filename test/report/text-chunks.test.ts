// The text report in chunks (what the CLI writes): whole lines only, every chunk ending in a
// newline, and together exactly the one-string text, on a board large enough to need several.
import { describe, expect, it } from "vitest";
import { generateBoard } from "../../src/gen/index.ts";
import { renderReportText, renderReportTextChunks, runBoard } from "../../src/report/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { loadDeviceTree } from "../../src/compile/index.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("renderReportTextChunks", () => {
  it("splits a large report at line ends and joins back to renderReportText", () => {
    const dir = mkdtempSync(join(tmpdir(), "dtprobe-chunks-"));
    const path = join(dir, "gen.dts");
    writeFileSync(path, generateBoard({ nodes: 3000, iommus: 4, seed: 7 }));
    const sink = new DiagnosticSink();
    const tree = loadDeviceTree(path, { cpp: false }, sink);
    rmSync(dir, { recursive: true });
    expect(sink.errorCount).toBe(0);
    const report = runBoard(tree!, "gen.dts", { kernel: "6.1", policy: "per-group" }, sink)!.report;
    const chunks = renderReportTextChunks(report);
    const whole = renderReportText(report);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe(whole);
    for (const c of chunks) expect(c.endsWith("\n")).toBe(true);
    // Every chunk but the last holds the same number of lines.
    const lines = chunks.map((c) => c.split("\n").length - 1);
    expect(new Set(lines.slice(0, -1)).size).toBe(1);
    expect(lines.at(-1)!).toBeLessThanOrEqual(lines[0]!);
    expect(lines.reduce((a, b) => a + b, 0)).toBe(whole.split("\n").length - 1);
  });
});
