// A growable big-endian byte buffer: what dtc's `struct data` appends do, without re-copying the
// whole blob on every append (capacity doubles).

export class ByteBuffer {
  private buf: Uint8Array;
  private len = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.len;
  }

  private reserve(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u32(value: number): void {
    this.reserve(4);
    const b = this.buf;
    const i = this.len;
    b[i] = (value >>> 24) & 0xff;
    b[i + 1] = (value >>> 16) & 0xff;
    b[i + 2] = (value >>> 8) & 0xff;
    b[i + 3] = value & 0xff;
    this.len += 4;
  }

  u64(value: bigint): void {
    const v = BigInt.asUintN(64, value);
    this.u32(Number(v >> 32n));
    this.u32(Number(v & 0xffffffffn));
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** Appends a latin1 string (one byte per char code) and, if asked, its NUL terminator. */
  latin1(text: string, terminate: boolean): void {
    this.reserve(text.length + 1);
    const b = this.buf;
    let i = this.len;
    for (let k = 0; k < text.length; k++) b[i++] = text.charCodeAt(k) & 0xff;
    if (terminate) b[i++] = 0;
    this.len = i;
  }

  zeroes(count: number): void {
    if (count <= 0) return;
    this.reserve(count);
    this.buf.fill(0, this.len, this.len + count);
    this.len += count;
  }

  /** Pads with zero bytes to a multiple of `alignment` (relative to this buffer's start). */
  align(alignment: number): void {
    const rem = this.len % alignment;
    if (rem !== 0) this.zeroes(alignment - rem);
  }

  /** A copy of the written bytes. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
