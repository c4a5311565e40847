// Property-based differential test: generated sources, valid and corrupted, compiled by dtc and by
// dtprobe must get the same verdict, and accepted ones the same blob. Fixed seeds: reproducible.
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, defaultCompileOptions } from "../../src/compile/index.ts";
import { DiagnosticSink, memoryFileHost } from "../../src/source/index.ts";
import { hasDtc } from "../helpers/shared.ts";
import { corruptedDtsSource, dtsSource } from "./dts-arbitrary.ts";

function dtc(source: string): { ok: boolean; blob: Buffer; stderr: string } {
  const r = spawnSync("dtc", ["-q", "-I", "dts", "-O", "dtb", "-o", "-", "-"], { input: Buffer.from(source, "latin1"), maxBuffer: 1 << 24 });
  return { ok: r.status === 0, blob: r.stdout, stderr: r.stderr.toString() };
}

function ours(source: string): { ok: boolean; blob: Buffer; message: string } {
  const sink = new DiagnosticSink();
  const host = memoryFileHost({ "gen.dts": source });
  const out = compile("gen.dts", { ...defaultCompileOptions, inputFormat: "dts", outputFormat: "dtb", host }, sink);
  const message = sink.items.filter((d) => d.severity === "error").map((d) => d.message).join("; ");
  return out.ok ? { ok: true, blob: Buffer.from(out.output), message } : { ok: false, blob: Buffer.alloc(0), message };
}

function agree(source: string): void {
  const ref = dtc(source);
  // dtc 1.6.1 (Debian's) rejects cell values that overflow their size; 1.8.1, which dtprobe
  // follows, truncates them with a warning. Such cases say nothing about agreement.
  fc.pre(!/Value out of range for/.test(ref.stderr));
  const got = ours(source);
  expect(got.ok, `dtc ${ref.ok ? "accepted" : `rejected: ${ref.stderr}`}; dtprobe: ${got.message}\n--- source ---\n${source}`).toBe(ref.ok);
  if (ref.ok) expect(got.blob.equals(ref.blob), `blobs differ\n--- source ---\n${source}`).toBe(true);
}

describe.skipIf(!hasDtc)("differential against dtc", () => {
  it("generated sources: same verdict and blob", () => {
    fc.assert(fc.property(dtsSource, agree), { seed: 20261123, numRuns: 300 });
  });
  it("corrupted sources: same verdict", () => {
    fc.assert(fc.property(corruptedDtsSource, agree), { seed: 424242, numRuns: 300 });
  });
});
