// The blob writer's options and versions, against what dtc does with the same flags.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DtbWriteError, writeDtb } from "../../src/fdt/index.ts";
import { DeviceTree, DtNode, DtProperty, PropertyValue } from "../../src/tree/model.ts";
import { HAS_DTC, HAS_SHARED, SHARED, dtc, readOk } from "./helpers.ts";

const u32 = (...cells: number[]): Uint8Array => {
  const b = new Uint8Array(cells.length * 4);
  const v = new DataView(b.buffer);
  cells.forEach((c, i) => v.setUint32(i * 4, c));
  return b;
};
const str = (s: string): Uint8Array => new Uint8Array(Buffer.from(s + "\0", "latin1"));
const prop = (name: string, bytes: Uint8Array) => new DtProperty(name, new PropertyValue(bytes), [], undefined);

function smallTree(): DeviceTree {
  const root = new DtNode("");
  root.appendProperty(prop("#address-cells", u32(1)));
  root.appendProperty(prop("#size-cells", u32(1)));
  const soc = new DtNode("soc@1000");
  soc.appendProperty(prop("compatible", str("simple-bus")));
  soc.appendProperty(prop("size-cells", u32(0)));
  soc.appendProperty(prop("long", new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])));
  root.appendChild(soc);
  const dev = new DtNode("dev");
  dev.appendProperty(prop("empty", new Uint8Array(0)));
  soc.appendChild(dev);
  const tree = new DeviceTree(root);
  tree.memreserves.push({ address: 0x1000n, size: 0x2000n, labels: [], span: undefined });
  return tree;
}

describe("writeDtb layout", () => {
  it("writes the v17 header, map, struct and shared strings as dtc does", () => {
    const blob = writeDtb(smallTree(), { bootCpuId: 3 });
    const v = new DataView(blob.buffer);
    expect(v.getUint32(0)).toBe(0xd00dfeed);
    expect(v.getUint32(4)).toBe(blob.length);
    expect(v.getUint32(16)).toBe(40); // memreserve map right after the 40-byte header
    expect(v.getUint32(8)).toBe(40 + 32); // one entry + terminator
    expect(v.getUint32(20)).toBe(17);
    expect(v.getUint32(24)).toBe(16);
    expect(v.getUint32(28)).toBe(3);
    const stringsOff = v.getUint32(12);
    const strings = Buffer.from(blob.subarray(stringsOff, stringsOff + v.getUint32(32))).toString("latin1");
    // "size-cells" reuses the tail of "#size-cells"; names appear in first-use order.
    expect(strings).toBe("#address-cells\0#size-cells\0compatible\0long\0empty\0");
    expect(v.getUint32(36)).toBe(stringsOff - v.getUint32(8));
  });

  it("pads with -S, -p and -a semantics (-p overrides -S, -a rounds up)", () => {
    const base = writeDtb(smallTree(), { bootCpuId: 0 }).length;
    expect(writeDtb(smallTree(), { bootCpuId: 0, minSize: 4096 }).length).toBe(4096);
    expect(writeDtb(smallTree(), { bootCpuId: 0, minSize: 8 }).length).toBe(base);
    expect(writeDtb(smallTree(), { bootCpuId: 0, minSize: 4096, padding: 10 }).length).toBe(base + 10);
    expect(writeDtb(smallTree(), { bootCpuId: 0, padding: 10, align: 256 }).length).toBe(Math.ceil((base + 10) / 256) * 256);
    const padded = writeDtb(smallTree(), { bootCpuId: 0, minSize: 4096 });
    expect(new DataView(padded.buffer).getUint32(4)).toBe(4096);
    expect(padded.subarray(base).every((b) => b === 0)).toBe(true);
  });

  it("rejects a version dtc does not know", () => {
    expect(() => writeDtb(smallTree(), { bootCpuId: 0, version: 15 })).toThrow(DtbWriteError);
  });

  it("reads back every version it writes, old versions with name properties", () => {
    for (const version of [1, 2, 3, 16, 17]) {
      const blob = writeDtb(smallTree(), { bootCpuId: 1, version, reserveSlots: 2 });
      const tree = readOk(blob, `v${version}`);
      expect(writeDtb(tree, { bootCpuId: 1, version, reserveSlots: 2 })).toEqual(blob);
      const dev = tree.root.child("soc@1000")!.child("dev")!;
      expect(dev.property("name")?.value.bytes).toEqual(version < 16 ? str("dev") : undefined);
      expect(tree.memreserves.map((r) => r.size)).toEqual([0x2000n]);
      expect(tree.bootCpuId).toBe(version >= 2 ? 1 : 0);
    }
  });

  it("writes the long node name quirk of old versions (name property of a node named @x)", () => {
    const root = new DtNode("");
    root.appendChild(new DtNode("@12"));
    const blob = writeDtb(new DeviceTree(root), { bootCpuId: 0, version: 3 });
    const tree = readOk(blob);
    // dtc declares 1 byte but writes the whole name: the reader sees a 1-byte value.
    expect(tree.root.child("@12")!.property("name")!.value.bytes).toEqual(new Uint8Array([0x40]));
  });

  it("walks a 10,000-deep tree without recursion", () => {
    const root = new DtNode("");
    let n = root;
    for (let i = 0; i < 10_000; i++) {
      const c = new DtNode(`n${i}`);
      n.appendChild(c);
      n = c;
    }
    const blob = writeDtb(new DeviceTree(root), { bootCpuId: 0 });
    const tree = readOk(blob);
    let depth = 0;
    for (let c = tree.root; c.children.length > 0; c = c.children[0]!) depth++;
    expect(depth).toBe(10_000);
    expect(writeDtb(tree, { bootCpuId: 0 })).toEqual(blob);
  });
});

describe.skipIf(!HAS_SHARED || !HAS_DTC)("writeDtb options against dtc", () => {
  const blobs = ["test_tree1", "boot-cpuid", "fdtdump"].map((id) => join(SHARED, "dtc-tests/results", `${id}.dtb`));
  const cases: [string, string[], Parameters<typeof writeDtb>[1]][] = [
    ["-V 16", ["-V", "16"], { bootCpuId: -1, version: 16 }],
    ["-V 3", ["-V", "3"], { bootCpuId: -1, version: 3 }],
    ["-V 2", ["-V", "2"], { bootCpuId: -1, version: 2 }],
    ["-V 1", ["-V", "1"], { bootCpuId: -1, version: 1 }],
    ["-R 3", ["-R", "3"], { bootCpuId: -1, reserveSlots: 3 }],
    ["-S 8192", ["-S", "8192"], { bootCpuId: -1, minSize: 8192 }],
    ["-p 123", ["-p", "123"], { bootCpuId: -1, padding: 123 }],
    ["-a 64", ["-a", "64"], { bootCpuId: -1, align: 64 }],
    ["-S 3000 -a 16", ["-S", "3000", "-a", "16"], { bootCpuId: -1, minSize: 3000, align: 16 }],
    ["-p 7 -a 16", ["-p", "7", "-a", "16"], { bootCpuId: -1, padding: 7, align: 16 }],
    ["-b 7", ["-b", "7"], { bootCpuId: 7 }],
  ];
  for (const path of blobs) {
    it.each(cases)(`${path.split("/").pop()} %s`, (_name, flags, options) => {
      const tree = readOk(readFileSync(path), path);
      const opts = { ...options, bootCpuId: options.bootCpuId === -1 ? tree.bootCpuId ?? 0 : options.bootCpuId };
      const expected = dtc(["-q", "-f", "-I", "dtb", "-O", "dtb", ...flags, path]);
      expect(Buffer.from(writeDtb(tree, opts)).equals(expected)).toBe(true);
    });
  }
});
