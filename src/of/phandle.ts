// of_find_node_by_phandle and of_parse_phandle_with_args (drivers/of/base.c) over the live tree.
import type { DtNode, DtProperty } from "../tree/model.ts";
import { propertyU32 } from "./property.ts";

/**
 * A phandle → node index: explicit `phandle`/`linux,phandle` properties or a builder-assigned phandle.
 *
 * The pre-order walk that fills it runs on demand and stops at the first node carrying the
 * phandle asked for, resuming from there on the next miss: providers (IOMMUs, clock controllers)
 * usually come early in a tree, and reading every property of every node to prove that no
 * later node has a phandle costs tens of milliseconds on a board of 200,000 devices. The answers
 * are those of a full walk: a phandle found in the walked prefix is at its first node in
 * pre-order, and a phandle not found is looked for in the rest before answering. Like every
 * accessor cache, this assumes the tree is not edited once the kernel model reads it.
 */
export class PhandleIndex {
  private readonly map = new Map<number, DtNode>();
  /** The rest of the pre-order walk (explicit stack, no recursion): nodes not yet indexed. */
  private readonly pending: DtNode[];

  constructor(root: DtNode) {
    this.pending = [root];
  }

  get(phandle: number): DtNode | undefined {
    return this.map.get(phandle) ?? this.walkUntil(phandle);
  }

  /** Indexes further nodes in pre-order until one has `phandle` (returned) or the walk ends. */
  private walkUntil(phandle: number): DtNode | undefined {
    const stack = this.pending;
    while (stack.length > 0) {
      const n = stack.pop()!;
      const kids = n.children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
      const ph = n.phandle || propertyPhandle(n);
      // of_find_node_by_phandle returns the first node in the tree with that value.
      if (ph !== 0 && ph !== 0xffffffff && !this.map.has(ph)) {
        this.map.set(ph, n);
        if (ph === phandle) return n;
      }
    }
    return undefined;
  }

  /**
   * propertyU32(target, cellsName) (-1 for absent), per cells property name and target node. The
   * targets of phandle lists are a few providers (IOMMUs, clock controllers) named by every
   * consumer: parsePhandleList reads their `#...-cells` once per index, not once per entry. Like
   * the phandles themselves, this holds while the tree is not edited.
   */
  private readonly cellCounts = new Map<string, Map<DtNode, number>>();

  /** The target's `cellsName` value (of_property_read_u32), cached; undefined when absent or short. */
  cellCount(target: DtNode, cellsName: string): number | undefined {
    let byNode = this.cellCounts.get(cellsName);
    if (!byNode) this.cellCounts.set(cellsName, (byNode = new Map()));
    let count = byNode.get(target);
    if (count === undefined) {
      count = propertyU32(target, cellsName) ?? -1;
      byNode.set(target, count);
    }
    return count < 0 ? undefined : count;
  }
}

/**
 * `propertyU32(n, "phandle") || propertyU32(n, "linux,phandle") || 0` in one pass over the
 * properties (most nodes have neither, and each lookup of an absent name reads every property):
 * the first property of each name, as DtNode.property finds it.
 */
function propertyPhandle(n: DtNode): number {
  let ph: DtProperty | undefined;
  let linux: DtProperty | undefined;
  const props = n.properties;
  for (let i = 0; i < props.length; i++) {
    const p = props[i]!;
    if (p.name === "phandle") ph ??= p;
    else if (p.name === "linux,phandle") linux ??= p;
  }
  return u32Of(ph) || u32Of(linux) || 0;
}

function u32Of(prop: DtProperty | undefined): number | undefined {
  return prop && prop.value.length >= 4 ? prop.value.u32At(0) : undefined;
}

export interface PhandleArgs {
  readonly node: DtNode;
  readonly phandle: number;
  readonly args: readonly number[];
  /** Index of the entry in the list. */
  readonly index: number;
}

/** Why a phandle list walk stopped early (of_phandle_iterator_next's pr_err cases). */
export type PhandleListError =
  | { readonly kind: "unknown-phandle"; readonly index: number; readonly phandle: number }
  | { readonly kind: "missing-cells"; readonly index: number; readonly target: DtNode; readonly cellsName: string }
  | { readonly kind: "truncated"; readonly index: number; readonly target: DtNode; readonly expected: number; readonly found: number }
  | { readonly kind: "null-phandle"; readonly index: number };

export interface PhandleList {
  readonly entries: PhandleArgs[];
  readonly error?: PhandleListError;
}

/**
 * Every entry of a phandle+args list (`iommus`, `clocks`, ...), as repeated
 * of_parse_phandle_with_args(np, list, cellsName, i) calls see it: the walk stops at the first
 * entry that cannot be parsed. `defaultCells` is the cell count used when the target lacks
 * `cellsName` (of_parse_phandle_with_optional_args passes 0); undefined makes that an error.
 */
export function parsePhandleList(index: PhandleIndex, node: DtNode, listName: string, cellsName: string, defaultCells?: number): PhandleList {
  return parsePhandleListWith(index, node, listName, cellsName, defaultCells, makePhandleArgs);
}

const makePhandleArgs = (node: DtNode, phandle: number, args: readonly number[], index: number): PhandleArgs => ({ node, phandle, args, index });

/** parsePhandleList making each entry with `make` (a caller's own entry type, made once). */
export function parsePhandleListWith<E>(
  index: PhandleIndex,
  node: DtNode,
  listName: string,
  cellsName: string,
  defaultCells: number | undefined,
  make: (target: DtNode, phandle: number, args: readonly number[], index: number) => E,
): { readonly entries: E[]; readonly error?: PhandleListError } {
  const entries: E[] = [];
  const prop = node.property(listName);
  if (!prop) return { entries };
  // Cells read straight from the bytes (no whole-list cell array): the probe parses `iommus` at
  // every device of a large board.
  const value = prop.value;
  const cells = value.length >>> 2;
  let i = 0;
  let entry = 0;
  while (i < cells) {
    const phandle = value.u32At(i * 4);
    i++;
    if (phandle === 0) {
      // A placeholder: the iterator accepts it with no args, but asking for this index fails (-ENOENT).
      return { entries, error: { kind: "null-phandle", index: entry } };
    }
    const target = index.get(phandle);
    if (!target) return { entries, error: { kind: "unknown-phandle", index: entry, phandle } };
    let count = index.cellCount(target, cellsName);
    if (count === undefined) {
      if (defaultCells === undefined) return { entries, error: { kind: "missing-cells", index: entry, target, cellsName } };
      count = defaultCells;
    }
    if (i + count > cells) return { entries, error: { kind: "truncated", index: entry, target, expected: count, found: cells - i } };
    const args: number[] = [];
    for (let k = 0; k < count; k++) args.push(value.u32At((i + k) * 4));
    entries.push(make(target, phandle, args, entry));
    i += count;
    entry++;
  }
  return { entries };
}

