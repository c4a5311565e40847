// Every row of dtc's own tests through parse -> buildTree -> checks -> generated nodes -> blob,
// compared byte for byte with the blob dtc wrote (where dtc 1.6.1 and 1.8.1 agree), and every
// row dtc rejects at parse time rejected by parse + build.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { writeDtb } from "../../src/fdt/index.ts";
import { DiagnosticSink, rootedFileHost } from "../../src/source/index.ts";
import { guessBootCpuId } from "../../src/tree/index.ts";
import { finish, optionsFromFlags, parseAndBuild } from "./dts.ts";

const shared = new URL("../../../shared/", import.meta.url).pathname;
const hasShared = existsSync(shared + "dtc-tests/MANIFEST.tsv");

interface Row {
  id: string;
  file: string;
  flags: string[];
  accepted181: boolean;
  outcome181: string;
  sameBlob: boolean;
}

function rows(): Row[] {
  const [header, ...lines] = readFileSync(shared + "dtc-tests/MANIFEST.tsv", "utf8").split("\n").filter(Boolean);
  const cols = header!.split("\t");
  return lines.map((l) => {
    const c = l.split("\t");
    const get = (n: string) => c[cols.indexOf(n)] ?? "";
    return { id: get("id"), file: get("file"), flags: get("dtc_flags").split(/\s+/).filter(Boolean), accepted181: get("dtc181_accepted") === "1", outcome181: get("dtc181_outcome"), sameBlob: get("dtb_same_as_181") === "yes" };
  });
}

describe.skipIf(!hasShared)("dtc-tests through the tree builder", () => {
  const all = hasShared ? rows() : [];
  const inputs = shared + "dtc-tests/inputs/";
  const host = rootedFileHost(inputs);

  function run(row: Row) {
    const opts = optionsFromFlags(row.flags);
    const sink = new DiagnosticSink();
    const text = host.readText(row.file)!;
    const { tree } = parseAndBuild(row.file, text, { ...opts, host }, sink);
    return { tree, sink, opts };
  }

  it("blobs are byte-identical to dtc's for every accepted row", () => {
    const compared: string[] = [];
    const failures: string[] = [];
    for (const row of all) {
      if (!row.accepted181 || !row.sameBlob) continue;
      const { tree, sink, opts } = run(row);
      if (!tree) {
        failures.push(`${row.id}: not built: ${sink.items.find((d) => d.severity === "error")?.message}`);
        continue;
      }
      const { errors } = finish(tree, opts, sink);
      if (errors && !opts.force) {
        failures.push(`${row.id}: check errors: ${sink.items.filter((d) => d.severity === "error").map((d) => d.message).join(" | ")}`);
        continue;
      }
      const blob = writeDtb(tree, { bootCpuId: opts.bootCpu ?? guessBootCpuId(tree) });
      const expected = readFileSync(`${shared}dtc-tests/results/${row.id}.dtb`);
      if (!Buffer.from(blob).equals(expected)) failures.push(`${row.id}: blob differs`);
      compared.push(row.id);
    }
    expect(failures).toEqual([]);
    console.log(`dtc-tests: ${compared.length} blobs compared byte for byte`);
    expect(compared.length).toBeGreaterThan(150);
  });

  it("rows dtc rejects at parse time (rc 1) are rejected by parse + build", () => {
    const failures: string[] = [];
    let count = 0;
    for (const row of all) {
      if (row.accepted181 || !row.outcome181.startsWith("fatal")) continue;
      count++;
      const { tree, sink, opts } = run(row);
      if (!tree) continue;
      // dtc 1.8.1 dies while generating fixups for fixup-ref-to-path: that happens after the build.
      finish(tree, opts, sink);
      if (!sink.items.some((d) => d.severity === "error")) failures.push(row.id);
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(19);
  });
});
