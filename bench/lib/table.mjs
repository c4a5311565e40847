// Markdown tables: readable in a terminal and pasteable into docs/performance.md as they are.

export function renderTable(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c ?? "")));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(cells[0]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.slice(1).map(line)].join("\n");
}

/** Prints a section heading, a table and optional notes; also returns the text for the results file. */
export function printSection(title, headers, rows, notes = []) {
  const text = [`## ${title}`, "", renderTable(headers, rows), ...(notes.length ? ["", ...notes.map((n) => `- ${n}`)] : []), ""].join("\n");
  process.stdout.write(text + "\n");
  return text;
}
