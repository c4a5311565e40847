// Deterministic mutations for robustness testing: a seeded PRNG, text mutations that keep
// sources near-valid (so they reach deep into the parser and tree builder), and blob corruptions
// aimed at the FDT header and block boundaries.

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const dictionary = [
  "/dts-v1/;", "/plugin/;", "/memreserve/", "/bits/ 8", "/bits/ 64", "/bits/ 7", "/delete-node/", "/delete-property/",
  "/omit-if-no-ref/", "/include/ \"nonexistent.dtsi\"", "/incbin/(\"nonexistent.bin\")", "&{/}", "&{/nonexistent}",
  "&nolabel", "&{lbl/x}", "lbl:", "{", "}", "};", "<", ">", "[", "]", "(", ")", "(1/0)", "(1%0)", "((((((1))))))",
  "(1 << 64)", "(-1)", "0xffffffffffffffff", "0x10000000000000000", "09", "'\\x'", "''", "'ab'", "\"\\x\"", "\"unterminated",
  "/*", "*/", "//", "\\", "#", "# 1 \"x.dts\"", "#line 5 \"y\"", "@", "@@", ",", ";", "=", "\u00e9", "\u0000", "\t", "\n",
  "phandle = <0>;", "phandle = <0xffffffff>;", "linux,phandle = <1>;", "iommus = <&nolabel 1>;", "#iommu-cells = <1>;",
  "#address-cells = <3>;", "reg = <1 2 3>;", "status = \"disabled\";", "name = \"x\";",
];

export function mutateText(src: string, rng: Rng): string {
  const n = 1 + rng.int(3);
  let s = src;
  for (let k = 0; k < n; k++) {
    const i = rng.int(s.length + 1);
    const len = 1 + rng.int(Math.min(64, Math.max(1, s.length - i)));
    switch (rng.int(8)) {
      case 0: s = s.slice(0, i) + s.slice(i + len); break; // delete a range
      case 1: s = s.slice(0, i) + s.slice(i, i + len) + s.slice(i); break; // duplicate a range
      case 2: s = s.slice(0, i) + rng.pick(dictionary) + s.slice(i); break; // insert a token
      case 3: s = s.slice(0, i) + String.fromCharCode(rng.int(256)) + s.slice(i + 1); break; // replace a byte
      case 4: s = s.slice(0, i); break; // truncate
      case 5: { // swap two ranges
        const j = rng.int(s.length + 1);
        const [a, b] = i < j ? [i, j] : [j, i];
        s = s.slice(0, a) + s.slice(b, b + len) + s.slice(a + len, b) + s.slice(a, a + len) + s.slice(b + len);
        break;
      }
      case 6: s = s.slice(0, i) + "n{".repeat(50 + rng.int(500)) + s.slice(i); break; // deep, unclosed nesting
      default: s = s.slice(0, i) + String(rng.int(1 << 30)) + s.slice(i); break; // a stray number
    }
  }
  return s;
}

const boundary = [0, 1, 3, 4, 7, 8, 0x27, 0x28, 0x38, 0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffc, 0xffffffff];

export function corruptBlob(blob: Uint8Array, rng: Rng): Uint8Array {
  let b = new Uint8Array(blob);
  const view = () => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = 1 + rng.int(3);
  for (let k = 0; k < n; k++) {
    switch (rng.int(7)) {
      case 0: { // a header field gets a boundary or random value
        if (b.length < 40) break;
        const field = rng.int(10) * 4;
        view().setUint32(field, rng.int(2) ? rng.pick(boundary) : rng.int(b.length * 2 + 1) >>> 0);
        break;
      }
      case 1: b = b.slice(0, rng.int(b.length + 1)); break; // truncate
      case 2: for (let f = 0; f < 1 + rng.int(8); f++) if (b.length) b[rng.int(b.length)] ^= 1 << rng.int(8); break; // flip bits
      case 3: { // overwrite an aligned word in the struct area with a token or boundary
        if (b.length < 8) break;
        const off = (rng.int(b.length >> 2) << 2) >>> 0;
        if (off + 4 <= b.length) view().setUint32(off, rng.int(2) ? 1 + rng.int(9) : rng.pick(boundary));
        break;
      }
      case 4: { // grow with garbage (QEMU-style padding or junk)
        const extra = new Uint8Array(rng.int(256));
        for (let i = 0; i < extra.length; i++) extra[i] = rng.int(2) ? 0 : rng.int(256);
        const grown = new Uint8Array(b.length + extra.length);
        grown.set(b);
        grown.set(extra, b.length);
        b = grown;
        break;
      }
      case 5: { // clear the NUL terminators of a range (unterminated names/strings)
        const i = rng.int(b.length + 1);
        for (let j = i; j < Math.min(b.length, i + 64); j++) if (b[j] === 0) b[j] = 0x41;
        break;
      }
      default: { // remove FDT_END (struct block that never ends)
        for (let off = b.length - 4; off >= 0; off -= 4) {
          if (view().getUint32(off) === 9) {
            view().setUint32(off, 4); // FDT_NOP
            break;
          }
        }
      }
    }
  }
  return b;
}
