// Output helpers. Boards reach 70+ MB (200,000 devices), so text is collected as an array of
// lines and joined once at the end: no repeated concatenation of a growing string.

/**
 * Collects output lines; `join()` gives the file text with a final newline. Lines are folded into
 * chunk strings every few thousand, so a 70 MB board is a few thousand strings, not millions.
 */
export class Lines {
  private readonly chunks: string[] = [];
  private current: string[] = [];

  push(line: string): void {
    this.current.push(line);
    if (this.current.length >= 4096) this.flush();
  }

  private flush(): void {
    if (this.current.length === 0) return;
    this.chunks.push(this.current.join("\n"));
    this.current = [];
  }

  /** Reserves a line to be filled in later (e.g. `/aliases`, which names devices emitted after it). */
  reserve(): number {
    this.flush();
    this.chunks.push("");
    return this.chunks.length - 1;
  }

  fill(at: number, text: string): void {
    this.chunks[at] = text;
  }

  join(): string {
    this.flush();
    return this.chunks.join("\n") + "\n";
  }
}

/** `0x…` in lower case, as kernel sources write cells. */
export function hex(n: number): string {
  return "0x" + n.toString(16);
}

/** The two 32-bit cells of a 64-bit address or size below 2^53. */
export function cells64(n: number): [hi: number, lo: number] {
  const hi = Math.floor(n / 4294967296);
  return [hi, n - hi * 4294967296];
}

/** `<0xhi 0xlo>`-style text of a 64-bit value as two cells (no brackets). */
export function cellPair(n: number): string {
  const [hi, lo] = cells64(n);
  return `${hex(hi)} ${hex(lo)}`;
}

/** The unit address dtc's simple_bus_reg expects for a 2-cell address: `%llx` of the value. */
export function unitAddress(n: number): string {
  return n.toString(16);
}
