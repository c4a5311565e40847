// Layout help for dot. Left alone, dot puts every node without edges on one rank: a board with 60
// groups becomes one row 60 boxes wide. Here each piece of the picture is a Block (its DOT lines,
// its top and bottom nodes and an estimated size in inches), and blocks are stacked into columns
// with invisible edges from the bottom of one to the top of the next (dot's ranks then run down
// each column), with the number of columns chosen so the whole comes out near a target aspect.

export interface Block {
  readonly lines: readonly string[];
  /** Nodes that must sit below whatever is stacked above this block. */
  readonly tops: readonly string[];
  /** Nodes that whatever is stacked below must sit under. */
  readonly bottoms: readonly string[];
  readonly w: number;
  readonly h: number;
}

/** Inches per character of 10pt Helvetica (a bold name is wider than the average). */
const CHAR = 0.078;
const NODESEP = 0.18;
const RANKSEP = 0.22;
export const GRAPH_SPACING = { nodesep: NODESEP, ranksep: RANKSEP } as const;

/** Estimated size of a node whose label has these lines (the first one bold 10pt, the rest 8pt). */
export function nodeSize(lines: readonly string[]): { w: number; h: number } {
  const widest = Math.max(...lines.map((l, i) => l.length * (i === 0 ? CHAR : CHAR * 0.8)));
  return { w: Math.max(1.0, widest + 0.25), h: 0.2 + 0.16 * lines.length };
}

export function nodeBlock(id: string, line: string, size: { w: number; h: number }): Block {
  return { lines: [line], tops: [id], bottoms: [id], ...size };
}

/** A cluster around a block: its size grows by the border and the title. */
export function clusterBlock(name: string, attrs: readonly string[], inner: Block, titleChars: number): Block {
  return {
    lines: [`subgraph ${name} {`, ...attrs.map((a) => `  ${a};`), ...inner.lines.map((l) => `  ${l}`), "}"],
    tops: inner.tops,
    bottoms: inner.bottoms,
    w: Math.max(inner.w + 0.25, titleChars * CHAR * 0.9 + 0.3),
    h: inner.h + 0.45,
  };
}

/** Splits blocks (in order) into `columns` runs of about equal height. */
function split(blocks: readonly Block[], columns: number): Block[][] {
  const total = blocks.reduce((s, b) => s + b.h, 0);
  const target = total / columns;
  const out: Block[][] = [[]];
  let height = 0;
  blocks.forEach((b, k) => {
    const left = blocks.length - k;
    const colsLeft = columns - out.length;
    if (out.at(-1)!.length > 0 && colsLeft > 0 && (height + b.h / 2 > target || left <= colsLeft)) {
      out.push([]);
      height = 0;
    }
    out.at(-1)!.push(b);
    height += b.h + RANKSEP;
  });
  return out;
}

function sizeOf(cols: readonly Block[][]): { w: number; h: number } {
  const w = cols.reduce((s, c) => s + Math.max(...c.map((b) => b.w)), 0) + NODESEP * (cols.length - 1);
  const h = Math.max(...cols.map((c) => c.reduce((s, b) => s + b.h, 0) + RANKSEP * (c.length - 1)));
  return { w, h };
}

/** The column count (1..blocks) whose estimated width/height is nearest `aspect`. */
export function bestColumns(blocks: readonly Block[], aspect: number): number {
  let best = 1;
  let bestScore = Infinity;
  for (let c = 1; c <= Math.min(blocks.length, 40); c++) {
    const { w, h } = sizeOf(split(blocks, c));
    const score = Math.abs(Math.log(w / h / aspect));
    if (score < bestScore - 1e-9) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Stacks blocks into columns near `aspect` (width/height). Consecutive blocks of a column are
 * chained bottom -> top with invisible edges; a point node (`hub`) joins them when a direct
 * chain would need many edges. Hubs are declared in the caller's subgraph (they are in `lines`).
 */
export function stack(blocks: readonly Block[], aspect: number, hubPrefix: string): Block {
  return chain(blocks, bestColumns(blocks, aspect), hubPrefix);
}

/** One block under the other, in order. */
export function column(blocks: readonly Block[], hubPrefix: string): Block {
  return chain(blocks, 1, hubPrefix);
}

function chain(blocks: readonly Block[], columns: number, hubPrefix: string): Block {
  if (blocks.length === 0) return { lines: [], tops: [], bottoms: [], w: 0, h: 0 };
  const cols = split(blocks, columns);
  const lines: string[] = [];
  for (const b of blocks) lines.push(...b.lines);
  let hubs = 0;
  for (const col of cols) {
    for (let k = 1; k < col.length; k++) {
      const above = col[k - 1]!;
      const below = col[k]!;
      if (above.bottoms.length * below.tops.length <= 4) {
        for (const a of above.bottoms) for (const b of below.tops) lines.push(`${a} -> ${b} [style=invis];`);
        continue;
      }
      const hub = `${hubPrefix}h${hubs++}`;
      lines.push(`${hub} [shape=point, style=invis, width=0, height=0, label=""];`);
      for (const a of above.bottoms) lines.push(`${a} -> ${hub} [style=invis];`);
      for (const b of below.tops) lines.push(`${hub} -> ${b} [style=invis];`);
    }
  }
  return {
    lines,
    tops: cols.flatMap((c) => c[0]!.tops),
    bottoms: cols.flatMap((c) => c.at(-1)!.bottoms),
    ...sizeOf(cols),
  };
}

/** Blocks side by side on the same ranks (no chaining): the members of a group, say. */
export function row(blocks: readonly Block[]): Block {
  return {
    lines: blocks.flatMap((b) => b.lines),
    tops: blocks.flatMap((b) => b.tops),
    bottoms: blocks.flatMap((b) => b.bottoms),
    w: blocks.reduce((s, b) => s + b.w, 0) + NODESEP * Math.max(0, blocks.length - 1),
    h: Math.max(0, ...blocks.map((b) => b.h)),
  };
}

/** Row-major grid: `perRow` blocks side by side on each rank, rows one under the other. */
export function grid(blocks: readonly Block[], perRow: number, hubPrefix: string): Block {
  const rows: Block[] = [];
  for (let k = 0; k < blocks.length; k += perRow) rows.push(row(blocks.slice(k, k + perRow)));
  return column(rows, hubPrefix);
}
