// DeviceTree -> flattened blob, byte for byte as dtc's dt_to_blob (flattree.c) writes it.
import type { DeviceTree, DtNode } from "../tree/model.ts";
import { ByteBuffer } from "../source/index.ts";
import { FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_MAGIC, FDT_PROP, HeaderField, RESERVE_ENTRY_SIZE, versionLayout } from "./format.ts";
import type { VersionLayout } from "./format.ts";
import { StringsTable } from "./strings-table.ts";

export interface DtbWriteOptions {
  /** Header boot_cpuid_phys (the caller computes dtc's guess from /cpus, or takes `-b`). */
  readonly bootCpuId: number;
  /** `-R`: extra empty memory reservation entries. */
  readonly reserveSlots?: number;
  /** `-S`: pad the blob to at least this size. */
  readonly minSize?: number;
  /** `-p`: add this many bytes of padding (overrides `minSize`, as in dtc). */
  readonly padding?: number;
  /** `-a`: make the blob size a multiple of this (a power of two; dtc rejects others). */
  readonly align?: number;
  /** `-V`: blob version, one of 1, 2, 3, 16, 17 (default 17). */
  readonly version?: number;
}

/** Thrown for an option dtc would refuse (`Unknown device tree blob version`); callers validate first. */
export class DtbWriteError extends Error {
  override name = "DtbWriteError";
}

/** Length of the node name before `@` (dtc's basenamelen). */
function baseNameLength(name: string): number {
  const at = name.indexOf("@");
  return at < 0 ? name.length : at;
}

/** dtc's join_path: the root is "/", a child of "/" is "/name", deeper "/a/b". */
function joinPath(parent: string, name: string): string {
  return parent.endsWith("/") ? parent + name : `${parent}/${name}`;
}

/** Appends one node's FDT_BEGIN_NODE, name and properties (not its children). */
function emitNodeHead(dt: ByteBuffer, strings: StringsTable, node: DtNode, flatName: string, vi: VersionLayout): void {
  dt.u32(FDT_BEGIN_NODE);
  dt.latin1(flatName, true);
  dt.align(4);
  let seenName = false;
  for (const prop of node.properties) {
    if (prop.deleted) continue;
    if (prop.name === "name") seenName = true;
    const nameoff = strings.insert(prop.name);
    const bytes = prop.value.bytes;
    dt.u32(FDT_PROP);
    dt.u32(bytes.length);
    dt.u32(nameoff);
    if (vi.varAlign && bytes.length >= 8) dt.align(8);
    dt.bytes(bytes);
    dt.align(4);
  }
  if (vi.nameProps && !seenName) {
    const baseLen = baseNameLength(node.name);
    dt.u32(FDT_PROP);
    dt.u32(baseLen + 1);
    dt.u32(strings.insert("name"));
    if (vi.varAlign && baseLen + 1 >= 8) dt.align(8);
    // dtc emits the base name with an explicit length, except that a length of 0 means "all of
    // it" in its emitter: a node named "@1" gets "@1\0" although the property says 1 byte.
    dt.latin1(baseLen === 0 ? node.name : node.name.slice(0, baseLen), true);
    dt.align(4);
  }
}

/** The struct block (ending with FDT_END) and the strings table, walking the tree without recursion. */
function flattenTree(root: DtNode, vi: VersionLayout): { struct: ByteBuffer; strings: StringsTable } {
  const dt = new ByteBuffer(4096);
  const strings = new StringsTable();
  interface Frame {
    readonly node: DtNode;
    readonly path: string;
    next: number;
  }
  const stack: Frame[] = [];
  const enter = (node: DtNode, parentPath: string): void => {
    const path = vi.fullPath ? joinPath(parentPath, node.name) : "";
    emitNodeHead(dt, strings, node, vi.fullPath ? path : node.name, vi);
    stack.push({ node, path, next: 0 });
  };
  if (!root.deleted) enter(root, "");
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const children = top.node.children;
    let child: DtNode | undefined;
    while (top.next < children.length) {
      const c = children[top.next++]!;
      if (!c.deleted) {
        child = c;
        break;
      }
    }
    if (child) {
      enter(child, top.path);
    } else {
      dt.u32(FDT_END_NODE);
      stack.pop();
    }
  }
  dt.u32(FDT_END);
  return { struct: dt, strings };
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/** Byte-identical to `dtc -O dtb` for the same tree and options. */
export function writeDtb(tree: DeviceTree, options: DtbWriteOptions): Uint8Array {
  const version = options.version ?? 17;
  const vi = versionLayout(version);
  if (!vi) throw new DtbWriteError(`Unknown device tree blob version ${version}`);

  const { struct, strings } = flattenTree(tree.root, vi);

  const reserve = new ByteBuffer(RESERVE_ENTRY_SIZE * (tree.memreserves.length + 2));
  for (const re of tree.memreserves) {
    reserve.u64(re.address);
    reserve.u64(re.size);
  }
  for (let j = 0; j < (options.reserveSlots ?? 0); j++) reserve.zeroes(RESERVE_ENTRY_SIZE);
  reserve.zeroes(RESERVE_ENTRY_SIZE); // the terminating (0, 0) entry

  const reserveOff = alignUp(vi.headerSize, 8);
  const structOff = reserveOff + reserve.length;
  const stringsOff = structOff + struct.length;
  const usedSize = stringsOff + strings.length;

  // dtc: -S sets a minimum, -p overrides it, -a rounds the result up.
  let padLen = 0;
  if (options.minSize !== undefined && options.minSize > 0) padLen = Math.max(0, options.minSize - usedSize);
  if (options.padding !== undefined && options.padding > 0) padLen = options.padding;
  if (options.align !== undefined && options.align > 0) padLen = alignUp(usedSize + padLen, options.align) - usedSize;
  const totalSize = usedSize + padLen;

  const blob = new ByteBuffer(totalSize);
  // The header is written field by field into a 0xff-filled block, as dtc's memset does; only
  // `headerSize` bytes of it are part of the blob.
  const header = new Uint8Array(40).fill(0xff);
  const view = new DataView(header.buffer);
  view.setUint32(HeaderField.magic, FDT_MAGIC);
  view.setUint32(HeaderField.totalsize, totalSize);
  view.setUint32(HeaderField.offDtStruct, structOff);
  view.setUint32(HeaderField.offDtStrings, stringsOff);
  view.setUint32(HeaderField.offMemRsvmap, reserveOff);
  view.setUint32(HeaderField.version, vi.version);
  view.setUint32(HeaderField.lastCompVersion, vi.lastCompVersion);
  if (vi.hasBootCpuid) view.setUint32(HeaderField.bootCpuidPhys, options.bootCpuId >>> 0);
  if (vi.hasStringsSize) view.setUint32(HeaderField.sizeDtStrings, strings.length);
  if (vi.hasStructSize) view.setUint32(HeaderField.sizeDtStruct, struct.length);
  blob.bytes(header.subarray(0, vi.headerSize));
  blob.align(8);
  blob.bytes(reserve.toBytes());
  blob.bytes(struct.toBytes());
  blob.latin1(strings.text(), false);
  blob.zeroes(padLen);
  return blob.toBytes();
}
