// Shared setup for the fdt tests: where the reference material is, whether dtc runs, and small
// builders for blobs and trees.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DiagnosticSink, SourceFile } from "../../src/source/index.ts";
import { readDtb } from "../../src/fdt/index.ts";
import type { DeviceTree } from "../../src/tree/model.ts";

export const SHARED = fileURLToPath(new URL("../../../shared/", import.meta.url));
export const HAS_SHARED = existsSync(SHARED);
export const HAS_DTC = spawnSync("dtc", ["--version"]).status === 0;

/** Runs dtc and returns its stdout bytes (it must exit 0). */
export function dtc(args: string[], input?: Uint8Array | string): Buffer {
  return execFileSync("dtc", args, { input, stdio: ["pipe", "pipe", "pipe"], maxBuffer: 64 << 20 });
}

export function latin1File(name: string, bytes: Uint8Array): SourceFile {
  return new SourceFile(name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1"));
}

export function read(bytes: Uint8Array, name = "test.dtb"): { tree: DeviceTree | undefined; sink: DiagnosticSink } {
  const sink = new DiagnosticSink();
  return { tree: readDtb(bytes, latin1File(name, bytes), sink), sink };
}

/** Reads a blob that must be valid and produce no diagnostics. */
export function readOk(bytes: Uint8Array, name = "test.dtb"): DeviceTree {
  const { tree, sink } = read(bytes, name);
  if (!tree || sink.items.length > 0) throw new Error(`${name}: ${sink.items.map((d) => d.message).join("; ")}`);
  return tree;
}
