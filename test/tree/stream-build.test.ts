// parseAndBuildTree (the tree built while parsing) against parseDts + buildTree: the same
// diagnostics in the same order, and the same tree (its DTS and DTB renderings, spans of nodes
// and properties), on dtc's own test inputs, the real corpus, the curated error cases, and inputs
// whose build fails or aborts before or after a syntax error.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDts } from "../../grammar/index.ts";
import { writeDtb, writeDts } from "../../src/fdt/index.ts";
import { DiagnosticSink, memoryFileHost, rootedFileHost, SourceFile, type FileHost } from "../../src/source/index.ts";
import { buildTree, parseAndBuildTree, type DeviceTree } from "../../src/tree/index.ts";
import { ERROR_CASES } from "../grammar/error-cases.ts";

const shared = new URL("../../../shared/", import.meta.url).pathname;
const hasShared = existsSync(shared + "dtc-tests/MANIFEST.tsv");

function diagnostics(sink: DiagnosticSink): string[] {
  return sink.items.map((d) => `${d.severity} ${d.code} ${d.span ? `${d.span.file.name}:${d.span.start}-${d.span.end}` : "-"} ${d.message}`);
}

/** Everything observable of a finished tree before checks: renderings plus spans and labels. */
function shape(tree: DeviceTree | undefined): string {
  if (!tree) return "no tree";
  const lines: string[] = [writeDts(tree), Buffer.from(writeDtb(tree, { bootCpuId: tree.bootCpuId ?? 0 })).toString("hex"), `plugin ${tree.plugin} boot ${tree.bootCpuId}`];
  for (const n of tree.root.preorder()) {
    lines.push(`${n.path} ${n.labels.join(",")} ${n.spans.map((s) => `${s.file.name}:${s.start}-${s.end}`).join(" ")} omit=${n.omitIfNoRef} ghosts=${JSON.stringify(n.ghosts?.map((g) => [g.name, g.index, g.span?.start]))}`);
    for (const p of n.properties) {
      const s = p.span;
      lines.push(`  ${p.name} ${p.labels.join(",")} ${s ? `${s.file.name}:${s.start}-${s.end}` : "-"} ${JSON.stringify(p.value.markers.map((m) => [m.kind, m.offset, "ref" in m ? m.ref : "", "span" in m ? m.span.start : ""]))}`);
    }
  }
  return lines.join("\n");
}

function both(name: string, text: string, host: FileHost, includeDirs: string[] = []) {
  const options = { host, includeDirs };
  const twoSink = new DiagnosticSink();
  const doc = parseDts(new SourceFile(name, text), options, twoSink);
  const two = doc ? buildTree(doc, options, twoSink) : undefined;
  const oneSink = new DiagnosticSink();
  const one = parseAndBuildTree(new SourceFile(name, text), options, oneSink);
  return { two: { diagnostics: diagnostics(twoSink), tree: shape(two) }, one: { diagnostics: diagnostics(oneSink), tree: shape(one) } };
}

describe("parseAndBuildTree is parseDts + buildTree", () => {
  it("on the curated error cases", () => {
    for (const [name, text] of ERROR_CASES) {
      const r = both(`${name}.dts`, text, memoryFileHost({}));
      expect(r.one, name).toEqual(r.two);
    }
  });

  it("when the build fails, aborts, or warns, before or after a syntax error", () => {
    const cases: Record<string, string> = {
      missingLabel: "/dts-v1/;\n/ { a = <1>; };\n&nope { b = <2>; };\n/ { c = <3>; };\n",
      missingLabelThenSyntax: "/dts-v1/;\n/ { };\n&nope { };\n/ { p = ; };\n",
      badHexEscapeThenMore: '/dts-v1/;\n/ { s = "\\x"; n { t = <1>; }; };\n&n { u = <2>; };\n',
      badHexEscapeThenSyntax: '/dts-v1/;\n/ { s = "\\x"; };\n/ { p = ; };\n',
      missingIncbin: '/dts-v1/;\n/ { b = /incbin/("nothere.bin"); c = <1>; };\n',
      truncation: "/dts-v1/;\n/ { a = /bits/ 8 <0x1ff>; b = <(1 << 40)>; };\n",
      badBits: "/dts-v1/;\n/ { a = /bits/ 7 <1>; };\n",
      headersMismatch: "/dts-v1/;\n/plugin/;\n/dts-v1/;\n/ { };\n",
      pluginOrphans: "/dts-v1/;\n/plugin/;\n&a { x = <&b>; };\n&{/p/q} { y; };\na: &c { };\n",
      memreserveLabels: "/dts-v1/;\nm: /memreserve/ 0x1000 (0x10 * 2);\n/ { };\n",
      mergesAndDeletes:
        "/dts-v1/;\n/ { l1: n@1 { a = <1>; l2: m { b = \"x\"; }; /delete-node/ gone; }; gone { }; };\n&l1 { /delete-property/ a; a = <2>; };\n/delete-node/ &l2;\n/omit-if-no-ref/ &l1;\n/ { /omit-if-no-ref/ k: kept { }; z = &l1, <&l1>; };\nx: &l1 { };\n",
    };
    for (const [name, text] of Object.entries(cases)) {
      const r = both(`${name}.dts`, text, memoryFileHost({}));
      expect(r.one, name).toEqual(r.two);
    }
  });

  it.skipIf(!hasShared)("on every input of dtc's tests", () => {
    const inputs = shared + "dtc-tests/inputs/";
    const host = rootedFileHost(inputs);
    const [header, ...lines] = readFileSync(shared + "dtc-tests/MANIFEST.tsv", "utf8").split("\n").filter(Boolean);
    const fileCol = header!.split("\t").indexOf("file");
    const files = [...new Set(lines.map((l) => l.split("\t")[fileCol]!))].filter((f) => f.endsWith(".dts"));
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const text = host.readText(file);
      if (text === undefined) continue;
      const r = both(file, text, host);
      expect(r.one, file).toEqual(r.two);
    }
  });

  it.skipIf(!existsSync(shared + "corpus/dev"))("on the real corpus boards", () => {
    const dir = shared + "corpus/dev/";
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".pre.dts"))) {
      const r = both(f, readFileSync(dir + f, "latin1"), memoryFileHost({}));
      expect(r.one.diagnostics, f).toEqual(r.two.diagnostics);
      expect(r.one.tree === r.two.tree, f).toBe(true);
    }
  });
});
