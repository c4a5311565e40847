// The accessors' fast paths (address translation in doubles, byte-level reads, per-value caches)
// against plain BigInt reference implementations of the kernel rules: the fast paths exist only
// for speed, so every answer must be the one the straightforward walk gives.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compatibleList,
  firstRegCpuAddress,
  firstRegCpuAddressValue,
  isAvailable,
  parsePhandleList,
  PhandleIndex,
  translateAddress,
  BAD_ADDRESS,
} from "../../src/of/index.ts";
import { DtNode, DtProperty, PropertyValue, NO_LABELS } from "../../src/tree/model.ts";

function cellBytes(cells: readonly number[]): Uint8Array {
  const b = new Uint8Array(cells.length * 4);
  cells.forEach((c, i) => new DataView(b.buffer).setUint32(i * 4, c));
  return b;
}

function setProp(node: DtNode, name: string, value: PropertyValue): void {
  node.appendProperty(new DtProperty(name, value, NO_LABELS, undefined));
}

function setCells(node: DtNode, name: string, cells: readonly number[]): void {
  setProp(node, name, new PropertyValue(cellBytes(cells)));
}

function setString(node: DtNode, name: string, text: string): void {
  setProp(node, name, new PropertyValue(Uint8Array.from([...text].map((c) => c.charCodeAt(0)).concat(0))));
}

function child(parent: DtNode, name: string): DtNode {
  const n = new DtNode(name);
  parent.appendChild(n);
  return n;
}

// ---- reference: of_translate_address with BigInt, written from the kernel's rules ----

function u32(node: DtNode, name: string): number | undefined {
  const b = node.property(name)?.value.bytes;
  return b && b.length >= 4 ? new DataView(b.buffer, b.byteOffset).getUint32(0) : undefined;
}

function cells(node: DtNode, name: string): number[] | undefined {
  const b = node.property(name)?.value.bytes;
  if (!b) return undefined;
  const v = new DataView(b.buffer, b.byteOffset);
  return Array.from({ length: b.length >>> 2 }, (_, i) => v.getUint32(i * 4));
}

function inherited(bus: DtNode, name: string): number {
  for (let n: DtNode | null = bus; n; n = n.parent) {
    const v = u32(n, name);
    if (v !== undefined) return v;
  }
  return 1;
}

const num = (c: readonly number[], start: number, count: number) => c.slice(start, start + count).reduce((v, x) => (v << 32n) | BigInt(x), 0n);

function refTranslate(node: DtNode, addr: readonly number[], rangesName: string): bigint {
  let dev = node;
  if (!dev.parent) return BAD_ADDRESS;
  let na = inherited(dev.parent, "#address-cells");
  let ns = inherited(dev.parent, "#size-cells");
  const ok = (a: number, s: number) => a > 0 && a <= 4 && s > 0;
  if (!ok(na, ns)) return BAD_ADDRESS;
  let value = num([...Array(Math.max(0, na - addr.length)).fill(0), ...addr.slice(0, na)], 0, na);
  for (;;) {
    const bus = dev.parent!;
    if (!bus.parent) return value;
    const pna = inherited(bus.parent, "#address-cells");
    const pns = inherited(bus.parent, "#size-cells");
    if (!ok(pna, pns)) return BAD_ADDRESS;
    const ranges = cells(bus, rangesName);
    const mask = (1n << BigInt(32 * pna)) - 1n;
    const pciType = bus.property("device_type") ? new TextDecoder("latin1").decode(bus.property("device_type")!.value.bytes).split("\0")[0] : "";
    const pci = (pciType === "pci" || pciType === "pciex") && na === 3;
    if (!ranges) {
      if (rangesName !== "dma-ranges") return BAD_ADDRESS;
      value &= mask;
    } else if (ranges.length > 0) {
      const stride = na + pna + ns;
      const da = pci ? value & ((1n << 64n) - 1n) : value;
      const space = Number(value >> 64n);
      let next: bigint | undefined;
      for (let i = 0; i + stride <= ranges.length; i += stride) {
        if (pci && ((ranges[i]! ^ space) & 0x03000000) !== 0) continue;
        const cp = pci ? num(ranges, i + 1, 2) : num(ranges, i, na);
        const size = num(ranges, i + na + pna, ns);
        if (da < cp || da >= cp + size) continue;
        next = (num(ranges, i + na, pna) + (da - cp)) & mask;
        break;
      }
      if (next === undefined) return BAD_ADDRESS;
      value = next;
    } else {
      value &= mask;
    }
    dev = bus;
    na = pna;
    ns = pns;
  }
}

// ---- random bus chains ----

/** Cell values around the fast path's limits (2^20 in a high cell, 2^32 - 1) and small ones. */
const cell = fc.oneof(
  fc.integer({ min: 0, max: 16 }),
  fc.constantFrom(0xfffff, 0x100000, 0x1fffff, 0x200000, 0x3fffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe),
  fc.integer({ min: 0, max: 0xffffffff }),
);

interface Level {
  readonly addressCells: number | undefined;
  readonly sizeCells: number | undefined;
  /** undefined: no ranges; []: empty ranges; else entries drawn from `cell`. */
  readonly ranges: number[][] | undefined;
  readonly pci: boolean;
  readonly dmaRanges: number[][] | undefined;
}

const level: fc.Arbitrary<Level> = fc.record({
  addressCells: fc.option(fc.constantFrom(0, 1, 2, 2, 2, 3, 5), { nil: undefined }),
  sizeCells: fc.option(fc.constantFrom(0, 1, 1, 2, 2, 3), { nil: undefined }),
  ranges: fc.option(fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { maxLength: 3 }), { nil: undefined }),
  pci: fc.boolean(),
  dmaRanges: fc.option(fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { maxLength: 3 }), { nil: undefined }),
});

/**
 * A root, a chain of buses from `levels` (outermost first) and a device whose `reg` is `reg`.
 * Range entries are stretched or cut to the level's real stride, and an entry whose child base is
 * the address itself (or just below it) is added so that matches are common.
 */
function buildChain(levels: readonly Level[], reg: readonly number[]): DtNode {
  const root = new DtNode("");
  let bus = root;
  const nodes: DtNode[] = [root];
  levels.forEach((l, i) => {
    if (l.addressCells !== undefined) setCells(bus, "#address-cells", [l.addressCells]);
    if (l.sizeCells !== undefined) setCells(bus, "#size-cells", [l.sizeCells]);
    bus = child(bus, `bus@${i}`);
    nodes.push(bus);
  });
  const dev = child(bus, "dev@0");
  setCells(dev, "reg", reg);
  // Now that every level's cell counts are known, give each bus node its ranges.
  for (let i = 1; i < nodes.length; i++) {
    const busNode = nodes[i]!;
    const l = levels[i - 1]!;
    if (l.pci) setString(busNode, "device_type", "pci");
    const na = inherited(busNode, "#address-cells");
    const ns = inherited(busNode, "#size-cells");
    const pna = inherited(busNode.parent!, "#address-cells");
    const stride = na + pna + ns;
    const fit = (entries: number[][] | undefined, hint: readonly number[]): number[] | undefined => {
      if (!entries) return undefined;
      if (entries.length === 0) return [];
      const out: number[] = [];
      for (const e of entries) for (let k = 0; k < stride; k++) out.push(e[k % e.length]!);
      // One more entry whose child base is `hint` (the device's address cells at the innermost
      // bus), parent base from the first entry, size 0x10000.
      const base = [...Array(Math.max(0, na - hint.length)).fill(0), ...hint.slice(0, na)];
      for (let k = 0; k < na; k++) out.push(base[k]!);
      for (let k = 0; k < pna; k++) out.push(entries[0]![k % entries[0]!.length]!);
      for (let k = 0; k < ns; k++) out.push(k === ns - 1 ? 0x10000 : 0);
      return out;
    };
    const hint = i === nodes.length - 1 ? reg : [];
    const r = fit(l.ranges, hint);
    if (r) setCells(busNode, "ranges", r);
    const d = fit(l.dmaRanges, hint);
    if (d) setCells(busNode, "dma-ranges", d);
  }
  return dev;
}

describe("address translation fast path", () => {
  it("translateAddress and firstRegCpuAddress agree with the BigInt walk on random bus chains", () => {
    fc.assert(
      fc.property(fc.array(level, { minLength: 0, maxLength: 4 }), fc.array(cell, { minLength: 0, maxLength: 6 }), (levels, reg) => {
        const dev = buildChain(levels, reg);
        for (const name of ["ranges", "dma-ranges"]) {
          expect(translateAddress(dev, reg, name)).toBe(refTranslate(dev, reg, name));
          // Fewer cells than #address-cells: zero-padded in front.
          expect(translateAddress(dev, reg.slice(0, 1), name)).toBe(refTranslate(dev, reg.slice(0, 1), name));
        }
        const na = dev.parent ? inherited(dev.parent, "#address-cells") : 1;
        const all = cells(dev, "reg")!;
        const want = all.length === 0 || all.length < na ? undefined : refTranslate(dev, all.slice(0, na), "ranges");
        const expected = want === BAD_ADDRESS ? undefined : want;
        expect(firstRegCpuAddress(dev)).toBe(expected);
        const v = firstRegCpuAddressValue(dev);
        expect(v === undefined ? undefined : BigInt(v)).toBe(expected);
        if (v !== undefined) expect(v.toString(16)).toBe(expected!.toString(16));
      }),
      { numRuns: 3000, seed: 20240601 },
    );
  });

  it("keeps exact values at the 2^52 / 2^53 limits of the double path", () => {
    // soc@0 maps child 0x0 to parent 0x000f_ffff_ffff_0000 (below 2^52): the sum crosses 2^52.
    const root = new DtNode("");
    setCells(root, "#address-cells", [2]);
    setCells(root, "#size-cells", [2]);
    const soc = child(root, "soc@0");
    setCells(soc, "#address-cells", [2]);
    setCells(soc, "#size-cells", [2]);
    setCells(soc, "ranges", [0, 0, 0xfffff, 0xffff0000, 0, 0x20000]);
    const dev = child(soc, "dev@1ffff");
    setCells(dev, "reg", [0, 0x1ffff, 0, 0x10]);
    expect(firstRegCpuAddress(dev)).toBe(0xfffff_ffff0000n + 0x1ffffn);
    expect(translateAddress(dev, [0, 0x1ffff])).toBe(0xfffff_ffff0000n + 0x1ffffn);
    // A 1-cell parent truncates to 32 bits (of_translate_one writes pna cells).
    const narrow = new DtNode("");
    setCells(narrow, "#address-cells", [1]);
    setCells(narrow, "#size-cells", [1]);
    const bus = child(narrow, "bus@0");
    setCells(bus, "#address-cells", [2]);
    setCells(bus, "#size-cells", [1]);
    setCells(bus, "ranges", [0, 0, 0xfffffff0, 0x100]);
    const d = child(bus, "d@20");
    setCells(d, "reg", [0, 0x20, 4]);
    expect(firstRegCpuAddress(d)).toBe(0x10n);
    // Above 2^53 a double rounds 2^53 + 3 to 2^53 + 4: the one-address range at 2^53 + 4 must not match.
    const big = new DtNode("");
    setCells(big, "#address-cells", [1]);
    setCells(big, "#size-cells", [1]);
    const wide = child(big, "bus@0");
    setCells(wide, "#address-cells", [2]);
    setCells(wide, "#size-cells", [1]);
    setCells(wide, "ranges", [0x200000, 4, 0x1000, 1]);
    const far = child(wide, "d@0");
    setCells(far, "reg", [0x200000, 3, 4]);
    expect(firstRegCpuAddress(far)).toBeUndefined();
    expect(translateAddress(far, [0x200000, 4])).toBe(0x1000n);
  });
});

describe("per-value caches and byte-level reads", () => {
  it("compatibleList shares one list between nodes with the same value, and sees a new value", () => {
    const root = new DtNode("");
    const shared = new PropertyValue(Uint8Array.from([...Buffer.from("a,b\0c\0", "latin1")]));
    const x = child(root, "x");
    const y = child(root, "y");
    setProp(x, "compatible", shared);
    setProp(y, "compatible", shared);
    expect(compatibleList(x)).toEqual(["a,b", "c"]);
    expect(compatibleList(y)).toBe(compatibleList(x));
    y.property("compatible")!.value = new PropertyValue(Uint8Array.from([...Buffer.from("d\xe9", "latin1")]));
    expect(compatibleList(y)).toEqual(["d\xe9"]);
    expect(compatibleList(x)).toEqual(["a,b", "c"]);
    expect(compatibleList(child(root, "z"))).toEqual([]);
  });

  it("isAvailable decides once per status value", () => {
    const root = new DtNode("");
    const states: [string | undefined, boolean][] = [[undefined, true], ["okay", true], ["ok", true], ["disabled", false], ["okay\0x", true], ["okayx", false], ["", false]];
    for (const [status, want] of states) {
      for (let k = 0; k < 2; k++) {
        const n = child(root, `n${k}`);
        if (status !== undefined) setString(n, "status", status);
        expect(isAvailable(n)).toBe(want);
      }
    }
  });

  it("parsePhandleList reads entries, args and each error as of_phandle_iterator_next does", () => {
    const root = new DtNode("");
    const iommu = child(root, "iommu");
    iommu.phandle = 1;
    setCells(iommu, "#iommu-cells", [2]);
    const bare = child(root, "bare");
    setCells(bare, "phandle", [2]);
    const dev = child(root, "dev");
    const index = new PhandleIndex(root);
    const parse = (list: number[], defaultCells?: number) => {
      dev.properties.length = 0;
      dev.resetIndexes();
      setCells(dev, "iommus", list);
      return parsePhandleList(index, dev, "iommus", "#iommu-cells", defaultCells);
    };
    expect(parse([1, 7, 0xffffffff, 1, 8, 9])).toEqual({
      entries: [
        { node: iommu, phandle: 1, args: [7, 0xffffffff], index: 0 },
        { node: iommu, phandle: 1, args: [8, 9], index: 1 },
      ],
    });
    expect(parse([1, 7]).error).toEqual({ kind: "truncated", index: 0, target: iommu, expected: 2, found: 1 });
    expect(parse([1, 7, 8, 0]).error).toEqual({ kind: "null-phandle", index: 1 });
    expect(parse([5]).error).toEqual({ kind: "unknown-phandle", index: 0, phandle: 5 });
    expect(parse([2, 3]).error).toEqual({ kind: "missing-cells", index: 0, target: bare, cellsName: "#iommu-cells" });
    expect(parse([2, 1, 3, 4], 0)).toEqual({ entries: [{ node: bare, phandle: 2, args: [], index: 0 }, { node: iommu, phandle: 1, args: [3, 4], index: 1 }] });
    expect(index.cellCount(iommu, "#iommu-cells")).toBe(2);
    expect(index.cellCount(bare, "#iommu-cells")).toBeUndefined();
  });

  it("PhandleIndex takes the first node in pre-order, phandle before linux,phandle", () => {
    const root = new DtNode("");
    const a = child(root, "a");
    const a1 = child(a, "a1");
    setCells(a1, "linux,phandle", [9]);
    const b = child(root, "b");
    setCells(b, "phandle", [9]);
    const c = child(root, "c");
    setCells(c, "phandle", [0]);
    setCells(c, "linux,phandle", [10]);
    const d = child(root, "d");
    d.phandle = 11;
    setCells(d, "phandle", [12]);
    const index = new PhandleIndex(root);
    expect(index.get(9)).toBe(a1);
    expect(index.get(10)).toBe(c);
    expect(index.get(11)).toBe(d);
    expect(index.get(12)).toBeUndefined();
  });
});
