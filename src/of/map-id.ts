// of_map_id (drivers/of/base.c): RID / ICID -> (IOMMU node, ID) through `iommu-map`, on the map as
// the device graph read it once (graph/dma-facts.ts): the cells, the mask and each entry's target.

/** An `iommu-map` (or `msi-map`) with its mask, read from a node; T is how targets are named. */
export interface IommuMap<T> {
  /** The node's full path (for the kernel's messages). */
  readonly path: string;
  /** "iommu-map" */
  readonly name: string;
  /** "iommu-map-mask" */
  readonly maskName: string;
  /** The property's length in bytes. */
  readonly bytes: number;
  readonly cells: readonly number[];
  /** The mask property, or 0xffffffff without one. */
  readonly mask: number;
  /** Per 4-cell entry: the node its phandle names (undefined: no such phandle). */
  readonly targets: readonly (T | undefined)[];
}

/** An error of_map_id returns, with the kernel's pr_err text (errno names as the IOMMU layer spells them). */
export interface MapIdFailure {
  readonly errno: "-EINVAL" | "-EFAULT" | "-ENODEV";
  readonly where: string;
  readonly message: string;
}

export type MapIdResult<T> =
  | { readonly kind: "mapped"; readonly target: T; readonly id: number }
  /** The property is absent (-ENODEV: no IOMMU). */
  | { readonly kind: "absent" }
  /** No entry covers the ID: the kernel logs it and carries on without an IOMMU. */
  | { readonly kind: "untranslated"; readonly message: string }
  | { readonly kind: "error"; readonly failure: MapIdFailure };

export function ofMapId<T>(map: IommuMap<T> | null, id: number): MapIdResult<T> {
  if (!map) return { kind: "absent" };
  const { bytes, cells, mask, name, maskName, path } = map;
  if (bytes === 0 || bytes % 16 !== 0) {
    return { kind: "error", failure: { errno: "-EINVAL", where: "of_map_id", message: `${path}: Error: Bad ${name} length: ${bytes}` } };
  }
  const masked = (id & mask) >>> 0;
  for (let i = 0; i + 4 <= cells.length; i += 4) {
    const base = cells[i]!;
    const phandle = cells[i + 1]!;
    const out = cells[i + 2]!;
    const len = cells[i + 3]!;
    if ((base & ~mask) >>> 0 !== 0) {
      return {
        kind: "error",
        failure: { errno: "-EFAULT", where: "of_map_id", message: `${path}: Invalid ${name} translation - ${maskName} (0x${mask.toString(16)}) ignores id-base (0x${base.toString(16)})` },
      };
    }
    if (masked < base || masked >= base + len) continue;
    const target = map.targets[i >>> 2];
    if (!target) return { kind: "error", failure: { errno: "-ENODEV", where: "of_map_id", message: `${path}: ${name} names unknown phandle 0x${phandle.toString(16)}` } };
    return { kind: "mapped", target, id: (masked - base + out) >>> 0 };
  }
  return { kind: "untranslated", message: `${path}: no ${name} translation for id 0x${id.toString(16)} on (null)` };
}
