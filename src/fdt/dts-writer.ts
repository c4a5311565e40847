// DeviceTree -> DTS text as `dtc -O dts` writes it (treesource.c dt_to_source): tab indentation,
// labels before names, a blank line before each subnode, memreserves in full 64-bit hex.
import type { Span } from "../source/index.ts";
import type { DeviceTree, DtNode, DtProperty, MemReserveEntry } from "../tree/model.ts";
import { annotation, type AnnotationOptions } from "./annotations.ts";
import { formatPropertyValue } from "./dts-value.ts";
import type { DtsDialect } from "./dts-value.ts";

export type { DtsDialect } from "./dts-value.ts";

export interface DtsWriteOptions {
  /** As `dtc -s`: memreserves by (address, size), properties and subnodes by name. */
  readonly sortedLike?: boolean;
  /**
   * Which dtc's output to reproduce: "1.8.1" (default; the current language) or "1.6.1" (the
   * Debian dtc installed as the oracle, whose output does not round-trip types and references).
   */
  readonly dialect?: DtsDialect;
  /** `-T`: source positions as comments (see ./annotations.ts). */
  readonly annotate?: AnnotationOptions;
}

/** strcmp order: latin1 strings compare by char code, which is unsigned byte order. */
const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function byReserve(a: MemReserveEntry, b: MemReserveEntry): number {
  if (a.address !== b.address) return a.address < b.address ? -1 : 1;
  if (a.size !== b.size) return a.size < b.size ? -1 : 1;
  return 0;
}

function live<T extends { deleted: boolean }>(items: readonly T[]): T[] {
  return items.filter((x) => !x.deleted);
}

function labelsText(labels: readonly string[]): string {
  let s = "";
  for (const l of labels) s += `${l}: `;
  return s;
}

function hex64(v: bigint): string {
  return "0x" + BigInt.asUintN(64, v).toString(16).padStart(16, "0");
}

/**
 * dtc's `-O dts` output for the tree, handed to `emit` piece by piece: the text of a deep tree is
 * quadratic in its depth (each line is indented by its level), too much for one string.
 */
export function emitDts(tree: DeviceTree, options: DtsWriteOptions, emit: (text: string) => void): void {
  const dialect = options.dialect ?? "1.8.1";
  const sorted = options.sortedLike === true;
  const annotate = options.annotate;
  emit("/dts-v1/;\n");
  if (dialect === "1.8.1" && tree.plugin) emit("/plugin/;\n");
  emit("\n");

  const reserves = sorted ? [...tree.memreserves].sort(byReserve) : tree.memreserves;
  for (const re of reserves) emit(`${labelsText(re.labels)}/memreserve/\t${hex64(re.address)} ${hex64(re.size)};\n`);

  const properties = (n: DtNode): DtProperty[] => (sorted ? live(n.properties).sort(byName) : live(n.properties));
  const children = (n: DtNode): DtNode[] => (sorted ? live(n.children).sort(byName) : live(n.children));
  const noSpans: readonly Span[] = [];
  const note = (spans: readonly Span[], first: boolean) => (annotate ? annotation(spans, first, annotate) : "");

  // Explicit stack: each frame is a node whose head is written and whose children are pending.
  interface Frame {
    readonly node: DtNode;
    readonly level: number;
    readonly kids: DtNode[];
    next: number;
  }
  const stack: Frame[] = [];
  const open = (node: DtNode, level: number): void => {
    const indent = "\t".repeat(level);
    emit(`${indent}${labelsText(node.labels)}${node.name === "" ? "/" : node.name} {${note(node.spans, true)}\n`);
    for (const prop of properties(node)) {
      const span = prop.span;
      emit(`${indent}\t${labelsText(prop.labels)}${prop.name}${formatPropertyValue(prop.value, dialect)}${note(span ? [span] : noSpans, true)}\n`);
    }
    stack.push({ node, level, kids: children(node), next: 0 });
  };
  open(tree.root, 0);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.kids.length) {
      emit("\n");
      open(top.kids[top.next++]!, top.level + 1);
    } else {
      emit(`${"\t".repeat(top.level)}};${note(top.node.spans, false)}\n`);
      stack.pop();
    }
  }
}

/** dtc's `-O dts` output for the tree, as one string (for trees of ordinary depth). */
export function writeDts(tree: DeviceTree, options: DtsWriteOptions = {}): string {
  const out: string[] = [];
  emitDts(tree, options, (t) => out.push(t));
  return out.join("");
}

/** The output would be larger than the limit given to writeDtsBytes. */
export class OutputTooLarge extends Error {
  override name = "OutputTooLarge";
}

/**
 * dtc's `-O dts` output as latin1 bytes, gathered in blocks (never one string), at most
 * `maxBytes` of them (OutputTooLarge past that).
 */
export function writeDtsBytes(tree: DeviceTree, options: DtsWriteOptions, maxBytes: number): Uint8Array {
  const out = new BlockWriter(maxBytes);
  emitDts(tree, options, (t) => out.text(t));
  return out.finish();
}

/** Text gathered into 64 KiB latin1 blocks. */
export class BlockWriter {
  private readonly blocks: Buffer[] = [];
  private pending: string[] = [];
  private pendingLength = 0;
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  text(t: string): void {
    this.pending.push(t);
    this.pendingLength += t.length;
    if (this.pendingLength >= 65536) this.flush();
  }

  private flush(): void {
    if (this.pendingLength === 0) return;
    this.total += this.pendingLength;
    if (this.total > this.maxBytes) throw new OutputTooLarge(`output larger than ${this.maxBytes} bytes`);
    this.blocks.push(Buffer.from(this.pending.join(""), "latin1"));
    this.pending = [];
    this.pendingLength = 0;
  }

  finish(): Uint8Array {
    this.flush();
    return Buffer.concat(this.blocks, this.total);
  }
}
