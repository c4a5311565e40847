// Flattened blob -> DeviceTree, for untrusted input: every offset and size is checked before it
// is used, nesting is walked with an explicit stack, and each problem is a "dtb" diagnostic that
// names the byte offset. What dtc itself only warns about (a property after subnodes, a NOP in
// an old blob) stays a warning; anything that leaves the tree unknowable stops the read.
import { DiagnosticSink, span } from "../source/index.ts";
import type { SourceFile } from "../source/index.ts";
import { DeviceTree, DtNode, DtProperty, PropertyValue } from "../tree/model.ts";
import { FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_MAGIC, FDT_NOP, FDT_PROP, HeaderField, LAST_SUPPORTED_VERSION, RESERVE_ENTRY_SIZE, readLayout } from "./format.ts";
import type { VersionLayout } from "./format.ts";
import { latin1Text } from "./latin1.ts";
import { nodePath } from "./node-path.ts";

/** The smallest header that still holds the version fields (a version 1 header). */
const MIN_HEADER = 28;

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Stops the read; the diagnostic is already in the sink. */
class StopRead {}

interface Block {
  readonly start: number;
  readonly end: number;
}

class DtbReader {
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: SourceFile,
    private readonly sink: DiagnosticSink,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private at(offset: number, length: number) {
    const start = Math.min(Math.max(0, offset), this.file.text.length);
    const end = Math.min(Math.max(start, offset + length), this.file.text.length);
    return span(this.file, start, end);
  }

  private fail(offset: number, length: number, message: string): never {
    this.sink.error("dtb", message, this.at(offset, length));
    throw new StopRead();
  }

  private warn(offset: number, length: number, message: string): void {
    this.sink.warning("dtb", message, this.at(offset, length));
  }

  private u32(offset: number): number {
    return this.view.getUint32(offset);
  }

  read(): DeviceTree {
    const total = this.bytes.length;
    if (total < 4) this.fail(0, total, `truncated blob: ${total} bytes, too short to hold the magic number`);
    const magic = this.u32(HeaderField.magic);
    if (magic !== FDT_MAGIC) this.fail(0, 4, `bad magic ${hex(magic)} at 0x0 (expected 0xd00dfeed)`);
    if (total < MIN_HEADER) this.fail(0, total, `truncated blob: ${total} bytes, shorter than the smallest header (${MIN_HEADER} bytes)`);

    const version = this.u32(HeaderField.version);
    const lastComp = this.u32(HeaderField.lastCompVersion);
    if (lastComp > LAST_SUPPORTED_VERSION)
      this.fail(HeaderField.lastCompVersion, 4, `unsupported blob: last_comp_version ${lastComp} at ${hex(HeaderField.lastCompVersion)} is newer than ${LAST_SUPPORTED_VERSION}`);
    const vi = readLayout(version);
    if (!vi) this.fail(HeaderField.version, 4, `unsupported blob version ${version} at ${hex(HeaderField.version)} (known: 1, 2, 3, 16, 17)`);
    if (lastComp > version) this.warn(HeaderField.lastCompVersion, 4, `last_comp_version ${lastComp} is newer than the blob version ${version}`);

    const headerSize = vi.headerSize;
    if (total < headerSize) this.fail(0, total, `truncated blob: ${total} bytes, shorter than the version ${version} header (${headerSize} bytes)`);
    const totalSize = this.u32(HeaderField.totalsize);
    if (totalSize > total) this.fail(HeaderField.totalsize, 4, `truncated blob: totalsize ${hex(totalSize)} at 0x4 exceeds the ${hex(total)} bytes available`);
    if (totalSize < headerSize) this.fail(HeaderField.totalsize, 4, `totalsize ${hex(totalSize)} at 0x4 is smaller than the version ${version} header (${hex(headerSize)} bytes)`);

    const structOff = this.u32(HeaderField.offDtStruct);
    const stringsOff = this.u32(HeaderField.offDtStrings);
    const rsvOff = this.u32(HeaderField.offMemRsvmap);

    // A block without a size field (struct before v17, strings before v3) runs to whichever of
    // the other blocks starts next, or to totalsize.
    const nextStart = (start: number): number => Math.min(totalSize, ...[structOff, stringsOff, rsvOff].filter((o) => o > start));
    const strings = this.block("strings block", HeaderField.offDtStrings, stringsOff, vi.hasStringsSize ? this.u32(HeaderField.sizeDtStrings) : undefined, headerSize, totalSize, nextStart);
    const struct = this.block("struct block", HeaderField.offDtStruct, structOff, vi.hasStructSize ? this.u32(HeaderField.sizeDtStruct) : undefined, headerSize, totalSize, nextStart);
    if (structOff % 4 !== 0) this.fail(HeaderField.offDtStruct, 4, `struct block offset ${hex(structOff)} at 0x8 is not 4-byte aligned`);
    if (struct.end > struct.start && strings.end > strings.start && struct.start < strings.end && strings.start < struct.end)
      this.warn(HeaderField.offDtStruct, 4, `struct block ${hex(struct.start)}..${hex(struct.end)} overlaps strings block ${hex(strings.start)}..${hex(strings.end)}`);

    if (rsvOff < headerSize) this.fail(HeaderField.offMemRsvmap, 4, `memory reservation map offset ${hex(rsvOff)} at 0x10 is inside the ${headerSize}-byte header`);
    if (rsvOff >= totalSize) this.fail(HeaderField.offMemRsvmap, 4, `memory reservation map offset ${hex(rsvOff)} at 0x10 is past totalsize ${hex(totalSize)}`);
    if (rsvOff % 8 !== 0) this.warn(HeaderField.offMemRsvmap, 4, `memory reservation map offset ${hex(rsvOff)} is not 8-byte aligned`);

    const root = this.readStruct(struct, strings, vi);
    const tree = new DeviceTree(root);
    this.readReservations(tree, rsvOff, totalSize, [struct, strings]);
    tree.bootCpuId = vi.hasBootCpuid ? this.u32(HeaderField.bootCpuidPhys) : 0;
    return tree;
  }

  /** Checks a block's placement within the blob. */
  private block(what: string, field: number, start: number, size: number | undefined, headerSize: number, totalSize: number, nextStart: (start: number) => number): Block {
    if (start < headerSize) this.fail(field, 4, `${what} offset ${hex(start)} at ${hex(field)} is inside the ${headerSize}-byte header`);
    if (start > totalSize) this.fail(field, 4, `truncated blob: ${what} offset ${hex(start)} at ${hex(field)} is past totalsize ${hex(totalSize)}`);
    if (size === undefined) return { start, end: nextStart(start) };
    const end = start + size;
    if (end > totalSize) this.fail(field, 4, `truncated blob: ${what} ends at ${hex(end)} past totalsize ${hex(totalSize)}`);
    return { start, end };
  }

  /** Entries up to the first one of size 0; the map must end before the next block (or totalsize). */
  private readReservations(tree: DeviceTree, rsvOff: number, totalSize: number, blocks: Block[]): void {
    let limit = totalSize;
    for (const b of blocks) if (b.end > b.start && b.start >= rsvOff && b.start < limit) limit = b.start;
    for (let pos = rsvOff; ; pos += RESERVE_ENTRY_SIZE) {
      if (pos + RESERVE_ENTRY_SIZE > limit)
        this.fail(pos, limit - pos, `memory reservation map at ${hex(rsvOff)} has no terminating entry before ${hex(limit)}`);
      const address = this.view.getBigUint64(pos);
      const size = this.view.getBigUint64(pos + 8);
      if (size === 0n) {
        if (address !== 0n) this.warn(pos, RESERVE_ENTRY_SIZE, `memory reservation entry at ${hex(pos)} has size 0 and ends the map (address 0x${address.toString(16)} is dropped)`);
        return;
      }
      tree.memreserves.push({ address, size, labels: [], span: undefined });
    }
  }

  /** Offset of the NUL ending the string at `start`, or -1 if there is none before `end`. */
  private nulBefore(start: number, end: number): number {
    const i = this.bytes.indexOf(0, start);
    return i < 0 || i >= end ? -1 : i;
  }

  private propertyName(strings: Block, nameoff: number, at: number): string {
    const size = strings.end - strings.start;
    if (nameoff >= size) this.fail(at, 4, `property name offset ${hex(nameoff)} at ${hex(at)} is outside the strings block (${hex(size)} bytes)`);
    const start = strings.start + nameoff;
    const nul = this.nulBefore(start, strings.end);
    if (nul < 0) this.fail(at, 4, `property name at strings offset ${hex(nameoff)} (from ${hex(at)}) is not NUL-terminated within the strings block`);
    return latin1Text(this.bytes, start, nul);
  }

  private readStruct(struct: Block, strings: Block, vi: VersionLayout): DtNode {
    const end = struct.end;
    const stack: DtNode[] = [];
    /** Full path of each open node, only for v1-3 blobs whose node names are full paths. */
    const flatNames: string[] = [];
    let root: DtNode | undefined;
    let pos = struct.start;
    const align = (p: number, a: number, what: string, from: number): number => {
      const aligned = Math.ceil(p / a) * a;
      if (aligned > end) this.fail(from, p - from, `truncated blob: ${what} at ${hex(from)} runs past the struct block end ${hex(end)}`);
      return aligned;
    };
    for (;;) {
      if (pos + 4 > end) {
        const open = stack.length > 0 ? ` (${stack.length} node${stack.length === 1 ? "" : "s"} still open)` : "";
        this.fail(pos, Math.max(0, end - pos), `struct block ends at ${hex(end)} without FDT_END${open}`);
      }
      const tokenAt = pos;
      const token = this.u32(pos);
      pos += 4;
      switch (token) {
        case FDT_BEGIN_NODE: {
          const nul = this.nulBefore(pos, end);
          if (nul < 0) this.fail(tokenAt, end - tokenAt, `node name at ${hex(pos)} is not NUL-terminated within the struct block (ends at ${hex(end)})`);
          const flatName = latin1Text(this.bytes, pos, nul);
          pos = align(nul + 1, 4, "node name", tokenAt);
          if (stack.length === 0 && root) this.fail(tokenAt, 4, `second root node at ${hex(tokenAt)}: the tree's root was already closed`);
          let name = flatName;
          if (vi.fullPath) {
            const parentPath = flatNames.length > 0 ? flatNames[flatNames.length - 1]! : "";
            // dtc's nodename_from_path: the child's path must start with the parent's.
            if (!flatName.startsWith(parentPath)) this.fail(tokenAt, 4, `node path "${flatName}" at ${hex(tokenAt)} is not inside its parent "${parentPath}"`);
            name = flatName.slice(parentPath === "/" ? 1 : parentPath.length + 1);
            flatNames.push(flatName);
          }
          const node = new DtNode(name);
          // Positions of read items are byte offsets in the blob: checks report against them.
          node.spans.push(span(this.file, tokenAt, nul + 1));
          if (stack.length === 0) {
            root = node;
            if (name !== "") this.warn(tokenAt, nul + 1 - tokenAt, `root node at ${hex(tokenAt)} has the name "${name}" (expected an empty name)`);
          } else {
            stack[stack.length - 1]!.appendChild(node);
          }
          stack.push(node);
          break;
        }
        case FDT_PROP: {
          if (stack.length === 0) this.fail(tokenAt, 4, `property at ${hex(tokenAt)} is outside any node`);
          if (pos + 8 > end) this.fail(tokenAt, end - tokenAt, `truncated blob: property header at ${hex(tokenAt)} runs past the struct block end ${hex(end)}`);
          const len = this.u32(pos);
          const nameoff = this.u32(pos + 4);
          const name = this.propertyName(strings, nameoff, pos + 4);
          pos += 8;
          if (vi.varAlign && len >= 8) pos = align(pos, 8, `property "${name}"`, tokenAt);
          if (len > end - pos) this.fail(tokenAt, 12, `truncated blob: property "${name}" at ${hex(tokenAt)} has ${hex(len)} bytes of value, past the struct block end ${hex(end)}`);
          const node = stack[stack.length - 1]!;
          if (node.children.length > 0) this.warn(tokenAt, 12, `property "${name}" at ${hex(tokenAt)} follows subnodes of ${nodePath(node)}`);
          node.appendProperty(new DtProperty(name, new PropertyValue(this.bytes.slice(pos, pos + len)), [], span(this.file, tokenAt, pos + len)));
          pos = align(pos + len, 4, `property "${name}"`, tokenAt);
          break;
        }
        case FDT_END_NODE:
          if (stack.length === 0) this.fail(tokenAt, 4, `FDT_END_NODE at ${hex(tokenAt)} has no matching FDT_BEGIN_NODE`);
          stack.pop();
          if (vi.fullPath) flatNames.pop();
          break;
        case FDT_NOP:
          if (vi.version < 16) this.warn(tokenAt, 4, `FDT_NOP at ${hex(tokenAt)} in a version ${vi.version} blob (NOPs need version 16)`);
          break;
        case FDT_END:
          if (stack.length > 0) this.fail(tokenAt, 4, `FDT_END at ${hex(tokenAt)} inside ${nodePath(stack[stack.length - 1]!)} (${stack.length} node${stack.length === 1 ? "" : "s"} still open)`);
          if (!root) this.fail(tokenAt, 4, `FDT_END at ${hex(tokenAt)} before any node: the blob has no root`);
          return root;
        default:
          this.fail(tokenAt, 4, `invalid token 0x${token.toString(16).padStart(8, "0")} at ${hex(tokenAt)}`);
      }
    }
  }
}

/**
 * Reads an untrusted blob. Every offset/size is bounds-checked; header totalsize may be smaller than
 * the buffer (QEMU pads blobs to 1 MiB). Problems are diagnostics with code "dtb" naming the offset;
 * returns undefined on a fatal problem. `file` is used for diagnostic spans (a SourceFile over the
 * latin1 bytes).
 */
export function readDtb(bytes: Uint8Array, file: SourceFile, sink: DiagnosticSink): DeviceTree | undefined {
  try {
    return new DtbReader(bytes, file, sink).read();
  } catch (e) {
    if (e instanceof StopRead) return undefined;
    throw e;
  }
}
