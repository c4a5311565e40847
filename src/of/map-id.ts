// of_map_id (drivers/of/base.c): RID / ICID -> (IOMMU node, ID) through `iommu-map`.
import { propertyCells, propertyU32 } from "./property.ts";
import type { PhandleIndex } from "./phandle.ts";
import type { DtNode } from "../tree/model.ts";

/** An error of_map_id returns, with the kernel's pr_err text (errno names as the IOMMU layer spells them). */
export interface MapIdFailure {
  readonly errno: "-EINVAL" | "-EFAULT" | "-ENODEV";
  readonly where: string;
  readonly message: string;
}

export type MapIdResult =
  | { readonly kind: "mapped"; readonly target: DtNode; readonly id: number }
  /** The property is absent (-ENODEV: no IOMMU). */
  | { readonly kind: "absent" }
  /** No entry covers the ID: the kernel logs it and carries on without an IOMMU. */
  | { readonly kind: "untranslated"; readonly message: string }
  | { readonly kind: "error"; readonly failure: MapIdFailure };

export function ofMapId(node: DtNode, id: number, mapName: string, maskName: string, phandles: PhandleIndex): MapIdResult {
  const map = propertyCells(node, mapName);
  if (!map) return { kind: "absent" };
  const bytes = node.property(mapName)!.value.length;
  if (bytes === 0 || bytes % 16 !== 0) {
    return { kind: "error", failure: { errno: "-EINVAL", where: "of_map_id", message: `${node.path}: Error: Bad ${mapName} length: ${bytes}` } };
  }
  const mask = propertyU32(node, maskName) ?? 0xffffffff;
  const masked = (id & mask) >>> 0;
  for (let i = 0; i + 4 <= map.length; i += 4) {
    const base = map[i]!;
    const phandle = map[i + 1]!;
    const out = map[i + 2]!;
    const len = map[i + 3]!;
    if ((base & ~mask) >>> 0 !== 0) {
      return {
        kind: "error",
        failure: { errno: "-EFAULT", where: "of_map_id", message: `${node.path}: Invalid ${mapName} translation - ${maskName} (0x${mask.toString(16)}) ignores id-base (0x${base.toString(16)})` },
      };
    }
    if (masked < base || masked >= base + len) continue;
    const target = phandles.get(phandle);
    if (!target) return { kind: "error", failure: { errno: "-ENODEV", where: "of_map_id", message: `${node.path}: ${mapName} names unknown phandle 0x${phandle.toString(16)}` } };
    return { kind: "mapped", target, id: (masked - base + out) >>> 0 };
  }
  return { kind: "untranslated", message: `${node.path}: no ${mapName} translation for id 0x${id.toString(16)} on (null)` };
}
