// dtc's own test inputs (shared/dtc-tests/MANIFEST.tsv, with dtc 1.8.1's verdicts) and the real
// boards of shared/corpus/dev: every input dtc rejects at parse level must be rejected at dtc's
// file and line; every other input must parse without a front-end diagnostic.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDts } from "../../grammar/index.ts";
import { DiagnosticSink, SourceFile, type FileHost } from "../../src/source/index.ts";
import { HAVE_SHARED, SHARED_DIR } from "./helpers.ts";
import { sourceValueTokens, valueTokens } from "./roundtrip.ts";
import type { DtsDocument, NodeBody } from "../../grammar/index.ts";

/** Decodes every property value and checks it against its source tokens; returns the count. */
function checkValues(doc: DtsDocument): number {
  let checked = 0;
  const bodies: NodeBody[] = doc.statements.flatMap((s) => (s.kind === "root" || s.kind === "refNode" ? [s.body] : []));
  while (bodies.length > 0) {
    const body = bodies.pop()!;
    for (const p of body.properties) {
      if (p.kind !== "property" || !p.value) continue;
      const expected = sourceValueTokens(p);
      if (expected === undefined) continue;
      expect(valueTokens(p.value)).toEqual(expected);
      checked++;
    }
    for (const c of body.children) if (c.kind === "node") bodies.push(c.body);
  }
  return checked;
}

const INPUTS = join(SHARED_DIR, "dtc-tests", "inputs");

/** Reads files relative to the inputs folder, as `cd inputs && dtc ...` does. */
const inputsHost: FileHost = {
  readText(path) {
    const b = inputsHost.readBytes(path);
    return b === undefined ? undefined : Buffer.from(b).toString("latin1");
  },
  readBytes(path) {
    try {
      return readFileSync(path.startsWith("/") ? path : join(INPUTS, path));
    } catch {
      return undefined;
    }
  },
};

interface Row {
  readonly id: string;
  readonly file: string;
  readonly includeDirs: string[];
  readonly accepted181: boolean;
  readonly error181: string;
}

function manifest(): Row[] {
  const lines = readFileSync(join(SHARED_DIR, "dtc-tests", "MANIFEST.tsv"), "latin1").trim().split("\n");
  const header = lines[0]!.split("\t");
  const col = (name: string) => header.indexOf(name);
  return lines.slice(1).map((line) => {
    const f = line.split("\t");
    const flags = f[col("dtc_flags")]!.split(" ");
    const includeDirs: string[] = [];
    for (let i = 0; i < flags.length; i++) if (flags[i] === "-i") includeDirs.push(flags[++i]!);
    return { id: f[col("id")]!, file: f[col("file")]!, includeDirs, accepted181: f[col("dtc181_accepted")] === "1", error181: f[col("dtc181_error_first_line")] ?? "" };
  });
}

function run(file: string, includeDirs: readonly string[]) {
  const sink = new DiagnosticSink();
  const text = inputsHost.readText(file)!;
  const doc = parseDts(new SourceFile(file, text), { host: inputsHost, includeDirs }, sink);
  return { doc, diagnostics: sink.items };
}

/** dtc's front-end errors: what this parser must reproduce (the rest is the tree's and the checks'). */
const FRONT_END = /syntax error|Lexical error|Properties must precede subnodes|Couldn't open|nested too deeply|\\x used/;

describe.skipIf(!HAVE_SHARED)("dtc-tests MANIFEST", () => {
  const rows = HAVE_SHARED ? manifest() : [];
  const rejected = rows.filter((r) => !r.accepted181 && FRONT_END.test(r.error181));
  const others = rows.filter((r) => !rejected.includes(r));

  it("has the rows this suite expects", () => {
    expect(rows.length).toBeGreaterThanOrEqual(200);
    expect(rejected.length).toBeGreaterThanOrEqual(15);
    console.log(`MANIFEST: ${rows.length} rows, ${rejected.length} rejected by dtc's front end, ${others.length} parse`);
  });

  it.each(rejected.map((r) => [r.id, r] as const))("rejects %s where dtc 1.8.1 does", (_id, row) => {
    const { doc, diagnostics } = run(row.file, row.includeDirs);
    expect(doc).toBeUndefined();
    const first = diagnostics[0]!;
    const m = /^(?:Error|Lexical error): ([^:]+):(\d+)\.\d+/.exec(row.error181);
    if (m) {
      const p = first.span!.file.positionAt(first.span!.start);
      expect(`${p.file}:${p.line}`).toBe(`${m[1]}:${m[2]}`);
      if (!row.error181.includes("syntax error")) expect(row.error181).toContain(first.message);
    } else {
      // FATAL errors have no position in dtc: compare the message.
      expect(row.error181).toBe(`FATAL ERROR: ${first.message}`);
    }
  });

  it.each(others.map((r) => [r.id, r] as const))("parses %s", (_id, row) => {
    const { doc, diagnostics } = run(row.file, row.includeDirs);
    expect(diagnostics.map((d) => d.message)).toEqual([]);
    expect(doc).toBeDefined();
    checkValues(doc!);
  });
});

describe.skipIf(!HAVE_SHARED)("real boards (corpus/dev)", () => {
  const dir = join(SHARED_DIR, "corpus", "dev");
  const files = HAVE_SHARED ? readdirSync(dir).filter((f) => f.endsWith(".pre.dts")) : [];

  it.each(files)("parses %s", (file) => {
    const sink = new DiagnosticSink();
    const doc = parseDts(new SourceFile(file, readFileSync(join(dir, file)).toString("latin1")), { host: inputsHost, includeDirs: [] }, sink);
    expect(sink.items.map((d) => d.message)).toEqual([]);
    expect(doc).toBeDefined();
    // Every value decodes back to exactly its source tokens.
    const values = checkValues(doc!);
    expect(values).toBeGreaterThan(100);
  });
});
