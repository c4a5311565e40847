// Trees built in code for the check tests: each node and property gets its own line in a
// synthetic source file, so a diagnostic's line says which item it was attached to.
import { DiagnosticSink, SourceFile, span, type Diagnostic, type Span } from "../../src/source/index.ts";
import { DeviceTree, DtNode, DtProperty, PropertyValue, type Marker } from "../../src/tree/model.ts";
import { runChecks, type CheckOverride } from "../../src/checks/index.ts";

const LINES = 100_000;
export const file = new SourceFile("t.dts", "x\n".repeat(LINES));
let nextLine = 0;

/** A fresh one-character span on its own line; `lineOf` maps it back. */
export function freshSpan(): Span {
  const line = nextLine++ % LINES;
  return span(file, line * 2, line * 2 + 1);
}

export function lineOf(s: Span | undefined): number {
  return s ? s.file.positionAt(s.start).line : 0;
}

export type Value = PropertyValue | Uint8Array | string | number[] | undefined;

/** Cells, with `{ ref }` entries becoming phandle references (0xffffffff until resolved). */
export function cells(...items: (number | { ref: string })[]): PropertyValue {
  const bytes = new Uint8Array(items.length * 4);
  const markers: Marker[] = [{ kind: "type", offset: 0, type: "u32" }];
  const view = new DataView(bytes.buffer);
  items.forEach((it, i) => {
    if (typeof it === "number") view.setUint32(i * 4, it >>> 0);
    else {
      view.setUint32(i * 4, 0xffffffff);
      markers.push({ kind: "phandleRef", offset: i * 4, ref: it.ref, span: freshSpan() });
    }
  });
  return new PropertyValue(bytes, markers);
}

/** NUL-terminated strings, concatenated. */
export function strings(...ss: string[]): PropertyValue {
  const text = ss.map((s) => s + "\0").join("");
  return new PropertyValue(Uint8Array.from(Buffer.from(text, "latin1")), [{ kind: "type", offset: 0, type: "string" }]);
}

export function bytes(...bs: number[]): PropertyValue {
  return new PropertyValue(Uint8Array.from(bs), [{ kind: "type", offset: 0, type: "bytes" }]);
}

function toValue(v: Value): PropertyValue {
  if (v === undefined) return PropertyValue.empty();
  if (v instanceof PropertyValue) return v;
  if (typeof v === "string") return strings(v);
  if (Array.isArray(v)) return cells(...v);
  return new PropertyValue(v, []);
}

export interface NodeSpec {
  labels?: string[];
  props?: [string, Value, string[]?][];
  children?: [string, NodeSpec][];
  /** Extra definitions (merged blocks). */
  extraSpans?: number;
}

export function prop(name: string, v: Value, labels: string[] = []): DtProperty {
  return new DtProperty(name, toValue(v), labels, freshSpan());
}

/** Builds the tree without recursion, so deep specs work too. */
export function node(name: string, spec: NodeSpec): DtNode {
  const root = new DtNode(name);
  const work: [DtNode, NodeSpec][] = [[root, spec]];
  while (work.length > 0) {
    const [n, s] = work.pop()!;
    n.spans.push(freshSpan());
    for (let i = 0; i < (s.extraSpans ?? 0); i++) n.spans.push(freshSpan());
    n.labels = s.labels ?? [];
    for (const [pn, v, labels] of s.props ?? []) n.appendProperty(prop(pn, v, labels));
    for (const [cn, cs] of s.children ?? []) {
      const c = new DtNode(cn);
      n.appendChild(c);
      work.push([c, cs]);
    }
  }
  return root;
}

export function tree(spec: NodeSpec, plugin = false): DeviceTree {
  const t = new DeviceTree(node("", spec));
  t.plugin = plugin;
  return t;
}

export interface Run {
  errors: boolean;
  items: Diagnostic[];
  /** `CODE path-and-message` lines, in order, for compact assertions. */
  lines: string[];
}

export function run(t: DeviceTree, overrides: CheckOverride[] = [], quiet = 0): Run {
  const sink = new DiagnosticSink();
  const { errors } = runChecks(t, { phandleFormat: "epapr", symbols: false, overrides, quiet }, sink);
  return { errors, items: sink.items, lines: sink.items.map((d) => `${d.code} ${d.message}`) };
}

/** Only the messages of the given checks. */
export function linesOf(r: Run, ...codes: string[]): string[] {
  return r.items.filter((d) => codes.includes(d.code)).map((d) => d.message);
}

export const W = (name: string, enable = true): CheckOverride => ({ name, kind: "warning", enable });
export const E = (name: string, enable = true): CheckOverride => ({ name, kind: "error", enable });
