// Plain-text tables: every column padded to its widest cell (display width = string length: the
// cells are ASCII names, numbers and kernel words), columns separated by two spaces, no trailing
// blanks. Shared by the table view, compare, verify and batch.

export interface AlignOptions {
  /** Columns whose cells are right-aligned (numbers). */
  readonly right?: ReadonlySet<number>;
  /** Put before every line. */
  readonly indent?: string;
}

/** One line per row. Rows may be shorter than the widest one (missing cells are empty). */
export function alignRows(rows: readonly (readonly string[])[], options: AlignOptions = {}): string[] {
  const widths: number[] = [];
  for (const row of rows) for (let c = 0; c < row.length; c++) widths[c] = Math.max(widths[c] ?? 0, row[c]!.length);
  const indent = options.indent ?? "";
  const right = options.right;
  return rows.map((row) => {
    let line = "";
    for (let c = 0; c < row.length; c++) {
      const cell = row[c]!;
      const last = c === row.length - 1;
      const padded = right?.has(c) ? cell.padStart(widths[c]!) : last ? cell : cell.padEnd(widths[c]!);
      line += (c > 0 ? "  " : "") + padded;
    }
    return indent + line.trimEnd();
  });
}

/** `[0x1, 0x2]`-style hex list; empty list -> "-". */
export function hexList(values: readonly number[]): string {
  return values.length === 0 ? "-" : values.map((v) => `0x${v.toString(16)}`).join(",");
}
