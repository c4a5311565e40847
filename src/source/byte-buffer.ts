// A growable big-endian byte buffer: what dtc's `struct data` appends do, without re-copying on
// every append (capacity doubles). The tree builder assembles property values in one (reusing it:
// `length = 0` empties it), and the DTB writer assembles the blob's blocks.

export class ByteBuffer {
  private buf: Uint8Array;
  /** Bytes written so far; set it to 0 to reuse the buffer. */
  length = 0;

  constructor(initialCapacity = 64) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  private reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v & 0xff;
  }

  /** Appends the low `bits` bits of `v` (8, 16, 32 or 64), big-endian. */
  integer(v: bigint, bits: number): void {
    if (bits === 64) {
      this.u32(Number((v >> 32n) & 0xffffffffn));
      this.u32(Number(v & 0xffffffffn));
    } else {
      this.uint(Number(v & ((1n << BigInt(bits)) - 1n)), bits);
    }
  }

  /** Appends a non-negative number below 2^bits (bits 8, 16 or 32), big-endian. */
  uint(v: number, bits: number): void {
    if (bits === 32) this.u32(v);
    else if (bits === 16) {
      this.reserve(2);
      this.buf[this.length++] = (v >>> 8) & 0xff;
      this.buf[this.length++] = v & 0xff;
    } else this.byte(v);
  }

  u32(v: number): void {
    this.reserve(4);
    const b = this.buf;
    let n = this.length;
    b[n++] = (v >>> 24) & 0xff;
    b[n++] = (v >>> 16) & 0xff;
    b[n++] = (v >>> 8) & 0xff;
    b[n++] = v & 0xff;
    this.length = n;
  }

  /** Appends a 64-bit value (wrapped to uint64), big-endian. */
  u64(v: bigint): void {
    this.integer(BigInt.asUintN(64, v), 64);
  }

  bytes(src: ArrayLike<number>): void {
    this.reserve(src.length);
    if (src instanceof Uint8Array) this.buf.set(src, this.length);
    else for (let i = 0; i < src.length; i++) this.buf[this.length + i] = src[i]! & 0xff;
    this.length += src.length;
  }

  /** Appends the char codes of a latin1 string (one byte each) and, if asked, a NUL terminator. */
  latin1(s: string, terminate = false): void {
    this.reserve(s.length + 1);
    const b = this.buf;
    let n = this.length;
    for (let i = 0; i < s.length; i++) b[n++] = s.charCodeAt(i) & 0xff;
    if (terminate) b[n++] = 0;
    this.length = n;
  }

  zeroes(count: number): void {
    if (count <= 0) return;
    this.reserve(count);
    this.buf.fill(0, this.length, this.length + count);
    this.length += count;
  }

  /** Pads with zero bytes to a multiple of `alignment` (relative to this buffer's start). */
  align(alignment: number): void {
    const rem = this.length % alignment;
    if (rem !== 0) this.zeroes(alignment - rem);
  }

  /** Copies the contents into `dest` (at least `length` long). */
  copyTo(dest: Uint8Array): void {
    dest.set(this.buf.subarray(0, this.length));
  }

  /** A copy of the written bytes. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
