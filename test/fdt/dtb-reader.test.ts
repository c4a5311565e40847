// The hardened reader: every way a blob can be malformed gives a precise "dtb" diagnostic at the
// offending byte offset, and readDtb returns undefined instead of throwing.
import { describe, expect, it } from "vitest";
import { writeDtb } from "../../src/fdt/index.ts";
import { DeviceTree, DtNode, DtProperty, PropertyValue } from "../../src/tree/model.ts";
import { read, readOk } from "./helpers.ts";

/** Struct block tokens, padded as a blob needs them. */
class Struct {
  private readonly bytes: number[] = [];
  word(w: number): this {
    this.bytes.push((w >>> 24) & 0xff, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff);
    return this;
  }
  raw(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  pad(): this {
    while (this.bytes.length % 4) this.bytes.push(0);
    return this;
  }
  begin(name: string): this {
    this.word(1);
    for (const c of name) this.bytes.push(c.charCodeAt(0));
    this.bytes.push(0);
    return this.pad();
  }
  prop(nameoff: number, value: number[] = []): this {
    this.word(3).word(value.length).word(nameoff);
    this.bytes.push(...value);
    return this.pad();
  }
  end(): this {
    return this.word(2);
  }
  nop(): this {
    return this.word(4);
  }
  fin(): this {
    return this.word(9);
  }
  get length(): number {
    return this.bytes.length;
  }
  toBytes(): number[] {
    return [...this.bytes];
  }
}

interface BlobParts {
  struct: Struct;
  strings?: string;
  reserves?: [bigint, bigint][];
  version?: number;
  lastComp?: number;
  /** Extra bytes after the blob, outside totalsize. */
  trailing?: number;
}

/** A v17 blob laid out as dtc lays it out; tests then corrupt single fields. */
function blob(p: BlobParts): { bytes: Uint8Array; view: DataView; structOff: number; stringsOff: number } {
  const strings = p.strings ?? "";
  const reserves = p.reserves ?? [];
  const rsvOff = 40;
  const structOff = rsvOff + (reserves.length + 1) * 16;
  const structBytes = p.struct.toBytes();
  const stringsOff = structOff + structBytes.length;
  const total = stringsOff + strings.length;
  const bytes = new Uint8Array(total + (p.trailing ?? 0));
  const view = new DataView(bytes.buffer);
  const fields = [0xd00dfeed, total, structOff, stringsOff, rsvOff, p.version ?? 17, p.lastComp ?? 16, 0, strings.length, structBytes.length];
  fields.forEach((f, i) => view.setUint32(i * 4, f));
  reserves.forEach(([a, s], i) => {
    view.setBigUint64(rsvOff + i * 16, a);
    view.setBigUint64(rsvOff + i * 16 + 8, s);
  });
  bytes.set(structBytes, structOff);
  for (let i = 0; i < strings.length; i++) bytes[stringsOff + i] = strings.charCodeAt(i);
  return { bytes, view, structOff, stringsOff };
}

/** root { a = <1>; child { b; }; } with strings "a\0b\0". */
const simpleStruct = (): Struct => new Struct().begin("").prop(0, [0, 0, 0, 1]).begin("child").prop(2).end().end().fin();
const simple = () => blob({ struct: simpleStruct(), strings: "a\0b\0" });

function expectError(bytes: Uint8Array, message: string, offset?: number): void {
  const { tree, sink } = read(bytes);
  expect(tree).toBeUndefined();
  const errors = sink.items.filter((d) => d.severity === "error");
  expect(errors.map((d) => d.message)).toEqual([message]);
  expect(errors[0]!.code).toBe("dtb");
  if (offset !== undefined) expect(errors[0]!.span?.start).toBe(offset);
}

function expectWarning(bytes: Uint8Array, message: string): DeviceTree {
  const { tree, sink } = read(bytes);
  expect(tree).toBeDefined();
  expect(sink.items.map((d) => `${d.severity}: ${d.message}`)).toEqual([`warning: ${message}`]);
  return tree!;
}

describe("readDtb: valid blobs", () => {
  it("reads nodes, properties, reservations and the boot CPU", () => {
    const b = blob({ struct: simpleStruct(), strings: "a\0b\0", reserves: [[0x1000n, 0x10n], [0xffff_ffff_0000n, 0x1_0000_0000n]] });
    b.view.setUint32(28, 5);
    const tree = readOk(b.bytes);
    expect(tree.bootCpuId).toBe(5);
    expect(tree.memreserves.map((r) => [r.address, r.size])).toEqual([
      [0x1000n, 0x10n],
      [0xffff_ffff_0000n, 0x1_0000_0000n],
    ]);
    expect(tree.root.name).toBe("");
    expect(tree.root.property("a")!.value.bytes).toEqual(new Uint8Array([0, 0, 0, 1]));
    // A read property is positioned at its FDT_PROP token (through the end of its value), so
    // checks on a blob can report byte offsets.
    const a = tree.root.property("a")!.span!;
    expect(new DataView(b.bytes.buffer, b.bytes.byteOffset).getUint32(a.start)).toBe(3); // FDT_PROP
    expect(a.end - a.start).toBe(12 + 4);
    expect(tree.root.child("child")!.property("b")!.value.length).toBe(0);
    expect(tree.root.child("child")!.parent).toBe(tree.root);
  });

  it("ignores bytes past totalsize (QEMU pads its blobs)", () => {
    const b = blob({ struct: simpleStruct(), strings: "a\0b\0", trailing: 4096 });
    b.bytes.fill(0xee, b.bytes.length - 4096);
    expect(readOk(b.bytes).root.children.length).toBe(1);
  });

  it("skips FDT_NOP anywhere in the struct block", () => {
    const s = new Struct().nop().begin("").nop().prop(0, [7]).nop().begin("n").end().nop().end().nop().fin();
    const tree = readOk(blob({ struct: s, strings: "a\0" }).bytes);
    expect(tree.root.property("a")!.value.bytes).toEqual(new Uint8Array([7]));
    expect(tree.root.child("n")).toBeDefined();
  });

  it("reads names with bytes above 0x7f as latin1", () => {
    const s = new Struct().begin("").prop(0).begin("n\xe9\x80").end().end().fin();
    const tree = readOk(blob({ struct: s, strings: "p\xff\0" }).bytes);
    expect(tree.root.properties[0]!.name).toBe("p\xff");
    expect(tree.root.children[0]!.name).toBe("n\xe9\x80");
  });

  it("accepts a newer version whose last_comp_version is at most 17", () => {
    expect(readOk(blob({ struct: simpleStruct(), strings: "a\0b\0", version: 18, lastComp: 17 }).bytes).root.children.length).toBe(1);
  });

  it("copies property values (the tree does not alias the input)", () => {
    const b = simple();
    const tree = readOk(b.bytes);
    b.bytes.fill(0);
    expect(tree.root.property("a")!.value.bytes).toEqual(new Uint8Array([0, 0, 0, 1]));
  });

  it("reads 10,000 levels of nesting without recursion", () => {
    const s = new Struct().begin("");
    for (let i = 0; i < 10_000; i++) s.begin("n");
    for (let i = 0; i <= 10_000; i++) s.end();
    const tree = readOk(blob({ struct: s.fin() }).bytes);
    let depth = 0;
    for (let n = tree.root; n.children.length; n = n.children[0]!) depth++;
    expect(depth).toBe(10_000);
  });
});

describe("readDtb: header problems", () => {
  it("too short for the magic", () => expectError(new Uint8Array([0xd0, 0x0d, 0xfe]), "truncated blob: 3 bytes, too short to hold the magic number", 0));

  it("bad magic", () => {
    const b = simple();
    b.view.setUint32(0, 0xfeedd00d);
    expectError(b.bytes, "bad magic 0xfeedd00d at 0x0 (expected 0xd00dfeed)", 0);
  });

  it("too short for any header", () => {
    expectError(simple().bytes.slice(0, 20), "truncated blob: 20 bytes, shorter than the smallest header (28 bytes)", 0);
  });

  it("too short for its version's header", () => {
    expectError(simple().bytes.slice(0, 36), "truncated blob: 36 bytes, shorter than the version 17 header (40 bytes)", 0);
  });

  it("last_comp_version newer than 17", () => {
    const b = blob({ struct: simpleStruct(), strings: "a\0b\0", version: 18, lastComp: 18 });
    expectError(b.bytes, "unsupported blob: last_comp_version 18 at 0x18 is newer than 17", 0x18);
  });

  it("a version that never existed", () => {
    const b = blob({ struct: simpleStruct(), strings: "a\0b\0", version: 5, lastComp: 1 });
    expectError(b.bytes, "unsupported blob version 5 at 0x14 (known: 1, 2, 3, 16, 17)", 0x14);
  });

  it("totalsize beyond the buffer", () => {
    const b = simple();
    b.view.setUint32(4, 0x1000);
    expectError(b.bytes, `truncated blob: totalsize 0x1000 at 0x4 exceeds the 0x${b.bytes.length.toString(16)} bytes available`, 4);
  });

  it("totalsize smaller than the header", () => {
    const b = simple();
    b.view.setUint32(4, 0x20);
    expectError(b.bytes, "totalsize 0x20 at 0x4 is smaller than the version 17 header (0x28 bytes)", 4);
  });

  it("struct block inside the header", () => {
    const b = simple();
    b.view.setUint32(8, 0x10);
    expectError(b.bytes, "struct block offset 0x10 at 0x8 is inside the 40-byte header", 8);
  });

  it("struct block running past totalsize", () => {
    const b = simple();
    b.view.setUint32(36, 0x1000);
    expectError(b.bytes, `truncated blob: struct block ends at 0x${(b.structOff + 0x1000).toString(16)} past totalsize 0x${b.bytes.length.toString(16)}`, 8);
  });

  it("strings block starting past totalsize", () => {
    const b = simple();
    b.view.setUint32(12, 0x4000);
    expectError(b.bytes, `truncated blob: strings block offset 0x4000 at 0xc is past totalsize 0x${b.bytes.length.toString(16)}`, 12);
  });

  it("strings block running past totalsize", () => {
    const b = simple();
    b.view.setUint32(32, 0x100);
    expectError(b.bytes, `truncated blob: strings block ends at 0x${(b.stringsOff + 0x100).toString(16)} past totalsize 0x${b.bytes.length.toString(16)}`, 12);
  });

  it("misaligned struct block", () => {
    const b = simple();
    b.view.setUint32(8, b.structOff + 2);
    b.view.setUint32(36, 4);
    expectError(b.bytes, `struct block offset 0x${(b.structOff + 2).toString(16)} at 0x8 is not 4-byte aligned`, 8);
  });

  it("overlapping struct and strings blocks (warning)", () => {
    const b = simple();
    b.view.setUint32(36, b.view.getUint32(36) + 4);
    expectWarning(b.bytes, `struct block 0x38..0x${(b.stringsOff + 4).toString(16)} overlaps strings block 0x${b.stringsOff.toString(16)}..0x${(b.stringsOff + 4).toString(16)}`);
  });
});

describe("readDtb: memory reservation map", () => {
  it("map offset inside the header", () => {
    const b = simple();
    b.view.setUint32(16, 8);
    expectError(b.bytes, "memory reservation map offset 0x8 at 0x10 is inside the 40-byte header", 16);
  });

  it("map offset past totalsize", () => {
    const b = simple();
    b.view.setUint32(16, 0x8000);
    expectError(b.bytes, `memory reservation map offset 0x8000 at 0x10 is past totalsize 0x${b.bytes.length.toString(16)}`, 16);
  });

  it("map without a terminator before the struct block", () => {
    const b = blob({ struct: simpleStruct(), strings: "a\0b\0", reserves: [[1n, 1n]] });
    b.view.setBigUint64(40 + 16 + 8, 5n); // the terminator now has a size
    expectError(b.bytes, "memory reservation map at 0x28 has no terminating entry before 0x48", 0x48);
  });

  it("map not 8-byte aligned (warning)", () => {
    // Shift the map by 4 bytes into a padded area: header(40) + 4 pad + terminator.
    const s = simpleStruct();
    const b = blob({ struct: s, strings: "a\0b\0", reserves: [[0n, 0n]] });
    b.view.setUint32(16, 44);
    b.view.setBigUint64(44, 0n);
    b.view.setBigUint64(52, 0n);
    expectWarning(b.bytes, "memory reservation map offset 0x2c is not 8-byte aligned");
  });

  it("an entry of size 0 ends the map, as in dtc and libfdt (warning when its address is not 0)", () => {
    const b = blob({ struct: simpleStruct(), strings: "a\0b\0", reserves: [[0x1000n, 0x10n], [0x2000n, 0n], [0x3000n, 0x10n]] });
    const tree = expectWarning(b.bytes, "memory reservation entry at 0x38 has size 0 and ends the map (address 0x2000 is dropped)");
    expect(tree.memreserves.map((r) => r.address)).toEqual([0x1000n]);
  });
});

describe("readDtb: struct block problems", () => {
  it("property name offset outside the strings block", () => {
    const b = blob({ struct: new Struct().begin("").prop(9).end().fin(), strings: "a\0b\0" });
    expectError(b.bytes, `property name offset 0x9 at 0x${(b.structOff + 16).toString(16)} is outside the strings block (0x4 bytes)`, b.structOff + 16);
  });

  it("property name without NUL inside the strings block", () => {
    const b = blob({ struct: new Struct().begin("").prop(2).end().fin(), strings: "a\0bc" });
    expectError(b.bytes, `property name at strings offset 0x2 (from 0x${(b.structOff + 16).toString(16)}) is not NUL-terminated within the strings block`);
  });

  it("node name without NUL inside the struct block", () => {
    const s = new Struct().begin("").word(1).raw(0x61, 0x62, 0x63, 0x64);
    const b = blob({ struct: s });
    expectError(b.bytes, `node name at 0x${(b.structOff + 12).toString(16)} is not NUL-terminated within the struct block (ends at 0x${(b.structOff + s.length).toString(16)})`, b.structOff + 8);
  });

  it("property value running past the struct block", () => {
    const s = new Struct().begin("").word(3).word(0x100).word(0).fin();
    const b = blob({ struct: s, strings: "a\0" });
    expectError(b.bytes, `truncated blob: property "a" at 0x${(b.structOff + 8).toString(16)} has 0x100 bytes of value, past the struct block end 0x${(b.structOff + s.length).toString(16)}`, b.structOff + 8);
  });

  it("property header cut off by the struct block end", () => {
    const s = new Struct().begin("").word(3).word(4);
    const b = blob({ struct: s, strings: "a\0" });
    expectError(b.bytes, `truncated blob: property header at 0x${(b.structOff + 8).toString(16)} runs past the struct block end 0x${(b.structOff + s.length).toString(16)}`);
  });

  it("padding after a value that runs past the struct block end", () => {
    const s = new Struct().begin("").word(3).word(1).word(0).raw(0xaa);
    const b = blob({ struct: s, strings: "a\0" });
    expectError(b.bytes, `truncated blob: property "a" at 0x${(b.structOff + 8).toString(16)} runs past the struct block end 0x${(b.structOff + s.length).toString(16)}`);
  });

  it("invalid token", () => {
    const b = blob({ struct: new Struct().begin("").word(0x12345678).end().fin() });
    expectError(b.bytes, `invalid token 0x12345678 at 0x${(b.structOff + 8).toString(16)}`, b.structOff + 8);
  });

  it("struct block that never reaches FDT_END", () => {
    const s = new Struct().begin("").begin("a").end();
    const b = blob({ struct: s });
    expectError(b.bytes, `struct block ends at 0x${(b.structOff + s.length).toString(16)} without FDT_END (1 node still open)`, b.structOff + s.length);
  });

  it("FDT_END inside an open node", () => {
    const b = blob({ struct: new Struct().begin("").begin("a").begin("b").fin() });
    expectError(b.bytes, `FDT_END at 0x${(b.structOff + 24).toString(16)} inside /a/b (3 nodes still open)`, b.structOff + 24);
  });

  it("FDT_END before any node", () => {
    const b = blob({ struct: new Struct().fin() });
    expectError(b.bytes, `FDT_END at 0x${b.structOff.toString(16)} before any node: the blob has no root`);
  });

  it("FDT_END_NODE without a node", () => {
    const b = blob({ struct: new Struct().begin("").end().end().fin() });
    expectError(b.bytes, `FDT_END_NODE at 0x${(b.structOff + 12).toString(16)} has no matching FDT_BEGIN_NODE`);
  });

  it("property outside any node", () => {
    const b = blob({ struct: new Struct().prop(0).fin(), strings: "a\0" });
    expectError(b.bytes, `property at 0x${b.structOff.toString(16)} is outside any node`);
  });

  it("a second root node", () => {
    const b = blob({ struct: new Struct().begin("").end().begin("").end().fin() });
    expectError(b.bytes, `second root node at 0x${(b.structOff + 12).toString(16)}: the tree's root was already closed`);
  });

  it("nesting 200,000 deep: no depth limit, no stack overflow (the input-size limit bounds it)", () => {
    const depth = 200_000;
    const s = new Struct().begin("");
    for (let i = 0; i < depth; i++) s.begin("n");
    for (let i = 0; i <= depth; i++) s.end();
    const tree = readOk(blob({ struct: s.fin() }).bytes);
    let d = 0;
    for (let n = tree.root.children[0]; n; n = n.children[0]) d++;
    expect(d).toBe(depth);
  });

  it("a property after subnodes (warning, as dtc)", () => {
    const s = new Struct().begin("").begin("a").end().prop(0).end().fin();
    const tree = expectWarning(blob({ struct: s, strings: "x\0" }).bytes, `property "x" at 0x${(56 + 20).toString(16)} follows subnodes of /`);
    expect(tree.root.property("x")).toBeDefined();
  });

  it("a named root (warning)", () => {
    const tree = expectWarning(blob({ struct: new Struct().begin("top").end().fin() }).bytes, `root node at 0x38 has the name "top" (expected an empty name)`);
    expect(tree.root.name).toBe("top");
  });
});

describe("readDtb: old versions", () => {
  const tree = (): DeviceTree => {
    const root = new DtNode("");
    const a = new DtNode("a@1");
    a.appendProperty(new DtProperty("v", new PropertyValue(new Uint8Array(9).fill(3)), [], undefined));
    root.appendChild(a);
    a.appendChild(new DtNode("b"));
    return new DeviceTree(root);
  };

  it("derives names from the full paths of a version 1 blob", () => {
    const t = readOk(writeDtb(tree(), { bootCpuId: 0, version: 1 }));
    expect(t.root.child("a@1")!.child("b")).toBeDefined();
    expect(t.root.child("a@1")!.property("v")!.value.bytes).toEqual(new Uint8Array(9).fill(3));
  });

  it("rejects a child path outside its parent", () => {
    const bytes = writeDtb(tree(), { bootCpuId: 0, version: 1 });
    const at = Buffer.from(bytes).indexOf("/a@1/b\0", 0, "latin1");
    bytes[at + 1] = "z".charCodeAt(0);
    expectError(bytes, `node path "/z@1/b" at 0x${(at - 4).toString(16)} is not inside its parent "/a@1"`, at - 4);
  });

  it("warns about NOPs in a version 3 blob", () => {
    const bytes = writeDtb(new DeviceTree(new DtNode("")), { bootCpuId: 0, version: 3 });
    const v = new DataView(bytes.buffer);
    const structOff = v.getUint32(8);
    // Replace the root's name property token (FDT_PROP, len 1, nameoff 0, "\0" padded) with NOPs.
    for (let i = 0; i < 4; i++) v.setUint32(structOff + 8 + i * 4, 4);
    const { tree: t, sink } = read(bytes);
    expect(t).toBeDefined();
    expect(sink.items.map((d) => d.message)).toEqual([0, 1, 2, 3].map((i) => `FDT_NOP at 0x${(structOff + 8 + i * 4).toString(16)} in a version 3 blob (NOPs need version 16)`));
  });
});
