// Writes a data file: compact JSON with one row per line (drivers, PCI drivers, early
// declarations, unresolved items), so that a regenerated file diffs row by row. Written to a
// temporary file and renamed: an interrupted run leaves no partial output.
import { renameSync, rmSync, writeFileSync } from "node:fs";
import type { KernelData } from "./types.ts";

const ROW_ARRAYS = new Set(["drivers", "pci", "early", "unresolved", "configs"]);

export function kernelDataText(data: KernelData): string {
  const lines: string[] = ["{"];
  const entries = Object.entries(data);
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? "," : "";
    if (ROW_ARRAYS.has(key) && Array.isArray(value)) {
      if (value.length === 0) {
        lines.push(`${JSON.stringify(key)}:[]${comma}`);
        return;
      }
      lines.push(`${JSON.stringify(key)}:[`);
      value.forEach((row, j) => lines.push(JSON.stringify(row) + (j < value.length - 1 ? "," : "")));
      lines.push(`]${comma}`);
    } else lines.push(`${JSON.stringify(key)}:${JSON.stringify(value)}${comma}`);
  });
  lines.push("}");
  return lines.join("\n") + "\n";
}

export function writeKernelData(path: string, data: KernelData): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, kernelDataText(data));
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
