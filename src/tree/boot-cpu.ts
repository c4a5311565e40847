// dtc's guess_boot_cpuid: the `reg` of the first child of /cpus when it is exactly one cell, else 0.
import { nodeByPath } from "./lookup.ts";
import type { DeviceTree, DtNode } from "./model.ts";

function regOf(cpu: DtNode | undefined): number {
  if (!cpu || cpu.deleted) return 0; // a deleted node's properties are all deleted
  let reg = undefined;
  for (const p of cpu.properties) if (p.name === "reg" && !p.deleted) { reg = p; break; }
  if (!reg || reg.value.length !== 4) return 0;
  const b = reg.value.bytes;
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

/**
 * dtc looks at the raw first child of /cpus, deleted or not. While building, deleted children are
 * still in the list; in a finished tree a ghost at position 0 (deleted while parsing) stands for it.
 */
export function guessBootCpuIdOf(root: DtNode): number {
  const cpus = nodeByPath(root, "/cpus");
  if (!cpus) return 0;
  if (cpus.ghosts?.some((g) => g.index === 0 && !g.omitted)) return 0;
  return regOf(cpus.children[0]);
}

export function guessBootCpuId(tree: DeviceTree): number {
  return guessBootCpuIdOf(tree.root);
}
