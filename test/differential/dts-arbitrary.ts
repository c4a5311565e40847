// fast-check generators for DTS sources: valid trees exercising labels, references, merges,
// deletes, expressions and every value form, and invalid variants made by small corruptions.
import fc from "fast-check";

const nameChars = "abcdefghijklmnopqrstuvwxyz0123456789,._+-";
const identStart = "abcdefghijklmnopqrstuvwxyz_";

const propName = fc.stringMatching(/^[a-z][a-z0-9,._+-]{0,10}$/);
const nodeBase = fc.stringMatching(/^[a-z][a-z0-9,._+-]{0,8}$/);
const unit = fc.option(fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)), { nil: undefined });

const literal = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }).map((n) => `0x${n.toString(16)}`),
  fc.integer({ min: 0, max: 100000 }).map(String),
  fc.integer({ min: 0, max: 0o7777 }).map((n) => `0${n.toString(8)}`),
  fc.constantFrom("'a'", "'\\n'", "'\\x41'", "'\\''", "'\\0'"),
);

/** Expressions nested at most `depth` deep (fast-check's own generation recurses per level). */
function exprOfDepth(depth: number): fc.Arbitrary<string> {
  if (depth === 0) return literal;
  const sub = exprOfDepth(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: literal },
    { weight: 2, arbitrary: fc.tuple(sub, fc.constantFrom("+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^", "&&", "||", "<", ">", "<=", ">=", "==", "!="), sub).map(([a, op, b]) => `(${a} ${op} ${b})`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom("-", "~", "!"), sub).map(([op, a]) => `(${op}${a})`) },
    { weight: 1, arbitrary: fc.tuple(sub, sub, sub).map(([a, b, c]) => `(${a} ? ${b} : ${c})`) },
  );
}
const expr = exprOfDepth(3);

const cellElement = (labels: string[]) =>
  fc.oneof(
    literal,
    expr.map((e) => (e.startsWith("(") ? e : `(${e})`)),
    ...(labels.length > 0 ? [fc.constantFrom(...labels).map((l) => `&${l}`)] : []),
  );

const stringLit = fc.array(fc.constantFrom("a", "b", " ", "\\n", "\\t", "\\\\", "\\\"", "\\x7f", "\\101", "z"), { maxLength: 8 }).map((p) => `"${p.join("")}"`);
const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }).map((b) => `[${b.map((x) => x.toString(16).padStart(2, "0")).join(" ")}]`);

const value = (labels: string[]) =>
  fc.array(
    fc.oneof(
      stringLit,
      bytes,
      fc.array(cellElement(labels), { maxLength: 5 }).map((c) => `<${c.join(" ")}>`),
      fc.tuple(fc.constantFrom(8, 16, 64), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 })).map(([b, c]) => `/bits/ ${b} <${c.join(" ")}>`),
      ...(labels.length > 0 ? [fc.constantFrom(...labels).map((l) => `&${l}`)] : []),
    ),
    { minLength: 1, maxLength: 3 },
  ).map((parts) => parts.join(", "));

interface NodeSpec {
  name: string;
  label: string | undefined;
  props: [string, string | undefined][];
  children: NodeSpec[];
}

function renderNode(n: NodeSpec, indent: string): string {
  const lines = [`${indent}${n.label ? `${n.label}: ` : ""}${n.name} {`];
  for (const [p, v] of n.props) lines.push(`${indent}\t${p}${v === undefined ? "" : ` = ${v}`};`);
  for (const c of n.children) lines.push(renderNode(c, indent + "\t"));
  lines.push(`${indent}};`);
  return lines.join("\n");
}

/** A valid-looking DTS (dtc may still reject some, e.g. duplicate names: the test compares verdicts). */
export const dtsSource: fc.Arbitrary<string> = fc
  .record({
    labels: fc.uniqueArray(fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/), { maxLength: 5 }),
    seed: fc.integer(),
  })
  .chain(({ labels }) => {
    const label = fc.option(fc.constantFrom(...(labels.length ? labels : ["l0"])), { nil: undefined, freq: 2 });
    const props = fc.uniqueArray(fc.tuple(propName, fc.option(value(labels), { nil: undefined })), { maxLength: 4, selector: (p) => p[0] });
    const nodeOfDepth = (depth: number): fc.Arbitrary<NodeSpec> =>
      fc.record({
        name: fc.tuple(nodeBase, unit).map(([b, u]) => (u === undefined ? b : `${b}@${u}`)),
        label,
        props,
        children: depth === 0 ? fc.constant([]) : fc.array(nodeOfDepth(depth - 1), { maxLength: 3 }),
      });
    const node = nodeOfDepth(3);
    return fc.record({
      children: fc.array(node, { maxLength: 4 }),
      props: fc.uniqueArray(fc.tuple(propName, fc.option(value(labels), { nil: undefined })), { maxLength: 3, selector: (p) => p[0] }),
      overrides: fc.array(fc.tuple(fc.constantFrom(...(labels.length ? labels : ["l0"])), propName, value(labels)), { maxLength: 2 }),
      memreserve: fc.option(fc.tuple(literal, literal), { nil: undefined }),
    });
  })
  .map(({ children, props, overrides, memreserve }) => {
    const root: NodeSpec = { name: "/", label: undefined, props, children };
    const parts = ["/dts-v1/;", ""];
    if (memreserve) parts.push(`/memreserve/ ${memreserve[0]} ${memreserve[1]};`);
    parts.push(renderNode(root, ""));
    for (const [l, p, v] of overrides) parts.push(`&${l} {\n\t${p} = ${v};\n};`);
    return parts.join("\n") + "\n";
  });

/** A source with one small corruption: a dropped, duplicated or replaced character. */
export const corruptedDtsSource: fc.Arbitrary<string> = fc
  .tuple(dtsSource, fc.nat(), fc.constantFrom("drop", "dup", "replace"), fc.constantFrom(...`;{}<>[]()"'&:/=,\\#@ \n0x${nameChars}${identStart}`.split("")))
  .map(([src, pos, kind, ch]) => {
    const i = pos % Math.max(1, src.length);
    if (kind === "drop") return src.slice(0, i) + src.slice(i + 1);
    if (kind === "dup") return src.slice(0, i) + src[i] + src.slice(i);
    return src.slice(0, i) + ch + src.slice(i + 1);
  });
