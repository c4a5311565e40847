// YAML side inputs through the `yaml` package (eemeli/yaml, YAML 1.2): the value, and the offsets
// of every node by JSON pointer so that schema errors can point at their line and column like the
// JSON inputs do (src/graph/json-input.ts).
import { isMap, isScalar, isSeq, parseDocument, type Node } from "yaml";
import { SourceFile, span, type DiagnosticSink } from "../source/index.ts";

export interface YamlInput {
  readonly value: unknown;
  /** JSON pointer ("" = the document) -> [start, end) of the node's value. */
  readonly offsets: ReadonlyMap<string, { start: number; end: number }>;
  /** Scalars as written (pointer -> source text), for fields whose YAML type is misleading. */
  readonly sources: ReadonlyMap<string, string>;
}

const esc = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");

/** Parses YAML text; syntax errors go to `sink` with `code` at their position. */
export function parseYamlInput(text: string, fileName: string, code: string, sink: DiagnosticSink): YamlInput | undefined {
  const file = new SourceFile(fileName, text);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) sink.error(code, `invalid YAML: ${e.message.split("\n")[0]}`, span(file, e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)));
    return undefined;
  }
  const offsets = new Map<string, { start: number; end: number }>();
  const sources = new Map<string, string>();
  // Iterative walk: a deep document must not overflow the stack.
  const stack: { node: Node | null; pointer: string }[] = [{ node: doc.contents as Node | null, pointer: "" }];
  while (stack.length > 0) {
    const { node, pointer } = stack.pop()!;
    if (!node) continue;
    if (node.range) offsets.set(pointer, { start: node.range[0], end: node.range[1] });
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        stack.push({ node: pair.value as Node | null, pointer: `${pointer}/${esc(key)}` });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item as Node | null, pointer: `${pointer}/${i}` }));
    } else if (isScalar(node) && node.source !== undefined) {
      sources.set(pointer, node.source);
    }
  }
  let value: unknown;
  try {
    // maxAliasCount bounds alias expansion ("billion laughs").
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    sink.error(code, `invalid YAML: ${(e as Error).message}`, span(file, 0, 1));
    return undefined;
  }
  return { value, offsets, sources };
}
