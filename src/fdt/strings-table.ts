// The DTB strings block as dtc builds it: a property name reuses the first place in the table
// where that name followed by NUL already occurs (so `size-cells` reuses the tail of
// `#size-cells`), otherwise it is appended. Names are inserted in first-use order.
//
// Every occurrence of "name\0" ends at the NUL of some inserted string and, containing no NUL
// itself, is a suffix of that string. Indexing every suffix of each appended string at its
// offset (first one wins, offsets only grow) therefore answers dtc's `memmem` search in O(1).

export class StringsTable {
  private readonly chunks: string[] = [];
  private size = 0;
  private readonly offsets = new Map<string, number>();

  /** Offset of `name` in the table, appending it if no existing string ends with it. */
  insert(name: string): number {
    const found = this.offsets.get(name);
    if (found !== undefined) return found;
    const at = this.size;
    this.chunks.push(name);
    this.size += name.length + 1;
    for (let k = 0; k <= name.length; k++) {
      const suffix = k === 0 ? name : name.slice(k);
      if (!this.offsets.has(suffix)) this.offsets.set(suffix, at + k);
    }
    return at;
  }

  get length(): number {
    return this.size;
  }

  /** The table as latin1 text with NUL terminators (what the strings block holds). */
  text(): string {
    return this.chunks.length === 0 ? "" : this.chunks.join("\0") + "\0";
  }
}
